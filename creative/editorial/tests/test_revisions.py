"""The history of a fiche: snapshots, the one write path (save_edit), merges, proposals, reverts.

These are the acceptance tests of creative/editorial/revisions.py. Personas: an author (a
verified contributor who created the fiche), another contributor, a trusted contributor and
an editor of the pays de Brest; the fiches are in Brest.
"""

import pytest
from django.utils import timezone

from creative.accounts.roles import Role
from creative.audit.models import AuditEntry
from creative.editorial import revisions
from creative.editorial.models import ImmutableRevisionError, Revision
from creative.editorial.revisions import EditConflict
from creative.editorial.tests import test_workflow
from creative.innovations.models import Answer, Authorship, Innovation, Place
from tests.factories import InnovationFactory, UserFactory, commune
from tests.worker import run_tasks

State = Revision.State
# The recipients of the editorial mails, queued and delivered (see test_workflow.py).
queued, delivered = test_workflow.queued, test_workflow.delivered


@pytest.fixture
def people(territories):
    return {
        "author": UserFactory(),
        "contributor": UserFactory(),
        "trusted": UserFactory(roles=[Role.TRUSTED]),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
    }


def content(**changes):
    """What a person writes for a new fiche in Brest (a full snapshot once merged with the defaults)."""
    data = {
        "title": "Jardin partagé du Bourg",
        "pitch": "Des habitants cultivent ensemble une parcelle prêtée par la commune.",
        "description": "Tout a commencé par une réunion de quartier.",
        "carrier_name": "Les Amis du Jardin",
        "carrier_kind": "association",
        "start_year": 2019,
        "themes": ["alimentation", "citoyennete-participation"],
        "sections": {"origine": "Une friche au coin de la rue.", "fonctionnement": "Un tour de rôle pour arroser."},
        "places": [{"commune": commune("Brest").code, "address": "12 rue de Siam", "latitude": 48.39,
                    "longitude": -4.49}],
        "links": [{"label": "Le blog", "url": "https://jardin.example.org/"}],
    }
    data.update(changes)
    return data


def draft_by(author, **changes):
    return revisions.create_innovation(author, content(**changes), summary="Premier jet")


def published_by(author, **changes):
    fiche = draft_by(author, **changes)
    Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.PUBLISHED, published_at=timezone.now())
    fiche.refresh_from_db()
    return fiche


def edited(fiche, **changes):
    """The live content of `fiche` with some keys changed (what a form would post)."""
    data = revisions.snapshot(fiche)
    data.update(changes)
    return data


def live(fiche):
    return revisions.snapshot(Innovation.objects.get(pk=fiche.pk))


# --- Snapshots ---------------------------------------------------------------------------------


def test_a_snapshot_holds_everything_a_person_writes(people):
    fiche = draft_by(people["author"])
    data = revisions.snapshot(fiche)
    assert data["title"] == "Jardin partagé du Bourg"
    assert data["carrier_kind"] == "association" and data["start_year"] == 2019
    assert data["themes"] == ["alimentation", "citoyennete-participation"]
    assert data["sections"] == {"origine": "Une friche au coin de la rue.",
                                "fonctionnement": "Un tour de rôle pour arroser."}
    assert data["places"] == [{"commune": commune("Brest").code, "commune_name": "Brest",
                               "address": "12 rue de Siam", "latitude": 48.39, "longitude": -4.49}]
    assert data["links"] == [{"label": "Le blog", "url": "https://jardin.example.org/"}]
    assert "contact_email" not in data and "state" not in data  # private or workflow: not content


