"""The editorial workflow: every transition from every state, by every role, and who is told.

Acceptance tests of creative/editorial/workflow.py. The fiche is in Brest; its author created
it, a co-author signs it too; "editor" looks after the pays de Brest, "editor_elsewhere" after
Quimper (outside it).
"""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from creative.accounts import permissions
from creative.accounts.roles import Role, grant
from creative.audit.models import AuditEntry
from creative.editorial import workflow
from creative.editorial.models import ReviewMessage
from creative.editorial.workflow import TransitionError
from creative.innovations.models import Authorship, Innovation, Place
from tests.factories import InnovationFactory, UserFactory
from tests.worker import run_tasks

State = Innovation.State
Kind = ReviewMessage.Kind
worker_test = pytest.mark.django_db(transaction=True)

PERSONAS = ("author", "coauthor", "contributor", "editor", "editor_elsewhere", "moderator", "administrator")


@pytest.fixture
def people(territories):
    return {
        "author": UserFactory(),
        "coauthor": UserFactory(),
        "contributor": UserFactory(),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
    }


def fiche_in(state, people, **kwargs):
    """A complete fiche in Brest in `state`, written by the author and the co-author."""
    kwargs.setdefault("communes", ["Brest"])
    kwargs.setdefault("themes", ["numerique"])
    fiche = InnovationFactory(state=state, **kwargs)
    Authorship.objects.create(innovation=fiche, user=people["author"], is_creator=True)
    Authorship.objects.create(innovation=fiche, user=people["coauthor"])
    return fiche


# Each transition: how to call it, who may make it, from which states, to which state,
# the review message and the audit action it writes.
TRANSITIONS = {
    "submit": {
        "call": lambda fiche, user: workflow.submit(fiche, user, "Prête pour une relecture."),
        "by": {"author", "coauthor"},
        "from": {State.DRAFT, State.CHANGES_REQUESTED},
        "to": State.SUBMITTED, "message": Kind.SUBMITTED, "action": "innovation.submitted",
    },
    "withdraw": {
        "call": workflow.withdraw,
        "by": {"author", "coauthor"},
        "from": {State.SUBMITTED},
        "to": State.DRAFT, "message": Kind.EVENT, "action": "innovation.withdrawn",
    },
    "request_changes": {
        "call": lambda fiche, user: workflow.request_changes(fiche, user, "Précisez le lieu."),
        "by": {"editor", "administrator"},
        "from": {State.SUBMITTED},
        "to": State.CHANGES_REQUESTED, "message": Kind.CHANGES_REQUESTED, "action": "innovation.changes_requested",
    },
    "publish": {
        "call": lambda fiche, user: workflow.publish(fiche, user, "Bravo."),
        "by": {"editor", "administrator"},
        "from": {State.SUBMITTED, State.CHANGES_REQUESTED},
        "to": State.PUBLISHED, "message": Kind.PUBLISHED, "action": "innovation.published",
    },
    "reject": {
        "call": lambda fiche, user: workflow.reject(fiche, user, "Ce n'est pas une innovation sociale."),
        "by": {"editor", "administrator"},
        "from": {State.SUBMITTED, State.CHANGES_REQUESTED},
        "to": State.REJECTED, "message": Kind.REJECTED, "action": "innovation.rejected",
    },
    "reopen": {
        "call": workflow.reopen,
        "by": {"editor", "administrator"},
        "from": {State.REJECTED},
        "to": State.DRAFT, "message": Kind.EVENT, "action": "innovation.reopened",
    },
    "archive": {
        "call": lambda fiche, user: workflow.archive(fiche, user, "L'action s'est arrêtée."),
        "by": {"editor", "administrator"},
        "from": {State.PUBLISHED},
        "to": State.ARCHIVED, "message": Kind.EVENT, "action": "innovation.archived",
    },
    "unarchive": {
        "call": workflow.unarchive,
        "by": {"editor", "administrator"},
        "from": {State.ARCHIVED},
        "to": State.PUBLISHED, "message": Kind.EVENT, "action": "innovation.unarchived",
    },
}


