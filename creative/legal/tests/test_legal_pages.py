"""Legal pages: seeded by migration, public at fixed addresses, edited by administrators only, audited."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from creative.accounts.roles import Role
from creative.audit.models import AuditEntry
from creative.legal.defaults import SLUGS, seed_pages
from creative.legal.models import PLACEHOLDER_MARK, LegalPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "mentions-legales": "/mentions-legales/",
    "conditions-d-utilisation": "/conditions-d-utilisation/",
    "confidentialite": "/confidentialite/",
}


@pytest.fixture
def people(db):
    return {
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR], profile__display_name="Alice Admin"),
        "editor": UserFactory(roles=[Role.EDITOR]),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "contributor": UserFactory(),
    }


def page(slug):
    return LegalPage.objects.get(slug=slug)


# --- The pages ---------------------------------------------------------------------------------


def test_the_three_pages_exist_after_migrate_with_their_texts(client):
    assert sorted(LegalPage.objects.values_list("slug", flat=True)) == sorted(SLUGS) == sorted(ADDRESSES)
    for slug, address in ADDRESSES.items():
        assert reverse("legal:page", args=[slug]) == address
        response = client.get(address)
        assert response.status_code == 200, slug
        content = response.content.decode()
        assert f"<h1>{escape(page(slug).title)}</h1>" in content
        assert len(page(slug).body) > 1500, slug  # a real starting text, not a stub
    assert "Directrice ou directeur de la publication" in page("mentions-legales").body
    assert "Hébergement" in page("mentions-legales").body


def test_the_default_texts_name_the_site_and_mark_what_the_operator_fills_in(settings):
    for legal_page in LegalPage.objects.all():
        assert "{site}" not in legal_page.body
        assert legal_page.needs_completion and PLACEHOLDER_MARK in legal_page.body
    assert settings.SITE_NAME in page("conditions-d-utilisation").body


def test_the_terms_explain_the_licence_consent_and_moderation():
    body = page("conditions-d-utilisation").body
    # The same step, licences and confirmation as the guided editor's licence step.
    assert "« Licence et envoi »" in body and "CC BY-SA 4.0" in body and "CC0" in body
    assert "vous acceptez que la fiche" in body and "ne peut pas être retirée" in body
    assert "Contributeur anonyme" in body
    assert "modération" in body and "relue par l'équipe d'accompagnement éditorial" in body


def test_the_privacy_page_explains_what_is_kept_and_links_to_download_and_delete(client):
    body = page("confidentialite").body
    assert "jamais affichée" in body and "aucun cookie de mesure" in body
    content = client.get("/confidentialite/").content.decode()
    for name in ("accounts:personal_data", "accounts:delete_account", "accounts:profile_edit"):
        assert f'href="{reverse(name)}"' in content, name


def test_unknown_addresses_and_missing_pages_are_404(client):
    assert client.get("/pas-une-page-legale/").status_code == 404
    LegalPage.objects.filter(slug="mentions-legales").delete()
    assert client.get("/mentions-legales/").status_code == 404


def test_seeding_again_never_overwrites_an_administrators_text():
    LegalPage.objects.filter(slug="confidentialite").update(body="Notre texte.")
    LegalPage.objects.filter(slug="mentions-legales").delete()
    seed_pages()
    assert page("confidentialite").body == "Notre texte."
    assert page("mentions-legales").needs_completion


def test_the_body_is_markdown_rendered_and_sanitised(client):
    LegalPage.objects.filter(slug="mentions-legales").update(body=(
        "## Éditeur\n\nUne **association**. [Contact](/confidentialite/)\n\n"
        "<script>alert(1)</script>\n\n[piège](javascript:alert(2)) <img src=x onerror=alert(3)>"
    ))
    content = client.get("/mentions-legales/").content.decode()
    main = content.split('<main', 1)[1].split("</main>", 1)[0]
    assert "<h3>Éditeur</h3>" in main  # author headings sit below the page's h1/h2
    assert "<strong>association</strong>" in main
    assert '<a href="/confidentialite/" rel="nofollow ugc noopener">Contact</a>' in main
    assert "&lt;script&gt;" in main and "<script" not in main
    assert 'href="javascript' not in main and "<img" not in main


def test_the_footer_links_to_the_legal_pages_everywhere(client, people):
    content = client.get(reverse("home")).content.decode()
    footer = content.split('<footer', 1)[1]
    for address in ADDRESSES.values():
        assert f'href="{address}"' in footer
    assert reverse("accounts:personal_data") not in footer  # only for signed-in people
    client.force_login(people["contributor"])
    footer = client.get(reverse("home")).content.decode().split('<footer', 1)[1]
    assert f'href="{reverse("accounts:personal_data")}"' in footer


def test_the_signup_page_links_to_the_terms_and_privacy_pages(client):
    content = client.get(reverse("account_signup")).content.decode()
    assert """href="/conditions-d-utilisation/">conditions d'utilisation</a>""" in content
    assert 'href="/confidentialite/">Confidentialité</a>' in content