def test_applying_a_snapshot_of_a_fiche_to_itself_changes_nothing(people):
    fiche = draft_by(people["author"])
    before = revisions.snapshot(fiche)
    place_ids = list(fiche.places.values_list("pk", flat=True))
    answer_ids = sorted(fiche.answers.values_list("pk", flat=True))
    link_ids = list(fiche.links.values_list("pk", flat=True))

    revisions.apply_snapshot(fiche, before)

    assert live(fiche) == before
    # The parts were left alone, not deleted and re-created.
    assert list(fiche.places.values_list("pk", flat=True)) == place_ids
    assert sorted(fiche.answers.values_list("pk", flat=True)) == answer_ids
    assert list(fiche.links.values_list("pk", flat=True)) == link_ids


def test_applying_a_snapshot_writes_every_part(people):
    fiche = draft_by(people["author"])
    wanted = content(
        title="Jardin des Quatre Moulins", carrier_kind=None, start_year=None, themes=["numerique"],
        sections={"origine": "Une autre histoire.", "reproduire": "Trouvez une parcelle."},
        places=[{"commune": commune("Plougastel-Daoulas").code, "address": "", "latitude": None, "longitude": None}],
        links=[],
    )
    revisions.apply_snapshot(fiche, {**revisions.empty_snapshot(), **wanted})
    data = live(fiche)
    assert data["title"] == "Jardin des Quatre Moulins" and data["carrier_kind"] is None and data["start_year"] is None
    assert data["themes"] == ["numerique"]
    assert data["sections"] == {"origine": "Une autre histoire.", "reproduire": "Trouvez une parcelle."}
    assert [p["commune_name"] for p in data["places"]] == ["Plougastel-Daoulas"]
    assert data["links"] == []
    # Derived data followed: the fiche is now found in Plougastel, no longer in Brest.
    slugs = set(fiche.territories.values_list("slug", flat=True))
    assert "plougastel-daoulas" in slugs and "brest" not in slugs


# --- Creation ----------------------------------------------------------------------------------


def test_creating_a_fiche_records_revision_1_and_its_creator(people):
    author = people["author"]
    fiche = draft_by(author)
    assert fiche.state == Innovation.State.DRAFT and fiche.revision_number == 1
    [authorship] = Authorship.objects.filter(innovation=fiche)
    assert authorship.user == author and authorship.is_creator
    [revision] = fiche.revisions.all()
    assert (revision.number, revision.kind, revision.state, revision.author) == (
        1, Revision.Kind.CREATE, State.APPLIED, author)
    assert revision.snapshot == revisions.snapshot(fiche)
    assert AuditEntry.objects.for_object(fiche).get().action == "innovation.created"


# --- Saving an edit ----------------------------------------------------------------------------


def test_an_authors_edit_of_a_draft_goes_live_with_a_full_snapshot(people):
    author = people["author"]
    fiche = draft_by(author)
    result = revisions.save_edit(fiche, author, edited(fiche, pitch="Une parcelle cultivée à plusieurs."),
                                 base_number=1, summary="Pitch plus court")
    assert result.live and not result.merged and not result.unchanged
    assert fiche.pitch == "Une parcelle cultivée à plusieurs." and fiche.revision_number == 2
    revision = result.revision
    assert (revision.number, revision.state, revision.kind, revision.base_number) == (2, State.APPLIED,
                                                                                    Revision.Kind.EDIT, 1)
    assert revision.snapshot == live(fiche)  # the whole content, not only the changed field
    assert revision.snapshot["sections"]["origine"] == "Une friche au coin de la rue."
    entry = AuditEntry.objects.for_object(fiche).filter(action="revision.saved").get()
    assert entry.actor == author and entry.data == {"number": 2, "summary": "Pitch plus court"}


def test_an_unchanged_save_creates_no_revision(people):
    author = people["author"]
    fiche = draft_by(author)
    result = revisions.save_edit(fiche, author, revisions.snapshot(fiche), base_number=1)
    assert result.unchanged and result.live and result.revision is None
    assert fiche.revisions.count() == 1 and fiche.revision_number == 1
    # An empty section answer is the same as no answer.
    data = revisions.snapshot(fiche)
    data["sections"]["conseils"] = ""
    assert revisions.save_edit(fiche, author, data, base_number=1).unchanged


