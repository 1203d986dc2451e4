"""A subscriber's own links (preferences, unsubscribe with RFC 8058 one-click), the purge of unconfirmed
subscriptions, and the subscription's part of a person's data."""

import re
from datetime import timedelta
from html import unescape
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from creative.accounts import personal_data
from creative.letters import subscriptions, tokens
from creative.letters.models import Delivery, Issue, Subscriber
from tests.factories import ThemeFactory, UserFactory, commune

pytestmark = pytest.mark.django_db
State = Subscriber.State


def text(response):
    return unescape(response.content.decode())


def checked(html, name, value):
    """Whether the checkbox `name`=`value` is ticked."""
    [tag] = re.findall(rf'<input type="checkbox" name="{name}" value="{value}"[^>]*>', html)
    return " checked" in tag


def make(email="lea@example.org", state=State.ACTIVE, **fields):
    return Subscriber.objects.create(email=email, state=state, **fields)


def preferences_path(subscriber, token=None):
    return reverse("letters:preferences", args=[token or tokens.subscriber_token(subscriber)])


def unsubscribe_path(subscriber, token=None):
    # Tokens are signed with a timestamp: compare pages with paths made from the token they were opened with.
    return reverse("letters:unsubscribe", args=[token or tokens.subscriber_token(subscriber)])


@pytest.fixture
def themes(db):
    return [ThemeFactory(name="Numérique", slug="numerique"), ThemeFactory(name="Solidarités", slug="solidarites")]


# Preferences ---------------------------------------------------------------------------------------------------


def test_preferences_show_the_current_choices_and_a_masked_address(client, territories, themes):
    subscriber = make()
    brest_metropole = commune("Brest").parent
    subscriber.territories.set([brest_metropole, commune("Plougastel-Daoulas")])
    subscriber.themes.set([themes[1]])
    token = tokens.subscriber_token(subscriber)
    response = client.get(preferences_path(subscriber, token))
    html = text(response)
    assert response.status_code == 200
    assert "l…@example.org" in html and "lea@example.org" not in html
    assert checked(html, "territoires_epci", brest_metropole.pk)
    assert not checked(html, "territoires_epci", commune("Crozon").parent.pk)
    assert "Plougastel-Daoulas (29470)" in html
    assert checked(html, "themes", "solidarites") and not checked(html, "themes", "numerique")
    assert f'action="{unsubscribe_path(subscriber, token)}"' in html and "Me désabonner" in html


def test_preferences_are_saved(client, territories, themes):
    subscriber = make()
    subscriber.themes.set([themes[1]])
    path = preferences_path(subscriber)  # the page redirects to the path it was posted to
    brest_metropole = commune("Brest").parent
    response = client.post(path, {"territoires_epci": [brest_metropole.pk], "communes": "Crozon, Brest (29200)",
                                  "themes": ["numerique"]})
    assert response.status_code == 302 and response["Location"] == path
    assert set(subscriber.territories.all()) == {brest_metropole, commune("Crozon"), commune("Brest")}
    assert list(subscriber.themes.values_list("slug", flat=True)) == ["numerique"]
    assert "Vos choix sont enregistrés" in text(client.get(path))
    # Nothing chosen: back to the whole territory and every theme.
    client.post(path, {"communes": ""})
    assert subscriber.territories.count() == 0 and subscriber.themes.count() == 0


def test_bad_preferences_are_shown_again_and_nothing_changes(client, territories, themes):
    subscriber = make()
    subscriber.themes.set([themes[0]])
    response = client.post(preferences_path(subscriber), {"communes": "Rennes", "themes": ["solidarites"]})
    assert response.status_code == 400
    assert "Rennes n'est pas dans le territoire de la lettre" in text(response)
    assert list(subscriber.themes.all()) == [themes[0]]


def test_preferences_need_the_csrf_token(themes):
    subscriber = make()
    response = Client(enforce_csrf_checks=True).post(preferences_path(subscriber), {"themes": ["numerique"]})
    assert response.status_code == 403 and subscriber.themes.count() == 0


@pytest.mark.parametrize("state, words", [
    (State.UNSUBSCRIBED, "Vous êtes désabonné·e"),
    (State.BOUNCING, "nous sont revenues"),
])
def test_unsubscribed_and_bouncing_addresses_are_offered_to_subscribe_again(client, themes, state, words):
    subscriber = make(state=state)
    html = text(client.get(preferences_path(subscriber)))
    assert words in html and 'name="themes"' not in html
    assert f'href="{reverse("letters:subscribe")}"' in html
    assert client.post(preferences_path(subscriber), {"themes": ["numerique"]}).status_code == 400
    assert subscriber.themes.count() == 0


@pytest.mark.parametrize("name", ["preferences", "unsubscribe"])
def test_an_altered_or_foreign_link_is_404(client, name):
    subscriber = make()
    token = tokens.subscriber_token(subscriber)
    for bad in (token[:-2] + "xx", tokens.confirm_token(subscriber), "abc"):
        assert client.get(reverse(f"letters:{name}", args=[bad])).status_code == 404
        assert client.post(reverse(f"letters:{name}", args=[bad])).status_code == 404
    subscriber.delete()
    assert client.get(reverse(f"letters:{name}", args=[token])).status_code == 404
    assert client.post(reverse(f"letters:{name}", args=[token])).status_code == 404