# --- The admin ---------------------------------------------------------------------------------


def change_url(slug):
    return reverse("admin:legal_legalpage_change", args=[page(slug).pk])


def test_only_administrators_see_and_change_legal_pages(people):
    expected = {"administrator": 200, "editor": 403, "moderator": 403}
    for persona, status in expected.items():
        client = Client()
        client.force_login(people[persona])
        assert client.get(reverse("admin:legal_legalpage_changelist")).status_code == status, persona
        assert client.get(change_url("confidentialite")).status_code == status, persona
        response = client.post(change_url("confidentialite"), {"title": "Piraté", "body": "Piraté"})
        assert response.status_code == 403 or persona == "administrator", persona
    assert page("confidentialite").title == "Piraté"  # the administrator's post, the only one accepted
    for persona, listed in (("editor", False), ("administrator", True)):
        index = Client()
        index.force_login(people[persona])
        assert (reverse("admin:legal_legalpage_changelist") in index.get(reverse("admin:index")).content.decode()) \
            is listed, persona


def test_nobody_adds_or_deletes_a_legal_page(people, client):
    client.force_login(people["administrator"])
    assert client.get(reverse("admin:legal_legalpage_add")).status_code == 403
    delete = reverse("admin:legal_legalpage_delete", args=[page("confidentialite").pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert LegalPage.objects.count() == 3


def test_saving_a_page_is_recorded_in_the_audit_log_with_its_author(people, client):
    client.force_login(people["administrator"])
    body = page("mentions-legales").body.replace("[à compléter : nom de l'association]", "Les Amis de la Carte")
    response = client.post(change_url("mentions-legales"), {"title": "Mentions légales", "body": body})
    assert response.status_code == 302
    saved = page("mentions-legales")
    assert "Les Amis de la Carte" in saved.body and saved.updated_by == people["administrator"]
    entry = AuditEntry.objects.get(action="legal.updated")
    assert entry.actor == people["administrator"] and entry.actor_name == "Alice Admin"
    assert entry.data == {"slug": "mentions-legales", "fields": ["body"]}
    assert entry.target_repr == "Mentions légales"
    # Saved again without a change: still one entry per save.
    client.post(change_url("mentions-legales"), {"title": "Mentions légales", "body": body})
    assert AuditEntry.objects.filter(action="legal.updated").count() == 2


def test_the_admin_warns_while_a_page_holds_placeholders(people, client):
    client.force_login(people["administrator"])
    response = client.get(reverse("admin:legal_legalpage_changelist"))
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(warnings) == 1 and "« Mentions légales »" in warnings[0] and "À compléter" in warnings[0]
    assert "Mentions légales" in response.content.decode().split('class="messagelist"', 1)[1][:1000]
    LegalPage.objects.filter(slug="confidentialite").update(body="Complet.")
    complete = client.get(change_url("confidentialite"))
    assert not list(get_messages(complete.wsgi_request))
    incomplete = client.get(change_url("mentions-legales"))
    assert [m.level_tag for m in get_messages(incomplete.wsgi_request)] == ["warning"]


@pytest.mark.django_db(transaction=True)
def test_the_pages_come_back_after_a_database_flush(client):
    # Transactional tests empty every table; post_migrate seeds the pages again, as it does the taxonomy.
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert sorted(LegalPage.objects.values_list("slug", flat=True)) == sorted(SLUGS)
    assert client.get("/confidentialite/").status_code == 200