def test_removing_a_section_answer_deletes_it(people):
    author = people["author"]
    fiche = draft_by(author)
    data = revisions.snapshot(fiche)
    data["sections"]["fonctionnement"] = "   "
    revisions.save_edit(fiche, author, data, base_number=1)
    assert live(fiche)["sections"] == {"origine": "Une friche au coin de la rue."}
    assert not Answer.objects.filter(innovation=fiche, section__slug="fonctionnement").exists()


# --- Stored revisions never change -------------------------------------------------------------


def test_a_stored_revision_cannot_be_modified(people):
    fiche = draft_by(people["author"])
    revision = fiche.revisions.get()
    revision.summary = "Réécrire l'histoire"
    with pytest.raises(ImmutableRevisionError):
        revision.save()
    revision.refresh_from_db()
    revision.snapshot = {**revision.snapshot, "title": "Autre titre"}
    with pytest.raises(ImmutableRevisionError):
        revision.save(update_fields=["snapshot"])
    # Not even a decision: only a pending revision is decided.
    revision.refresh_from_db()
    revision.state = State.DECLINED
    with pytest.raises(ImmutableRevisionError):
        revision.save(update_fields=["state"])
    revision.refresh_from_db()
    assert revision.summary == "Premier jet" and revision.state == State.APPLIED
    assert revision.snapshot["title"] == "Jardin partagé du Bourg"


def test_a_decided_proposal_cannot_be_decided_again(people):
    fiche = published_by(people["author"])
    proposal = revisions.save_edit(fiche, people["contributor"], edited(fiche, pitch="Mieux dit."),
                                   base_number=1).revision
    revisions.decline_revision(proposal, people["editor"], note="Pas convaincant.")
    with pytest.raises(ValueError):
        revisions.decline_revision(proposal, people["editor"])
    with pytest.raises(ValueError):
        revisions.approve_revision(proposal, people["editor"])
    # Through the model too: the stored decision is final.
    proposal.refresh_from_db()
    proposal.state, proposal.decided_by = State.APPROVED, people["editor"]
    with pytest.raises(ImmutableRevisionError):
        proposal.save(update_fields=["state", "decided_by"])
    proposal.refresh_from_db()
    assert proposal.state == State.DECLINED and proposal.decision_note == "Pas convaincant."
    assert live(fiche)["pitch"] != "Mieux dit."


# --- Concurrent edits: three-way merge ---------------------------------------------------------


def test_disjoint_edits_made_on_the_same_version_are_merged(people):
    author, editor = people["author"], people["editor"]
    fiche = draft_by(author)
    revisions.save_edit(fiche, editor, edited(fiche, pitch="La version de l'accompagnatrice."), base_number=1)

    # The author's form was loaded on version 1, before the editor's change.
    mine = revisions.revision_snapshot(fiche, 1)
    mine["sections"]["reproduire"] = "Demandez une parcelle à la mairie."
    mine["themes"] = ["alimentation"]
    result = revisions.save_edit(fiche, author, mine, base_number=1)

    assert result.live and result.merged and result.revision.number == 3
    data = live(fiche)
    assert data["pitch"] == "La version de l'accompagnatrice."  # theirs kept
    assert data["sections"]["reproduire"] == "Demandez une parcelle à la mairie."  # mine added
    assert data["themes"] == ["alimentation"]
    assert result.revision.snapshot == data