def a_state_it_starts_from(name):
    return sorted(TRANSITIONS[name]["from"])[0]


# --- Every transition from every state ---------------------------------------------------------


@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("name", TRANSITIONS)
def test_each_transition_from_each_state(people, name, state):
    transition = TRANSITIONS[name]
    actor = people[sorted(transition["by"])[0]]
    fiche = fiche_in(state, people)
    if state in transition["from"]:
        result = transition["call"](fiche, actor)
        assert result.state == transition["to"]
        assert Innovation.objects.get(pk=fiche.pk).state == transition["to"]
        message = ReviewMessage.objects.get(innovation=fiche)
        assert (message.kind, message.author) == (transition["message"], actor)
        entry = AuditEntry.objects.for_object(fiche).get()
        assert (entry.action, entry.actor) == (transition["action"], actor)
    else:
        with pytest.raises(TransitionError):
            transition["call"](fiche, actor)
        assert Innovation.objects.get(pk=fiche.pk).state == state
        assert not ReviewMessage.objects.filter(innovation=fiche).exists()
        assert not AuditEntry.objects.for_object(fiche).exists()


# --- Every transition by every role ------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", TRANSITIONS)
def test_each_transition_by_each_role(people, name, persona):
    transition = TRANSITIONS[name]
    state = a_state_it_starts_from(name)
    fiche = fiche_in(state, people)
    if persona in transition["by"]:
        assert transition["call"](fiche, people[persona]).state == transition["to"]
    else:
        with pytest.raises(TransitionError) as refused:
            transition["call"](fiche, people[persona])
        assert str(refused.value)  # a message for the person
        assert Innovation.objects.get(pk=fiche.pk).state == state
        assert not AuditEntry.objects.for_object(fiche).exists()


def test_an_author_whose_address_is_not_verified_cannot_submit(people):
    unverified = UserFactory(verified=False)
    fiche = fiche_in(State.DRAFT, people)
    Authorship.objects.create(innovation=fiche, user=unverified)
    with pytest.raises(TransitionError):
        workflow.submit(fiche, unverified)


def test_an_editor_of_a_commune_inside_the_pays_reviews_its_fiches(people):
    brest_editor = UserFactory(roles=[Role.EDITOR], scopes=["brest"])
    fiche = fiche_in(State.SUBMITTED, people)
    assert workflow.publish(fiche, brest_editor).state == State.PUBLISHED


def test_a_fiche_refused_by_a_stale_copy_is_checked_against_the_database(people):
    fiche = fiche_in(State.SUBMITTED, people)
    stale = Innovation.objects.get(pk=fiche.pk)
    workflow.publish(fiche, people["editor"])
    with pytest.raises(TransitionError):
        workflow.reject(stale, people["editor"], "Trop tard.")
    assert Innovation.objects.get(pk=fiche.pk).state == State.PUBLISHED


# --- What each transition writes ---------------------------------------------------------------


