"""Subscribing to the weekly letter: the form (choices, consent, traps, rate limit), double opt-in (expiry, only
the newest link, used links), nothing revealed about existing addresses, the mails."""

import re
from datetime import timedelta
from html import unescape
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.urls import resolve, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from creative.antispam import clock as antispam_clock
from creative.letters import subscriptions, tokens
from creative.letters.models import Subscriber
from creative.territories.models import Territory
from tests.factories import ThemeFactory, UserFactory, commune
from tests.worker import run_tasks

pytestmark = pytest.mark.django_db
State = Subscriber.State
SUBSCRIBE = "/lettre/abonnement/"
DONE = "/lettre/abonnement/envoye/"


# Helpers ---------------------------------------------------------------------------------------------------


class Clock:
    """timezone.now() and the signatures' clock moved together (confirmation links expire by their signature)."""

    def __init__(self, monkeypatch):
        self.offset = timedelta(0)
        real_now = timezone.now
        self.now = lambda: real_now() + self.offset
        monkeypatch.setattr(timezone, "now", self.now)
        monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: self.now().timestamp()))
        monkeypatch.setattr(antispam_clock, "now", lambda: self.now().timestamp())

    def advance(self, **delta):
        self.offset += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def themes(db):
    return [ThemeFactory(name="Numérique", slug="numerique"), ThemeFactory(name="Solidarités", slug="solidarites")]


def text(response):
    return unescape(response.content.decode())


def run_on_commit_callbacks():
    from django.db import connection

    while connection.run_on_commit:
        _savepoints, callback, _robust = connection.run_on_commit.pop(0)
        callback()


def queued(template=None):
    """(template, to, context) of the mails waiting in the task queue, oldest first."""
    run_on_commit_callbacks()
    rows = []
    for result in DBTaskResult.objects.filter(task_path="creative.core.tasks.send_templated_mail_task").order_by(
        "enqueued_at"
    ):
        args = result.args_kwargs["args"]
        if template is None or args[0] == template:
            rows.append((args[0], args[2], args[1]))
    return rows


def path_of(url):
    return urlsplit(url).path


def link_of(url, name):
    """The subscriber of a link to the page `name`, checked to be one (absolute, as in mails, or a path)."""
    match = resolve(path_of(url))
    assert match.view_name == f"letters:{name}"
    token = match.kwargs["token"]
    return tokens.read_confirm_token(token) if name == "confirm" else tokens.read_subscriber_token(token)


def subscribe(client, email="lea@example.org", *, ip="127.0.0.1", **data):
    return client.post(SUBSCRIBE, {"email": email, "consent": "on", **data}, REMOTE_ADDR=ip)


def confirm_path_of(context):
    return path_of(context["confirm_url"])


def make(email="lea@example.org", state=State.ACTIVE, **fields):
    return Subscriber.objects.create(email=email, state=state, **fields)


def epci_of(name):
    return commune(name).parent


# The form ------------------------------------------------------------------------------------------------------


def test_form_offers_the_home_territorys_parts_communes_themes_and_consent(client, territories, themes):
    response = client.get(SUBSCRIBE)
    html = text(response)
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in html and 'name="homepage"' in html  # CSRF, honeypot
    assert '<label for="id_email"' in html and 'autocomplete="email"' in html
    brest_metropole = epci_of("Brest")
    assert brest_metropole.level == Territory.Level.EPCI
    assert f'value="{brest_metropole.pk}"' in html and brest_metropole.name in html
    assert re.search(r"<legend>Intercommunalités\W*:</legend>", html)
    assert 'name="communes"' in html and 'name="themes" value="numerique"' in html
    assert subscriptions.consent_text() in html and 'name="consent"' in html
    assert "tout le territoire : Pays de Brest" in html
    assert 'value="' + str(commune("Brest").pk) + '"' not in html  # communes are typed, not 103 checkboxes


def test_signed_in_people_find_their_address_filled_in(client):
    client.force_login(UserFactory(email="moi@example.org"))
    assert 'value="moi@example.org"' in text(client.get(SUBSCRIBE))


def test_visitors_get_an_empty_address(client):
    assert 'name="email" value=' not in text(client.get(SUBSCRIBE))