def test_edits_of_the_same_field_conflict_and_nothing_is_saved(people):
    author, editor = people["author"], people["editor"]
    fiche = draft_by(author)
    revisions.save_edit(fiche, editor, edited(fiche, title="Le jardin de l'accompagnatrice"), base_number=1)
    mine = revisions.revision_snapshot(fiche, 1)
    mine["title"] = "Le jardin de l'autrice"
    mine["carrier_name"] = "Association du Bourg"  # not in conflict, but nothing is saved either

    with pytest.raises(EditConflict) as caught:
        revisions.save_edit(fiche, author, mine, base_number=1)

    conflict = caught.value
    assert conflict.current_number == 2
    assert conflict.conflicts == {"title": {"mine": "Le jardin de l'autrice",
                                            "theirs": "Le jardin de l'accompagnatrice",
                                            "base": "Jardin partagé du Bourg"}}
    assert conflict.merged["carrier_name"] == "Association du Bourg"
    assert fiche.revisions.count() == 2
    assert live(fiche)["title"] == "Le jardin de l'accompagnatrice"
    assert live(fiche)["carrier_name"] == "Les Amis du Jardin"

    # The person resolves the conflict and saves again on the version they now saw.
    resolved = {**revisions.unflatten(conflict.merged), "title": "Le jardin partagé de tous"}
    result = revisions.save_edit(fiche, author, resolved, base_number=conflict.current_number)
    assert result.live and not result.merged and result.revision.number == 3
    assert live(fiche)["title"] == "Le jardin partagé de tous"
    assert live(fiche)["carrier_name"] == "Association du Bourg"


def test_the_same_change_made_by_two_people_is_not_a_conflict(people):
    author, editor = people["author"], people["editor"]
    fiche = draft_by(author)
    revisions.save_edit(fiche, editor, edited(fiche, start_year=2020), base_number=1)
    mine = {**revisions.revision_snapshot(fiche, 1), "start_year": 2020}
    result = revisions.save_edit(fiche, author, mine, base_number=1)
    assert result.unchanged and fiche.revision_number == 2


def test_merge_is_three_way_key_by_key():
    base = {"title": "A", "pitch": "p", "sections": {"origine": "o"}, "themes": ["x"]}
    mine = {"title": "A", "pitch": "p2", "sections": {}, "themes": ["x"]}
    theirs = {"title": "B", "pitch": "p", "sections": {"origine": "o", "conseils": "c"}, "themes": ["y"]}
    result = revisions.merge(base, mine, theirs)
    assert result.conflicts == {}
    assert result.data == {"title": "B", "pitch": "p2", "themes": ["y"], "sections": {"conseils": "c"}}

    theirs["sections"]["origine"] = "o2"  # they rewrote what I deleted
    result = revisions.merge(base, mine, theirs)
    assert result.conflicts == {"sections.origine": {"mine": None, "theirs": "o2", "base": "o"}}


# --- Published fiches: proposals ---------------------------------------------------------------


def test_an_untrusted_contributors_edit_of_a_published_fiche_waits_for_an_editor(people):
    fiche = published_by(people["author"])
    before = live(fiche)
    result = revisions.save_edit(fiche, people["contributor"], edited(fiche, pitch="Une proposition."),
                                 base_number=1, summary="Plus clair")
    assert not result.live
    proposal = result.revision
    assert (proposal.state, proposal.number, proposal.base_number) == (State.PENDING, 2, 1)
    assert proposal.snapshot["pitch"] == "Une proposition."
    assert live(fiche) == before and fiche.revision_number == 1
    assert revisions.pending_revision_of(people["contributor"], fiche) == proposal
    data, base = revisions.working_copy(people["contributor"], fiche)
    assert data["pitch"] == "Une proposition." and base == 1
    data, base = revisions.working_copy(people["author"], fiche)  # the author did not propose anything
    assert data == before and base == 1
    assert AuditEntry.objects.for_object(fiche).filter(action="revision.proposed").get().data == {
        "number": 2, "summary": "Plus clair"}


def test_the_author_of_a_published_fiche_proposes_too_unless_trusted(people):
    fiche = published_by(people["author"])
    result = revisions.save_edit(fiche, people["author"], edited(fiche, pitch="Par l'autrice."), base_number=1)
    assert not result.live and result.revision.state == State.PENDING




