"""The demo letters: three past letters in the archive and the next one's draft, composed from the
demo content, with a handful of demo subscribers; idempotent, removable, wired into load_demo and
remove_demo. Tested on a small fixture (a few demo fiches and an event), not the whole demo."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.events import editing
from creative.events.models import Event, EventKind
from creative.innovations.demo import DemoDataError
from creative.letters import demo
from creative.letters.demo import load_letters_demo, remove_letters_demo, subscriber_email
from creative.letters.models import Delivery, Issue, Subscriber
from tests.factories import InnovationFactory, UserFactory, commune

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def content(territories):
    for n in range(12):
        InnovationFactory(title=f"Fiche de démo {n}", is_demo=True, communes=["Brest" if n % 2 else "Crozon"],
                          themes=["numerique" if n % 2 else "alimentation"],
                          published_at=NOW - datetime.timedelta(days=200 + n))
    InnovationFactory(title="Fiche de la semaine", is_demo=True, communes=["Landerneau"], themes=["solidarites"],
                      published_at=NOW - datetime.timedelta(days=2))
    InnovationFactory(title="Une vraie fiche", communes=["Brest"], published_at=NOW - datetime.timedelta(days=300))
    start = NOW + datetime.timedelta(days=4)
    editing.save_event(Event(title="Atelier de démo", description="Un atelier.", kind=EventKind.objects.first(),
                             starts_at=start, ends_at=start + datetime.timedelta(hours=2), commune=commune("Brest"),
                             state=Event.State.PUBLISHED, is_demo=True))


def snapshot():
    return (
        sorted(Issue.objects.values_list("pk", "number", "state", "subject", "editorial", "sent_at")),
        sorted(Subscriber.objects.values_list("pk", "email", "state")),
        Delivery.objects.count(),
    )


def test_load_then_load_again(content):
    counts = load_letters_demo(now=NOW)
    assert counts == {"subscribers": 6, "letters": 4, "sent": 3, "drafts": 1, "created": 6 + 4, "updated": 0}
    sent = list(Issue.objects.filter(state=Issue.State.SENT).order_by("number"))
    assert [i.number for i in sent] == [1, 2, 3] and all(i.is_demo for i in Issue.objects.all())
    for weeks_ago, issue in zip((3, 2, 1), sent, strict=True):
        assert issue.editorial and issue.sent_at < NOW
        assert issue.period_end == NOW - datetime.timedelta(weeks=weeks_ago)
        assert issue.items.count() >= 4
        assert issue.subject.startswith(f"La lettre de Brest Créative n° {issue.number} — semaine du ")
    draft = Issue.objects.get(state=Issue.State.DRAFT)
    assert draft.number == 4 and draft.period_end == NOW and draft.editorial
    draft_titles = set(draft.items.values_list("title", flat=True))
    assert "Fiche de la semaine" in draft_titles
    # Composed from the demo content: an event announced in a sent letter is not announced again.
    assert Issue.objects.filter(items__title="Atelier de démo").count() == 1
    fiche_keys = list(
        Issue.objects.filter(is_demo=True).values_list("items__source_key", flat=True)
    )
    fiche_keys = [key for key in fiche_keys if key and key.startswith("innovations.")]
    assert len(fiche_keys) == len(set(fiche_keys))  # no fiche in two letters
    assert not Issue.objects.filter(items__title="Une vraie fiche").filter(number__in=[1, 2, 3]).exists()
    # Subscribers: active, demo addresses, and an outbox row per letter sent, as if it had been.
    subscribers = Subscriber.objects.all()
    assert {s.state for s in subscribers} == {Subscriber.State.ACTIVE}
    assert all(s.email.startswith("demo-lettre-") and s.email.endswith("@example.org") for s in subscribers)
    assert all(s.is_demo and s.consent_text and s.confirmed_at < sent[0].sent_at for s in subscribers)
    assert Subscriber.objects.get(email=subscriber_email("brest-numerique")).themes.get().slug == "numerique"
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 3 * 6
    assert not mail.outbox
    # Idempotent: nothing created or changed the second time, even a week later.
    before = snapshot()
    again = load_letters_demo(now=NOW + datetime.timedelta(days=7))
    assert again["created"] == again["updated"] == 0
    assert snapshot() == before


def test_a_changed_demo_subscriber_is_put_back(content):
    load_letters_demo(now=NOW)
    changed = Subscriber.objects.get(email=subscriber_email("crozon"))
    changed.state = Subscriber.State.UNSUBSCRIBED
    changed.save()
    changed.territories.clear()
    assert load_letters_demo(now=NOW)["updated"] == 1
    changed.refresh_from_db()
    assert changed.state == Subscriber.State.ACTIVE and changed.territories.get().slug == "crozon"


def test_a_real_subscriber_is_never_taken_over(content):
    Subscriber.objects.create(email=subscriber_email("crozon"), state=Subscriber.State.ACTIVE)
    with pytest.raises(DemoDataError):
        load_letters_demo(now=NOW)
    assert not Issue.objects.exists()


def test_remove_keeps_real_letters_and_subscribers(content):
    real = Issue.objects.create(number=100, subject="Une vraie lettre", period_start=NOW, period_end=NOW)
    Subscriber.objects.create(email="vraie@example.org", state=Subscriber.State.ACTIVE)
    load_letters_demo(now=NOW)
    assert Issue.objects.filter(is_demo=True).order_by("number").first().number == 101  # numbered after the real ones
    counts = remove_letters_demo()
    assert counts["letters"] == 4 and counts["subscribers"] == 6
    assert list(Issue.objects.all()) == [real]
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["vraie@example.org"]
    assert not Delivery.objects.exists()


def test_the_demo_in_the_archive_and_for_the_editors(client, content):
    load_letters_demo(now=NOW)
    archive = client.get(reverse("letters:archive"))
    assert [i.number for i in archive.context["issues"]] == [3, 2, 1]
    assert client.get(reverse("letters:issue", args=[4])).status_code == 404  # the draft stays private
    client.force_login(UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]))
    page = client.get(reverse("letters:manage"))
    assert page.context["subscriber_count"] == 6
    assert [i.progress["sent"] for i in page.context["sent"]] == [6, 6, 6]
    assert [i.number for i in page.context["drafts"]] == [4]


def test_load_demo_and_remove_demo_call_the_letters(monkeypatch, settings, db):
    """The commands' wiring, without loading the whole demo (the other loaders are stubbed)."""
    from creative.innovations.management.commands import load_demo, remove_demo

    settings.DEBUG = True
    calls = []
    monkeypatch.setattr(load_demo, "load_demo", lambda **kw: (0, 0))
    monkeypatch.setattr(load_demo, "load_network_demo", lambda **kw: dict.fromkeys(
        ["people", "organisations", "team members", "ambassadors", "calls", "reproductions", "created", "updated"], 0))
    monkeypatch.setattr(load_demo, "load_events_demo", lambda **kw: dict.fromkeys(
        ["events", "upcoming", "past", "series", "registrations", "created", "updated"], 0))
    monkeypatch.setattr(load_demo, "load_magazine_demo", lambda: dict.fromkeys(
        ["articles", "dossier_fiches", "created", "updated"], 0))
    monkeypatch.setattr(load_demo, "load_demo_views", lambda: dict.fromkeys(["views", "objects", "rows"], 0))
    monkeypatch.setattr(load_demo, "load_letters_demo", lambda: calls.append("load") or dict.fromkeys(
        ["letters", "sent", "drafts", "subscribers", "created", "updated"], 0))
    out = io.StringIO()
    call_command("load_demo", "--no-admin", stdout=out)
    assert calls == ["load"] and "Demo letters:" in out.getvalue()
    monkeypatch.setattr(remove_demo, "remove_demo", lambda: 0)
    monkeypatch.setattr(remove_demo, "remove_network_demo", lambda: dict.fromkeys(
        ["people", "organisations", "reproductions", "calls"], 0))
    monkeypatch.setattr(remove_demo, "remove_events_demo", lambda: dict.fromkeys(
        ["events", "series", "registrations"], 0))
    monkeypatch.setattr(remove_demo, "remove_magazine_demo", lambda: dict.fromkeys(["articles"], 0))
    monkeypatch.setattr(remove_demo, "remove_demo_views", lambda: 0)
    monkeypatch.setattr(remove_demo, "remove_letters_demo", lambda: calls.append("remove") or dict.fromkeys(
        ["letters", "items", "subscribers"], 0))
    call_command("remove_demo", stdout=out)
    assert calls == ["load", "remove"] and "Demo letters removed" in out.getvalue()


def test_the_data_file_is_consistent():
    data = demo.demo_letters_data()
    assert len(data["letters"]) == 3 and all(entry["editorial"] for entry in data["letters"])
    assert sorted(entry["weeks_ago"] for entry in data["letters"]) == [1, 2, 3]
    keys = [entry["key"] for entry in data["subscribers"]]
    assert len(keys) == len(set(keys)) >= 5