def test_the_whole_path_of_a_fiche_is_told_in_its_review_thread_and_the_log(people):
    author, editor = people["author"], people["editor"]
    fiche = fiche_in(State.DRAFT, people)
    workflow.submit(fiche, author, "Première version.")
    workflow.request_changes(fiche, editor, "Ajoutez une photo.")
    workflow.submit(fiche, people["coauthor"])
    workflow.reject(fiche, editor, "  Hors du territoire.  ")
    workflow.reopen(fiche, editor)
    workflow.submit(fiche, author)
    workflow.withdraw(fiche, author)
    workflow.submit(fiche, author)
    workflow.publish(fiche, editor, "En ligne !")
    workflow.archive(fiche, editor)
    workflow.unarchive(fiche, editor)

    thread = list(ReviewMessage.objects.filter(innovation=fiche).values_list("kind", "body"))
    assert thread == [
        (Kind.SUBMITTED, "Première version."),
        (Kind.CHANGES_REQUESTED, "Ajoutez une photo."),
        (Kind.SUBMITTED, ""),
        (Kind.REJECTED, "  Hors du territoire.  "),
        (Kind.EVENT, "Fiche remise en brouillon."),
        (Kind.SUBMITTED, ""),
        (Kind.EVENT, "Soumission retirée pour continuer l'écriture."),
        (Kind.SUBMITTED, ""),
        (Kind.PUBLISHED, "En ligne !"),
        (Kind.EVENT, "Fiche archivée."),
        (Kind.EVENT, "Fiche remise en ligne."),
    ]
    log = list(AuditEntry.objects.for_object(fiche).order_by("pk").values_list("action", "actor", "data"))
    assert log == [
        ("innovation.submitted", author.pk, {}),
        ("innovation.changes_requested", editor.pk, {"message": "Ajoutez une photo."}),
        ("innovation.submitted", people["coauthor"].pk, {}),
        ("innovation.rejected", editor.pk, {"reason": "  Hors du territoire.  "}),
        ("innovation.reopened", editor.pk, {}),
        ("innovation.submitted", author.pk, {}),
        ("innovation.withdrawn", author.pk, {}),
        ("innovation.submitted", author.pk, {}),
        ("innovation.published", editor.pk, {}),
        ("innovation.archived", editor.pk, {"reason": ""}),
        ("innovation.unarchived", editor.pk, {}),
    ]
    fiche.refresh_from_db()
    assert fiche.state == State.PUBLISHED and fiche.submitted_at is not None and fiche.published_at is not None


def test_rejecting_keeps_the_reason_and_publishing_clears_it(people):
    fiche = fiche_in(State.SUBMITTED, people)
    workflow.reject(fiche, people["editor"], "  Il manque le porteur.  ")
    assert fiche.state == State.REJECTED and fiche.rejection_reason == "Il manque le porteur."
    workflow.reopen(fiche, people["editor"])
    workflow.submit(fiche, people["author"])
    workflow.publish(fiche, people["editor"])
    assert fiche.rejection_reason == ""


def test_publishing_again_after_an_archive_keeps_the_first_publication_date(people):
    fiche = fiche_in(State.SUBMITTED, people)
    workflow.publish(fiche, people["editor"])
    first = fiche.published_at
    workflow.archive(fiche, people["editor"], "Fin du projet.")
    workflow.unarchive(fiche, people["editor"])
    assert fiche.published_at == first
    assert ReviewMessage.objects.filter(innovation=fiche, kind=Kind.EVENT).first().body == "Fin du projet."


@pytest.mark.parametrize("text", ["", "   "])
def test_requesting_changes_or_rejecting_needs_a_message(people, text):
    fiche = fiche_in(State.SUBMITTED, people)
    with pytest.raises(TransitionError, match="Dites aux auteurs"):
        workflow.request_changes(fiche, people["editor"], text)
    with pytest.raises(TransitionError, match="motif du refus est obligatoire"):
        workflow.reject(fiche, people["editor"], text)
    assert Innovation.objects.get(pk=fiche.pk).state == State.SUBMITTED


# --- What a fiche needs before review ----------------------------------------------------------


def test_submission_blockers_name_what_is_missing(people):
    fiche = fiche_in(State.DRAFT, people)
    assert workflow.submission_blockers(fiche) == []
    fiche.title, fiche.pitch = " ", ""
    fiche.save()
    fiche.themes.clear()
    Place.objects.filter(innovation=fiche).delete()
    assert workflow.submission_blockers(fiche) == [
        "le titre", "la présentation en bref", "au moins un thème", "au moins un lieu"]


def test_an_incomplete_draft_cannot_be_submitted_nor_published(people):
    fiche = fiche_in(State.DRAFT, people, themes=[])
    with pytest.raises(TransitionError, match="au moins un thème"):
        workflow.submit(fiche, people["author"])
    assert Innovation.objects.get(pk=fiche.pk).state == State.DRAFT

    submitted = fiche_in(State.SUBMITTED, people, communes=["Brest"])
    Place.objects.filter(innovation=submitted).delete()
    with pytest.raises(TransitionError, match="au moins un lieu"):
        workflow.publish(submitted, people["administrator"])
    assert Innovation.objects.get(pk=submitted.pk).state == State.SUBMITTED


# --- The review thread -------------------------------------------------------------------------