def test_a_proposal_identical_to_the_live_fiche_is_not_stored(people):
    fiche = published_by(people["author"])
    result = revisions.save_edit(fiche, people["contributor"], revisions.snapshot(fiche), base_number=1)
    assert result.unchanged and result.revision is None
    assert not fiche.revisions.pending().exists()


def test_saving_the_same_proposal_again_stores_nothing_new(people):
    fiche = published_by(people["author"])
    data = edited(fiche, pitch="Une proposition.")
    first = revisions.save_edit(fiche, people["contributor"], data, base_number=1).revision
    again = revisions.save_edit(fiche, people["contributor"], data, base_number=1)
    assert again.unchanged
    assert list(fiche.revisions.pending()) == [first]


def test_archived_fiches_take_proposals_as_well(people):
    fiche = published_by(people["author"])
    Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.ARCHIVED)
    fiche.refresh_from_db()
    assert not revisions.save_edit(fiche, people["contributor"], edited(fiche, pitch="x"), base_number=1).live
    assert revisions.save_edit(fiche, people["trusted"], edited(fiche, pitch="y"), base_number=1).live


def test_a_second_proposal_by_the_same_person_supersedes_the_first(people):
    fiche = published_by(people["author"])
    contributor, other = people["contributor"], UserFactory()
    first = revisions.save_edit(fiche, contributor, edited(fiche, pitch="Premier essai."), base_number=1).revision
    theirs = revisions.save_edit(fiche, other, edited(fiche, title="Autre titre"), base_number=1).revision
    second = revisions.save_edit(fiche, contributor, edited(fiche, pitch="Second essai."), base_number=1).revision

    first.refresh_from_db()
    theirs.refresh_from_db()
    assert first.state == State.SUPERSEDED and first.decided_at is not None
    assert second.state == State.PENDING and second.number == 4
    assert theirs.state == State.PENDING  # another person's proposal is untouched
    assert list(fiche.revisions.pending().order_by("number")) == [theirs, second]
    assert revisions.pending_revision_of(contributor, fiche) == second
    assert live(fiche)["pitch"] == content()["pitch"]


@pytest.mark.parametrize("persona", ["trusted", "editor"])
def test_a_trusted_contributors_or_an_editors_edit_of_a_published_fiche_goes_live(people, persona):
    fiche = published_by(people["author"])
    result = revisions.save_edit(fiche, people[persona], edited(fiche, pitch="En ligne tout de suite."),
                                 base_number=1)
    assert result.live and result.revision.state == State.APPLIED
    assert live(fiche)["pitch"] == "En ligne tout de suite." and fiche.revision_number == 2


def test_an_editor_of_another_territory_is_a_trusted_contributor_here(people):
    fiche = published_by(people["author"])
    elsewhere = UserFactory(roles=[Role.EDITOR], scopes=["quimper"])
    # Editors are trusted contributors everywhere (permissions.is_trusted): their edits go live.
    assert revisions.save_edit(fiche, elsewhere, edited(fiche, pitch="Depuis Quimper."), base_number=1).live


def test_approving_a_proposal_applies_only_its_changes_on_top_of_newer_live_changes(people):
    fiche = published_by(people["author"])
    editor = people["editor"]
    proposal = revisions.save_edit(
        fiche, people["contributor"], edited(fiche, pitch="La proposition.", sections={"origine": "Autre origine."}),
        base_number=1, summary="Reformulation",
    ).revision
    # Meanwhile the live fiche changes elsewhere.
    revisions.save_edit(fiche, editor, edited(fiche, title="Titre corrigé", carrier_name="Nouveau porteur"),
                        base_number=1)

    saved = revisions.approve_revision(proposal, editor, note="Merci !")

    data = live(fiche)
    assert data["title"] == "Titre corrigé" and data["carrier_name"] == "Nouveau porteur"  # newer live changes kept
    assert data["pitch"] == "La proposition."
    assert data["sections"] == {"origine": "Autre origine."}  # the proposal removed "fonctionnement"
    assert saved.live and saved.revision.number == 4 and saved.revision.kind == Revision.Kind.APPROVAL
    assert saved.revision.author == people["contributor"]
    proposal.refresh_from_db()
    assert proposal.state == State.APPROVED and proposal.decided_by == editor
    assert proposal.decided_at is not None and proposal.decision_note == "Merci !"
    fiche.refresh_from_db()
    assert fiche.revision_number == 4
    entry = AuditEntry.objects.for_object(fiche).filter(action="revision.approved").get()
    assert entry.actor == editor and entry.data == {"number": 2, "applied_as": 4}


