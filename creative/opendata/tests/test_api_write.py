"""The write API goes through the web editor's path: revisions, proposals, anti-spam, permissions."""

import pytest

from creative.accounts.roles import Role
from creative.antispam.tests import corpus
from creative.audit.models import AuditEntry
from creative.editorial.models import Revision
from creative.innovations.models import Authorship, Innovation
from creative.opendata import tokens
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/innovations/"


@pytest.fixture(autouse=True)
def _antispam(settings):
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


def bearer(user):
    _token, raw = tokens.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, user_headers, body):
    return client.post(URL, body, content_type="application/json", **user_headers)


def patch(client, user_headers, slug, body):
    return client.patch(f"{URL}{slug}/", body, content_type="application/json", **user_headers)


@pytest.fixture
def author(territories):
    return UserFactory(profile__display_name="Maëlle Autrice")


def test_create_makes_a_draft_with_its_first_revision(client, author):
    body = {"title": "Repair café du quartier", "pitch": "Réparer ensemble.", "themes": ["numerique"],
            "places": [{"commune": "29019", "address": "Place Guérin"}],
            "links": [{"label": "Site", "url": "https://repair.example.org"}],
            "sections": {"origine": "Un atelier entre voisins."}, "carrier_kind": "association",
            "status": "demarrage", "start_year": 2021}
    response = post(client, bearer(author), body)
    assert response.status_code == 201, response.content
    data = response.json()
    fiche = Innovation.objects.get(slug=data["slug"])
    assert data["state"] == "draft" and fiche.state == Innovation.State.DRAFT
    assert fiche.authorships.get().user == author and fiche.authorships.get().is_creator
    assert fiche.places.get().commune.name == "Brest" and fiche.places.get().address == "Place Guérin"
    assert list(fiche.themes.values_list("slug", flat=True)) == ["numerique"]
    assert fiche.answers.get(section__slug="origine").body == "Un atelier entre voisins."
    assert fiche.links.get().url == "https://repair.example.org" and fiche.start_year == 2021
    revision = fiche.revisions.get()
    assert revision.kind == Revision.Kind.CREATE and revision.author == author and fiche.revision_number == 1
    assert AuditEntry.objects.filter(action="innovation.created", actor=author, target_id=str(fiche.pk)).exists()
    # A draft is not public.
    assert client.get(f"{URL}{fiche.slug}/").status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "X", "themes": ["inconnu"]}, "themes"),
    ({"title": "X", "status": "fini"}, "status"),
    ({"title": "X", "website": "pas une adresse"}, "website"),
    ({"title": "X", "places": [{"commune": "00000"}]}, "places.0"),
    ({"title": "X", "places": [{"commune": "29019", "latitude": 48.4}]}, "places.0"),
    ({"title": "X", "links": [{"label": "", "url": "https://a.example.org"}]}, "links.0"),
    ({"title": "X", "sections": {"inconnue": "texte"}}, "sections"),
    ({"title": "X", "licence": "WTFPL"}, "licence"),
    ({"title": "X", "carrier_kind": "nope"}, "carrier_kind"),
])
def test_invalid_fields_are_422_with_the_editors_messages(client, author, body, field):
    response = post(client, bearer(author), body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not Innovation.objects.exists()


@pytest.mark.parametrize("body", ['{"title": ', "[]", '{"title": 5}', '{"pitch": "x"}', '{"title": "x" }x'])
def test_malformed_bodies_are_json_errors(client, author, body):
    response = client.post(URL, body, content_type="application/json", **bearer(author))
    assert response.status_code in (400, 422) and response.json()["detail"]


def test_new_accounts_have_the_editors_link_limit(client, author):
    links = " ".join(f"https://site{i}.example.org" for i in range(6))
    response = post(client, bearer(author), {"title": "Liens", "description": links})
    assert response.status_code == 422 and "description" in response.json()["errors"]


def test_unverified_accounts_cannot_write(client, territories):
    user = UserFactory(verified=False)
    response = post(client, bearer(user), {"title": "X"})
    assert response.status_code == 403 and response.json()["detail"]


def test_author_edits_their_draft_live(client, author):
    slug = post(client, bearer(author), {"title": "Mon projet", "pitch": "Avant."}).json()["slug"]
    response = patch(client, bearer(author), slug, {"pitch": "Après.", "summary": "Nouveau résumé"})
    assert response.status_code == 200 and response.json()["live"] is True
    fiche = Innovation.objects.get(slug=slug)
    assert fiche.pitch == "Après." and fiche.title == "Mon projet"  # fields left out keep their value
    assert fiche.revisions.applied().count() == 2 and fiche.revisions.get(number=2).summary == "Nouveau résumé"
    again = patch(client, bearer(author), slug, {"pitch": "Après."})
    assert again.json()["unchanged"] is True


def test_published_fiche_edited_by_untrusted_contributor_becomes_a_proposal(client, territories):
    fiche = InnovationFactory(title="Jardin partagé", pitch="Publié.", communes=["Brest"])
    contributor = UserFactory()
    response = patch(client, bearer(contributor), fiche.slug, {"pitch": "Proposé."})
    assert response.status_code == 200, response.content
    assert response.json()["live"] is False
    fiche.refresh_from_db()
    assert fiche.pitch == "Publié."  # the live text is untouched
    pending = fiche.revisions.pending().get()
    assert pending.author == contributor and pending.snapshot["pitch"] == "Proposé."
    assert AuditEntry.objects.filter(action="revision.proposed", actor=contributor).exists()


def test_published_fiche_edited_by_trusted_contributor_goes_live(client, territories):
    fiche = InnovationFactory(title="Jardin partagé", pitch="Publié.", communes=["Brest"])
    trusted = UserFactory(roles=[Role.TRUSTED])
    response = patch(client, bearer(trusted), fiche.slug, {"pitch": "En ligne."})
    assert response.json()["live"] is True
    fiche.refresh_from_db()
    assert fiche.pitch == "En ligne."


def test_concurrent_edit_of_the_same_field_is_409(client, author):
    slug = post(client, bearer(author), {"title": "Projet", "pitch": "v1"}).json()["slug"]
    assert patch(client, bearer(author), slug, {"pitch": "v2", "revision": 1}).status_code == 200
    response = patch(client, bearer(author), slug, {"pitch": "v3", "revision": 1})
    assert response.status_code == 409 and "pitch" in response.json()["errors"]
    # Another field, on the old version: merged.
    merged = patch(client, bearer(author), slug, {"carrier_name": "Asso", "revision": 1})
    assert merged.status_code == 200 and merged.json()["merged"] is True


def test_others_cannot_edit_a_draft_and_unknown_slugs_are_404(client, author):
    slug = post(client, bearer(author), {"title": "Projet"}).json()["slug"]
    stranger = UserFactory()
    assert patch(client, bearer(stranger), slug, {"pitch": "x"}).status_code == 404
    assert patch(client, bearer(stranger), "nulle-part", {"pitch": "x"}).status_code == 404
    archived = InnovationFactory(state=Innovation.State.ARCHIVED)
    Authorship.objects.create(innovation=archived, user=stranger)
    assert patch(client, bearer(stranger), archived.slug, {"pitch": "x"}).status_code == 403


def test_spam_is_saved_held_and_logged(client, author):
    from creative.moderation.models import ModerationItem

    response = post(client, bearer(author), {"title": "Projet", "sections": {"origine": corpus.SEED_SPAM}})
    assert response.status_code == 201
    fiche = Innovation.objects.get(slug=response.json()["slug"])
    assert AuditEntry.objects.filter(action="spam.suspected", target_id=str(fiche.pk)).exists()
    assert ModerationItem.objects.filter(object_id=str(fiche.pk), cause=ModerationItem.Cause.SPAM).exists()


def test_read_only_imported_fiche_refuses_writes(client, territories):
    from creative.imports.models import ImportSource, Provenance

    fiche = InnovationFactory(title="Importée", communes=["Brest"])
    source = ImportSource.objects.create(name="Bretagne Créative", slug="bretagne", kind="instance")
    Provenance.objects.create(innovation=fiche, source=source, original_id="42", read_only=True,
                              original_url="https://bretagne.example.org/innovations/importee/")
    response = patch(client, bearer(UserFactory(roles=[Role.TRUSTED])), fiche.slug, {"pitch": "x"})
    assert response.status_code == 403 and "lecture seule" in response.json()["detail"]
    detail = client.get(f"{URL}{fiche.slug}/").json()
    assert detail["provenance"]["read_only"] is True
    assert detail["original_url"] == "https://bretagne.example.org/innovations/importee/"


def test_writes_count_against_the_editors_contribution_limit(client, author, settings):
    settings.ANTISPAM_RATE_LIMITS = "contribution=2/h/user"
    headers = bearer(author)
    assert post(client, headers, {"title": "Un"}).status_code == 201
    assert post(client, headers, {"title": "Deux"}).status_code == 201
    response = post(client, headers, {"title": "Trois"})
    assert response.status_code == 429 and response["Retry-After"] and response.json()["detail"]
