"""A person named carrier in a fiche's team edits it with its authors' rights; a partner does not;
leaving the team (or being removed from it) takes the rights back.

Through the real pages: the editor, saving a step, submitting the draft, the review thread.
"""

import re
from html import unescape

import pytest
from django.urls import reverse

from creative.accounts.roles import Role
from creative.editorial.tests.test_editor import form_values
from creative.innovations.models import Authorship, Innovation
from creative.network.models import TeamMember
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db
State = Innovation.State


@pytest.fixture(autouse=True)
def _quiet_antispam(settings):
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


@pytest.fixture
def people(territories):
    return {
        "author": UserFactory(profile__display_name="Maëlle Autrice"),
        "carrier": UserFactory(profile__display_name="Nolwenn Porteuse", profile__is_public=True),
        "partner": UserFactory(profile__display_name="Erwan Partenaire", profile__is_public=True),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
    }


@pytest.fixture
def draft(people):
    fiche = InnovationFactory(title="Repair café du Bellevue", state=State.DRAFT, communes=["Brest"],
                              themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=people["author"], is_creator=True)
    TeamMember.objects.create(innovation=fiche, user=people["carrier"], kind="carrier", role="coordinatrice")
    TeamMember.objects.create(innovation=fiche, user=people["partner"], kind="partner", role="bénévole")
    return fiche


def text_of(response):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def edit_url(fiche, step="identite"):
    return reverse("editorial:edit", args=[fiche.pk, step])


def identity_data(client, fiche, **changes):
    """The identity step's values as the page shows them, with some changed (as a person types)."""
    page = client.get(edit_url(fiche))
    assert page.status_code == 200
    return {**form_values(page.content.decode()), **changes}


def save_identity(client, fiche, **changes):
    return client.post(edit_url(fiche), {**identity_data(client, fiche, **changes), "action": "save"})


def test_a_carrier_edits_the_fiche_like_its_authors(client, draft, people):
    client.force_login(people["carrier"])
    assert client.get(edit_url(draft)).status_code == 200
    response = save_identity(client, draft, title="Repair café de Bellevue")
    assert response.status_code == 302, text_of(response)[:2000]
    draft.refresh_from_db()
    assert draft.title == "Repair café de Bellevue"
    # The draft appears in the editor's other steps too (images are an author's right).
    assert client.get(edit_url(draft, "images")).status_code == 200


def test_a_carrier_submits_the_draft_and_reads_the_review_thread(client, draft, people):
    client.force_login(people["carrier"])
    response = client.post(reverse("editorial:transition", args=[draft.pk, "soumettre"]),
                           {"soumettre-message": "Prête pour relecture."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    thread = client.get(reverse("editorial:review", args=[draft.pk]))
    assert thread.status_code == 200 and "Prête pour relecture." in text_of(thread)
    # The editor's answer reaches the carrier's thread as well.
    client.force_login(people["editor"])
    client.post(reverse("editorial:comment", args=[draft.pk]), {"message-body": "Merci, je regarde."})
    client.force_login(people["carrier"])
    assert "Merci, je regarde." in text_of(client.get(reverse("editorial:review", args=[draft.pk])))


def test_a_partner_has_no_author_rights(client, draft, people):
    client.force_login(people["partner"])
    assert client.get(edit_url(draft)).status_code == 403
    assert client.post(edit_url(draft), {"action": "save", "title": "Pris"}).status_code == 403
    assert client.post(reverse("editorial:transition", args=[draft.pk, "soumettre"]),
                       {"soumettre-message": "Hop"}).status_code == 403
    assert client.get(reverse("editorial:review", args=[draft.pk])).status_code == 403
    assert client.get(draft.get_absolute_url()).status_code == 404  # an unpublished fiche stays the team's
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.title == "Repair café du Bellevue"


def test_removal_from_the_team_takes_the_rights_back(client, draft, people):
    member = draft.team.get(user=people["carrier"])
    client.force_login(people["author"])
    assert client.post(reverse("network:team_remove", args=[draft.pk, member.pk])).status_code == 302
    client.force_login(people["carrier"])
    assert client.get(edit_url(draft)).status_code == 403
    assert client.get(reverse("editorial:review", args=[draft.pk])).status_code == 403
    assert client.get(reverse("network:team", args=[draft.pk])).status_code == 403


def test_a_carrier_who_leaves_loses_the_rights(client, draft, people):
    member = draft.team.get(user=people["carrier"])
    client.force_login(people["carrier"])
    response = client.post(reverse("network:team_remove", args=[draft.pk, member.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("editorial:my_fiches")
    assert client.get(edit_url(draft)).status_code == 403


def test_a_partner_made_carrier_gains_the_rights(client, draft, people):
    client.force_login(people["partner"])
    assert client.get(edit_url(draft)).status_code == 403
    TeamMember.objects.filter(innovation=draft, user=people["partner"]).update(kind="carrier")
    assert client.get(edit_url(draft)).status_code == 200


def test_carriers_find_the_fiches_they_carry_in_my_fiches(client, people, draft):
    client.force_login(people["carrier"])
    assert "Repair café du Bellevue" in text_of(client.get(reverse("editorial:my_fiches")))
    client.force_login(people["partner"])  # a partner has no author's rights: not in their list
    assert "Repair café du Bellevue" not in text_of(client.get(reverse("editorial:my_fiches")))
