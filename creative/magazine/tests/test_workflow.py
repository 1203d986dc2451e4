"""The workflow: every transition from every state, scheduled publication with a controlled clock
(no job), the review thread, the mails and the audit log."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.audit.models import AuditEntry
from creative.magazine import workflow
from creative.magazine.models import Article, ArticleReviewMessage
from creative.moderation.models import Visibility
from tests.factories import InnovationFactory
from tests.worker import run_tasks

from . import test_editing_support as support
from .test_editing_support import client_for, make_article

pytestmark = pytest.mark.django_db

# The shared fixtures of test_editing_support.
_quiet_antispam = support._quiet_antispam
article = support.article
people = support.people

State = Article.State
PARIS = timezone.get_default_timezone()


def in_state(article, state, *, at=None):
    Article.objects.filter(pk=article.pk).update(state=state, published_at=at)
    article.refresh_from_db()
    return article


def run(name, article, people):
    """Run transition `name` as the person who would normally make it."""
    author, editor = people["author"], people["editor"]
    calls = {
        "submit": lambda: workflow.submit(article, author),
        "withdraw": lambda: workflow.withdraw(article, author),
        "request_changes": lambda: workflow.request_changes(article, editor, "Précisez la date."),
        "publish": lambda: workflow.publish(article, editor),
        "unpublish": lambda: workflow.unpublish(article, editor),
        "archive": lambda: workflow.archive(article, editor),
        "back_to_draft": lambda: workflow.back_to_draft(article, editor),
    }
    return calls[name]()


# transition → (states it starts from, state it leads to)
TRANSITIONS = {
    "submit": ({State.DRAFT}, State.SUBMITTED),
    "withdraw": ({State.SUBMITTED}, State.DRAFT),
    "request_changes": ({State.SUBMITTED}, State.DRAFT),
    "publish": ({State.DRAFT, State.SUBMITTED, State.ARCHIVED}, State.PUBLISHED),
    "unpublish": ({State.PUBLISHED}, State.DRAFT),
    "archive": ({State.PUBLISHED}, State.ARCHIVED),
    "back_to_draft": ({State.ARCHIVED}, State.DRAFT),
}


@pytest.mark.parametrize("name", list(TRANSITIONS))
@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.PUBLISHED, State.ARCHIVED])
def test_every_transition_from_every_state(people, article, name, state):
    allowed, target = TRANSITIONS[name]
    in_state(article, state, at=timezone.now() - timedelta(days=1) if state == State.PUBLISHED else None)
    if state in allowed:
        run(name, article, people)
        assert Article.objects.get(pk=article.pk).state == target
        assert AuditEntry.objects.filter(target_id=str(article.pk), action__startswith="magazine.article.").exists()
    else:
        with pytest.raises(workflow.TransitionError):
            run(name, article, people)
        assert Article.objects.get(pk=article.pk).state == state


@pytest.mark.parametrize("role", ["contributor", "editor_elsewhere", "coauthor"])
def test_only_reviewers_publish(people, article, role):
    in_state(article, State.SUBMITTED)
    with pytest.raises(workflow.TransitionError):
        workflow.publish(article, people[role])
    assert Article.objects.get(pk=article.pk).state == State.SUBMITTED


def test_administrators_publish_anywhere(people, article):
    in_state(article, State.SUBMITTED)
    workflow.publish(article, people["admin"])
    assert article.is_public


def test_submit_needs_a_body_and_two_fiches_for_a_dossier(people):
    empty = make_article(people["author"], body="")
    with pytest.raises(workflow.TransitionError, match="le texte"):
        workflow.submit(empty, people["author"])
    dossier = make_article(people["author"], is_dossier=True)
    with pytest.raises(workflow.TransitionError, match="deux fiches"):
        workflow.submit(dossier, people["author"])


def test_submit_tells_the_reviewers_and_writes_the_thread(people, article, django_capture_on_commit_callbacks,
        mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article, people["coauthor"], "Prêt à relire.")
    run_tasks()
    recipients = {address for message in mailoutbox for address in message.to}
    assert people["editor"].email in recipients and people["editor_elsewhere"].email not in recipients
    message = article.review_messages.get()
    assert message.kind == ArticleReviewMessage.Kind.SUBMITTED and message.body == "Prêt à relire."
    assert article.submitted_at is not None


def test_request_changes_needs_a_message_and_mails_the_authors(people, article, django_capture_on_commit_callbacks,
        mailoutbox):
    in_state(article, State.SUBMITTED)
    with pytest.raises(workflow.TransitionError):
        workflow.request_changes(article, people["editor"], "  ")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(article, people["editor"], "Ajoutez une photo.")
    run_tasks()
    recipients = {address for message in mailoutbox for address in message.to}
    assert recipients == {people["author"].email, people["coauthor"].email}
    assert "Ajoutez une photo." in mailoutbox[0].body
    assert AuditEntry.objects.get(action="magazine.article.changes_requested").data["message"] == "Ajoutez une photo."


def test_comment_goes_to_the_other_side(people, article, django_capture_on_commit_callbacks,
        mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.comment(article, people["editor"], "Une question sur le titre.")
    run_tasks()
    recipients = {address for message in mailoutbox for address in message.to}
    assert recipients == {people["author"].email, people["coauthor"].email}
    with pytest.raises(workflow.TransitionError):
        workflow.comment(article, people["contributor"], "Je m'invite.")


def test_article_without_territory_is_reviewed_by_any_editor(people):
    article = make_article(people["author"], communes=())
    in_state(article, State.SUBMITTED)
    workflow.publish(article, people["editor_elsewhere"])
    assert Article.objects.get(pk=article.pk).state == State.PUBLISHED


# Scheduled publication -------------------------------------------------------------------------

def test_scheduled_article_is_public_only_from_its_time(people, article, monkeypatch, client):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
    monkeypatch.setattr(timezone, "now", lambda: start)
    in_state(article, State.SUBMITTED)
    at = datetime(2026, 3, 5, 8, 0, tzinfo=PARIS)
    workflow.publish(article, people["editor"], at=at)
    article.refresh_from_db()
    assert article.state == State.PUBLISHED and article.published_at == at
    assert article.is_scheduled and not article.is_public
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert AuditEntry.objects.filter(action="magazine.article.scheduled").exists()

    monkeypatch.setattr(timezone, "now", lambda: at - timedelta(minutes=1))
    assert not Article.objects.published().filter(pk=article.pk).exists()
    monkeypatch.setattr(timezone, "now", lambda: at)
    assert Article.objects.published().filter(pk=article.pk).exists()
    monkeypatch.setattr(timezone, "now", lambda: at + timedelta(days=1))
    assert Article.objects.published().filter(pk=article.pk).exists() and article.is_public


def test_schedule_through_the_review_page_in_paris_time(people, article, client):
    in_state(article, State.SUBMITTED)
    client_for(client, people["editor"])
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(reverse("magazine:review", args=[article.pk]),
                           {"action": "publish", "when": "later", "date": day, "time": "08:30"})
    assert response.status_code == 302
    article.refresh_from_db()
    local = timezone.localtime(article.published_at, PARIS)
    assert (local.date().isoformat(), local.hour, local.minute) == (day, 8, 30)
    assert article.is_scheduled
    queue = client.get(reverse("magazine:queue")).content.decode()
    assert "Publications programmées" in queue and article.title in queue


def test_a_past_date_is_refused_in_french(people, article, client):
    in_state(article, State.SUBMITTED)
    client_for(client, people["editor"])
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = client.post(reverse("magazine:review", args=[article.pk]),
                           {"action": "publish", "when": "later", "date": day, "time": "08:30"})
    assert response.status_code == 400
    assert "Cette date est passée" in str(response.context["publish_form"].errors)
    assert Article.objects.get(pk=article.pk).state == State.SUBMITTED


def test_a_scheduled_article_can_be_published_now_or_unpublished(people, article):
    in_state(article, State.PUBLISHED, at=timezone.now() + timedelta(days=2))
    assert "publish" in workflow.available_actions(people["editor"], article)
    workflow.publish(article, people["editor"])
    assert article.is_public
    with pytest.raises(workflow.TransitionError, match="déjà publié"):
        workflow.publish(article, people["editor"])
    workflow.unpublish(article, people["editor"])
    assert article.state == State.DRAFT and article.published_at is None


def test_a_held_article_stays_hidden_once_published(people, article):
    Article.objects.filter(pk=article.pk).update(visibility=Visibility.HELD)
    article.refresh_from_db()
    in_state(article, State.SUBMITTED)
    workflow.publish(article, people["editor"])
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_review_page_actions_follow_the_state(people, article, client):
    client_for(client, people["author"])
    response = client.post(reverse("magazine:review", args=[article.pk]), {"action": "submit", "message": "Voilà"})
    assert response.status_code == 302 and Article.objects.get(pk=article.pk).state == State.SUBMITTED
    # A second submit is refused with a French message, nothing changes.
    response = client.post(reverse("magazine:review", args=[article.pk]), {"action": "submit"})
    assert response.status_code == 400 and "pas un brouillon" in response.content.decode()
    client_for(client, people["editor"])
    page = client.get(reverse("magazine:review", args=[article.pk])).content.decode()
    assert 'value="request_changes"' in page and 'value="publish"' in page
    response = client.post(reverse("magazine:review", args=[article.pk]), {"action": "request_changes", "message": ""})
    assert response.status_code == 400
    response = client.post(reverse("magazine:review", args=[article.pk]),
                           {"action": "request_changes", "message": "Plus court."})
    assert response.status_code == 302 and Article.objects.get(pk=article.pk).state == State.DRAFT
    response = client.post(reverse("magazine:review", args=[article.pk]), {"action": "inconnue"})
    assert response.status_code == 400


def test_queue_lists_submitted_articles_in_scope(people, client):
    here = in_state(make_article(people["author"], title="Ici à Brest"), State.SUBMITTED)
    there = in_state(make_article(people["author"], title="Là-bas à Quimper", communes=("Quimper",)), State.SUBMITTED)
    general = in_state(make_article(people["author"], title="Sans territoire", communes=()), State.SUBMITTED)
    client_for(client, people["editor"])
    content = client.get(reverse("magazine:queue")).content.decode()
    assert here.title in content and general.title in content and there.title not in content


def test_history_and_revision_diff(people, article, client):
    article.body = "Un texte tout neuf."
    fiche = InnovationFactory(title="Fiche citée")
    from creative.magazine.editing import save_article

    save_article(article, people["author"], fiches=[fiche], summary="plus précis")
    client_for(client, people["coauthor"])
    history = client.get(reverse("magazine:history", args=[article.pk])).content.decode()
    assert "Version 2" in history and "plus précis" in history
    page = client.get(reverse("magazine:revision", args=[article.pk, 2])).content.decode()
    assert "<ins>" in page and "tout neuf" in page and "Fiche citée" in page
    assert client.get(reverse("magazine:revision", args=[article.pk, 9])).status_code == 404