def test_subscribing_records_the_choices_and_queues_a_confirmation(client, territories, themes):
    brest_metropole = epci_of("Brest")
    response = subscribe(
        client, "Lea@Example.org ", territoires_epci=[brest_metropole.pk], communes="Plougastel-Daoulas\n29019",
        themes=["numerique"],
    )
    assert response.status_code == 302 and response["Location"] == DONE
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "lea@example.org" and subscriber.state == State.PENDING
    assert brest_metropole in subscriber.territories.all()
    assert commune("Plougastel-Daoulas") in subscriber.territories.all()
    assert commune("Brest") in subscriber.territories.all()  # its INSEE code
    assert subscriber.territories.count() == 3
    assert list(subscriber.themes.values_list("slug", flat=True)) == ["numerique"]
    # No consent yet: it is recorded when the owner of the mailbox confirms.
    assert subscriber.consent_at is None and subscriber.consent_text == "" and subscriber.confirmed_at is None
    [(template, to, context)] = queued()
    assert template == "letter_confirm" and to == ["lea@example.org"]
    assert tokens.read_confirm_token(context["confirm_url"].rsplit("/", 2)[-2]) == subscriber
    assert context["themes"] == ["Numérique"] and brest_metropole.name in context["territories"]


def test_nothing_chosen_means_the_whole_territory_and_every_theme(client, territories, themes):
    subscribe(client)
    subscriber = Subscriber.objects.get()
    assert subscriber.territories.count() == 0 and subscriber.themes.count() == 0
    [(_template, _to, context)] = queued()
    assert context["territories"] == [] and context["home"] == "Pays de Brest"


@pytest.mark.parametrize("data, message", [
    ({"email": "pas-une-adresse"}, "Cette adresse électronique n'est pas valide"),
    ({"email": ""}, "Indiquez votre adresse électronique"),
    ({"consent": ""}, "Cochez cette case pour vous abonner"),
    ({"communes": "Quimper"}, "Quimper n'est pas dans le territoire de la lettre (Pays de Brest)."),
    ({"communes": "Nulle-Part-Sur-Mer"}, "Commune introuvable : « Nulle-Part-Sur-Mer »"),
    ({"themes": ["inconnu"]}, "Sélectionnez un choix valide"),
])
def test_bad_input_is_shown_again_with_a_french_message(client, territories, themes, data, message):
    response = client.post(SUBSCRIBE, {"email": "lea@example.org", "consent": "on", **data})
    assert response.status_code == 400
    assert message in text(response)
    assert not Subscriber.objects.exists() and queued() == []


def test_the_honeypot_refuses_robots(client, themes):
    response = subscribe(client, homepage="https://spam.example")
    assert response.status_code == 400 and "n'a pas pu être vérifié" in text(response)
    assert not Subscriber.objects.exists() and queued() == []


def test_a_form_sent_too_fast_is_refused_when_the_fill_time_is_on(client, settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    response = subscribe(client)
    assert response.status_code == 400 and not Subscriber.objects.exists()


def test_the_form_is_rate_limited_per_client_address(client, db):
    for n in range(10):
        assert subscribe(client, f"p{n}@example.org").status_code == 302
    response = subscribe(client, "p10@example.org")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "réessayez" in text(response)
    assert not Subscriber.objects.filter(email="p10@example.org").exists()
    # Another client address is not held back.
    assert subscribe(client, "p11@example.org", ip="10.0.0.9").status_code == 302


def test_the_done_page_says_to_check_the_mailbox(client):
    response = client.get(DONE)
    assert response.status_code == 200 and "Un courriel vient de partir" in text(response)


# Nothing revealed about existing addresses --------------------------------------------------------------------


def _answer(client, email):
    response = subscribe(client, email)
    follow = client.get(response["Location"])
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(follow))
    return response.status_code, response["Location"], follow.status_code, page


@pytest.mark.parametrize("state", [State.PENDING, State.ACTIVE, State.UNSUBSCRIBED, State.BOUNCING])
def test_an_existing_address_gets_the_same_answer_as_a_new_one(client, state):
    make("known@example.org", state=state)
    assert _answer(client, "known@example.org") == _answer(client, "new@example.org")
    assert len(queued()) == 2  # one mail each: the page cannot tell which