# Unsubscribing ---------------------------------------------------------------------------------------------------


def test_get_shows_a_button_and_changes_nothing(client):
    subscriber = make()
    response = client.get(unsubscribe_path(subscriber))
    html = text(response)
    assert response.status_code == 200 and "Me désabonner" in html and 'method="post"' in html
    assert "l…@example.org" in html and "lea@example.org" not in html
    subscriber.refresh_from_db()
    assert subscriber.state == State.ACTIVE and subscriber.unsubscribed_at is None


def test_the_button_unsubscribes(client):
    subscriber = make()
    response = client.post(unsubscribe_path(subscriber))
    assert response.status_code == 200
    html = text(response)
    assert "vous êtes désabonné·e" in html.lower() and f'href="{reverse("letters:subscribe")}"' in html
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED and subscriber.unsubscribed_at is not None


def test_one_click_post_from_a_mail_provider_unsubscribes_without_csrf_token():
    """RFC 8058: the provider POSTs List-Unsubscribe=One-Click to the List-Unsubscribe address, no cookie, no token."""
    subscriber = make()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        urlsplit(tokens.unsubscribe_url(subscriber)).path, "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED and subscriber.unsubscribed_at is not None


def test_unsubscribing_twice_keeps_the_first_date(client):
    subscriber = make()
    client.post(unsubscribe_path(subscriber))
    subscriber.refresh_from_db()
    first = subscriber.unsubscribed_at
    response = client.post(unsubscribe_path(subscriber))
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == first
    # And the link, opened again, says so rather than asking.
    html = text(client.get(unsubscribe_path(subscriber)))
    assert "Vous êtes désabonné·e" in html and "Me désabonner" not in html


@pytest.mark.parametrize("state", [State.PENDING, State.BOUNCING])
def test_pending_and_bouncing_addresses_can_unsubscribe(client, state):
    subscriber = make(state=state)
    assert client.post(unsubscribe_path(subscriber)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED


def test_the_preferences_page_unsubscribes_with_its_button(client):
    subscriber = make()
    token = tokens.subscriber_token(subscriber)
    html = text(client.get(preferences_path(subscriber, token)))
    assert f'<form method="post" action="{unsubscribe_path(subscriber, token)}">' in html
    client.post(unsubscribe_path(subscriber))
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED


# Purge -----------------------------------------------------------------------------------------------------------


def test_purge_deletes_unconfirmed_subscriptions_whose_link_expired(settings):
    settings.LETTERS_CONFIRM_DAYS = 7
    now = timezone.now()
    old = now - timedelta(days=8)
    expired = make("expired@example.org", state=State.PENDING, created_at=old, confirmation_sent_at=old)
    never_mailed = make("never@example.org", state=State.PENDING, created_at=old)
    recent = make("recent@example.org", state=State.PENDING, created_at=now - timedelta(days=6),
                  confirmation_sent_at=now - timedelta(days=6))
    asked_again = make("again@example.org", state=State.PENDING, created_at=old,
                       confirmation_sent_at=now - timedelta(days=1))
    kept = [make(f"{state}@example.org", state=state, created_at=old, confirmation_sent_at=old)
            for state in (State.ACTIVE, State.UNSUBSCRIBED, State.BOUNCING)]

    out = StringIO()
    call_command("purge_letter_subscriptions", "--dry-run", stdout=out)
    assert "2 unconfirmed subscription(s) older than 7 days would be deleted." in out.getvalue()
    assert Subscriber.objects.count() == 7

    out = StringIO()
    call_command("purge_letter_subscriptions", stdout=out)
    assert "2 unconfirmed subscription(s) older than 7 days deleted." in out.getvalue()
    remaining = set(Subscriber.objects.all())
    assert expired not in remaining and never_mailed not in remaining
    assert remaining == {recent, asked_again, *kept}


# Personal data ---------------------------------------------------------------------------------------------------


def test_the_download_holds_the_subscription_of_the_accounts_address(themes):
    user = UserFactory(email="lea@example.org")
    subscriber = make(consent_text="accord", consent_at=timezone.now(), confirmed_at=timezone.now())
    subscriber.themes.set([themes[0]])
    make("other@example.org")
    data = personal_data.export_personal_data(user)
    [row] = data["letter_subscriptions"]
    assert row["email"] == "lea@example.org" and row["state"] == "active"
    assert row["themes"] == ["Numérique"] and row["territories"] == []
    assert row["consent_text"] == "accord" and row["confirmed_at"] == subscriber.confirmed_at


def test_erasing_the_account_deletes_its_subscription():
    user = UserFactory(email="lea@example.org")
    subscriber = make()
    issue = Issue.objects.create(number=1, subject="n° 1", period_start=timezone.now(), period_end=timezone.now())
    Delivery.objects.create(issue=issue, subscriber=subscriber)
    make("other@example.org")
    personal_data.erase_account(user, anonymous=True)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["other@example.org"]
    assert not Delivery.objects.exists()


def test_masked_addresses():
    assert subscriptions.masked("lea@example.org") == "l…@example.org"
    assert subscriptions.masked("nonsense") == "…"
