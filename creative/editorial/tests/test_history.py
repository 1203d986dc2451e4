"""The history of a fiche: the list of versions, comparing two, one version's content, going back to it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.editorial import revisions
from creative.editorial.models import Revision
from creative.innovations.models import Innovation, SlugRedirect
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db


def fiche_data(**changes):
    data = {
        "title": "Jardin partagé",
        "pitch": "Un jardin au pied des immeubles.",
        "description": "Des voisins cultivent **ensemble**.",
        "themes": ["numerique"],
        "places": [{"commune": commune("Brest").code, "address": "", "latitude": None, "longitude": None}],
        "sections": {"origine": "Une idée de voisins en 2015."},
    }
    data.update(changes)
    return data


def publish(fiche):
    Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.PUBLISHED, published_at=timezone.now())
    fiche.refresh_from_db()
    return fiche


def edit(fiche, user, summary="", **changes):
    data = {**revisions.snapshot(fiche), **changes}
    return revisions.save_edit(fiche, user, data, base_number=fiche.revision_number, summary=summary)


@pytest.fixture
def people(territories):
    """An author, a scoped editor, another editor elsewhere, and an unrelated contributor."""
    return {
        "author": UserFactory(email="autrice@example.org", profile__display_name="Anne Autrice"),
        "editor": UserFactory(email="editeur@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"],
                              profile__display_name="Éric Éditeur"),
        "far_editor": UserFactory(roles=[Role.EDITOR], scopes=["rennes"]),
        "outsider": UserFactory(email="passant@example.org", profile__display_name="Paul Passant"),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
    }


@pytest.fixture
def draft(people):
    return revisions.create_innovation(people["author"], fiche_data())


@pytest.fixture
def fiche(people, draft):
    """A published fiche with three versions: created, edited by its author, edited by an editor."""
    edit(draft, people["author"], summary="Précisions", pitch="Un jardin partagé au pied des immeubles.")
    publish(draft)
    edit(draft, people["editor"], summary="Relecture", description="Des voisins cultivent **ensemble** le mardi.")
    assert draft.revision_number == 3
    return draft


def history_url(fiche):
    return reverse("editorial:history", args=[fiche.slug])


def diff_url(fiche):
    return reverse("editorial:diff", args=[fiche.slug])


# The list of versions ---------------------------------------------------------------------------

def test_published_history_is_public_newest_first_without_emails(client, fiche, people):
    response = client.get(history_url(fiche))
    assert response.status_code == 200
    assert [r.number for r in response.context["revisions"]] == [3, 2, 1]
    content = response.content.decode()
    assert "Anne Autrice" in content and "Éric Éditeur" in content
    assert "Précisions" in content and "Relecture" in content and "Création" in content
    for user in people.values():
        assert user.email not in content
    # The comparison form works without JavaScript: radio buttons and a GET form.
    assert f'action="{diff_url(fiche)}"' in content and 'method="get"' in content
    assert re.search(r'<input type="radio" name="de" value="2"[^>]* checked>', content)
    assert re.search(r'<input type="radio" name="a" value="3"[^>]* checked>', content)
    assert 'style="' not in content and " onclick=" not in content


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 404), ("outsider", 404), ("far_editor", 404), ("author", 200), ("editor", 200), ("moderator", 200)],
)
def test_draft_history_is_only_for_its_authors_and_editors(client, people, draft, who, status):
    if who:
        client.force_login(people[who])
    assert client.get(history_url(draft)).status_code == status
    assert client.get(reverse("editorial:revision", args=[draft.slug, 1])).status_code == status
    assert client.get(diff_url(draft), {"a": 1}).status_code == status


def test_archived_history_is_hidden_like_the_fiche(client, fiche, people):
    Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.ARCHIVED)
    assert client.get(fiche.get_absolute_url()).status_code == 404
    assert client.get(history_url(fiche)).status_code == 404
    client.force_login(people["editor"])
    assert client.get(history_url(fiche)).status_code == 200


def test_unknown_fiche_is_404_and_old_address_redirects(client, fiche):
    assert client.get(reverse("editorial:history", args=["inconnue"])).status_code == 404
    SlugRedirect.objects.create(old_slug="ancien-jardin", innovation=fiche)
    response = client.get(reverse("editorial:diff", args=["ancien-jardin"]), {"de": "1", "a": "2"})
    assert response.status_code == 301
    assert response["Location"] == diff_url(fiche) + "?de=1&a=2"


def test_history_is_paginated_and_ignores_a_bad_page(client, fiche, people, settings):
    for n in range(30):
        edit(fiche, people["editor"], summary=f"Retouche {n}", pitch=f"Un jardin, retouche {n}.")
    response = client.get(history_url(fiche))
    assert len(response.context["revisions"]) == 25 and response.context["revisions"][0].number == 33
    response = client.get(history_url(fiche), {"page": "2"})
    assert [r.number for r in response.context["revisions"]] == list(range(8, 0, -1))
    assert client.get(history_url(fiche), {"page": "zz"}).status_code == 200
    assert client.get(history_url(fiche), {"page": "999"}).status_code == 200


def test_proposals_are_listed_for_editors_and_their_author_only(client, fiche, people):
    proposer = people["outsider"]
    saved = edit(fiche, proposer, summary="Ma proposition", pitch="Un jardin proposé.")
    assert not saved.live and saved.revision.state == Revision.State.PENDING
    proposal_link = reverse("editorial:proposal", args=[saved.revision.pk])

    def sees_proposal(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        content = client.get(history_url(fiche)).content.decode()
        return "Ma proposition" in content and proposal_link in content

    assert not sees_proposal(None)
    assert not sees_proposal(people["author"])
    assert not sees_proposal(people["far_editor"])
    assert sees_proposal(proposer)
    assert sees_proposal(people["editor"])
    # Declined proposals stay listed for the same people.
    revisions.decline_revision(saved.revision, people["editor"], note="Hors sujet")
    assert sees_proposal(proposer) and not sees_proposal(None)


# Comparing two versions ---------------------------------------------------------------------------

def test_diff_shows_word_changes_with_announced_insertions_and_deletions(client, fiche):
    response = client.get(diff_url(fiche), {"de": "1", "a": "3"})
    assert response.status_code == 200
    keys = [c.key for c in response.context["changes"]]
    assert keys == ["pitch", "description"]
    content = response.content.decode()
    assert '<span class="visually-hidden">ajouté : </span> le mardi' in content
    assert '<span class="visually-hidden">ajouté : </span> partagé' in content
    assert "<h3" in content and "Description" in content and "En bref" in content


def test_diff_of_one_version_is_against_the_previous_and_the_order_is_normalised(client, fiche):
    response = client.get(diff_url(fiche), {"a": "2"})
    assert (response.context["old"].number, response.context["new"].number) == (1, 2)
    assert [c.key for c in response.context["changes"]] == ["pitch"]
    response = client.get(diff_url(fiche), {"de": "3", "a": "1"})
    assert (response.context["old"].number, response.context["new"].number) == (1, 3)
    response = client.get(diff_url(fiche), {"de": "2"})  # against the version online
    assert (response.context["old"].number, response.context["new"].number) == (2, 3)
    response = client.get(diff_url(fiche), {"a": "1"})  # the first version: everything is new
    assert response.context["old"] is None and "title" in [c.key for c in response.context["changes"]]
    response = client.get(diff_url(fiche), {"de": "2", "a": "2"})
    assert response.context["changes"] == [] and "même contenu" in response.content.decode()


def test_diff_without_parameters_shows_the_form(client, fiche):
    response = client.get(diff_url(fiche))
    assert response.status_code == 200
    assert 'name="de"' in response.content.decode() and "error" not in response.context


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"de": "abc", "a": "2"}, 400, "« abc » n&#x27;est pas un numéro de version."),
        ({"de": "1", "a": "-3"}, 400, "« -3 » n&#x27;est pas un numéro de version."),
        ({"de": "1", "a": "2.5"}, 400, "n&#x27;est pas un numéro de version"),
        ({"de": "1", "a": "99999999999999999999"}, 400, "n&#x27;est pas un numéro de version"),
        ({"de": "", "a": ""}, 400, "Choisissez les deux versions à comparer."),
        ({"de": "1", "a": "42"}, 404, "La version n° 42 n&#x27;existe pas dans l&#x27;historique de cette fiche."),
        ({"de": "0", "a": "2"}, 404, "La version n° 0 n&#x27;existe pas"),
    ],
)
def test_bad_comparison_parameters_get_a_clear_message(client, fiche, params, status, message):
    response = client.get(diff_url(fiche), params)
    assert response.status_code == status
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_pending_versions_are_compared_only_by_those_who_may_see_them(client, fiche, people):
    pending = edit(fiche, people["outsider"], pitch="Un jardin proposé.").revision
    params = {"de": "3", "a": str(pending.number)}
    assert client.get(diff_url(fiche), params).status_code == 404
    client.force_login(people["editor"])
    response = client.get(diff_url(fiche), params)
    assert response.status_code == 200 and [c.key for c in response.context["changes"]] == ["pitch"]
    # Alone, a proposal is compared with the version it was made on.
    response = client.get(diff_url(fiche), {"a": str(pending.number)})
    assert response.context["old"].number == pending.base_number == 3


# One version -------------------------------------------------------------------------------------

def test_revision_page_shows_its_content_sanitised(client, people, draft):
    edit(draft, people["author"], description="Du *texte* <script>alert(1)</script>",
         sections={"origine": "Une **idée**.", "conseils": "Commencez petit."})
    publish(draft)
    response = client.get(reverse("editorial:revision", args=[draft.slug, 2]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<em>texte</em>" in content and "<script>alert" not in content
    assert "<strong>idée</strong>" in content and "Conseils à qui voudrait la reproduire" in content
    assert "Anne Autrice" in content and people["author"].email not in content
    old = client.get(reverse("editorial:revision", args=[draft.slug, 1])).content.decode()
    assert "Une idée de voisins en 2015." in old and "ancienne version" in old
    assert "Revenir à cette version" not in old  # visitors cannot revert


def test_unknown_or_hidden_revision_is_404(client, fiche, people):
    assert client.get(reverse("editorial:revision", args=[fiche.slug, 42])).status_code == 404
    pending = edit(fiche, people["outsider"], pitch="Un jardin proposé.").revision
    url = reverse("editorial:revision", args=[fiche.slug, pending.number])
    assert client.get(url).status_code == 404
    client.force_login(people["outsider"])
    assert "est une proposition" in client.get(url).content.decode()


# Going back to a version -----------------------------------------------------------------------------

def revert_url(fiche, number):
    return reverse("editorial:revert", args=[fiche.slug, number])


def test_editor_reverts_through_a_confirmation_page(client, fiche, people):
    client.force_login(people["editor"])
    page = client.get(reverse("editorial:revision", args=[fiche.slug, 1])).content.decode()
    assert "Revenir à cette version" in page and f'action="{revert_url(fiche, 1)}"' in page
    confirm = client.get(revert_url(fiche, 1))
    assert confirm.status_code == 200
    assert [c.key for c in confirm.context["changes"]] == ["pitch", "description"]
    assert 'method="post"' in confirm.content.decode() and "csrfmiddlewaretoken" in confirm.content.decode()
    assert Revision.objects.filter(innovation=fiche).count() == 3  # GET changed nothing

    response = client.post(revert_url(fiche, 1))
    assert response.status_code == 302 and response["Location"] == history_url(fiche)
    fiche.refresh_from_db()
    assert fiche.revision_number == 4
    new = fiche.revisions.get(number=4)
    assert new.kind == Revision.Kind.REVERT and new.author == people["editor"]
    assert revisions.changed_keys(fiche.revisions.get(number=1).snapshot, new.snapshot) == set()
    assert fiche.pitch == "Un jardin au pied des immeubles."
    # The reverted versions stay in the history.
    assert list(fiche.revisions.applied().values_list("number", flat=True)) == [4, 3, 2, 1]
    assert "version 4" in client.get(history_url(fiche)).content.decode()


@pytest.mark.parametrize("who", ["author", "outsider", "far_editor"])
def test_revert_is_refused_to_non_editors(client, fiche, people, who):
    client.force_login(people[who])
    assert client.post(revert_url(fiche, 1)).status_code == 403
    assert client.get(revert_url(fiche, 1)).status_code == 403
    fiche.refresh_from_db()
    assert fiche.revision_number == 3 and fiche.revisions.count() == 3


def test_visitors_are_sent_to_login_and_nothing_changes(client, fiche):
    response = client.post(revert_url(fiche, 1))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    fiche.refresh_from_db()
    assert fiche.revision_number == 3


def test_revert_to_the_live_or_an_unknown_version(client, fiche, people):
    client.force_login(people["editor"])
    response = client.post(revert_url(fiche, 3))
    assert response.status_code == 302
    assert client.post(revert_url(fiche, 42)).status_code == 404
    fiche.refresh_from_db()
    assert fiche.revision_number == 3


def test_revert_to_a_version_with_the_same_content_adds_nothing(client, fiche, people):
    edit(fiche, people["editor"], description=fiche.revisions.get(number=2).snapshot["description"])
    fiche.refresh_from_db()
    assert fiche.revision_number == 4  # same content as version 2 again
    client.force_login(people["editor"])
    response = client.post(revert_url(fiche, 2), follow=True)
    assert "rien n&#x27;a changé" in response.content.decode()
    fiche.refresh_from_db()
    assert fiche.revision_number == 4
