"""Registration services: seats and capacity, the waiting list and its promotions, guests' double opt-in,
duplicates, the registration window, cancellation, organiser changes, and the person's data."""

import io
from datetime import timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.utils import timezone

from creative.accounts import personal_data
from creative.audit.models import AuditEntry
from creative.events import services
from creative.events.models import Registration

from .test_registration_support import State, Status, clock, make_event, member, queued, queued_templates, unverified

pytestmark = pytest.mark.django_db
__all__ = ["clock"]


def guest(event, name="Léa Guest", email="lea@example.org"):
    registration = services.register(event, name=name, email=email)
    return services.confirm_guest(registration)


# --- Who registers how ---------------------------------------------------------------------------


def test_account_holder_registers_in_one_click():
    event = make_event(capacity=2)
    person = member(email="maelle@example.org")

    registration = services.register(event, user=person)

    assert registration.status == Status.CONFIRMED and registration.confirmed_at is not None
    assert registration.user == person and registration.email == "maelle@example.org"
    assert registration.name == "Maëlle Le Gall" and registration.was_existing is False
    assert services.seats_left(event) == 1
    assert queued_templates() == ["event_registration_confirmed"]


def test_unverified_account_and_visitor_register_as_guests():
    event = make_event()
    account = unverified(email="nouveau@example.org")

    registration = services.register(event, user=account, name="Nouveau", email="nouveau@example.org")

    assert registration.status == Status.PENDING and registration.user is None
    assert services.seats_left(event) == 10  # a pending guest holds no seat
    [(template, to, attachments, context)] = queued()
    assert template == "event_guest_confirm" and to == ["nouveau@example.org"] and attachments is None
    assert "/inscriptions/confirmer/" in context["confirm_url"]


def test_guest_needs_a_name_and_an_address():
    event = make_event()
    with pytest.raises(services.RegistrationRefused, match="nom et votre adresse"):
        services.register(event, name="  ", email="lea@example.org")
    with pytest.raises(services.RegistrationRefused):
        services.register(event, name="Léa", email="pas-une-adresse")
    assert not Registration.objects.exists()


def test_guest_seat_is_decided_at_confirmation_time():
    event = make_event(capacity=1)
    pending = services.register(event, name="Léa", email="lea@example.org")
    services.register(event, user=member())  # takes the only seat meanwhile

    confirmed = services.confirm_guest(pending)

    assert confirmed.status == Status.WAITING and confirmed.waiting_since is not None
    assert services.waiting_position(confirmed) == 1


# --- Capacity and the waiting list -----------------------------------------------------------------


def test_capacity_is_never_exceeded_and_the_waiting_list_keeps_its_order():
    event = make_event(capacity=2)
    people = [member(name=f"Personne {n}") for n in range(5)]

    registrations = [services.register(event, user=p) for p in people]

    assert [r.status for r in registrations] == [Status.CONFIRMED] * 2 + [Status.WAITING] * 3
    assert services.seats_left(event) == 0
    assert [services.waiting_position(r) for r in registrations[2:]] == [1, 2, 3]
    assert list(event.registrations.waiting()) == registrations[2:]
    assert queued_templates().count("event_waiting_list") == 3


def test_unlimited_event_has_no_waiting_list():
    event = make_event(capacity=None)
    assert services.seats_left(event) is None
    assert all(services.register(event, user=member()).status == Status.CONFIRMED for _ in range(4))


def test_cancel_frees_the_seat_for_the_first_waiting_person():
    event = make_event(capacity=1)
    first, second, third = (services.register(event, user=member(name=n)) for n in ("Ana", "Bob", "Céline"))
    assert (second.status, third.status) == (Status.WAITING, Status.WAITING)

    services.cancel(first)

    second.refresh_from_db()
    third.refresh_from_db()
    first.refresh_from_db()
    assert first.status == Status.CANCELLED and first.cancelled_at is not None
    assert second.status == Status.CONFIRMED and second.confirmed_at is not None
    assert third.status == Status.WAITING and services.waiting_position(third) == 1
    promoted = queued("event_promoted")
    assert [row[1] for row in promoted] == [[second.email]]
    assert [row[1] for row in queued("event_registration_cancelled")] == [[first.email]]