def test_an_active_address_is_told_by_mail_only_and_its_subscription_does_not_change(client, territories, themes):
    subscriber = make("known@example.org", consent_text="ancien accord", consent_at=timezone.now())
    subscriber.themes.set([themes[1]])
    subscribe(client, "KNOWN@example.org", themes=["numerique"], territoires_epci=[epci_of("Brest").pk])
    subscriber.refresh_from_db()
    assert subscriber.state == State.ACTIVE and subscriber.consent_text == "ancien accord"
    assert list(subscriber.themes.all()) == [themes[1]] and subscriber.territories.count() == 0
    assert subscriber.confirmation_sent_at is None
    [(template, to, context)] = queued()
    assert template == "letter_confirm_already" and to == ["known@example.org"]
    assert link_of(context["preferences_url"], "preferences") == subscriber
    assert link_of(context["unsubscribe_url"], "unsubscribe") == subscriber
    assert "confirm_url" not in context


@pytest.mark.parametrize("state", [State.PENDING, State.UNSUBSCRIBED, State.BOUNCING])
def test_pending_unsubscribed_and_bouncing_addresses_get_a_fresh_confirmation(client, themes, state):
    subscriber = make("known@example.org", state=state, consent_text="ancien accord", hard_bounces=3)
    subscribe(client, "known@example.org", themes=["solidarites"])
    subscriber.refresh_from_db()
    assert subscriber.state == state  # nothing changes until the mailbox's owner confirms
    assert subscriber.consent_text == "ancien accord"
    assert list(subscriber.themes.values_list("slug", flat=True)) == ["solidarites"]
    [(template, to, context)] = queued()
    assert template == "letter_confirm" and to == ["known@example.org"]

    response = client.post(confirm_path_of(context))
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.state == State.ACTIVE and subscriber.hard_bounces == 0
    assert subscriber.consent_text == subscriptions.consent_text() and subscriber.unsubscribed_at is None


def test_one_address_gets_at_most_three_mails_an_hour(client, clock):
    for _n in range(3):
        subscribe(client, "lea@example.org", ip=f"10.0.0.{_n}")
        clock.advance(seconds=2)
    links = [context["confirm_url"] for _t, _to, context in queued()]
    assert len(links) == 3
    before = Subscriber.objects.get().confirmation_sent_at
    response = subscribe(client, "lea@example.org", ip="10.0.0.9")
    assert response.status_code == 302 and response["Location"] == DONE  # the same answer
    assert len(queued()) == 3 and Subscriber.objects.get().confirmation_sent_at == before
    assert client.get(path_of(links[-1])).status_code == 200  # the newest link still works
    clock.advance(hours=1)
    subscribe(client, "lea@example.org", ip="10.0.0.9")
    assert len(queued()) == 4


# Confirming ----------------------------------------------------------------------------------------------------


def _pending(client, email="lea@example.org", **data):
    subscribe(client, email, **data)
    return Subscriber.objects.get(email=email), confirm_path_of(queued()[-1][2])


def test_the_link_shows_a_button_and_get_confirms_nothing(client, territories, themes):
    subscriber, path = _pending(client, themes=["numerique"], communes="Brest")
    response = client.get(path)
    html = text(response)
    assert response.status_code == 200
    assert "Confirmer mon abonnement" in html and '<form method="post">' in html
    assert "Numérique" in html and "Brest" in html
    assert subscriptions.consent_text() in html
    assert "lea@example.org" not in html
    subscriber.refresh_from_db()
    assert subscriber.state == State.PENDING and subscriber.confirmed_at is None


def test_posting_confirms_records_the_consent_and_opens_the_preferences(client, clock):
    subscriber, path = _pending(client)
    clock.advance(hours=5)
    response = client.post(path)
    subscriber.refresh_from_db()
    assert subscriber.state == State.ACTIVE
    assert subscriber.confirmed_at == subscriber.consent_at
    assert abs(subscriber.confirmed_at - clock.now()) < timedelta(seconds=5)
    assert subscriber.consent_text == subscriptions.consent_text()
    assert response.status_code == 302
    assert link_of(response["Location"], "preferences") == subscriber
    assert "Votre abonnement est confirmé" in text(client.get(response["Location"]))


def test_confirmation_needs_the_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    subscribe(client)  # refused too: no token
    subscriber = Subscriber.objects.create(email="lea@example.org")
    subscriber.confirmation_sent_at = timezone.now()
    subscriber.save()
    response = client.post(path_of(tokens.confirm_url(subscriber)))
    assert response.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.state == State.PENDING