def test_authors_and_reviewers_comment_others_cannot(people):
    fiche = fiche_in(State.SUBMITTED, people)
    for persona in ("author", "coauthor", "editor", "administrator"):
        message = workflow.comment(fiche, people[persona], f"Un mot de {persona}.")
        assert (message.kind, message.author) == (Kind.COMMENT, people[persona])
    for persona in ("contributor", "editor_elsewhere", "moderator"):
        with pytest.raises(TransitionError):
            workflow.comment(fiche, people[persona], "Puis-je aider ?")
    with pytest.raises(TransitionError, match="message est vide"):
        workflow.comment(fiche, people["author"], "  ")
    assert ReviewMessage.objects.filter(innovation=fiche).count() == 4


# --- Who is told -------------------------------------------------------------------------------

def queued(template):
    """Recipients of the mails waiting for the worker, made from `template` (one list per message)."""
    return sorted(
        result.args_kwargs["args"][2] for result in DBTaskResult.objects.all()
        if result.args_kwargs["args"][0] == template
    )


def delivered(mailoutbox):
    assert all(len(message.to) == 1 for message in mailoutbox)  # nobody sees the others' addresses
    return sorted(message.to[0] for message in mailoutbox)


@worker_test
def test_a_submission_is_mailed_to_each_editor_of_the_territory(db, people, mailoutbox):
    of_brest = UserFactory(roles=[Role.EDITOR], scopes=["brest"])
    UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], is_active=False)  # a deactivated editor
    UserFactory(scopes=["pays-de-brest"])  # a scope without the role
    fiche = fiche_in(State.DRAFT, people)

    with transaction.atomic():
        workflow.submit(fiche, people["author"], "Relisez-moi.")
        assert not DBTaskResult.objects.exists()  # nothing leaves before the commit

    expected = sorted([people["editor"].email, of_brest.email])
    assert queued("editorial_submitted") == [[address] for address in expected]
    run_tasks()
    assert delivered(mailoutbox) == expected


@worker_test
def test_a_submission_nobody_covers_goes_to_the_administrators(db, people, mailoutbox):
    second_admin = UserFactory(roles=[Role.ADMINISTRATOR])
    UserFactory(roles=[Role.ADMINISTRATOR], is_active=False)
    fiche = fiche_in(State.DRAFT, people, communes=["Rennes"])

    workflow.submit(fiche, people["author"])
    run_tasks()

    assert delivered(mailoutbox) == sorted([people["administrator"].email, second_admin.email])


@worker_test
@pytest.mark.parametrize("name", ["request_changes", "publish", "reject"])
def test_the_decision_is_mailed_to_each_author(db, people, mailoutbox, name):
    fiche = fiche_in(State.SUBMITTED, people)
    gone = UserFactory(is_active=False)
    Authorship.objects.create(innovation=fiche, user=gone)

    TRANSITIONS[name]["call"](fiche, people["editor"])

    template = {"request_changes": "editorial_changes_requested", "publish": "editorial_published",
                "reject": "editorial_rejected"}[name]
    expected = sorted([people["author"].email, people["coauthor"].email])
    assert queued(template) == [[address] for address in expected]
    run_tasks()
    assert delivered(mailoutbox) == expected


@worker_test
def test_transitions_without_news_send_nothing(db, people, mailoutbox):
    submitted = fiche_in(State.SUBMITTED, people)
    workflow.withdraw(submitted, people["author"])
    published = fiche_in(State.PUBLISHED, people)
    workflow.archive(published, people["editor"])
    workflow.unarchive(published, people["editor"])
    rejected = fiche_in(State.REJECTED, people)
    workflow.reopen(rejected, people["editor"])
    run_tasks()
    assert mailoutbox == []


@worker_test
def test_a_comment_is_mailed_to_the_other_side(db, people, mailoutbox):
    fiche = fiche_in(State.SUBMITTED, people)

    workflow.comment(fiche, people["author"], "Une question sur la photo.")
    run_tasks()
    assert delivered(mailoutbox) == sorted([people["coauthor"].email, people["editor"].email])

    mailoutbox.clear()
    workflow.comment(fiche, people["editor"], "Voici la réponse.")
    run_tasks()
    assert delivered(mailoutbox) == sorted([people["author"].email, people["coauthor"].email])


