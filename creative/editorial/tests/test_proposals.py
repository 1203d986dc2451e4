"""The proposal page: editors accept or decline an edit of a published fiche; its author follows it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.editorial import revisions
from creative.editorial.models import Revision
from creative.innovations.models import Innovation
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db


def edit(fiche, user, base_number=None, summary="", **changes):
    data = {**revisions.snapshot(fiche), **changes}
    return revisions.save_edit(fiche, user, data, base_number=base_number or fiche.revision_number, summary=summary)


@pytest.fixture
def people(territories):
    return {
        "author": UserFactory(email="autrice@example.org", profile__display_name="Anne Autrice"),
        "proposer": UserFactory(email="proposeur@example.org", profile__display_name="Pierre Proposeur"),
        "editor": UserFactory(email="editrice@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"],
                              profile__display_name="Edith Éditrice"),
        "far_editor": UserFactory(roles=[Role.EDITOR], scopes=["rennes"]),
        "outsider": UserFactory(),
    }


@pytest.fixture
def fiche(people):
    fiche = revisions.create_innovation(people["author"], {
        "title": "Repair café",
        "pitch": "On répare ensemble plutôt que jeter.",
        "description": "Chaque samedi à la médiathèque.",
        "themes": ["developpement-durable"],
        "places": [{"commune": commune("Brest").code, "address": "", "latitude": None, "longitude": None}],
    })
    Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.PUBLISHED, published_at=timezone.now())
    fiche.refresh_from_db()
    return fiche


@pytest.fixture
def proposal(fiche, people):
    saved = edit(fiche, people["proposer"], summary="Le bon jour", description="Chaque mercredi à la médiathèque.")
    assert not saved.live
    return saved.revision


def url(revision):
    return reverse("editorial:proposal", args=[revision.pk])


def login(client, user):
    client.force_login(user)
    return client


def test_editor_sees_the_proposal_as_a_diff_with_decision_forms(client, proposal, people):
    response = login(client, people["editor"]).get(url(proposal))
    assert response.status_code == 200
    assert [c.key for c in response.context["proposed_changes"]] == ["description"]
    content = response.content.decode()
    assert '<span class="visually-hidden">supprimé : </span>samedi' in content
    assert '<span class="visually-hidden">ajouté : </span>mercredi' in content
    assert "Pierre Proposeur" in content and "Le bon jour" in content
    assert 'value="approve"' in content and 'value="decline"' in content and "csrfmiddlewaretoken" in content
    for user in people.values():
        assert user.email not in content


def test_author_of_the_proposal_reads_it_without_deciding(client, proposal, people):
    response = login(client, people["proposer"]).get(url(proposal))
    assert response.status_code == 200
    content = response.content.decode()
    assert "attend la relecture" in content and 'value="approve"' not in content
    response = client.post(url(proposal), {"action": "approve"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == Revision.State.PENDING


@pytest.mark.parametrize("who", ["author", "far_editor", "outsider"])
def test_others_can_neither_see_nor_decide(client, proposal, people, fiche, who):
    login(client, people[who])
    assert client.get(url(proposal)).status_code == 403
    assert client.post(url(proposal), {"action": "approve"}).status_code == 403
    assert client.post(url(proposal), {"action": "decline", "refuser-note": "Non"}).status_code == 403
    proposal.refresh_from_db()
    fiche.refresh_from_db()
    assert proposal.state == Revision.State.PENDING and fiche.description == "Chaque samedi à la médiathèque."


def test_visitors_are_sent_to_login(client, proposal):
    response = client.get(url(proposal))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    assert client.post(url(proposal), {"action": "approve"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_unknown_proposal_or_applied_version_is_404(client, fiche, people):
    login(client, people["editor"])
    assert client.get(reverse("editorial:proposal", args=[999999])).status_code == 404
    applied = fiche.revisions.get(number=1)
    assert client.get(url(applied)).status_code == 404


def test_editor_approves_the_proposal(client, proposal, fiche, people):
    login(client, people["editor"])
    response = client.post(url(proposal), {"action": "approve", "accepter-note": "Merci !"})
    assert response.status_code == 302 and response["Location"] == url(proposal)
    proposal.refresh_from_db()
    fiche.refresh_from_db()
    assert proposal.state == Revision.State.APPROVED and proposal.decided_by == people["editor"]
    assert proposal.decision_note == "Merci !"
    assert fiche.description == "Chaque mercredi à la médiathèque."
    applied = fiche.revisions.get(number=fiche.revision_number)
    assert applied.kind == Revision.Kind.APPROVAL and applied.author == people["proposer"]
    page = client.get(url(proposal)).content.decode()
    assert "Acceptée" in page and "Edith Éditrice" in page and "Merci !" in page
    assert 'value="approve"' not in page  # decided once
    assert client.post(url(proposal), {"action": "decline", "refuser-note": "Trop tard"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Revision.State.APPROVED


def test_editor_declines_with_a_note(client, proposal, fiche, people):
    login(client, people["editor"])
    response = client.post(url(proposal), {"action": "decline", "refuser-note": ""})
    assert response.status_code == 400
    assert "Le motif du refus est obligatoire" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_pending

    response = client.post(url(proposal), {"action": "decline", "refuser-note": "Le samedi est le bon jour."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    fiche.refresh_from_db()
    assert proposal.state == Revision.State.DECLINED and proposal.decision_note == "Le samedi est le bon jour."
    assert fiche.description == "Chaque samedi à la médiathèque." and fiche.revision_number == 1
    # The author reads the decision.
    page = login(client, people["proposer"]).get(url(proposal)).content.decode()
    assert "Refusée" in page and "Le samedi est le bon jour." in page


def test_unknown_action_changes_nothing(client, proposal, people):
    response = login(client, people["editor"]).post(url(proposal), {"action": "publier"}, follow=True)
    assert response.status_code == 200 and "Choisissez d&#x27;accepter ou de refuser" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_conflict_is_shown_and_accepting_anyway_forces_the_proposal(client, proposal, fiche, people):
    # Meanwhile the fiche changes on the same field (and on another one).
    edit(fiche, people["editor"], description="Chaque dimanche au centre social.", pitch="On répare tout.")
    fiche.refresh_from_db()
    login(client, people["editor"])

    page = client.get(url(proposal))
    assert [c.key for c in page.context["conflicts"]] == ["description"]
    content = page.content.decode()
    assert "Conflit avec la version en ligne" in content and 'value="force"' in content
    # Both sides of the conflict: the version online (deleted) and the proposal (added).
    assert '<span class="visually-hidden">supprimé : </span>dimanche au centre social' in content
    assert '<span class="visually-hidden">ajouté : </span>mercredi à la médiathèque' in content

    response = client.post(url(proposal), {"action": "approve"})
    assert response.status_code == 409
    assert [c.key for c in response.context["conflicts"]] == ["description"]
    assert "La proposition n'a pas été acceptée." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_pending

    response = client.post(url(proposal), {"action": "force"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    fiche.refresh_from_db()
    assert proposal.state == Revision.State.APPROVED
    assert fiche.description == "Chaque mercredi à la médiathèque."  # the proposal's text won
    assert fiche.pitch == "On répare tout."  # the other change made meanwhile was kept


def test_a_conflicting_proposal_can_still_be_declined(client, proposal, fiche, people):
    edit(fiche, people["editor"], description="Chaque dimanche au centre social.")
    login(client, people["editor"])
    response = client.post(url(proposal), {"action": "decline", "refuser-note": "Le jour a changé depuis."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    fiche.refresh_from_db()
    assert proposal.state == Revision.State.DECLINED and fiche.description == "Chaque dimanche au centre social."


def test_changes_elsewhere_merge_and_are_shown_against_the_live_version(client, proposal, fiche, people):
    edit(fiche, people["editor"], pitch="On répare tout.")
    fiche.refresh_from_db()
    response = login(client, people["editor"]).get(url(proposal))
    assert response.context["moved_on"] and response.context["conflicts"] == []
    assert [c.key for c in response.context["live_changes"]] == ["description"]
    assert 'value="approve"' in response.content.decode()
    client.post(url(proposal), {"action": "approve"})
    fiche.refresh_from_db()
    assert (fiche.pitch, fiche.description) == ("On répare tout.", "Chaque mercredi à la médiathèque.")


def test_superseded_proposal_says_so(client, proposal, fiche, people):
    newer = edit(fiche, people["proposer"], base_number=proposal.base_number, description="Chaque jeudi.").revision
    proposal.refresh_from_db()
    assert proposal.state == Revision.State.SUPERSEDED and newer.is_pending
    content = login(client, people["editor"]).get(url(proposal)).content.decode()
    assert "Remplacée" in content and 'value="approve"' not in content
