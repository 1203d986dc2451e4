"""An organiser's tools: editing (sequence, who is told), cancelling, the attendee list, the CSV
export, check-in and writing to the registered people."""

import csv
import io
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from creative.audit.models import AuditEntry
from creative.events import editing, services
from creative.events.models import Event, EventKind, Registration
from tests.factories import UserFactory, commune
from tests.worker import run_tasks

Status = Registration.Status


@pytest.fixture(autouse=True)
def _quiet_antispam(settings):
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


@pytest.fixture
def organiser(territories):
    return UserFactory(email="nolwenn@example.org", profile__display_name="Nolwenn Organisatrice")


@pytest.fixture
def event(organiser):
    start = timezone.localtime(timezone.now() + timedelta(days=10)).replace(hour=18, minute=30, second=0,
                                                                            microsecond=0)
    event = Event(
        title="Atelier d'écriture publique", description="Nous écrivons ensemble des textes courts sur le quartier.",
        kind=EventKind.objects.get(slug="atelier-ecriture-publique"), organiser=organiser, created_by=organiser,
        starts_at=start, ends_at=start + timedelta(hours=2), commune=commune("Brest"), address="Médiathèque",
        capacity=2, state=Event.State.PUBLISHED,
    )
    return editing.save_event(event)


def register(event, name, email, status, **fields):
    now = timezone.now()
    return Registration.objects.create(
        event=event, name=name, email=email, status=status,
        confirmed_at=now if status == Status.CONFIRMED else None,
        waiting_since=now if status == Status.WAITING else None, **fields,
    )


@pytest.fixture
def registrations(event):
    member = UserFactory(email="erwan@example.org", profile__display_name="Erwan Membre")
    return {
        "anna": register(event, "Anna Invitée", "anna@example.org", Status.CONFIRMED),
        "erwan": register(event, "Erwan Membre", "erwan@example.org", Status.CONFIRMED, user=member),
        "waiting": register(event, "=HYPERLINK(\"http://x\")", "waiting@example.org", Status.WAITING),
        "pending": register(event, "Paul Pending", "pending@example.org", Status.PENDING),
        "cancelled": register(event, "Claire Partie", "claire@example.org", Status.CANCELLED),
    }


def edit_data(event, **overrides):
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    data = {
        "title": event.title, "kind": str(event.kind_id), "description": event.description,
        "start_date": start.date().isoformat(), "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"), "commune": event.commune.name if event.commune_id else "",
        "address": event.address, "capacity": str(event.capacity or ""), "is_free": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def calls(monkeypatch):
    """The registration services' notify_change and capacity_changed, recorded instead of run."""
    made = []
    monkeypatch.setattr(services, "notify_change", lambda event, *, what: made.append(("notify", what)))
    monkeypatch.setattr(services, "capacity_changed", lambda event: made.append(("capacity", event.capacity)))
    return made


# Editing ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_form_is_filled_with_the_event(client, organiser, event):
    client.force_login(organiser)
    html = client.get(reverse("events:edit", args=[event.slug])).content.decode()
    assert 'value="Atelier d&#x27;écriture publique"' in html
    assert 'value="18:30"' in html
    assert "Brest (29200)" in html
    assert 'name="occurrences"' not in html  # no recurrence when editing


