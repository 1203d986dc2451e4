"""The editors' validation queue: its scope, publishing and rejecting, the organiser's mails, the log."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.audit.models import AuditEntry
from creative.events import editing
from creative.events.models import Event, EventKind
from tests.factories import UserFactory, commune
from tests.worker import run_tasks

QUEUE = "/agenda/a-valider/"


@pytest.fixture(autouse=True)
def _quiet_antispam(settings):
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


@pytest.fixture
def people(territories):
    return {
        "organiser": UserFactory(email="nolwenn@example.org", profile__display_name="Nolwenn Organisatrice"),
        "editor": UserFactory(email="yann@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"],
                              profile__display_name="Yann Accompagnateur"),
        "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
        "editor_without_scope": UserFactory(roles=[Role.EDITOR]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }


def make_event(organiser, title, *, commune_name="Brest", state=Event.State.PROPOSED, **fields):
    start = timezone.now() + timedelta(days=fields.pop("days", 10))
    event = Event(
        title=title, description="Un atelier.", kind=EventKind.objects.get(slug="rencontre"),
        organiser=organiser, created_by=organiser, starts_at=start, ends_at=start + timedelta(hours=2),
        commune=commune(commune_name) if commune_name else None, is_online=commune_name is None, state=state,
        **fields,
    )
    return editing.save_event(event)


@pytest.fixture
def events(people):
    organiser = people["organiser"]
    return {
        "brest": make_event(organiser, "Rencontre à Brest"),
        "plouzane": make_event(organiser, "Visite à Plouzané", commune_name="Plouzané"),
        "quimper": make_event(organiser, "Rencontre à Quimper", commune_name="Quimper"),
        "online": make_event(organiser, "Webcoffee en ligne", commune_name=None),
        "published": make_event(organiser, "Déjà publié", state=Event.State.PUBLISHED),
    }


def titles(client, user):
    client.force_login(user)
    response = client.get(QUEUE)
    assert response.status_code == 200
    return {event.title for event in response.context["events"]}


@pytest.mark.django_db
def test_the_queue_of_each_editor(client, people, events):
    assert titles(client, people["editor"]) == {"Rencontre à Brest", "Visite à Plouzané", "Webcoffee en ligne"}
    assert titles(client, people["editor_elsewhere"]) == {"Rencontre à Quimper", "Webcoffee en ligne"}
    assert titles(client, people["editor_without_scope"]) == {"Webcoffee en ligne"}
    assert titles(client, people["admin"]) == {"Rencontre à Brest", "Visite à Plouzané", "Rencontre à Quimper",
                                               "Webcoffee en ligne"}


@pytest.mark.django_db
def test_the_queue_shows_what_to_decide(client, people, events):
    client.force_login(people["editor"])
    html = client.get(QUEUE).content.decode()
    assert reverse("events:decide", args=[events["brest"].slug]) in html
    assert "Nolwenn Organisatrice" in html
    assert "nolwenn@example.org" not in html


@pytest.mark.django_db(transaction=True)
def test_publishing_mails_the_organiser(client, people, events):
    event = events["brest"]
    client.force_login(people["editor"])
    response = client.post(reverse("events:decide", args=[event.slug]), {"decision": "publier"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    event.refresh_from_db()
    assert event.state == Event.State.PUBLISHED
    assert event.sequence == 1  # a change of state updates calendars
    entry = AuditEntry.objects.get(action="event.published", target_id=str(event.pk))
    assert entry.actor == people["editor"]
    run_tasks()
    assert [m.to for m in mail.outbox] == [["nolwenn@example.org"]]
    message = mail.outbox[0]
    assert "Rencontre à Brest" in message.subject
    assert "Yann Accompagnateur" in message.body
    assert event.get_absolute_url() in message.body
    assert "yann@example.org" not in message.body


@pytest.mark.django_db(transaction=True)
def test_rejecting_needs_a_reason_that_is_mailed(client, people, events):
    event = events["brest"]
    client.force_login(people["editor"])
    response = client.post(reverse("events:decide", args=[event.slug]), {"decision": "refuser", "reason": "  "})
    assert response.status_code == 400
    assert "Le motif du refus est obligatoire" in response.content.decode()
    event.refresh_from_db()
    assert event.state == Event.State.PROPOSED
    client.post(reverse("events:decide", args=[event.slug]),
                {"decision": "refuser", "reason": "Cet événement est commercial."})
    event.refresh_from_db()
    assert event.state == Event.State.REJECTED and event.rejection_reason == "Cet événement est commercial."
    assert AuditEntry.objects.get(action="event.rejected", target_id=str(event.pk)).data["reason"] == (
        "Cet événement est commercial.")
    run_tasks()
    assert len(mail.outbox) == 1
    assert "Cet événement est commercial." in mail.outbox[0].body
    assert "Cet événement est commercial." in mail.outbox[0].alternatives[0][0]


@pytest.mark.django_db
def test_an_editor_elsewhere_cannot_decide(client, people, events):
    client.force_login(people["editor_elsewhere"])
    response = client.post(reverse("events:decide", args=[events["brest"].slug]), {"decision": "publier"})
    assert response.status_code == 403
    assert Event.objects.get(pk=events["brest"].pk).state == Event.State.PROPOSED


@pytest.mark.django_db
def test_deciding_twice(client, people, events):
    client.force_login(people["editor"])
    url = reverse("events:decide", args=[events["published"].slug])
    response = client.post(url, {"decision": "refuser", "reason": "Trop tard."}, follow=True)
    assert "déjà été traité" in response.content.decode()
    assert Event.objects.get(pk=events["published"].pk).state == Event.State.PUBLISHED
    assert client.post(url, {"decision": "n-importe"}).status_code == 400


@pytest.mark.django_db
def test_the_queue_pages(client, people):
    for number in range(23):
        make_event(people["organiser"], f"Atelier {number}")
    client.force_login(people["editor"])
    first = client.get(QUEUE)
    assert len(first.context["events"]) == 20
    assert len(client.get(QUEUE + "?page=2").context["events"]) == 3
    assert client.get(QUEUE + "?page=abc").status_code == 200
