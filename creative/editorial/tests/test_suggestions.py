"""Suggestions: an editor proposes a wording, the authors accept it (a new revision) or decline it."""

import pytest
from django.urls import reverse

from creative.audit.models import AuditEntry
from creative.editorial import revisions, suggestions
from creative.editorial.models import ReviewMessage, Revision, Suggestion
from creative.innovations.models import Innovation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
State = Innovation.State
NEW_PITCH = "Un atelier où l'on répare ensemble, chaque samedi, au Bellevue."


def suggest(client, user, fiche, target="pitch", proposed=NEW_PITCH, note="Plus précis."):
    client.force_login(user)
    return client.post(reverse("editorial:suggest", args=[fiche.pk]), {
        "suggestion-target": target, "suggestion-proposed": proposed, "suggestion-note": note,
    })


def decide(client, user, suggestion, decision):
    client.force_login(user)
    return client.post(reverse("editorial:suggestion_decision",
                               args=[suggestion.innovation_id, suggestion.pk, decision]))


@pytest.fixture
def suggestion(fiche, editor):
    return suggestions.make(fiche, editor, "pitch", NEW_PITCH, "Plus précis.")


# Making a suggestion ----------------------------------------------------------------------------

def test_an_editor_suggests_a_wording(client, fiche, editor):
    response = suggest(client, editor, fiche)
    made = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('editorial:review', args=[fiche.pk])}#suggestion-{made.pk}"
    assert (made.target, made.original, made.proposed, made.note) == ("pitch", fiche.pitch, NEW_PITCH, "Plus précis.")
    assert made.author == editor and made.state == Suggestion.State.OPEN
    assert AuditEntry.objects.filter(action="suggestion.made", actor=editor).exists()
    fiche.refresh_from_db()
    assert fiche.pitch != NEW_PITCH  # nothing changes until the authors decide


def test_a_suggestion_on_a_section_keeps_its_current_answer(client, fiche, editor):
    revisions.save_edit(fiche, editor, {**revisions.snapshot(fiche), "sections": {"origine": "Né en 2019."}},
                        base_number=fiche.revision_number)
    suggest(client, editor, fiche, target="sections.origine", proposed="Né en 2019 d'une panne de vélo.")
    made = Suggestion.objects.get()
    assert made.original == "Né en 2019."


def test_an_unanswered_section_can_be_suggested(client, fiche, editor):
    suggest(client, editor, fiche, target="sections.conseils", proposed="Commencez petit.")
    assert Suggestion.objects.get().original == ""


def test_the_page_shows_the_suggestion_as_a_word_diff_and_both_texts(client, fiche, editor, author, suggestion):
    client.force_login(author)
    page = client.get(reverse("editorial:review", args=[fiche.pk])).text
    assert f'id="suggestion-{suggestion.pk}"' in page
    assert "Pour « En bref »" in page
    diff = page[page.index('class="text-diff"'):]
    diff = diff[:diff.index("</div>")]
    assert "ajouté : </span>" in diff and "supprimé : </span>" in diff
    assert "Texte d'origine" in page and "Texte proposé" in page
    assert reverse("editorial:suggestion_decision", args=[fiche.pk, suggestion.pk, "accepter"]) in page
    assert reverse("editorial:suggestion_decision", args=[fiche.pk, suggestion.pk, "refuser"]) in page


def test_editors_do_not_get_the_decision_buttons(client, fiche, editor, suggestion):
    client.force_login(editor)
    page = client.get(reverse("editorial:review", args=[fiche.pk])).text
    assert reverse("editorial:suggestion_decision", args=[fiche.pk, suggestion.pk, "accepter"]) not in page
    assert 'id="suggerer"' in page


@pytest.mark.parametrize("data, error", [
    ({"proposed": "x" * 281}, "en admet 280 au plus"),
    ({"proposed": "Une initiative locale qui rassemble les habitants."}, "identique au texte actuel"),
    ({"proposed": "  "}, "Écrivez le texte que vous proposez."),
    ({"target": "contact_email", "proposed": "pirate@example.org"}, "Sélectionnez un choix valide"),
])
def test_bad_suggestions_are_refused_with_a_message_and_the_text_kept(client, fiche, editor, data, error):
    response = suggest(client, editor, fiche, **data)
    assert response.status_code == 400
    assert error in response.text
    assert "Plus précis.</textarea>" in response.text
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("persona", ["author", "contributor", "editor_elsewhere"])
def test_only_editors_of_the_territory_suggest(client, fiche, persona, request):
    assert suggest(client, request.getfixturevalue(persona), fiche).status_code == 403
    assert not Suggestion.objects.exists()


def test_visitors_cannot_suggest(client, fiche):
    response = client.post(reverse("editorial:suggest", args=[fiche.pk]), {"suggestion-proposed": "x"})
    assert response.status_code == 302
    assert not Suggestion.objects.exists()


def test_a_rejected_fiche_receives_no_suggestion(client, fiche, editor):
    fiche.state = State.REJECTED
    fiche.save()
    client.force_login(editor)
    assert 'id="suggerer"' not in client.get(reverse("editorial:review", args=[fiche.pk])).text
    response = suggest(client, editor, fiche)
    assert response.status_code == 409
    assert "ne reçoit pas de suggestion" in response.text


