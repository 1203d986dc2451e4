"""The outbox and the letter worker: queuing, personalisation, claims, leases, retries, throttle, progress."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import timezone

from creative.audit.models import AuditEntry
from creative.letters import delivery, rendering
from creative.letters.delivery import LetterWorker
from creative.letters.models import Delivery, Issue, Subscriber
from creative.territories.models import Territory
from tests.factories import LetterIssueFactory, LetterItemFactory, LetterSubscriberFactory, ThemeFactory

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0)


def _territory(name):
    return Territory.objects.create(level=Territory.Level.COMMUNE, code=name[:5], name=name, slug=name.lower())


@pytest.fixture
def places():
    return {"brest": _territory("Brest"), "quimper": _territory("Quimper"), "rennes": _territory("Rennes")}


@pytest.fixture
def issue(places):
    issue = LetterIssueFactory(subject="La lettre")
    issue.brest_item = LetterItemFactory(issue=issue, title="À Brest", territories=[places["brest"]])
    issue.quimper_item = LetterItemFactory(issue=issue, title="À Quimper", territories=[places["quimper"]])
    return issue


class FakeTime:
    """A monotonic clock, a sleep that advances it, and an aware `now` that follows it."""

    def __init__(self):
        self.t = 0.0
        self.slept = []
        self.start = timezone.now()

    def clock(self):
        return self.t

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.t += seconds

    def now(self):
        return self.start + timedelta(seconds=self.t)


class ScriptedBackend(BaseEmailBackend):
    """A "bulk" mailer whose answers per recipient are scripted: a list of exceptions (None: accept)."""

    script = {}
    sent = []
    opened = 0

    def open(self):
        ScriptedBackend.opened += 1
        return True

    def send_messages(self, messages):
        for message in messages:
            outcomes = self.script.get(message.to[0])
            error = outcomes.pop(0) if outcomes else None
            if error is not None:
                raise error
            ScriptedBackend.sent.append(message)
        return len(messages)


@pytest.fixture
def scripted(settings):
    settings.MAILERS = {**settings.MAILERS, "bulk": {"BACKEND": f"{__name__}.ScriptedBackend"}}
    ScriptedBackend.script, ScriptedBackend.sent, ScriptedBackend.opened = {}, [], 0
    return ScriptedBackend


def _worker(fake=None, **kwargs):
    fake = fake or FakeTime()
    return LetterWorker("test-worker", clock=fake.clock, sleep=fake.sleep, now=fake.now, **kwargs)


# --- Queuing -------------------------------------------------------------------------------------


def test_queue_issue_personalises_each_row_and_is_idempotent(issue, places):
    everywhere = LetterSubscriberFactory()
    in_brest = LetterSubscriberFactory(territories=[places["brest"]])
    in_rennes = LetterSubscriberFactory(territories=[places["rennes"]])
    for state in (Subscriber.State.PENDING, Subscriber.State.UNSUBSCRIBED, Subscriber.State.BOUNCING):
        LetterSubscriberFactory(state=state)

    assert delivery.queue_issue(issue, now=T0) == 3
    rows = {row.subscriber_id: row for row in issue.deliveries.all()}
    assert set(rows) == {everywhere.pk, in_brest.pk, in_rennes.pk}
    assert rows[everywhere.pk].item_ids == [issue.brest_item.pk, issue.quimper_item.pk]
    assert rows[in_brest.pk].item_ids == [issue.brest_item.pk] and not rows[in_brest.pk].is_fallback
    assert rows[in_rennes.pk].is_fallback
    assert rows[in_rennes.pk].item_ids == [issue.brest_item.pk, issue.quimper_item.pk]
    assert all(row.state == Delivery.State.QUEUED and row.next_attempt_at == T0 for row in rows.values())
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENDING and issue.sending_started_at == T0

    # Again: nobody twice; someone who subscribed since is added; the start time stays.
    assert delivery.queue_issue(issue, now=T0 + timedelta(hours=1)) == 0
    LetterSubscriberFactory()
    assert delivery.queue_issue(issue, now=T0 + timedelta(hours=1)) == 1
    assert issue.deliveries.count() == 4
    issue.refresh_from_db()
    assert issue.sending_started_at == T0


def test_queue_issue_reads_subscribers_in_chunks_with_their_own_choices(issue, places):
    theme = ThemeFactory()
    issue.quimper_item.themes.set([theme])
    subscribers = [
        LetterSubscriberFactory(territories=[places["brest"] if n % 2 else places["quimper"]]) for n in range(7)
    ]
    subscribers[0].themes.set([ThemeFactory()])  # Quimper, another theme: nothing matches
    assert delivery.queue_issue(issue, chunk_size=2) == 7
    rows = {row.subscriber_id: row for row in issue.deliveries.all()}
    assert rows[subscribers[0].pk].is_fallback
    for n, subscriber in enumerate(subscribers[1:], start=1):
        expected = issue.brest_item if n % 2 else issue.quimper_item
        assert rows[subscriber.pk].item_ids == [expected.pk], n


def test_rows_inserted_by_someone_else_meanwhile_are_skipped(issue):
    first, second = LetterSubscriberFactory.create_batch(2)
    rows = [(first.pk, "[1]", False), (second.pk, "[]", True)]
    assert delivery._insert_deliveries(issue.pk, T0, rows[:1]) == 1
    # A concurrent queue_issue wrote the first row after our check: no error, no second row.
    assert delivery._insert_deliveries(issue.pk, T0, rows) == 1
    assert issue.deliveries.count() == 2
    row = issue.deliveries.get(subscriber=second)
    assert (row.item_ids, row.is_fallback, row.state, row.attempts, row.next_attempt_at) == (
        [], True, Delivery.State.QUEUED, 0, T0,
    )


def test_a_sent_issue_is_not_queued_again(issue):
    LetterSubscriberFactory()
    Issue.objects.filter(pk=issue.pk).update(state=Issue.State.SENT)
    assert delivery.queue_issue(issue) == 0
    assert not issue.deliveries.exists()


def test_due_scheduled_issues_are_queued_by_the_worker(issue):
    LetterSubscriberFactory()
    later = LetterIssueFactory(state=Issue.State.SCHEDULED, scheduled_at=T0 + timedelta(hours=2))
    Issue.objects.filter(pk=issue.pk).update(state=Issue.State.SCHEDULED, scheduled_at=T0 - timedelta(minutes=1))
    assert delivery.queue_due_issues(T0) == [issue]
    issue.refresh_from_db()
    later.refresh_from_db()
    assert issue.state == Issue.State.SENDING and issue.deliveries.count() == 1
    assert later.state == Issue.State.SCHEDULED and not later.deliveries.exists()
    assert AuditEntry.objects.filter(action="letters.issue.sent", target_id=str(issue.pk)).exists()


# --- Sending -------------------------------------------------------------------------------------


def test_worker_sends_every_row_once_and_marks_the_issue_sent(issue, places):
    subscribers = [LetterSubscriberFactory(territories=[places["brest"]]) for _ in range(3)]
    delivery.queue_issue(issue)
    fake = FakeTime()
    assert _worker(fake).run(drain=True) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in subscribers)
    assert all(m.sent_using == "bulk" for m in mail.outbox)
    assert all("À Brest" in m.body and "À Quimper" not in m.body for m in mail.outbox)
    assert set(issue.deliveries.values_list("state", "attempts", "claimed_by")) == {(Delivery.State.SENT, 1, "")}
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT and issue.sent_at == fake.now()
    # Nothing left: a second run sends nothing.
    assert _worker(fake).run(drain=True) == 0 and len(mail.outbox) == 3


def test_the_command_drains_the_outbox(issue):
    LetterSubscriberFactory.create_batch(2)
    delivery.queue_issue(issue)
    call_command("send_letters", "--drain", "--rate", "1000", "--worker-id", "cmd", verbosity=0)
    assert len(mail.outbox) == 2
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT


def test_throttle_spaces_messages_by_the_rate(issue, settings):
    settings.LETTERS_RATE_PER_SECOND = 4
    LetterSubscriberFactory.create_batch(5)
    delivery.queue_issue(issue)
    fake = FakeTime()
    _worker(fake, batch=2).run(drain=True)
    assert len(mail.outbox) == 5
    assert sum(fake.slept) == pytest.approx(4 * 0.25)  # four intervals between five messages
    assert max(fake.slept) <= 0.25 + 1e-9


def test_inactive_subscribers_rows_fail_without_sending(issue):
    subscriber = LetterSubscriberFactory()
    delivery.queue_issue(issue)
    Subscriber.objects.filter(pk=subscriber.pk).update(state=Subscriber.State.UNSUBSCRIBED)
    _worker().run(drain=True)
    assert mail.outbox == []
    assert issue.deliveries.get().state == Delivery.State.FAILED
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT


def test_temporary_failures_are_retried_with_backoff_then_fail(issue, scripted, settings):
    settings.LETTERS_MAX_ATTEMPTS = 3
    subscriber = LetterSubscriberFactory()
    temporary = smtplib.SMTPRecipientsRefused({subscriber.email: (451, b"try later")})
    scripted.script[subscriber.email] = [temporary, smtplib.SMTPDataError(421, b"busy"), temporary]
    delivery.queue_issue(issue)
    fake = FakeTime()
    worker = _worker(fake)

    worker.run(drain=True)
    row = issue.deliveries.get()
    assert (row.state, row.attempts, row.claimed_by) == (Delivery.State.QUEUED, 1, "")
    assert row.next_attempt_at == fake.now() + timedelta(minutes=1)
    assert "451" in row.last_error

    fake.t += 60
    worker.run(drain=True)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.State.QUEUED, 2)
    assert row.next_attempt_at == fake.now() + timedelta(minutes=2)
    fake.t += 119
    assert worker.run(drain=True) == 0  # not due yet
    assert issue.deliveries.get().attempts == 2

    fake.t += 1
    worker.run(drain=True)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.State.FAILED, 3)
    assert scripted.sent == []
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT
    subscriber.refresh_from_db()
    assert subscriber.hard_bounces == 0  # temporary failures are not bounces


def test_a_retry_that_succeeds_is_sent(issue, scripted):
    subscriber = LetterSubscriberFactory()
    scripted.script[subscriber.email] = [smtplib.SMTPServerDisconnected("gone")]
    delivery.queue_issue(issue)
    fake = FakeTime()
    worker = _worker(fake)
    worker.run(drain=True)
    assert issue.deliveries.get().state == Delivery.State.QUEUED
    fake.t += 60
    worker.run(drain=True)
    row = issue.deliveries.get()
    assert (row.state, row.attempts, row.last_error) == (Delivery.State.SENT, 2, "")
    assert [m.to for m in scripted.sent] == [[subscriber.email]]


def test_a_lost_connection_pauses_and_puts_the_rest_back(issue, scripted):
    LetterSubscriberFactory.create_batch(3)
    delivery.queue_issue(issue)
    order = list(issue.deliveries.order_by("pk").values_list("subscriber__email", flat=True))
    scripted.script[order[0]] = [ConnectionRefusedError("refused")]
    fake = FakeTime()
    worker = _worker(fake)
    rows = delivery.claim(worker.worker_id, now=fake.now())
    worker.process(rows)
    assert 5.0 in fake.slept  # the pause after a connection failure
    states = dict(issue.deliveries.values_list("subscriber__email", "state"))
    assert states[order[0]] == Delivery.State.QUEUED
    # The others were not tried, and went back to the queue unchanged.
    assert issue.deliveries.filter(attempts=0, state=Delivery.State.QUEUED, claimed_by="").count() == 2
    assert scripted.sent == []
    worker.run(drain=True)
    assert len(scripted.sent) == 2


def test_a_permanent_refusal_fails_at_once_and_bounces(issue, scripted, settings):
    settings.LETTERS_BOUNCE_LIMIT = 2
    subscriber = LetterSubscriberFactory()
    other_issue = LetterIssueFactory()
    LetterItemFactory(issue=other_issue)
    scripted.script[subscriber.email] = [
        smtplib.SMTPRecipientsRefused({subscriber.email: (550, b"no such user")}),
        smtplib.SMTPDataError(554, b"rejected"),
    ]
    delivery.queue_issue(issue)
    _worker().run(drain=True)
    row = issue.deliveries.get()
    assert (row.state, row.attempts) == (Delivery.State.FAILED, 1)
    subscriber.refresh_from_db()
    assert subscriber.hard_bounces == 1 and subscriber.state == Subscriber.State.ACTIVE

    delivery.queue_issue(other_issue)
    _worker().run(drain=True)
    subscriber.refresh_from_db()
    assert subscriber.hard_bounces == 2 and subscriber.state == Subscriber.State.BOUNCING
    assert AuditEntry.objects.filter(action="letters.subscriber.bouncing", target_id=str(subscriber.pk)).count() == 1
    # Bouncing: never queued again.
    third = LetterIssueFactory()
    assert delivery.queue_issue(third) == 0


def test_bouncing_subscribers_queued_rows_fail(issue, settings):
    settings.LETTERS_BOUNCE_LIMIT = 1
    subscriber, other = LetterSubscriberFactory.create_batch(2)
    delivery.queue_issue(issue)
    assert delivery.record_bounce(subscriber.email.upper(), hard=True) is True
    states = dict(issue.deliveries.values_list("subscriber_id", "state"))
    assert states == {subscriber.pk: Delivery.State.FAILED, other.pk: Delivery.State.QUEUED}
    assert delivery.record_bounce("inconnu@exemple.org") is False


def test_soft_bounces_are_only_logged(settings):
    settings.LETTERS_BOUNCE_LIMIT = 1
    subscriber = LetterSubscriberFactory()
    assert delivery.record_bounce(subscriber.email, hard=False) is True
    subscriber.refresh_from_db()
    assert subscriber.hard_bounces == 0 and subscriber.state == Subscriber.State.ACTIVE


def test_backoff_doubles_and_is_capped():
    assert [delivery.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert delivery.backoff(30) == delivery.BACKOFF_CAP


def test_classify_errors():
    assert delivery.classify(smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"x")})) == (delivery.PERMANENT, True)
    assert delivery.classify(smtplib.SMTPRecipientsRefused({"a@b.c": (450, b"x")})) == (delivery.TEMPORARY, False)
    assert delivery.classify(smtplib.SMTPDataError(552, b"x")) == (delivery.PERMANENT, True)
    assert delivery.classify(smtplib.SMTPDataError(451, b"x")) == (delivery.TEMPORARY, False)
    assert delivery.classify(TimeoutError()) == (delivery.CONNECTION, False)
    assert delivery.classify(smtplib.SMTPSenderRefused(550, b"x", "from@x")) == (delivery.CONNECTION, False)


# --- Claims and leases ---------------------------------------------------------------------------


def test_claims_never_overlap_and_expired_leases_are_recovered(issue):
    LetterSubscriberFactory.create_batch(5)
    delivery.queue_issue(issue, now=T0)
    lease = timedelta(minutes=5)
    first = delivery.claim("w1", now=T0, limit=3, lease=lease)
    second = delivery.claim("w2", now=T0, limit=3, lease=lease)
    assert len(first) == 3 and len(second) == 2
    assert not {r.pk for r in first} & {r.pk for r in second}
    assert delivery.claim("w3", now=T0, lease=lease) == []
    assert all(r.state == Delivery.State.SENDING and r.lease_until == T0 + lease for r in first)

    # w1 dies. Before its lease ends nothing moves; after, its rows are queued again for anybody.
    assert delivery.recover_expired_leases(T0 + lease - timedelta(seconds=1)) == 0
    assert delivery.renew("w2", now=T0 + timedelta(minutes=4), lease=lease) == 2
    assert delivery.recover_expired_leases(T0 + lease + timedelta(seconds=1)) == 3
    third = delivery.claim("w3", now=T0 + lease + timedelta(seconds=1), lease=lease)
    assert {r.pk for r in third} == {r.pk for r in first}
    # w2 stops gracefully: its rows go back untouched.
    assert delivery.release("w2") == 2
    assert issue.deliveries.filter(state=Delivery.State.QUEUED, claimed_by="", attempts=0).count() == 2


def test_a_stopped_worker_finishes_the_message_in_flight_and_releases_the_rest(issue):
    LetterSubscriberFactory.create_batch(4)
    delivery.queue_issue(issue)
    fake = FakeTime()
    worker = _worker(fake)
    original = worker.deliver

    def deliver_then_stop(row):
        original(row)
        worker.stop()  # SIGTERM arrives while the first message is being sent

    worker.deliver = deliver_then_stop
    assert worker.run() == 1
    assert len(mail.outbox) == 1
    counts = delivery.progress(issue)
    assert (counts["sent"], counts["queued"], counts["sending"]) == (1, 3, 0)
    assert not issue.deliveries.exclude(claimed_by="").exists()


def test_drain_waits_for_another_workers_lease_then_takes_its_rows(issue):
    LetterSubscriberFactory.create_batch(2)
    delivery.queue_issue(issue)
    fake = FakeTime()
    delivery.claim("dead-worker", now=fake.now(), lease=timedelta(seconds=3))
    assert _worker(fake, poll=1.0).run(drain=True) == 2
    assert fake.t >= 3 and len(mail.outbox) == 2
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 2


# --- Progress ------------------------------------------------------------------------------------


def test_progress_counts_and_template(issue):
    subscribers = LetterSubscriberFactory.create_batch(5)
    assert delivery.progress(issue) == {
        "total": 0, "queued": 0, "sending": 0, "sent": 0, "failed": 0, "done": 0, "percent": 0,
    }
    delivery.queue_issue(issue)
    rows = list(issue.deliveries.order_by("pk"))
    Delivery.objects.filter(pk=rows[0].pk).update(state=Delivery.State.SENT)
    Delivery.objects.filter(pk=rows[1].pk).update(state=Delivery.State.SENT)
    Delivery.objects.filter(pk=rows[2].pk).update(state=Delivery.State.FAILED)
    Delivery.objects.filter(pk=rows[3].pk).update(state=Delivery.State.SENDING)
    counts = delivery.progress(issue)
    assert counts == {"total": 5, "queued": 1, "sending": 1, "sent": 2, "failed": 1, "done": 3, "percent": 60}
    assert len(subscribers) == 5
    html = render_to_string("letters/_progress.html", {"progress": counts})
    assert '<progress max="5" value="3"' in html and "3 sur 5" in html and "60 % traités" in html
    assert "Envoyées" in html and "En échec" in html
    empty = render_to_string("letters/_progress.html", {"progress": delivery.progress(LetterIssueFactory())})
    assert "<progress" not in empty and "Aucun envoi" in empty


def test_progress_is_one_query(issue, django_assert_num_queries):
    with django_assert_num_queries(1):
        delivery.progress(issue)


def test_rendering_loads_an_issues_items_once_per_worker(issue, django_assert_max_num_queries):
    LetterSubscriberFactory.create_batch(6)
    delivery.queue_issue(issue)
    worker = _worker()
    rows = delivery.claim(worker.worker_id)
    worker.process(rows[:1])
    cached = worker._issue(issue.pk)
    assert rendering.items_by_id(cached) is cached._letter_items
    # Per message: territories and themes of the subscriber (2), the SENT update (1).
    with django_assert_max_num_queries(3 * 5 + 2):
        worker.process(rows[1:])