# --- Trusted contributors ----------------------------------------------------------------------


def test_an_author_becomes_trusted_after_enough_published_fiches(people, settings):
    settings.TRUSTED_AFTER_PUBLISHED = 2
    author = people["author"]
    fiche_in(State.PUBLISHED, people)  # already one published fiche with the same authors
    second = fiche_in(State.SUBMITTED, people)
    newcomer = UserFactory()
    Authorship.objects.create(innovation=second, user=newcomer)

    workflow.publish(second, people["editor"])

    assert permissions.is_trusted(type(author).objects.get(pk=author.pk))
    assert not permissions.is_trusted(type(newcomer).objects.get(pk=newcomer.pk))  # a single fiche published
    [entry] = AuditEntry.objects.filter(action="role.granted", target_id=str(author.pk))  # recorded once
    assert entry.actor is None and entry.data["role"] == Role.TRUSTED.value


def test_one_published_fiche_is_not_enough_when_the_threshold_is_two(people, settings):
    settings.TRUSTED_AFTER_PUBLISHED = 2
    fiche = fiche_in(State.SUBMITTED, people)
    workflow.publish(fiche, people["editor"])
    author = type(people["author"]).objects.get(pk=people["author"].pk)
    assert not permissions.is_trusted(author)
    assert not AuditEntry.objects.filter(action="role.granted").exists()


def test_archived_or_draft_fiches_do_not_count_towards_trust(people, settings):
    settings.TRUSTED_AFTER_PUBLISHED = 2
    fiche_in(State.ARCHIVED, people)
    fiche_in(State.DRAFT, people)
    workflow.publish(fiche_in(State.SUBMITTED, people), people["editor"])
    assert not permissions.is_trusted(type(people["author"]).objects.get(pk=people["author"].pk))


def test_a_threshold_of_zero_disables_the_promotion(people, settings):
    settings.TRUSTED_AFTER_PUBLISHED = 0
    for _ in range(3):
        workflow.publish(fiche_in(State.SUBMITTED, people), people["editor"])
    assert not permissions.is_trusted(type(people["author"]).objects.get(pk=people["author"].pk))
    assert not AuditEntry.objects.filter(action="role.granted").exists()


def test_trusted_and_unverified_authors_are_not_promoted_again(people, settings):
    settings.TRUSTED_AFTER_PUBLISHED = 1
    grant(people["author"], Role.TRUSTED)
    unverified = UserFactory(verified=False)
    fiche = fiche_in(State.SUBMITTED, people)
    Authorship.objects.create(innovation=fiche, user=unverified)
    workflow.publish(fiche, people["editor"])
    promoted = {entry.target_id for entry in AuditEntry.objects.filter(action="role.granted")}
    assert promoted == {str(people["coauthor"].pk)}


def test_an_editor_marks_a_contributor_trusted(people):
    contributor = people["contributor"]
    workflow.mark_trusted(contributor, people["editor"], reason="Fiches toujours soignées")
    assert permissions.is_trusted(type(contributor).objects.get(pk=contributor.pk))
    [entry] = AuditEntry.objects.filter(action="role.granted")
    assert entry.actor == people["editor"] and entry.target_repr == str(contributor)
    assert entry.data["role"] == "trusted" and entry.data["reason"] == "Fiches toujours soignées"


def test_reviewers_and_authors_of_a_fiche(people):
    fiche = fiche_in(State.SUBMITTED, people)
    assert set(workflow.reviewers_of(fiche)) == {people["editor"]}
    assert set(workflow.authors_of(fiche)) == {people["author"], people["coauthor"]}
    elsewhere = fiche_in(State.SUBMITTED, people, communes=["Quimper"])
    assert set(workflow.reviewers_of(elsewhere)) == {people["editor_elsewhere"]}
    nowhere = fiche_in(State.SUBMITTED, people, communes=["Rennes"])
    assert set(workflow.reviewers_of(nowhere)) == {people["administrator"]}
