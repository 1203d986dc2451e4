"""The layers where the site's content is written: fiches (logged for editors), profiles (held), links."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.antispam.links import find_links, max_links_for, validate_link_limit
from creative.audit.models import AuditEntry
from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory, UserFactory

from . import corpus
from .helpers import page_text

pytestmark = pytest.mark.django_db

THREE_LINKS = (
    "Nos partenaires : [la mairie](https://mairie.example.org), [le centre social](https://centre.example.org) "
    "et la médiathèque (https://mediatheque.example.org)."
)
LIMIT_MESSAGE = "Les nouveaux comptes peuvent mettre au plus 2 liens par texte pendant leurs 7 premiers jours"


def aged(user, days):
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=days))
    user.refresh_from_db()
    return user


@pytest.fixture
def newcomer(territories):
    return UserFactory(profile__display_name="Nouvelle Venue")


def draft_of(user):
    fiche = InnovationFactory(title="Repair café du Bellevue", state=Innovation.State.DRAFT, communes=["Brest"])
    Authorship.objects.create(innovation=fiche, user=user, is_creator=True)
    return fiche


def save_sections(client, fiche, **answers):
    url = reverse("editorial:edit", args=[fiche.pk, "code-source"])
    page = client.get(url)
    base = re.search(r'name="meta-base_number" value="(\d+)"', page.text).group(1)
    return client.post(url, {"meta-base_number": base, "action": "save",
                             **{f"section_{slug}": text for slug, text in answers.items()}})


def suspicions(fiche):
    return AuditEntry.objects.filter(action="spam.suspected", target_id=str(fiche.pk))


# Fiches: held texts are saved, and logged for the editors ------------------------------------------------

def test_the_2013_spam_in_a_fiche_section_is_saved_and_logged_for_editors(client, newcomer):
    fiche = draft_of(newcomer)
    client.force_login(newcomer)
    response = save_sections(client, fiche, origine=corpus.SEED_SPAM)
    assert response.status_code == 302  # fiches are reviewed before publication: never blocked here
    assert fiche.answers.get(section__slug="origine").body == corpus.SEED_SPAM
    entry = suspicions(fiche).get()
    assert entry.actor == newcomer and entry.data["reasons"] == ["vocabulary"] and entry.data["score"] >= 5
    # Saved again unchanged: nothing new to score, nothing new in the log.
    assert save_sections(client, fiche, origine=corpus.SEED_SPAM).status_code == 302
    assert suspicions(fiche).count() == 1


def test_the_2013_spam_in_a_draft_section_is_held_in_the_moderation_queue(client, newcomer):
    from creative.moderation import services as moderation
    from creative.moderation.models import ModerationItem

    fiche = draft_of(newcomer)
    client.force_login(newcomer)
    save_sections(client, fiche, origine=corpus.SEED_SPAM)
    item = ModerationItem.objects.get(object_id=str(fiche.pk), content_type__model="innovation")
    assert item.status == ModerationItem.Status.OPEN and item.cause == ModerationItem.Cause.SPAM
    assert "coffre" in item.excerpt.lower()  # the moderator reads the section, not only the title
    moderator = UserFactory(roles=[Role.MODERATOR])
    client.force_login(moderator)
    assert "Repair café du Bellevue" in page_text(client.get(reverse("moderation:queue")))
    # Removed as spam: the draft is refused, so it can never be submitted or published as it is.
    moderation.delete_spam(item, moderator)
    fiche.refresh_from_db()
    assert fiche.state == Innovation.State.REJECTED and "indésirable" in fiche.rejection_reason


def test_spam_proposed_on_a_published_fiche_waits_for_editors_without_hiding_it(client, newcomer):
    from creative.moderation.models import ModerationItem

    fiche = InnovationFactory(title="Jardin partagé", state=Innovation.State.PUBLISHED, communes=["Brest"])
    client.force_login(newcomer)
    assert save_sections(client, fiche, origine=corpus.SEED_SPAM).status_code == 302
    fiche.refresh_from_db()
    assert fiche.state == Innovation.State.PUBLISHED  # the live text is untouched: only a proposal
    assert suspicions(fiche).exists()
    assert not ModerationItem.objects.filter(object_id=str(fiche.pk)).exists()


def test_editors_read_the_suspicion_in_the_audit_log(client, newcomer):
    fiche = draft_of(newcomer)
    client.force_login(newcomer)
    save_sections(client, fiche, origine=corpus.SEED_SPAM)
    client.force_login(UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]))
    assert "contenu suspecté d'être du spam" in page_text(client.get(reverse("audit:log")))


def test_ordinary_sections_leave_no_suspicion(client, newcomer):
    fiche = draft_of(newcomer)
    client.force_login(newcomer)
    assert save_sections(client, fiche, origine=corpus.ORDINARY_TEXTS[14], conseils=corpus.ORDINARY_TEXTS[2]
                         ).status_code == 302
    assert not suspicions(fiche).exists()


def test_a_fiche_created_with_spam_is_created_and_logged(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("editorial:create"), {
        "title": "Coffres-forts", "status": "en-cours", "description": corpus.SEED_SPAM,
        "links-TOTAL_FORMS": "1", "links-INITIAL_FORMS": "0", "action": "save",
    })
    assert response.status_code == 302
    assert suspicions(Innovation.objects.get()).exists()


def test_a_failing_check_never_blocks_the_save(client, newcomer, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("creative.antispam.services.assess", broken)
    fiche = draft_of(newcomer)
    client.force_login(newcomer)
    assert save_sections(client, fiche, origine=corpus.SEED_SPAM).status_code == 302
    assert fiche.answers.get(section__slug="origine").body == corpus.SEED_SPAM
    assert "saved unchecked" in caplog.text


# Links: new accounts get a few, with a helpful message -----------------------------------------------

def test_max_links_for_each_kind_of_account(settings, newcomer):
    assert max_links_for(None) == 2 and max_links_for(newcomer) == 2
    assert max_links_for(aged(UserFactory(), 30)) is None
    for role in (Role.TRUSTED, Role.EDITOR, Role.MODERATOR):
        assert max_links_for(UserFactory(roles=[role])) is None
    settings.ANTISPAM_NEW_ACCOUNT_MAX_LINKS = 5
    settings.ANTISPAM_NEW_ACCOUNT_DAYS = 60
    assert max_links_for(aged(UserFactory(), 30)) == 5


def test_the_validator_counts_plain_autolinked_and_markdown_links(newcomer):
    assert len(find_links(THREE_LINKS)) == 3
    assert find_links("Voir <https://a.example/x>, www.b.example et [c](https://c.example \"titre\").") == [
        "https://a.example/x", "www.b.example", "https://c.example"]
    validate_link_limit(corpus.ORDINARY_TEXTS[13], newcomer)  # two: fine
    with pytest.raises(Exception, match=LIMIT_MESSAGE) as refused:
        validate_link_limit(THREE_LINKS, newcomer)
    assert "ce texte en contient 3" in str(refused.value) and "un accompagnateur peut vous aider" in str(refused.value)


def test_a_new_account_puts_three_links_in_a_section_and_keeps_its_text(client, newcomer):
    fiche = draft_of(newcomer)
    client.force_login(newcomer)
    response = save_sections(client, fiche, origine=THREE_LINKS)
    assert response.status_code == 200
    text = page_text(response)
    assert LIMIT_MESSAGE in text and "un accompagnateur peut vous aider" in text
    assert "Nos partenaires : [la mairie](https://mairie.example.org)" in text  # what was typed is shown again
    assert not fiche.answers.filter(section__slug="origine").exists()


@pytest.mark.parametrize("who", ["trusted", "regular"])
def test_trusted_and_established_accounts_have_no_link_limit(client, territories, who):
    user = UserFactory(roles=[Role.TRUSTED]) if who == "trusted" else aged(UserFactory(), 30)
    fiche = draft_of(user)
    client.force_login(user)
    assert save_sections(client, fiche, origine=THREE_LINKS).status_code == 302
    assert fiche.answers.get(section__slug="origine").body == THREE_LINKS


def test_the_identity_step_limits_links_of_the_description_for_new_accounts(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("editorial:create"), {
        "title": "Atelier vélo", "status": "en-cours", "description": THREE_LINKS,
        "links-TOTAL_FORMS": "1", "links-INITIAL_FORMS": "0", "action": "save",
    })
    assert response.status_code == 200 and not Innovation.objects.exists()
    assert LIMIT_MESSAGE in page_text(response)


# Profiles: a bio scored as spam is saved and held for a moderator: the public page waits ----------------

HELD_MESSAGE = "Votre page publique attend la relecture d'un modérateur"


def post_profile(client, bio, display_name="Nouvelle Venue", **fields):
    return client.post(reverse("accounts:profile_edit"), {"display_name": display_name, "bio": bio, **fields})


def test_the_2013_spam_as_a_new_accounts_bio_is_held_not_refused(client, newcomer):
    from creative.moderation.models import ModerationItem, Visibility

    client.force_login(newcomer)
    response = post_profile(client, corpus.SEED_SPAM, is_public="on")
    assert response.status_code == 302
    assert HELD_MESSAGE in page_text(client.get(response["Location"]))
    newcomer.profile.refresh_from_db()
    assert newcomer.profile.bio == corpus.SEED_SPAM  # kept, not refused
    assert newcomer.profile.visibility == Visibility.HELD
    item = ModerationItem.objects.open().for_object(newcomer.profile).get()
    assert item.cause == ModerationItem.Cause.SPAM and item.spam_score >= 5 and item.author == newcomer
    assert corpus.SEED_SPAM[:60] in item.excerpt


@pytest.mark.parametrize("index", [0, 2, 5, 9, 13])
def test_ordinary_bios_of_new_accounts_are_saved(client, newcomer, index):
    client.force_login(newcomer)
    assert post_profile(client, corpus.ORDINARY_TEXTS[index]).status_code == 302
    newcomer.profile.refresh_from_db()
    assert newcomer.profile.bio == corpus.ORDINARY_TEXTS[index]


def test_a_bio_with_too_many_links_gets_the_new_account_message(client, newcomer):
    client.force_login(newcomer)
    response = post_profile(client, THREE_LINKS)
    assert response.status_code == 200 and LIMIT_MESSAGE in page_text(response)


def test_the_same_bio_with_a_link_on_a_second_new_account_is_held(client, territories):
    from creative.moderation.models import Visibility

    bio = corpus.ORDINARY_TEXTS[6]  # one link
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    assert post_profile(client, bio).status_code == 302
    assert post_profile(client, bio, display_name="Autre nom").status_code == 302  # one's own bio again
    first.profile.refresh_from_db()
    assert first.profile.visibility == Visibility.VISIBLE
    client.force_login(second)
    response = post_profile(client, bio)
    assert response.status_code == 302
    assert HELD_MESSAGE in page_text(client.get(response["Location"]))
    second.profile.refresh_from_db()
    assert second.profile.bio == bio and second.profile.visibility == Visibility.HELD


def test_an_unchanged_bio_is_not_judged_again(client, newcomer):
    newcomer.profile.bio = corpus.SEED_SPAM  # written before the anti-spam existed
    newcomer.profile.save()
    client.force_login(newcomer)
    assert post_profile(client, corpus.SEED_SPAM, display_name="Nom corrigé").status_code == 302
    newcomer.profile.refresh_from_db()
    assert newcomer.profile.visibility == "visible"  # only the new name was judged