@pytest.mark.django_db
def test_a_new_title_changes_no_sequence_and_tells_nobody(client, organiser, event, calls):
    client.force_login(organiser)
    response = client.post(reverse("events:edit", args=[event.slug]), edit_data(event, title="Atelier d'écriture"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Atelier d'écriture" and event.sequence == 0
    assert calls == []
    entry = AuditEntry.objects.get(action="event.updated", target_id=str(event.pk))
    assert entry.data["fields"] == ["title"]


@pytest.mark.django_db
def test_a_new_date_raises_the_sequence_and_tells_the_registered(client, organiser, event, calls):
    client.force_login(organiser)
    new_day = (timezone.localtime(event.starts_at) + timedelta(days=1)).date()
    client.post(reverse("events:edit", args=[event.slug]), edit_data(event, start_date=new_day.isoformat()))
    event.refresh_from_db()
    assert event.sequence == 1
    assert timezone.localtime(event.starts_at).date() == new_day
    assert calls == [("notify", "date")]


@pytest.mark.django_db
def test_a_new_place_tells_the_registered(client, organiser, event, calls):
    client.force_login(organiser)
    client.post(reverse("events:edit", args=[event.slug]), edit_data(event, commune="Plouzané"))
    event.refresh_from_db()
    assert event.commune == commune("Plouzané") and event.sequence == 1
    assert set(event.territories.all()) == {commune("Plouzané"), *commune("Plouzané").ancestors}
    assert calls == [("notify", "place")]
    client.post(reverse("events:edit", args=[event.slug]), edit_data(event, is_online="on",
                                                                     online_url="https://visio.example.org/a"))
    event.refresh_from_db()
    assert event.is_online and event.sequence == 2
    assert calls[-1] == ("notify", "place")


@pytest.mark.django_db
def test_more_seats_promote_the_waiting_list(client, organiser, event, calls):
    client.force_login(organiser)
    client.post(reverse("events:edit", args=[event.slug]), edit_data(event, capacity="5"))
    assert calls == [("capacity", 5)]
    client.post(reverse("events:edit", args=[event.slug]), edit_data(event, capacity="3"))
    assert calls == [("capacity", 5)]  # fewer seats: nobody is promoted (nor removed)
    client.post(reverse("events:edit", args=[event.slug]), edit_data(event, capacity=""))
    assert calls[-1] == ("capacity", None)  # no limit any more
    assert Event.objects.get(pk=event.pk).sequence == 0


@pytest.mark.django_db
def test_a_proposed_event_changes_without_telling_anybody(client, organiser, event, calls):
    Event.objects.filter(pk=event.pk).update(state=Event.State.PROPOSED)
    event.refresh_from_db()
    client.force_login(organiser)
    new_day = (timezone.localtime(event.starts_at) + timedelta(days=2)).date()
    client.post(reverse("events:edit", args=[event.slug]), edit_data(event, start_date=new_day.isoformat()))
    assert Event.objects.get(pk=event.pk).sequence == 1
    assert calls == []


@pytest.mark.django_db
def test_an_invalid_edit_changes_nothing(client, organiser, event, calls):
    client.force_login(organiser)
    response = client.post(reverse("events:edit", args=[event.slug]), edit_data(event, end_time="17:00"))
    assert response.status_code == 400
    assert Event.objects.get(pk=event.pk).ends_at == event.ends_at
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_a_new_date_mails_the_registered_people(client, organiser, event, registrations):
    """With the real services: the confirmed and waiting people hear of the new date."""
    client.force_login(organiser)
    new_day = (timezone.localtime(event.starts_at) + timedelta(days=1)).date()
    client.post(reverse("events:edit", args=[event.slug]), edit_data(event, start_date=new_day.isoformat()))
    run_tasks()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["anna@example.org", "erwan@example.org", "waiting@example.org"]


# Cancelling -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_cancelling(client, organiser, event, calls):
    client.force_login(organiser)
    assert client.get(reverse("events:cancel_event", args=[event.slug])).status_code == 200
    response = client.post(reverse("events:cancel_event", args=[event.slug]), {"message": "La salle est fermée."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == Event.State.CANCELLED and event.sequence == 1
    assert calls == [("notify", "cancelled")]
    entry = AuditEntry.objects.get(action="event.cancelled", target_id=str(event.pk))
    assert entry.data["message"] == "La salle est fermée."
    # A cancelled event can no longer be edited nor cancelled again.
    response = client.get(reverse("events:edit", args=[event.slug]))
    assert response.status_code == 302
    client.post(reverse("events:cancel_event", args=[event.slug]))
    assert calls == [("notify", "cancelled")]


@pytest.mark.django_db(transaction=True)
def test_cancelling_tells_the_registered_people_with_the_message(client, organiser, event, registrations):
    client.force_login(organiser)
    client.post(reverse("events:cancel_event", args=[event.slug]), {"message": "La salle est fermée."})
    run_tasks()
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {"anna@example.org", "erwan@example.org", "waiting@example.org"}
    assert any("La salle est fermée." in message.body for message in mail.outbox)


# Attendees ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_attendee_list(client, organiser, event, registrations):
    client.force_login(organiser)
    response = client.get(reverse("events:attendees", args=[event.slug]))
    assert response["Cache-Control"] == "private, no-store"
    context = response.context
    assert [r.name for r in context["confirmed"]] == ["Anna Invitée", "Erwan Membre"]
    assert [r.email for r in context["waiting"]] == ["waiting@example.org"]
    assert [r.name for r in context["pending"]] == ["Paul Pending"]
    html = response.content.decode()
    assert "anna@example.org" in html and "pending@example.org" in html
    assert "claire@example.org" not in html  # cancelled


@pytest.mark.django_db
def test_check_in(client, organiser, event, registrations):
    client.force_login(organiser)
    anna = registrations["anna"]
    url = reverse("events:checkin", args=[event.slug, anna.pk])
    response = client.post(url, {"attended": "1"})
    assert response["Location"].endswith(f"#inscription-{anna.pk}")
    anna.refresh_from_db()
    assert anna.attended is True
    client.post(url, {"attended": "0"})
    anna.refresh_from_db()
    assert anna.attended is False
    client.post(url, {"attended": "true"})
    anna.refresh_from_db()
    assert anna.attended is True
    client.post(url, {"attended": ""})
    anna.refresh_from_db()
    assert anna.attended is None
    assert client.post(url, {"attended": "peut-être"}).status_code == 400
    # A cancelled registration, or one of another event, is not found.
    assert client.post(reverse("events:checkin", args=[event.slug, registrations["cancelled"].pk]),
                       {"attended": "1"}).status_code == 404
    assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_the_csv_export(client, organiser, event, registrations):
    Registration.objects.filter(pk=registrations["anna"].pk).update(attended=True)
    Registration.objects.filter(pk=registrations["erwan"].pk).update(attended=False)
    client.force_login(organiser)
    response = client.get(reverse("events:attendees_csv", args=[event.slug]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{event.slug}-inscrits.csv"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet apps read UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["nom", "adresse", "état", "inscrit le", "présent"]
    by_address = {row[1]: row for row in rows[1:]}
    assert set(by_address) == {"anna@example.org", "erwan@example.org", "waiting@example.org", "pending@example.org"}
    assert by_address["anna@example.org"][0] == "Anna Invitée"
    assert by_address["anna@example.org"][2] == "inscrit·e"
    assert by_address["anna@example.org"][4] == "oui"
    assert by_address["erwan@example.org"][4] == "non"
    assert by_address["pending@example.org"][4] == ""
    assert by_address["waiting@example.org"][2] == "sur liste d'attente"
    assert by_address["waiting@example.org"][0].startswith("'=")  # never read as a formula
    registered = timezone.localtime(registrations["anna"].created_at).strftime("%Y-%m-%d %H:%M")
    assert by_address["anna@example.org"][3] == registered


# Writing to attendees --------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_writing_to_the_confirmed_people(client, organiser, event, registrations):
    client.force_login(organiser)
    response = client.post(reverse("events:write", args=[event.slug]),
                           {"subject": "Ce qu'il faut apporter", "message": "Un carnet et un stylo."})
    assert response.status_code == 302
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "erwan@example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    assert "Ce qu'il faut apporter" in message.subject
    assert "Un carnet et un stylo." in message.body
    assert "Nolwenn Organisatrice" in message.body
    assert "nolwenn@example.org" not in message.body
    entry = AuditEntry.objects.get(action="event.attendees_written")
    assert entry.data["recipients"] == 2


@pytest.mark.django_db(transaction=True)
def test_writing_to_the_waiting_list_too(client, organiser, event, registrations):
    client.force_login(organiser)
    client.post(reverse("events:write", args=[event.slug]),
                {"subject": "Rappel", "message": "À jeudi.", "include_waiting": "on"})
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "erwan@example.org", "waiting@example.org"]


@pytest.mark.django_db
def test_writing_needs_a_subject_a_message_and_people(client, organiser, event):
    client.force_login(organiser)
    url = reverse("events:write", args=[event.slug])
    response = client.post(url, {"subject": "", "message": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"subject", "message"}
    response = client.post(url, {"subject": "Bonjour", "message": "Personne ?"})
    assert response.status_code == 400
    assert "Personne n'est inscrit" in unescape(response.content.decode())


@pytest.mark.django_db
def test_writing_is_rate_limited(client, organiser, event, registrations, settings):
    settings.ANTISPAM_RATE_LIMITS = "contact=1/h/user"
    client.force_login(organiser)
    url = reverse("events:write", args=[event.slug])
    assert client.post(url, {"subject": "Un", "message": "Premier."}).status_code == 302
    assert client.post(url, {"subject": "Deux", "message": "Second."}).status_code == 429


# Spam in an edit ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_spam_description_in_an_edit_is_flagged(client, organiser, event, calls):
    from creative.antispam.tests import corpus
    from creative.moderation.models import ModerationItem

    client.force_login(organiser)
    client.post(reverse("events:edit", args=[event.slug]), edit_data(event, description=corpus.SEED_SPAM[:9000]))
    assert AuditEntry.objects.filter(action="spam.suspected", target_id=str(event.pk)).exists()
    assert ModerationItem.objects.get(object_id=str(event.pk)).cause == ModerationItem.Cause.SPAM