def test_a_waiting_person_leaving_promotes_nobody():
    event = make_event(capacity=1)
    services.register(event, user=member())
    waiting = services.register(event, user=member())
    after_waiting = services.register(event, user=member())

    services.cancel(waiting)

    after_waiting.refresh_from_db()
    assert after_waiting.status == Status.WAITING and services.waiting_position(after_waiting) == 1
    assert queued("event_promoted") == []


def test_raised_capacity_promotes_as_many_as_new_seats():
    event = make_event(capacity=1)
    registrations = [services.register(event, user=member()) for _ in range(5)]

    event.capacity = 3
    event.save()
    promoted = services.capacity_changed(event)

    assert promoted == registrations[1:3]
    statuses = list(Registration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [Status.CONFIRMED] * 3 + [Status.WAITING] * 2
    assert len(queued("event_promoted")) == 2

    event.capacity = None  # no limit any more: everybody in
    event.save()
    assert len(services.capacity_changed(event)) == 2
    assert services.waiting_count(event) == 0


def test_lowered_capacity_removes_nobody():
    event = make_event(capacity=3)
    for _ in range(3):
        services.register(event, user=member())
    event.capacity = 1
    event.save()

    assert services.capacity_changed(event) == []
    assert event.registrations.holding_seats().count() == 3 and services.seats_left(event) == 0
    assert services.register(event, user=member()).status == Status.WAITING


def test_new_registration_does_not_overtake_the_waiting_list():
    """Seats freed without a promotion (capacity raised in the admin) go to the waiting list first."""
    event = make_event(capacity=1)
    services.register(event, user=member())
    waiting = services.register(event, user=member())
    event.capacity = 2
    event.save()  # nobody called capacity_changed

    newcomer = services.register(event, user=member())

    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    assert newcomer.status == Status.WAITING


def test_no_promotion_once_the_event_has_started(clock):
    event = make_event(capacity=1, starts_in=timedelta(hours=3))
    first = services.register(event, user=member())
    waiting = services.register(event, user=member())
    clock.advance(hours=3, minutes=30)

    with pytest.raises(services.LinkGone, match="a commencé"):
        services.cancel(first)
    assert services.promote_waiting(event) == []
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING


# --- Duplicates ----------------------------------------------------------------------------------------


def test_registering_twice_returns_the_same_registration():
    event = make_event(capacity=1)
    person = member()
    services.register(event, user=person)
    again = services.register(event, user=person)

    assert again.was_existing is True and again.status == Status.CONFIRMED
    assert Registration.objects.count() == 1
    assert queued_templates() == ["event_registration_confirmed"]  # nothing sent the second time


def test_guest_form_with_a_registered_address_only_mails_that_address():
    event = make_event()
    owner = member(email="camille@example.org")
    services.register(event, user=owner)

    # Somebody else types Camille's address (in capitals): no second registration, no leak.
    again = services.register(event, name="Quelqu'un", email="Camille@Example.org")

    assert again.was_existing is True and again.user == owner
    assert Registration.objects.count() == 1
    template, to, _attachments, context = queued()[-1]
    assert template == "event_already_registered" and to == ["camille@example.org"]
    assert context["name"] == "Maëlle Le Gall"  # the registration's own name, not the name typed


def test_pending_guest_registering_again_gets_a_new_confirmation_link(clock):
    event = make_event()
    first = services.register(event, name="Léa", email="lea@example.org")
    clock.advance(hours=72)  # the first link has expired

    again = services.register(event, name="Léa", email="lea@example.org")

    assert again.pk == first.pk and again.was_existing is True
    links = [row[3]["confirm_url"] for row in queued("event_guest_confirm")]
    assert len(links) == 2 and links[0] != links[1]
    token = links[1].rstrip("/").rsplit("/", 1)[1]
    assert services.registration_from_confirmation(token) == first


def test_unconfirmed_guest_registrations_are_deleted_once_their_link_expired(clock, settings):
    settings.EVENTS_GUEST_CONFIRM_HOURS = 48
    event = make_event()
    forgotten = services.register(event, name="Léa", email="lea@example.org")
    asked_again = services.register(event, name="Tom", email="tom@example.org")
    confirmed = guest(event, name="Ana", email="ana@example.org")
    clock.advance(hours=40)
    services.register(event, name="Tom", email="tom@example.org")  # a new link: 48 hours from now
    clock.advance(hours=9)  # Léa's link (49 h) has expired; Tom's new one (9 h) has not

    out = io.StringIO()
    call_command("purge_event_registrations", stdout=out)

    assert "1 unconfirmed registration(s) deleted." in out.getvalue()
    assert not Registration.objects.filter(pk=forgotten.pk).exists()
    assert Registration.objects.filter(pk__in=[asked_again.pk, confirmed.pk]).count() == 2
    clock.advance(hours=40)
    assert services.purge_unconfirmed_registrations() == 1
    assert list(Registration.objects.values_list("pk", flat=True)) == [confirmed.pk]


def test_account_holder_takes_over_a_pending_guest_registration_with_the_same_address():
    event = make_event()
    pending = services.register(event, name="Léa", email="lea@example.org")
    person = member(email="lea@example.org", name="Léa Kerouac")

    registration = services.register(event, user=person)

    assert registration.pk == pending.pk and registration.status == Status.CONFIRMED
    assert registration.user == person and registration.was_existing is False


def test_a_cancelled_registration_may_be_followed_by_a_new_one():
    event = make_event()
    person = member()
    first = services.register(event, user=person)
    services.cancel(first)

    second = services.register(event, user=person)

    assert second.pk != first.pk and second.status == Status.CONFIRMED


# --- Guests' confirmation links ----------------------------------------------------------------------------


def test_confirmation_link_roundtrip_and_reuse():
    event = make_event()
    pending = services.register(event, name="Léa", email="lea@example.org")
    token = services.confirmation_token(pending)

    found = services.registration_from_confirmation(token)
    assert found == pending
    services.confirm_guest(found)

    again = services.registration_from_confirmation(token)
    with pytest.raises(services.LinkGone, match="déjà servi"):
        services.confirm_guest(again)


def test_expired_and_altered_confirmation_links(clock, settings):
    settings.EVENTS_GUEST_CONFIRM_HOURS = 48
    event = make_event(starts_in=timedelta(days=10))
    pending = services.register(event, name="Léa", email="lea@example.org")
    token = services.confirmation_token(pending)

    with pytest.raises(services.LinkInvalid):
        services.registration_from_confirmation(token[:-2] + "xx")
    with pytest.raises(services.LinkInvalid):
        services.registration_from_confirmation(signing.dumps({"r": pending.pk, "t": "0" * 32}, salt="autre"))

    clock.advance(hours=47)
    assert services.registration_from_confirmation(token) == pending
    clock.advance(hours=2)
    with pytest.raises(services.LinkGone, match="expiré") as gone:
        services.registration_from_confirmation(token)
    assert gone.value.registration == pending


def test_confirmation_link_of_another_registration_token_is_refused():
    event = make_event()
    pending = services.register(event, name="Léa", email="lea@example.org")
    forged = signing.dumps({"r": pending.pk, "t": "f" * 32}, salt=services.CONFIRM_SALT, compress=True)
    with pytest.raises(services.LinkGone):
        services.registration_from_confirmation(forged)


def test_confirming_after_the_window_closed_is_refused(clock):
    event = make_event(registration_closes_at=timezone.now() + timedelta(hours=1))
    pending = services.register(event, name="Léa", email="lea@example.org")
    clock.advance(hours=2)

    with pytest.raises(services.RegistrationRefused, match="closes depuis"):
        services.confirm_guest(pending)
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


# --- The registration window ----------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "reason"), [
    ({"state": State.PROPOSED}, "n'est pas publié"),
    ({"state": State.REJECTED}, "n'est pas publié"),
    ({"state": State.CANCELLED}, "annulé"),
    ({"starts_in": timedelta(hours=-1)}, "a commencé"),
    ({"starts_in": timedelta(days=-1)}, "est passé"),
    ({"registration_opens_at": "future"}, "ouvrent le"),
    ({"registration_closes_at": "past"}, "closes depuis"),
])
def test_registration_window(fields, reason):
    now = timezone.now()
    moments = {"future": now + timedelta(days=1), "past": now - timedelta(minutes=1)}
    event = make_event(**{k: moments.get(v, v) if isinstance(v, str) else v for k, v in fields.items()})

    is_open, why = services.registration_open(event)

    assert is_open is False and reason in why
    for kwargs in ({"user": member()}, {"name": "Léa", "email": "lea@example.org"}):
        with pytest.raises(services.RegistrationRefused, match=reason):
            services.register(event, **kwargs)
    assert not Registration.objects.exists()
    assert queued() == []


