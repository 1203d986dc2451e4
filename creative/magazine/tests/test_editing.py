"""Writing an article: save_article (links, covered territories, revisions), the editor pages,
the cover image check, spam holding, the seeded categories."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creative.audit.models import AuditEntry
from creative.innovations.models import Innovation
from creative.magazine.categories import DEFAULT_CATEGORIES
from creative.magazine.editing import refresh_covered_territories, save_article, snapshot
from creative.magazine.models import Article, ArticleFiche, Category
from creative.moderation.models import Visibility
from creative.territories.models import Territory
from tests.factories import InnovationFactory, UserFactory, commune

from . import test_editing_support as support
from .test_editing_support import client_for, form_data, image_bytes, make_article

pytestmark = pytest.mark.django_db

# The shared fixtures of test_editing_support.
_quiet_antispam = support._quiet_antispam
article = support.article
people = support.people


def test_default_categories_are_seeded():
    assert set(Category.objects.values_list("slug", flat=True)) >= {slug for slug, _name in DEFAULT_CATEGORIES}
    assert Category.objects.get(slug="compte-rendu-atelier").name == "Compte rendu d'atelier"


# save_article ----------------------------------------------------------------------------------

def test_covered_territories_hold_every_level(article):
    brest = commune("Brest")
    covered = set(article.covered_territories.all())
    assert covered == {brest, *brest.ancestors}
    levels = {t.level for t in covered}
    assert levels == {Territory.Level.COMMUNE, Territory.Level.EPCI, Territory.Level.PAYS,
                      Territory.Level.DEPARTEMENT, Territory.Level.REGION}


def test_covered_territories_follow_a_change(people, article):
    quimper = commune("Quimper")
    save_article(article, people["author"], territories=[quimper])
    covered = set(article.covered_territories.all())
    assert quimper in covered and commune("Brest") not in covered
    assert Territory.objects.get(slug="pays-de-brest") not in covered
    article.territories.clear()
    refresh_covered_territories(article)
    assert not article.covered_territories.exists()


def test_first_save_writes_revision_one_signed_by_the_writer(people):
    article = make_article(people["author"])
    assert article.revision_number == 1
    revision = article.revisions.get()
    assert revision.number == 1 and revision.author == people["author"]
    assert revision.snapshot["title"] == article.title
    assert revision.snapshot["territories"] == ["brest"]
    assert list(article.signatures.values_list("user", flat=True)) == [people["author"].pk]
    assert article.created_by == people["author"]


def test_revision_only_when_the_content_changed(people, article):
    assert save_article(article, people["author"]) is None
    assert article.revisions.count() == 1
    article.body = "Un texte réécrit."
    revision = save_article(article, people["author"], summary="réécriture")
    assert revision.number == 2 and revision.summary == "réécriture"
    assert Article.objects.get(pk=article.pk).revision_number == 2
    # A change of links is a change too.
    assert save_article(article, people["author"], themes=[]) is None
    fiche = InnovationFactory()
    assert save_article(article, people["author"], fiches=[(fiche, "la première")]).number == 3


def test_fiches_are_ordered_with_notes_and_without_repeats(people, article):
    first, second = InnovationFactory(title="Alpha"), InnovationFactory(title="Bêta")
    save_article(article, people["author"], fiches=[(second, "en premier"), first, {"innovation": second}])
    links = list(ArticleFiche.objects.filter(article=article))
    assert [(link.innovation, link.position, link.note) for link in links] == [
        (second, 0, "en premier"), (first, 1, ""),
    ]
    assert [f["title"] for f in snapshot(article)["fiches"]] == ["Bêta", "Alpha"]


def test_authors_are_ordered(people, article):
    save_article(article, people["author"], authors=[people["coauthor"], people["author"], people["coauthor"]])
    assert list(article.signatures.values_list("user", flat=True)) == [people["coauthor"].pk, people["author"].pk]


# The editor pages --------------------------------------------------------------------------------

def test_write_an_article(client, people):
    fiche = InnovationFactory(title="Repair café du Bellevue")
    client_for(client, people["author"])
    data = form_data(fiches=f"{fiche.slug} | le premier de Brest", coauthors=people["coauthor"].profile.slug,
                     themes=[])
    response = client.post(reverse("magazine:create"), data)
    article = Article.objects.get(title="Une ressourcerie ouvre à Brest")
    assert response.status_code == 302 and response["Location"] == reverse("magazine:edit", args=[article.pk])
    assert article.state == Article.State.DRAFT
    assert list(article.signatures.values_list("user", flat=True)) == [people["author"].pk, people["coauthor"].pk]
    assert article.fiche_links.get().note == "le premier de Brest"
    assert commune("Brest") in article.covered_territories.all()
    assert AuditEntry.objects.filter(action="magazine.article.created", target_id=str(article.pk)).exists()


def test_a_fiche_may_be_named_by_its_exact_title(client, people):
    fiche = InnovationFactory(title="Le Jardin partagé de Kerourien")
    client_for(client, people["author"])
    client.post(reverse("magazine:create"), form_data(fiches="le jardin partagé de kerourien | un jardin"))
    assert Article.objects.get().fiche_links.get().innovation == fiche


def test_unknown_lines_are_named_in_french(client, people):
    client_for(client, people["author"])
    draft = InnovationFactory(state=Innovation.State.DRAFT)
    response = client.post(reverse("magazine:create"), form_data(
        fiches=f"{draft.slug}\nn-existe-pas", coauthors="Personne Inconnue", communes="Atlantide"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Fiches publiées introuvables" in content and "n-existe-pas" in content
    assert "aucun profil public" in content
    assert not Article.objects.exists()


def test_a_private_profile_cannot_sign(client, people):
    private = UserFactory(profile__display_name="Discrète")
    client_for(client, people["author"])
    response = client.post(reverse("magazine:create"), form_data(coauthors=private.profile.display_name))
    assert response.status_code == 200 and not Article.objects.exists()


def test_a_dossier_needs_two_fiches(client, people):
    client_for(client, people["author"])
    one = InnovationFactory()
    response = client.post(reverse("magazine:create"), form_data(is_dossier="on", fiches=one.slug))
    assert response.status_code == 200 and "au moins deux fiches" in response.content.decode()
    two = InnovationFactory()
    response = client.post(reverse("magazine:create"), form_data(is_dossier="on", fiches=f"{one.slug}\n{two.slug}"))
    assert response.status_code == 302
    assert Article.objects.get().is_dossier


def test_preview_renders_sanitised_markdown_without_saving(client, people):
    client_for(client, people["author"])
    response = client.post(reverse("magazine:create"), form_data(body="**gras** <script>alert(1)</script>",
                                                                preview="1"))
    content = response.content.decode()
    assert response.status_code == 200 and "<strong>gras</strong>" in content
    assert "<script>alert(1)" not in content
    assert not Article.objects.exists()


def test_edit_keeps_signers_and_writes_a_revision(client, people, article):
    client_for(client, people["author"])
    page = client.get(reverse("magazine:edit", args=[article.pk]))
    assert people["coauthor"].profile.slug in page.content.decode()
    data = form_data(title=article.title, lead=article.lead, body="Texte revu.",
                     coauthors=people["coauthor"].profile.slug)
    response = client.post(reverse("magazine:edit", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "Texte revu." and article.revision_number == 2
    assert set(article.signatures.values_list("user", flat=True)) == {people["author"].pk, people["coauthor"].pk}
    # Saving the same again: no new version.
    client.post(reverse("magazine:edit", args=[article.pk]), data)
    assert Article.objects.get(pk=article.pk).revision_number == 2


def test_an_editor_editing_does_not_sign(client, people, article):
    client_for(client, people["editor"])
    data = form_data(title=article.title, lead=article.lead, body="Corrigé.", coauthors=people["coauthor"].profile.slug)
    client.post(reverse("magazine:edit", args=[article.pk]), data)
    signers = set(article.signatures.values_list("user", flat=True))
    assert people["editor"].pk not in signers and people["coauthor"].pk in signers


def test_mine_lists_what_i_sign(client, people, article):
    other = make_article(people["contributor"], title="Pas le mien")
    client_for(client, people["coauthor"])
    content = client.get(reverse("magazine:mine")).content.decode()
    assert article.title in content and other.title not in content


# Cover image ----------------------------------------------------------------------------------

def test_cover_is_reencoded_and_needs_a_description(client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client_for(client, people["author"])
    upload = SimpleUploadedFile("photo.png", image_bytes(), content_type="image/png")
    response = client.post(reverse("magazine:create"), {**form_data(), "cover": upload})
    assert response.status_code == 200 and "cover_alt" in response.context["form"].errors
    upload = SimpleUploadedFile("photo.png", image_bytes(), content_type="image/png")
    response = client.post(reverse("magazine:create"), {**form_data(cover_alt="La façade"), "cover": upload})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.cover.name.startswith("magazine/") and "article-" in article.cover.name
    assert article.cover.name.endswith(".png")


def test_a_lying_file_is_refused(client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client_for(client, people["author"])
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 'not an image'; ?>" * 10, content_type="image/jpeg")
    response = client.post(reverse("magazine:create"), {**form_data(cover_alt="Une photo"), "cover": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["cover"]
    assert not Article.objects.exists()


def test_a_truncated_image_is_refused(client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client_for(client, people["author"])
    data = image_bytes("JPEG", size=(300, 200))
    truncated = SimpleUploadedFile("photo.jpg", data[: len(data) // 2], content_type="image/jpeg")
    response = client.post(reverse("magazine:create"), {**form_data(cover_alt="Une photo"), "cover": truncated})
    assert response.status_code == 200
    assert response.context["form"].errors["cover"]
    assert not Article.objects.exists()


# Spam ----------------------------------------------------------------------------------------------

def test_spam_is_held_for_moderation(client, people, settings):
    settings.ANTISPAM_HOLD_SCORE = 0.01
    settings.ANTISPAM_NEW_ACCOUNT_MAX_LINKS = 100
    client_for(client, people["author"])
    body = "ACHETEZ MAINTENANT !!! https://spam.example https://spam2.example https://spam3.example casino viagra"
    client.post(reverse("magazine:create"), form_data(body=body))
    article = Article.objects.get()
    assert article.visibility == Visibility.HELD
    assert AuditEntry.objects.filter(action="magazine.article.held").exists()


def test_ordinary_text_stays_visible(client, people):
    client_for(client, people["author"])
    client.post(reverse("magazine:create"), form_data())
    assert Article.objects.get().visibility == Visibility.VISIBLE