def test_approving_a_proposal_that_conflicts_with_a_newer_change_needs_force(people):
    fiche = published_by(people["author"])
    editor = people["editor"]
    proposal = revisions.save_edit(fiche, people["contributor"], edited(fiche, pitch="Pitch proposé."),
                                   base_number=1).revision
    revisions.save_edit(fiche, editor, edited(fiche, pitch="Pitch de l'accompagnatrice."), base_number=1)

    with pytest.raises(EditConflict) as caught:
        revisions.approve_revision(proposal, editor)
    assert caught.value.conflicts["pitch"]["mine"] == "Pitch proposé."
    assert caught.value.conflicts["pitch"]["theirs"] == "Pitch de l'accompagnatrice."
    proposal.refresh_from_db()
    assert proposal.is_pending and live(fiche)["pitch"] == "Pitch de l'accompagnatrice."

    revisions.approve_revision(proposal, editor, force=True)
    proposal.refresh_from_db()
    assert proposal.state == State.APPROVED and live(fiche)["pitch"] == "Pitch proposé."


def test_declining_a_proposal_leaves_the_fiche_as_it_is(people):
    fiche = published_by(people["author"])
    before = live(fiche)
    proposal = revisions.save_edit(fiche, people["contributor"], edited(fiche, pitch="Non."), base_number=1).revision
    revisions.decline_revision(proposal, people["editor"], note="Hors sujet.")
    proposal.refresh_from_db()
    assert proposal.state == State.DECLINED and proposal.decided_by == people["editor"]
    assert live(fiche) == before and Innovation.objects.get(pk=fiche.pk).revision_number == 1
    entry = AuditEntry.objects.for_object(fiche).filter(action="revision.declined").get()
    assert entry.data == {"number": 2, "note": "Hors sujet."}


# --- Reverting ---------------------------------------------------------------------------------


def test_reverting_makes_a_new_revision_equal_to_the_target(people):
    author, editor = people["author"], people["editor"]
    fiche = draft_by(author)
    original = live(fiche)
    revisions.save_edit(fiche, author, edited(fiche, title="Deuxième titre", themes=["numerique"]), base_number=1)
    revisions.save_edit(fiche, author, edited(fiche, pitch="Troisième pitch", links=[]), base_number=2)

    result = revisions.revert(fiche, editor, 1)

    assert result.live and result.revision.number == 4 and result.revision.kind == Revision.Kind.REVERT
    assert live(fiche) == original and result.revision.snapshot == original
    assert [r.number for r in fiche.revisions.all()] == [4, 3, 2, 1]  # nothing erased
    entry = AuditEntry.objects.for_object(fiche).filter(action="revision.reverted").get()
    assert entry.actor == editor and entry.data == {"to": 1, "number": 4}


def test_reverting_to_a_pending_or_unknown_revision_is_refused(people):
    fiche = published_by(people["author"])
    proposal = revisions.save_edit(fiche, people["contributor"], edited(fiche, pitch="En attente."),
                                   base_number=1).revision
    for number in (proposal.number, 99):
        with pytest.raises(ValueError):
            revisions.revert(fiche, people["editor"], number)
    assert live(fiche)["pitch"] == content()["pitch"] and fiche.revisions.count() == 2