def test_registration_window_open_between_its_dates():
    now = timezone.now()
    event = make_event(registration_opens_at=now - timedelta(days=1), registration_closes_at=now + timedelta(days=1))
    assert services.registration_open(event) == (True, "")
    assert services.registration_open(event, now=now + timedelta(days=2))[0] is False


def test_refusal_for_a_guest_does_not_tell_whether_the_address_is_registered():
    event = make_event(registration_closes_at=timezone.now() + timedelta(hours=1))
    services.register(event, user=member(email="camille@example.org"))
    event.registration_closes_at = timezone.now() - timedelta(minutes=1)
    event.save()
    messages = []
    for email in ("camille@example.org", "inconnu@example.org"):
        with pytest.raises(services.RegistrationRefused) as refused:
            services.register(event, name="X", email=email)
        messages.append(str(refused.value))
    assert messages[0] == messages[1]


# --- Cancellation ----------------------------------------------------------------------------------------


def test_cancel_twice_is_refused():
    registration = services.register(make_event(), user=member())
    services.cancel(registration)
    with pytest.raises(services.LinkGone, match="déjà annulée"):
        services.cancel(registration)


def test_organiser_cancellation_is_recorded_without_personal_data():
    event = make_event(capacity=1)
    registration = services.register(event, user=member(email="camille@example.org"))
    organiser = member(name="Organisatrice")

    services.cancel(registration, by=organiser)

    entry = AuditEntry.objects.get(action="events.registration_cancelled_by_organiser")
    assert entry.actor == organiser and entry.target_id == str(event.pk)
    assert entry.data == {"registration": registration.pk}
    assert "camille" not in str(entry.data) + entry.target_repr
    assert queued("event_registration_cancelled")[-1][3]["by_organiser"] is True


