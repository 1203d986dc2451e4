"""`manage.py compose_weekly_letter`: composes the week's draft once, tells the letter's editors."""

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from creative.accounts.roles import Role
from creative.letters.models import Issue
from tests.factories import InnovationFactory, UserFactory
from tests.worker import run_tasks

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def compose(*args):
    out = io.StringIO()
    call_command("compose_weekly_letter", *args, stdout=out)
    return out.getvalue()


def test_composes_once_per_week(territories):
    InnovationFactory(title="Nouvelle", published_at=datetime.datetime(2025, 11, 20, 10, tzinfo=PARIS),
                      communes=["Brest"])
    output = compose("--period-end", "2025-11-24", "--no-mail")
    issue = Issue.objects.get()
    assert "n° 1" in output and "1 item" in output
    assert issue.period_end == datetime.datetime(2025, 11, 24, tzinfo=PARIS)
    assert list(issue.items.values_list("title", flat=True)) == ["Nouvelle"]
    # Again, the same day or two days later: the draft covers the week.
    assert "already covers" in compose("--period-end", "2025-11-24", "--no-mail")
    assert "already covers" in compose("--period-end", "2025-11-26T08:00", "--no-mail")
    assert Issue.objects.count() == 1
    # Scheduled, it still covers the week.
    Issue.objects.update(state=Issue.State.SCHEDULED)
    assert "already covers" in compose("--period-end", "2025-11-24", "--no-mail")
    # The next week gets its own draft.
    compose("--period-end", "2025-12-01", "--no-mail")
    assert list(Issue.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_without_period_end_it_covers_the_week_before_now(territories):
    compose("--no-mail")
    compose("--no-mail")
    issue = Issue.objects.get()
    assert issue.period_end - issue.period_start == datetime.timedelta(days=7)


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="not a date"):
        compose("--period-end", "lundi")
    assert not Issue.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_letters_editors_are_told(territories):
    UserFactory(email="home@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"])
    UserFactory(email="region@example.org", roles=[Role.EDITOR], scopes=["bretagne"])
    UserFactory(email="admin@example.org", roles=[Role.ADMINISTRATOR])
    UserFactory(email="brest@example.org", roles=[Role.EDITOR], scopes=["brest"])
    UserFactory(email="contributor@example.org")
    UserFactory(email="gone@example.org", roles=[Role.ADMINISTRATOR], is_active=False)
    output = compose("--period-end", "2025-11-24")
    assert "3 editor(s) told" in output
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.org", "home@example.org", "region@example.org"]
    message = mail.outbox[0]
    assert "La lettre n° 1 est prête à relire" in message.subject
    assert "/lettre/redaction/1/" in message.body
    assert "/lettre/redaction/1/" in message.alternatives[0][0]
