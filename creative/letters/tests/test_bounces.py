"""The bounce webhook of the mail provider: authorisation, errors, counting, and what it never reveals."""

import json

import pytest
from django.urls import reverse

from creative.audit.models import AuditEntry
from creative.letters.models import Subscriber
from tests.factories import LetterSubscriberFactory

pytestmark = pytest.mark.django_db

SECRET = "s3cret-webhook-token"
URL = reverse("letters:bounce_webhook")


@pytest.fixture
def configured(settings):
    settings.LETTERS_BOUNCE_WEBHOOK_SECRET = SECRET
    settings.LETTERS_BOUNCE_LIMIT = 2


def _post(client, payload, *, secret=SECRET, raw=None):
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    body = raw if raw is not None else json.dumps(payload)
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_not_configured_is_not_found(client, settings):
    settings.LETTERS_BOUNCE_WEBHOOK_SECRET = ""
    assert _post(client, {"email": "a@b.fr", "type": "hard"}).status_code == 404
    assert client.get(URL).status_code == 404


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": SECRET}, {"Authorization": f"Basic {SECRET}"},
     {"Authorization": "Bearer "}],
)
def test_wrong_or_missing_secret_is_forbidden(client, configured, headers):
    subscriber = LetterSubscriberFactory()
    response = client.post(
        URL, json.dumps({"email": subscriber.email, "type": "hard"}), content_type="application/json", headers=headers,
    )
    assert response.status_code == 403
    assert "error" in response.json()
    subscriber.refresh_from_db()
    assert subscriber.hard_bounces == 0


def test_only_post(client, configured):
    assert client.get(URL, headers={"Authorization": f"Bearer {SECRET}"}).status_code == 405


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "JSON valide"),
        ("[]", "Aucun événement"),
        ('"hard"', "objet JSON"),
        ('{"type": "hard"}', "adresse"),
        ('{"email": 42, "type": "hard"}', "adresse"),
        ('{"email": "a@b.fr", "type": "bounce"}', "« hard » ou « soft »"),
        ('[{"email": "a@b.fr", "type": "soft"}, "x"]', "n° 2"),
    ],
)
def test_bad_payloads_are_400_with_a_message(client, configured, raw, message):
    response = _post(client, None, raw=raw)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_not_utf8_is_400(client, configured):
    response = client.post(URL, b"\xff\xfe{", content_type="application/json",
                           headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 400


def test_hard_bounces_count_and_make_the_address_bouncing(client, configured):
    subscriber = LetterSubscriberFactory(email="rebond@exemple.fr")
    response = _post(client, {"email": "Rebond@Exemple.fr", "type": "hard"})
    assert response.status_code == 200
    assert response.json() == {"received": 1, "hard": 1, "soft": 0}
    subscriber.refresh_from_db()
    assert subscriber.hard_bounces == 1 and subscriber.state == Subscriber.State.ACTIVE
    assert subscriber.last_bounce_at is not None

    response = _post(client, [{"email": "rebond@exemple.fr", "type": "soft"},
                              {"email": "rebond@exemple.fr", "type": "hard"}])
    assert response.json() == {"received": 2, "hard": 1, "soft": 1}
    subscriber.refresh_from_db()
    assert subscriber.hard_bounces == 2 and subscriber.state == Subscriber.State.BOUNCING
    assert AuditEntry.objects.filter(action="letters.subscriber.bouncing").count() == 1


def test_unknown_addresses_get_the_same_answer(client, configured):
    LetterSubscriberFactory(email="connu@exemple.fr")
    known = _post(client, {"email": "connu@exemple.fr", "type": "hard"})
    unknown = _post(client, {"email": "inconnu@exemple.fr", "type": "hard"})
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