def test_own_cancellation_is_not_audited():
    person = member()
    services.cancel(services.register(make_event(), user=person), by=person)
    assert not AuditEntry.objects.filter(action__startswith="events.registration").exists()


# --- Online link ----------------------------------------------------------------------------------------


def test_online_link_visible_only_to_confirmed_people_shortly_before(settings):
    settings.EVENTS_ONLINE_LINK_MINUTES = 60
    event = make_event(capacity=1, is_online=True, online_url="https://visio.example.org/salle", address="")
    confirmed = services.register(event, user=member())
    waiting = services.register(event, user=member())
    pending = services.register(event, name="Léa", email="lea@example.org")
    start = event.starts_at

    assert not services.online_link_visible(event, confirmed, now=start - timedelta(minutes=61))
    assert services.online_link_visible(event, confirmed, now=start - timedelta(minutes=59))
    assert services.online_link_visible(event, confirmed, now=event.ends_at)
    assert not services.online_link_visible(event, confirmed, now=event.ends_at + timedelta(minutes=1))
    for other in (waiting, pending, None):
        assert not services.online_link_visible(event, other, now=start - timedelta(minutes=5))
    other_event = make_event(is_online=True, online_url="https://visio.example.org/autre")
    assert not services.online_link_visible(other_event, confirmed, now=other_event.starts_at)
    event.state = State.CANCELLED
    assert not services.online_link_visible(event, confirmed, now=start - timedelta(minutes=5))