# --- Fiches without history --------------------------------------------------------------------


def test_a_fiche_without_history_gets_a_baseline_before_its_first_edit(people):
    fiche = InnovationFactory(communes=["Brest"], themes=["numerique"], state=Innovation.State.DRAFT)
    assert fiche.revision_number == 0 and not fiche.revisions.exists()
    Authorship.objects.create(innovation=fiche, user=people["author"], is_creator=True)
    before = revisions.snapshot(fiche)

    result = revisions.save_edit(fiche, people["author"], edited(fiche, pitch="Enfin dans l'historique."),
                                 base_number=0)

    baseline, edit = fiche.revisions.order_by("number")
    assert (baseline.number, baseline.kind, baseline.author, baseline.snapshot) == (
        1, Revision.Kind.BASELINE, None, before)
    assert edit == result.revision and edit.number == 2 and edit.base_number == 1
    assert fiche.revision_number == 2


def test_ensure_baseline_is_idempotent(people):
    fiche = InnovationFactory(communes=["Brest"], themes=["numerique"])
    revisions.ensure_baseline(fiche)
    revisions.ensure_baseline(fiche)
    assert fiche.revisions.count() == 1 and fiche.revision_number == 1
    assert Innovation.objects.get(pk=fiche.pk).revision_number == 1
    created = draft_by(people["author"])
    revisions.ensure_baseline(created)  # already has a history
    assert created.revisions.count() == 1 and created.revisions.get().kind == Revision.Kind.CREATE


def test_revision_snapshot_of_the_live_number_without_a_row_is_the_live_content(people):
    fiche = InnovationFactory(communes=["Brest"])
    Innovation.objects.filter(pk=fiche.pk).update(revision_number=3)  # e.g. rows lost in an import
    fiche.refresh_from_db()
    assert revisions.revision_snapshot(fiche, 3) == revisions.snapshot(fiche)
    assert revisions.revision_snapshot(fiche, 2) is None


def test_places_follow_the_snapshot(people):
    author = people["author"]
    fiche = draft_by(author)
    data = edited(fiche)
    data["places"] = [*data["places"], {"commune": commune("Guipavas").code}]
    revisions.save_edit(fiche, author, data, base_number=1)
    assert sorted(Place.objects.filter(innovation=fiche).values_list("commune__name", flat=True)) == [
        "Brest", "Guipavas"]


# --- Who is told of a proposal -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_proposal_is_mailed_to_the_editors_and_its_decision_to_its_author(db, people, mailoutbox):
    fiche = published_by(people["author"])
    contributor, editor = people["contributor"], people["editor"]
    UserFactory(roles=[Role.EDITOR], scopes=["quimper"])  # not this territory's editor

    first = revisions.save_edit(fiche, contributor, edited(fiche, pitch="Un."), base_number=1).revision
    assert queued("editorial_revision_proposed") == [[editor.email]]
    run_tasks()
    assert delivered(mailoutbox) == [editor.email]

    mailoutbox.clear()
    revisions.approve_revision(first, editor, note="Merci.")
    second = revisions.save_edit(fiche, contributor, edited(fiche, pitch="Deux."), base_number=2).revision
    revisions.decline_revision(second, editor, note="Non merci.")
    assert queued("editorial_revision_approved") == [[contributor.email]]
    assert queued("editorial_revision_declined") == [[contributor.email]]
    run_tasks()
    assert delivered(mailoutbox) == sorted([contributor.email, contributor.email, editor.email])


@pytest.mark.django_db(transaction=True)
def test_a_live_edit_mails_nobody(db, people, mailoutbox):
    fiche = published_by(people["author"])
    revisions.save_edit(fiche, people["trusted"], edited(fiche, pitch="Direct."), base_number=1)
    run_tasks()
    assert mailoutbox == []