# Deciding ---------------------------------------------------------------------------------------

def test_an_author_accepts_and_a_revision_applies_it(client, fiche, author, suggestion):
    before = fiche.revision_number
    response = decide(client, author, suggestion, "accepter")
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.pitch == NEW_PITCH
    revision = fiche.revisions.get(number=fiche.revision_number)
    assert fiche.revision_number > before
    assert revision.kind == Revision.Kind.SUGGESTION and revision.state == Revision.State.APPLIED
    assert revision.author == author and revision.snapshot["pitch"] == NEW_PITCH
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.ACCEPTED and suggestion.decided_by == author
    assert AuditEntry.objects.filter(action="suggestion.accepted", actor=author).exists()
    assert ReviewMessage.objects.filter(innovation=fiche, kind=ReviewMessage.Kind.EVENT).exists()
    assert "La suggestion est appliquée" in client.get(response["Location"]).text


def test_accepting_after_the_text_changed_applies_and_says_so(client, fiche, author, suggestion):
    revisions.save_edit(fiche, author, {**revisions.snapshot(fiche), "pitch": "Un texte réécrit entre-temps."},
                        base_number=fiche.revision_number)
    response = decide(client, author, suggestion, "accepter")
    fiche.refresh_from_db()
    assert fiche.pitch == NEW_PITCH
    assert "avait été modifié depuis" in client.get(response["Location"]).text


def test_the_page_warns_when_the_text_changed_since_the_suggestion(client, fiche, author, suggestion):
    revisions.save_edit(fiche, author, {**revisions.snapshot(fiche), "pitch": "Un texte réécrit entre-temps."},
                        base_number=fiche.revision_number)
    client.force_login(author)
    assert "Ce texte a été modifié sur la fiche depuis cette suggestion" in client.get(
        reverse("editorial:review", args=[fiche.pk])).text


def test_accepting_changes_only_that_text_and_keeps_a_waiting_proposal_waiting(client, fiche, author, editor):
    fiche.state = State.PUBLISHED
    fiche.save()
    proposed = revisions.save_edit(fiche, author, {**revisions.snapshot(fiche), "description": "Ma version."},
                                   base_number=fiche.revision_number)
    assert not proposed.live  # an ordinary contributor's edit of a published fiche waits for an editor
    made = suggestions.make(fiche, editor, "pitch", NEW_PITCH)
    decide(client, author, made, "accepter")
    fiche.refresh_from_db()
    assert fiche.pitch == NEW_PITCH
    assert fiche.description != "Ma version."
    proposed.revision.refresh_from_db()
    assert proposed.revision.state == Revision.State.PENDING


def test_an_author_declines_and_nothing_changes(client, fiche, author, suggestion):
    before = (fiche.pitch, fiche.revision_number, Revision.objects.count())
    response = decide(client, author, suggestion, "refuser")
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert (fiche.pitch, fiche.revision_number, Revision.objects.count()) == before
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.DECLINED and suggestion.decided_by == author
    assert AuditEntry.objects.filter(action="suggestion.declined", actor=author).exists()
    assert "Suggestion refusée" in client.get(response["Location"]).text


def test_a_decided_suggestion_cannot_be_decided_again(client, fiche, author, suggestion):
    decide(client, author, suggestion, "refuser")
    response = decide(client, author, suggestion, "accepter")
    assert response.status_code == 409
    assert "Cette suggestion a déjà été traitée." in response.text
    fiche.refresh_from_db()
    assert fiche.pitch != NEW_PITCH


@pytest.mark.parametrize("persona", ["editor", "contributor", "editor_elsewhere"])
@pytest.mark.parametrize("decision", ["accepter", "refuser"])
def test_only_authors_decide(client, fiche, suggestion, persona, decision, request):
    assert decide(client, request.getfixturevalue(persona), suggestion, decision).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.OPEN


def test_visitors_cannot_decide(client, suggestion):
    response = client.post(reverse("editorial:suggestion_decision",
                                   args=[suggestion.innovation_id, suggestion.pk, "accepter"]))
    assert response.status_code == 302


def test_a_suggestion_is_decided_on_its_own_fiche_only(client, territories, fiche, author, suggestion):
    from creative.innovations.models import Authorship
    from tests.factories import InnovationFactory

    other = InnovationFactory(state=State.DRAFT, communes=["Brest"])
    Authorship.objects.create(innovation=other, user=author, is_creator=True)
    client.force_login(author)
    url = reverse("editorial:suggestion_decision", args=[other.pk, suggestion.pk, "accepter"])
    assert client.post(url).status_code == 404
    assert decide(client, author, suggestion, "peut-etre").status_code == 404


def test_an_archived_fiche_does_not_take_a_suggestion(client, fiche, author, suggestion):
    fiche.state = State.ARCHIVED
    fiche.save()
    response = decide(client, author, suggestion, "accepter")
    assert response.status_code == 409
    fiche.refresh_from_db()
    assert fiche.pitch != NEW_PITCH


def test_the_service_refuses_people_who_are_not_editors(fiche, author):
    with pytest.raises(suggestions.SuggestionError):
        suggestions.make(fiche, author, "pitch", NEW_PITCH)
    with pytest.raises(suggestions.SuggestionError):
        suggestions.make(fiche, UserFactory(), "pitch", NEW_PITCH)