# --- Changes by the organisers -------------------------------------------------------------------------


def test_notify_change_mails_confirmed_and_waiting_people_only():
    event = make_event(capacity=1)
    confirmed = services.register(event, user=member(email="a@example.org"))
    waiting = services.register(event, user=member(email="b@example.org"))
    services.register(event, name="Léa", email="pending@example.org")
    services.cancel(services.register(make_event(), user=member(email="other@example.org")))
    before = len(queued())

    assert services.notify_change(event, what="place") == 2

    rows = queued("event_changed")
    assert len(queued()) == before + 2
    assert sorted(to[0] for _t, to, _a, _c in rows) == [confirmed.email, waiting.email]
    by_address = {to[0]: attachments for _t, to, attachments, _c in rows}
    assert by_address["a@example.org"][0]["mimetype"] == "text/calendar; method=PUBLISH"
    assert by_address["b@example.org"] is None  # no calendar copy for the waiting list
    with pytest.raises(ValueError):
        services.notify_change(event, what="title")


def test_notify_change_passes_the_organisers_message():
    event = make_event()
    services.register(event, user=member())
    event.state = State.CANCELLED
    event.save()
    services.notify_change(event, what="cancelled", message="La salle est inondée.")
    [(_t, _to, attachments, context)] = queued("event_changed")
    assert context["message"] == "La salle est inondée." and context["what"] == "cancelled"
    assert attachments[0]["mimetype"] == "text/calendar; method=CANCEL"


# --- Personal data --------------------------------------------------------------------------------------


def test_export_lists_the_persons_registrations_only():
    person = member(email="camille@example.org")
    event = make_event(title="Atelier Animacoop")
    services.register(event, user=person)
    guest_event = make_event(title="Webcoffee")
    services.register(guest_event, name="Camille", email="camille@example.org")  # as a guest, same address
    services.register(event, user=member(email="autre@example.org"))

    rows = personal_data.export_personal_data(person)["event_registrations"]

    assert [(r["event"], r["status"]) for r in rows] == [("Atelier Animacoop", "confirmed"), ("Webcoffee", "pending")]
    assert {r["email"] for r in rows} == {"camille@example.org"}


def test_erasure_cancels_future_registrations_promotes_and_anonymises(clock):
    person = member(email="camille@example.org")
    past_event = make_event(title="Passé", starts_in=timedelta(hours=1))
    past = services.register(past_event, user=person)
    clock.advance(days=1)
    future_event = make_event(title="À venir", capacity=1)
    future = services.register(future_event, user=person)
    waiting = services.register(future_event, user=member(email="suivante@example.org"))
    assert queued("event_promoted") == []

    personal_data.erase_account(person, anonymous=True)

    past.refresh_from_db()
    future.refresh_from_db()
    waiting.refresh_from_db()
    assert past.status == Status.CONFIRMED  # kept for the organisers' counts, anonymised
    assert future.status == Status.CANCELLED
    for registration in (past, future):
        assert registration.name == "—" and registration.user is None
        assert registration.email == f"effacee-{registration.pk}@invalid"
    assert waiting.status == Status.CONFIRMED
    assert [to for _t, to, _a, _c in queued("event_promoted")] == [["suivante@example.org"]]
    # Nothing goes to the erased person (no acknowledgement; their queued mail is dropped by the erasure).
    assert all("camille" not in str(row) for row in queued())
    assert not Registration.objects.filter(email__icontains="camille").exists()
