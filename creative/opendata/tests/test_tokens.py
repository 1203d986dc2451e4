"""Personal API tokens: the page (create, shown once, revoke) and what a token opens."""

import pytest
from django.urls import reverse

from creative.audit.models import AuditEntry
from creative.opendata import tokens
from creative.opendata.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/compte/jetons/"


def test_the_page_needs_a_verified_account(client):
    assert reverse("opendata:tokens") == URL
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(verified=False))
    assert client.get(URL).status_code == 403


def test_create_shows_the_secret_once_then_revoke(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(URL, {"action": "create", "name": "Script d'import"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=user)
    secret = response.context["secret"]
    assert secret.startswith("bc_") and secret in response.content.decode()
    assert token.key_hash != secret and token.prefix == secret[:10]
    assert secret not in client.get(URL).content.decode()  # never shown again
    assert AuditEntry.objects.filter(action="opendata.token_created", actor=user).exists()
    # Used: last_used_at is recorded.
    assert tokens.authenticate(secret) == user
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Revoked: refused.
    client.post(URL, {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert tokens.authenticate(secret) is None
    assert AuditEntry.objects.filter(action="opendata.token_revoked").exists()
    assert "révoqué le" in client.get(URL).content.decode()


def test_nobody_revokes_another_persons_token(client):
    owner, other = UserFactory(), UserFactory()
    token, _raw = tokens.issue(owner, "À moi")
    client.force_login(other)
    client.post(URL, {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_name_is_required(client):
    client.force_login(UserFactory())
    response = client.post(URL, {"action": "create", "name": ""})
    assert "Donnez un nom" in response.content.decode() and not ApiToken.objects.exists()


@pytest.mark.parametrize("header", [
    None, "Bearer", "Bearer bc_faux", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500, "Token bc_x",
])
def test_writes_without_a_valid_token_are_401_json(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post("/api/v1/innovations/", {"title": "X"}, content_type="application/json", **extra)
    assert response.status_code == 401
    assert "jeton" in response.json()["detail"] and response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_and_inactive_account_are_401(client):
    user = UserFactory()
    token, raw = tokens.issue(user, "t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = "/api/v1/innovations/"
    assert client.post(url, {}, content_type="application/json", **headers).status_code == 422  # authenticated
    tokens.revoke(token, user)
    assert client.post(url, {"title": "X"}, content_type="application/json", **headers).status_code == 401
    _token, raw = tokens.issue(user, "t2")
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.post(url, {"title": "X"}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
