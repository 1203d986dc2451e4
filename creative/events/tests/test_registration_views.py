"""Registration pages per role: the block of the event page, one click for account holders, the guest form
(traps, rate limit), the confirmation link (GET shows, POST confirms; used, expired or altered links), and the
registration page reached from every mail (no login; cancels)."""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.events import services
from creative.events.models import Registration

from .test_registration_support import State, Status, clock, make_event, member, queued, unverified

pytestmark = pytest.mark.django_db
__all__ = ["clock"]


def text(response):
    return unescape(response.content.decode())


def page(client, event):
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    return text(response)


def register_url(event):
    return reverse("events:register", args=[event.slug])


def flash(response):
    """The message this response added (the test client does not follow redirects: earlier ones stay queued)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1:]


def confirm_path(registration):
    return reverse("events:confirm", args=[services.confirmation_token(registration)])


def manage_path(registration):
    return reverse("events:cancel", args=[registration.token])


GUEST = {"name": "Léa Guest", "email": "lea@example.org"}


# --- The block on the event page ---------------------------------------------------------------------


def test_visitor_sees_seats_and_the_guest_form_with_labels(client):
    event = make_event(capacity=3)
    services.register(event, user=member(email="secret@example.org"))

    html = page(client, event)

    assert 'id="inscription"' in html and "2 places restantes sur 3." in html
    assert f'action="{register_url(event)}"' in html
    assert '<label for="inscription-name"' in html and '<label for="inscription-email"' in html
    assert 'name="homepage"' in html  # the honeypot
    assert "Connectez-vous" in html and "secret@example.org" not in html


def test_full_event_offers_the_waiting_list(client):
    event = make_event(capacity=1)
    services.register(event, user=member())
    html = page(client, event)
    assert "Complet — liste d'attente" in html and "M'inscrire sur la liste d'attente" in html


def test_unverified_account_gets_the_guest_form_filled_in(client):
    account = unverified(name="Nouveau Compte", email="nouveau@example.org")
    client.force_login(account)
    html = page(client, make_event())
    assert 'value="nouveau@example.org"' in html and 'value="Nouveau Compte"' in html
    assert "pas encore vérifiée" in html


@pytest.mark.parametrize("roles", [[], [Role.EDITOR], [Role.MODERATOR]])
def test_account_holders_get_one_button(client, roles):
    client.force_login(member(roles=roles))
    html = page(client, make_event())
    assert "M'inscrire" in html and 'name="email"' not in html


def test_own_status_is_shown_with_the_cancel_link(client):
    event = make_event(capacity=1)
    first = member()
    second = member()
    confirmed = services.register(event, user=first)
    waiting = services.register(event, user=second)

    client.force_login(first)
    html = page(client, event)
    assert "Vous êtes inscrit·e : votre place est réservée." in html
    assert manage_path(confirmed) in html and "M'inscrire" not in html

    client.force_login(second)
    html = page(client, event)
    assert "Vous êtes sur la liste d'attente, en position 1." in html
    assert manage_path(waiting) in html and manage_path(confirmed) not in html


def test_account_holder_confirms_a_pending_guest_registration_in_one_click(client):
    event = make_event()
    pending = services.register(event, name="Léa", email="lea@example.org")
    client.force_login(member(email="lea@example.org"))
    html = page(client, event)
    assert "attend sa confirmation" in html and "Confirmer mon inscription" in html
    client.post(register_url(event))
    pending.refresh_from_db()
    assert pending.status == Status.CONFIRMED


def test_online_link_in_the_block_only_for_confirmed_people_when_it_is_time(client, clock, settings):
    settings.EVENTS_ONLINE_LINK_MINUTES = 60
    event = make_event(capacity=1, is_online=True, online_url="https://visio.example.org/salle-42", address="")
    person, other = member(), member()
    services.register(event, user=person)
    services.register(event, user=other)  # waiting

    client.force_login(person)
    html = page(client, event)
    assert "salle-42" not in html and "Le lien de connexion sera affiché ici à partir du" in html

    clock.set(event.starts_at - timedelta(minutes=30))
    assert "https://visio.example.org/salle-42" in page(client, event)
    client.force_login(other)
    assert "salle-42" not in page(client, event)
    client.logout()
    assert "salle-42" not in page(client, event)


def test_no_block_for_cancelled_or_past_events(client, clock):
    cancelled = make_event(state=State.CANCELLED)
    assert 'id="inscription"' not in page(client, cancelled)
    past = make_event(starts_in=timedelta(hours=1))
    clock.advance(hours=4)
    assert 'id="inscription"' not in page(client, past)


def test_closed_window_says_why(client):
    event = make_event(registration_opens_at=timezone.now() + timedelta(days=2))
    html = page(client, event)
    assert "Les inscriptions ouvrent le" in html and 'name="email"' not in html


# --- One click -------------------------------------------------------------------------------------------


def test_one_click_registration_and_twice(client):
    event = make_event(capacity=1)
    person = member()
    client.force_login(person)

    response = client.post(register_url(event))

    assert response.status_code == 302 and response["Location"] == event.get_absolute_url() + "#inscription"
    registration = Registration.objects.get()
    assert registration.user == person and registration.status == Status.CONFIRMED
    assert "vous êtes inscrit·e" in flash(response)[0]

    again = client.post(register_url(event))
    assert "déjà inscrit·e" in flash(again)[0] and Registration.objects.count() == 1


def test_one_click_on_a_full_event_puts_on_the_waiting_list(client):
    event = make_event(capacity=1)
    services.register(event, user=member())
    client.force_login(member(roles=[Role.ADMINISTRATOR]))
    response = client.post(register_url(event))
    assert "liste d'attente, en position 1" in flash(response)[0]


def test_one_click_refused_outside_the_window(client):
    event = make_event(registration_closes_at=timezone.now() - timedelta(hours=1))
    client.force_login(member())
    response = client.post(register_url(event))
    assert response.status_code == 302 and "closes depuis" in flash(response)[0]
    assert not Registration.objects.exists()


def test_register_get(client):
    event = make_event()
    response = client.get(register_url(event))
    assert response.status_code == 200 and 'name="email"' in text(response)
    client.force_login(member())
    assert client.get(register_url(event)).status_code == 302


def test_register_unknown_or_not_public_event_is_404(client):
    assert client.post(reverse("events:register", args=["nulle-part"]), GUEST).status_code == 404
    proposed = make_event(state=State.PROPOSED)
    assert client.post(register_url(proposed), GUEST).status_code == 404
    assert not Registration.objects.exists()


# --- The guest form -------------------------------------------------------------------------------------


def test_guest_registration_asks_for_confirmation(client):
    event = make_event()
    response = client.post(register_url(event), GUEST)

    assert response.status_code == 302
    assert "Un courriel vient de partir" in flash(response)[0]
    registration = Registration.objects.get()
    assert (registration.status, registration.name, registration.email) == (Status.PENDING, "Léa Guest",
                                                                             "lea@example.org")
    assert [(t, to) for t, to, _a, _c in queued()] == [("event_guest_confirm", ["lea@example.org"])]


def test_guest_form_says_the_same_whatever_the_address(client):
    event = make_event()
    services.register(event, user=member(email="camille@example.org"))
    known = client.post(register_url(event), {"name": "Curieux", "email": "camille@example.org"})
    unknown = client.post(register_url(event), {"name": "Curieux", "email": "inconnu@example.org"})
    assert flash(known) == flash(unknown)
    assert Registration.objects.filter(email="camille@example.org").count() == 1


def test_guest_form_errors_are_shown_with_a_400(client):
    event = make_event()
    response = client.post(register_url(event), {"name": "", "email": "pas-une-adresse"})
    assert response.status_code == 400
    html = text(response)
    assert "Indiquez votre nom" in html and "n'est pas valide" in html
    assert not Registration.objects.exists()


def test_guest_form_honeypot_refuses_robots(client):
    response = client.post(register_url(make_event()), {**GUEST, "homepage": "http://spam.example"})
    assert response.status_code == 400 and "n'a pas pu être vérifié" in text(response)
    assert not Registration.objects.exists()


def test_guest_form_too_fast_is_refused(client, settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    response = client.post(register_url(make_event()), GUEST)  # no opening time at all
    assert response.status_code == 400 and not Registration.objects.exists()


def test_guest_form_on_a_closed_event(client):
    event = make_event(registration_closes_at=timezone.now() - timedelta(minutes=5))
    response = client.post(register_url(event), GUEST)
    assert response.status_code == 400 and "closes depuis" in text(response)
    assert not Registration.objects.exists()


def test_registration_is_rate_limited(client, settings):
    settings.ANTISPAM_RATE_LIMITS = "registration=2/h"
    event = make_event()
    for n in range(2):
        assert client.post(register_url(event), {"name": "X", "email": f"x{n}@example.org"}).status_code == 302
    response = client.post(register_url(event), {"name": "X", "email": "x9@example.org"})
    assert response.status_code == 429 and "Retry-After" in response
    assert Registration.objects.count() == 2


# --- The confirmation link --------------------------------------------------------------------------------


def test_confirmation_get_shows_a_button_and_post_confirms(client):
    event = make_event(capacity=2)
    pending = services.register(event, **GUEST)

    response = client.get(confirm_path(pending))
    assert response.status_code == 200 and "Confirmer mon inscription" in text(response)
    pending.refresh_from_db()
    assert pending.status == Status.PENDING  # a link checker following the link confirms nothing

    response = client.post(confirm_path(pending))
    assert response.status_code == 302 and response["Location"] == manage_path(pending)
    pending.refresh_from_db()
    assert pending.status == Status.CONFIRMED
    assert "votre place est réservée" in flash(response)[0]


def test_confirmation_on_a_full_event_goes_to_the_waiting_list(client):
    event = make_event(capacity=1)
    pending = services.register(event, **GUEST)
    services.register(event, user=member())
    assert "complet" in text(client.get(confirm_path(pending)))
    response = client.post(confirm_path(pending))
    assert "liste d'attente, en position 1" in flash(response)[0]


def test_used_expired_and_altered_confirmation_links(client, clock):
    event = make_event(starts_in=timedelta(days=10))
    pending = services.register(event, **GUEST)
    path = confirm_path(pending)
    client.post(path)

    used = client.post(path)
    assert used.status_code == 410 and "déjà servi" in text(used)
    assert manage_path(pending) in text(used)
    assert client.get(path).status_code == 410

    other = services.register(event, name="Yann", email="yann@example.org")
    late = confirm_path(other)
    clock.advance(hours=49)
    expired = client.get(late)
    assert expired.status_code == 410 and "a expiré" in text(expired)
    assert client.post(late).status_code == 410
    other.refresh_from_db()
    assert other.status == Status.PENDING

    assert client.get(path[:-5] + "abcd/").status_code == 404
    assert client.get(reverse("events:confirm", args=["n'importe-quoi"])).status_code == 404


def test_confirmation_after_the_event_was_cancelled_is_gone(client):
    event = make_event()
    pending = services.register(event, **GUEST)
    event.state = State.CANCELLED
    event.save()
    response = client.post(confirm_path(pending))
    assert response.status_code == 410 and "annulé" in text(response)


# --- The registration page (cancel) ---------------------------------------------------------------------


def test_cancel_without_login(client):
    event = make_event(capacity=1)
    registration = services.register(event, user=member(name="Camille"))
    waiting = services.register(event, user=member())

    response = client.get(manage_path(registration))
    html = text(response)
    assert response.status_code == 200 and "Camille" in html and "Annuler mon inscription" in html
    assert '<meta name="referrer" content="same-origin">' in html  # the token is never sent to another site
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED  # GET changes nothing

    response = client.post(manage_path(registration))
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert "Votre inscription est annulée" in flash(response)[0]
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Status.CANCELLED and waiting.status == Status.CONFIRMED

    gone = client.get(manage_path(registration))
    assert gone.status_code == 410 and "déjà annulée" in text(gone)
    assert client.post(manage_path(registration)).status_code == 410


def test_leaving_the_waiting_list(client):
    event = make_event(capacity=1)
    services.register(event, user=member())
    waiting = services.register(event, **GUEST)
    services.confirm_guest(waiting)
    html = text(client.get(manage_path(waiting)))
    assert "Sur la liste d'attente, en position 1." in html and "Quitter la liste d'attente" in html
    response = client.post(manage_path(waiting))
    assert "quitté la liste d'attente" in flash(response)[0]


def test_pending_guest_may_cancel_from_the_confirmation_request(client):
    pending = services.register(make_event(), **GUEST)
    assert "En attente de confirmation" in text(client.get(manage_path(pending)))
    client.post(manage_path(pending))
    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED
    assert client.post(confirm_path(pending)).status_code == 410


def test_registration_page_once_the_event_started(client, clock, settings):
    settings.EVENTS_ONLINE_LINK_MINUTES = 60
    event = make_event(is_online=True, online_url="https://visio.example.org/salle-7", address="",
                       starts_in=timedelta(hours=2))
    registration = services.register(event, user=member())
    html = text(client.get(manage_path(registration)))
    assert "salle-7" not in html and "sera affiché sur cette page à partir du" in html

    clock.advance(hours=2, minutes=10)
    response = client.get(manage_path(registration))
    html = text(response)
    assert response.status_code == 200
    assert 'href="https://visio.example.org/salle-7" rel="nofollow ugc noopener noreferrer"' in html
    assert "ne peut plus être annulée" in html and "<button" not in html.split("</header>")[-1].split("<footer")[0]
    assert client.post(manage_path(registration)).status_code == 410
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_unknown_registration_token_is_404(client):
    assert client.get("/inscriptions/annuler/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/inscriptions/annuler/pas-un-uuid/").status_code == 404