def test_a_used_link_no_longer_works(client):
    _subscriber, path = _pending(client)
    assert client.post(path).status_code == 302
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 410 and "Ce lien ne sert plus" in text(response)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_answers_410_and_offers_to_subscribe_again(client, clock, settings, method):
    settings.LETTERS_CONFIRM_DAYS = 7
    subscriber, path = _pending(client)
    clock.advance(days=6, hours=23)
    assert client.get(path).status_code == 200  # still valid
    clock.advance(hours=2)
    response = getattr(client, method)(path)
    assert response.status_code == 410
    html = text(response)
    assert "a expiré (il est valable 7 jours)" in html and f'href="{SUBSCRIBE}"' in html
    subscriber.refresh_from_db()
    assert subscriber.state == State.PENDING


def test_only_the_newest_link_confirms(client, clock):
    _subscriber, first = _pending(client)
    clock.advance(minutes=10)
    subscriber, second = _pending(client)
    assert first != second
    assert client.get(first).status_code == 410
    assert client.post(first).status_code == 410
    subscriber.refresh_from_db()
    assert subscriber.state == State.PENDING
    assert client.post(second).status_code == 302


def test_only_the_newest_link_confirms_even_within_the_same_second(client, monkeypatch):
    frozen = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    _subscriber, first = _pending(client)
    subscriber, second = _pending(client)
    assert first != second
    assert client.post(first).status_code == 410
    assert client.post(second).status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.state == State.ACTIVE


# The signed token is made in the test, not at collection: a timestamped signature would differ
# between the test processes, which must collect the same tests.
@pytest.mark.parametrize("kind", ["garbage", "signed-for-something-else"])
def test_an_unknown_link_is_404(client, kind):
    token = "nimportequoi" if kind == "garbage" else signing.dumps({"s": 1, "t": 0}, salt="autre")
    assert client.get(reverse("letters:confirm", args=[token])).status_code == 404
    assert client.post(reverse("letters:confirm", args=[token])).status_code == 404


def test_the_link_of_a_deleted_subscriber_is_404(client):
    subscriber, path = _pending(client)
    subscriber.delete()
    assert client.get(path).status_code == 404


def test_a_link_from_before_unsubscribing_no_longer_confirms(client):
    subscriber, path = _pending(client)
    subscriptions.unsubscribe(subscriber)
    assert client.post(path).status_code == 410
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED


# The mails ------------------------------------------------------------------------------------------------------


def _all_text(message):
    return message.subject + message.body + "".join(part.content for part in message.alternatives)


# The real worker closes a connection left inside a transaction: these run in a transactional test (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_the_confirmation_mail_carries_the_link_and_no_other_address(client, themes, settings):
    settings.LETTERS_CONFIRM_DAYS = 5
    make("other@example.org")
    subscribe(client, themes=["numerique"])
    run_on_commit_callbacks()
    run_tasks()
    [message] = mail.outbox
    subscriber = Subscriber.objects.get(email="lea@example.org")
    [link] = set(re.findall(r"\S+/lettre/confirmer/\S+/", message.body))
    assert link.startswith(settings.SITE_URL) and link_of(link, "confirm") == subscriber
    assert message.to == ["lea@example.org"]
    assert "Confirmez votre abonnement" in message.subject
    assert link in message.body and f'href="{link}"' in message.alternatives[0].content
    assert "valable 5 jours" in message.body and "Numérique" in message.body
    assert re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", _all_text(message)) == []  # not even its own


@pytest.mark.django_db(transaction=True)
def test_the_already_subscribed_mail_carries_the_preferences_link(client):
    subscriber = make("known@example.org")
    subscribe(client, "known@example.org")
    run_on_commit_callbacks()
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["known@example.org"] and "déjà abonné·e" in message.subject
    [preferences] = re.findall(r"\S+/lettre/preferences/\S+/", message.body)
    [unsubscribe] = re.findall(r"\S+/lettre/desabonnement/\S+/", message.body)
    assert link_of(preferences, "preferences") == subscriber and link_of(unsubscribe, "unsubscribe") == subscriber
    assert f'href="{preferences}"' in message.alternatives[0].content
    assert "/lettre/confirmer/" not in _all_text(message)
    assert re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", _all_text(message)) == []


# Links to the form ----------------------------------------------------------------------------------------------


def test_every_page_links_to_the_form_and_the_home_page_calls_to_subscribe(client, db):
    for path in ("/", DONE):
        html = text(client.get(path))
        assert f'<a href="{SUBSCRIBE}">La lettre de la semaine</a>' in html
    assert f'<a class="button" href="{SUBSCRIBE}">Recevoir la lettre</a>' in text(client.get("/"))
