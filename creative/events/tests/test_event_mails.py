"""The mails of registrations, delivered by the real task worker: content, the .ics attachment (parsed with
icalendar), the registration link in each, and never anybody else's address."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from creative.core.mail import send_templated_mail
from creative.events import services
from creative.events.models import Event
from tests.worker import run_tasks

from .test_registration_support import Status, all_text, ics_of, make_event, member, vevent

worker_test = pytest.mark.django_db(transaction=True)
OTHERS = ("autre@example.org", "troisieme@example.org")


def link(message, pattern):
    return re.search(rf"{re.escape(settings.SITE_URL)}(/{pattern}/[^\s\"<]+/)", message.body).group(1)


def assert_only_for(message, address):
    assert message.to == [address] and not message.cc and not message.bcc
    text = all_text(message)
    for other in OTHERS:
        assert other not in text


@pytest.fixture
def event(db):
    return make_event("Atelier d'écriture publique", capacity=1, price_info="Prix libre", is_free=False,
                      accessibility="Salle de plain-pied.")


@worker_test
def test_confirmation_mail_with_ics(event):
    person = member(email="camille@example.org", name="Camille Le Bihan")
    registration = services.register(event, user=person)
    services.register(event, user=member(email=OTHERS[0]))  # waiting, another person

    run_tasks()

    [message] = [m for m in mail.outbox if m.to == ["camille@example.org"]]
    assert message.subject == "Inscription confirmée : Atelier d'écriture publique"
    assert_only_for(message, "camille@example.org")
    assert "Bonjour Camille Le Bihan," in message.body
    assert services.when_text(event) in message.body and "25 rue de Siam, Brest" in message.body
    assert "Tarif : Prix libre" in message.body and "Accessibilité : Salle de plain-pied." in message.body
    assert f"{settings.SITE_URL}/inscriptions/annuler/{registration.token}/" in message.body
    html = message.alternatives[0].content
    assert f'href="{settings.SITE_URL}/inscriptions/annuler/{registration.token}/"' in html
    assert "<h1>Inscription confirmée</h1>" in html

    calendar = ics_of(message)
    assert str(calendar["METHOD"]) == "PUBLISH"
    component = vevent(calendar)
    assert str(component["SUMMARY"]) == "Atelier d'écriture publique"
    assert str(component["STATUS"]) == "CONFIRMED"
    assert int(component["SEQUENCE"]) == event.sequence
    assert component.decoded("DTSTART") == event.starts_at
    assert str(component["UID"]).startswith(f"event-{event.pk}@")
    assert "mailto:" not in message.attachments[0].content.lower()


@worker_test
def test_waiting_list_and_promotion_mails(event):
    services.register(event, user=member(email=OTHERS[0]))
    waiting = services.register(event, user=member(email="camille@example.org"))
    run_tasks()
    [notice] = [m for m in mail.outbox if m.to == ["camille@example.org"]]
    assert notice.subject == "Liste d'attente : Atelier d'écriture publique"
    assert "en position 1" in notice.body
    assert not notice.attachments  # no seat, no calendar copy
    assert f"/inscriptions/annuler/{waiting.token}/" in notice.body
    assert_only_for(notice, "camille@example.org")
    mail.outbox.clear()

    services.cancel(event.registrations.get(email=OTHERS[0]))
    run_tasks()

    [promotion] = [m for m in mail.outbox if m.to == ["camille@example.org"]]
    assert promotion.subject == "Une place s'est libérée : vous êtes inscrit·e à « Atelier d'écriture publique »"
    assert "une place s'est libérée, vous êtes inscrit·e" in promotion.body
    assert str(vevent(ics_of(promotion))["STATUS"]) == "CONFIRMED"
    assert f"/inscriptions/annuler/{waiting.token}/" in promotion.body
    assert_only_for(promotion, "camille@example.org")
    [ack] = [m for m in mail.outbox if m.to == [OTHERS[0]]]
    assert ack.subject == "Inscription annulée : Atelier d'écriture publique"


@worker_test
def test_guest_double_opt_in_through_the_mails(event):
    client = Client()
    registration = services.register(event, name="Léa Guest", email="lea@example.org")
    run_tasks()

    [request] = mail.outbox
    assert request.subject == "Confirmez votre inscription : Atelier d'écriture publique"
    assert "valable 48 heures" in request.body and "aucune place ne vous est réservée" in request.body
    assert f"/inscriptions/annuler/{registration.token}/" in request.body
    assert not request.attachments
    assert_only_for(request, "lea@example.org")
    confirm_path = link(request, "inscriptions/confirmer")
    mail.outbox.clear()

    page = client.get(confirm_path)
    assert page.status_code == 200 and "Confirmer mon inscription" in page.content.decode()
    response = client.post(confirm_path)
    assert response.status_code == 302
    run_tasks()

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    [confirmation] = mail.outbox
    assert confirmation.subject == "Inscription confirmée : Atelier d'écriture publique"
    assert ics_of(confirmation)
    # The link has been used.
    assert client.post(confirm_path).status_code == 410


@worker_test
def test_someone_typing_a_registered_address_only_mails_its_owner(event):
    services.register(event, user=member(email="camille@example.org"))
    run_tasks()
    mail.outbox.clear()

    services.register(event, name="Un curieux", email="camille@example.org")
    run_tasks()

    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    assert message.subject == "Votre inscription à « Atelier d'écriture publique »"
    assert "Vous y êtes déjà inscrit·e : rien n'a changé." in message.body
    assert "Un curieux" not in all_text(message)


@worker_test
def test_cancellation_acknowledgement_marks_the_calendar_copy_cancelled(event):
    registration = services.register(event, user=member(email="camille@example.org"))
    run_tasks()
    mail.outbox.clear()

    services.cancel(registration)
    run_tasks()

    [ack] = mail.outbox
    assert "est annulée, comme vous l'avez demandé" in ack.body
    calendar = ics_of(ack)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(vevent(calendar)["STATUS"]) == "CANCELLED"
    assert event.get_absolute_url() in ack.body


@worker_test
def test_change_mails_carry_an_updated_ics(event):
    person = services.register(event, user=member(email="camille@example.org"))
    services.register(event, user=member(email=OTHERS[0]))  # waiting
    run_tasks()
    mail.outbox.clear()

    event.starts_at += timedelta(days=1)
    event.ends_at += timedelta(days=1)
    event.sequence += 1
    event.save()
    services.notify_change(event, what="date")
    run_tasks()

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"camille@example.org", OTHERS[0]}
    changed = by_address["camille@example.org"]
    assert changed.subject == "Changement de date : Atelier d'écriture publique"
    assert f"Nouvelle date : {services.when_text(event)}." in changed.body
    component = vevent(ics_of(changed))
    assert int(component["SEQUENCE"]) == 1 and component.decoded("DTSTART") == event.starts_at
    assert f"/inscriptions/annuler/{person.token}/" in changed.body
    assert_only_for(changed, "camille@example.org")
    waiting = by_address[OTHERS[0]]
    assert "Vous restez sur la liste d'attente, en position 1." in waiting.body and not waiting.attachments
    mail.outbox.clear()

    event.state = Event.State.CANCELLED
    event.sequence += 1
    event.save()
    services.notify_change(event, what="cancelled", message="La salle est fermée.")
    run_tasks()

    cancelled = next(m for m in mail.outbox if m.to == ["camille@example.org"])
    assert cancelled.subject == "Événement annulé : Atelier d'écriture publique"
    assert "La salle est fermée." in cancelled.body
    calendar = ics_of(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(vevent(calendar)["STATUS"]) == "CANCELLED" and int(vevent(calendar)["SEQUENCE"]) == 2


@worker_test
def test_online_link_only_when_visible(settings):
    settings.EVENTS_ONLINE_LINK_MINUTES = 60
    later = make_event("Webcoffee", is_online=True, online_url="https://visio.example.org/secret", address="")
    soon = make_event("Webcoffee du jour", is_online=True, online_url="https://visio.example.org/bientot",
                      address="", starts_in=timedelta(minutes=30))
    services.register(later, user=member(email="camille@example.org"))
    services.register(soon, user=member(email="lea@example.org"))
    run_tasks()

    [far] = [m for m in mail.outbox if m.to == ["camille@example.org"]]
    assert "visio.example.org" not in all_text(far)
    assert "Le lien de connexion sera affiché à partir du" in far.body
    assert services.local(later.starts_at - timedelta(minutes=60)) in far.body
    assert "LOCATION:En ligne" in far.attachments[0].content

    [near] = [m for m in mail.outbox if m.to == ["lea@example.org"]]
    assert "Lien de connexion : https://visio.example.org/bientot" in near.body
    assert "https://visio.example.org/bientot" in str(vevent(ics_of(near))["LOCATION"])


@worker_test
def test_every_registration_mail_has_the_registration_link(event):
    """Guest request, already registered, confirmation, waiting list, promotion, change (reminders: test_reminders).

    The acknowledgement of a cancellation links to the event instead: the registration is no more."""
    settings_hours = settings.EVENTS_REMINDER_HOURS
    soon = make_event("Atelier proche", capacity=1, starts_in=timedelta(hours=settings_hours + 2))
    first = services.register(soon, user=member(email="a@example.org"))
    services.register(soon, user=member(email="b@example.org"))
    services.register(soon, name="X", email="a@example.org")
    services.register(soon, name="Léa", email="c@example.org")
    services.notify_change(soon, what="place")
    services.cancel(first)
    run_tasks()

    for message in mail.outbox:
        if message.subject.startswith("Inscription annulée"):
            assert soon.get_absolute_url() in message.body
            continue
        registration = soon.registrations.get(email=message.to[0])
        assert f"{settings.SITE_URL}/inscriptions/annuler/{registration.token}/" in all_text(message), message.subject
    subjects = {m.subject.split(" :")[0] for m in mail.outbox}
    assert {"Inscription confirmée", "Liste d'attente", "Votre inscription à « Atelier proche »", "Confirmez votre "
            "inscription", "Changement de lieu", "Une place s'est libérée"} <= subjects


def test_send_templated_mail_with_an_attachment(mailoutbox):
    send_templated_mail("test_message", {"sent_at": "hier", "host": "h"}, ["a@example.org"], attachments=[
        {"filename": "evenement.ics", "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
         "mimetype": "text/calendar; method=PUBLISH"},
        ("note.txt", "Bonjour", "text/plain"),
    ])
    [message] = mailoutbox
    assert [(a.filename, a.mimetype) for a in message.attachments] == [
        ("evenement.ics", "text/calendar; method=PUBLISH"), ("note.txt", "text/plain")]
    raw = message.message().as_string()
    assert 'Content-Type: text/calendar; method="PUBLISH"' in raw and 'filename="evenement.ics"' in raw
