"""Sign-up, email verification, login by email, password reset, logout — through allauth.

`db` comes before `mailoutbox` in the arguments: setting up the database resets Django's
outbox list, which would leave an earlier `mailoutbox` pointing at a stale one.
allauth's mails are sent by the worker after the commit (test_signup_mail.py): tests that read
them are transactional and run the worker first.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from creative.accounts.models import User
from creative.accounts.permissions import can_contribute
from tests.factories import UserFactory
from tests.worker import run_tasks

PASSWORD = "une phrase de passe solide"


def sign_up(client, email="Camille.LeGall@Example.org", display_name="Camille Le Gall"):
    return client.post(
        reverse("account_signup"),
        {"display_name": display_name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def link_in(message, path_prefix):
    return re.search(rf"http://testserver({re.escape(path_prefix)}\S+)", message.body).group(1)


# The worker commits for real: see creative/core/tests/test_tasks.py.
worker_test = pytest.mark.django_db(transaction=True)


@worker_test
def test_sign_up_verify_the_address_then_log_in_by_email(db, client, mailoutbox):
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == "camille.legall@example.org"  # one spelling per address
    assert user.profile.display_name == "Camille Le Gall"  # the profile is created with the account
    assert not can_contribute(user)

    run_tasks()
    [message] = mailoutbox
    assert message.to == ["camille.legall@example.org"]
    assert message.subject == "[Brest Créative] Confirmez votre adresse électronique"
    assert "L'équipe de Brest Créative" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Confirmer mon adresse" in html
    link = link_in(message, "/comptes/confirm-email/")

    # Until the address is confirmed, the password does not open the account.
    browser = Client()
    log_in(browser, "camille.legall@example.org")
    assert browser.get(reverse("accounts:profile_edit")).status_code == 302

    page = client.get(link)
    assert page.status_code == 200 and "Confirmer mon adresse" in page.content.decode()
    assert client.post(link).status_code == 302
    assert can_contribute(User.objects.get())

    browser = Client()
    response = log_in(browser, "CAMILLE.legall@example.org")
    assert response.status_code == 302
    page = browser.get(reverse("accounts:profile_edit"))
    assert page.status_code == 200 and "Camille Le Gall" in page.content.decode()


@worker_test
def test_confirmation_links_are_not_confirmed_by_a_mere_visit(db, client, mailoutbox):
    sign_up(client)
    run_tasks()
    client.get(link_in(mailoutbox[0], "/comptes/confirm-email/"))  # a mail scanner follows links
    assert not can_contribute(User.objects.get())


def test_sign_up_refuses_an_email_address_as_display_name(db, client, mailoutbox):
    response = sign_up(client, display_name="camille@example.org")
    content = response.content.decode()
    assert response.status_code == 200 and not User.objects.exists() and not mailoutbox
    assert "n&#x27;y mettez pas d&#x27;adresse électronique" in content
    assert 'aria-invalid="true"' in content
    assert 'aria-describedby="id_display_name_helptext id_display_name_error"' in content


@worker_test
def test_signing_up_twice_with_one_address_creates_one_account(db, client, mailoutbox):
    UserFactory(email="camille@example.org")
    response = sign_up(client, email="camille@example.org")
    assert response.status_code == 302  # same answer as for a new address: nobody learns who has an account
    assert User.objects.count() == 1
    run_tasks()
    [message] = mailoutbox
    assert "déjà un compte" in message.subject


@worker_test
def test_password_reset_by_email(db, client, mailoutbox):
    UserFactory(email="camille@example.org", password="l'ancien mot de passe")
    response = client.post(reverse("account_reset_password"), {"email": "camille@example.org"})
    assert response.status_code == 302
    run_tasks()
    [message] = mailoutbox
    assert message.subject == "[Brest Créative] Choisir un nouveau mot de passe"
    response = client.get(link_in(message, "/comptes/password/reset/key/"))
    assert response.status_code == 302  # the key moves to the session, out of the address bar
    set_password_url = response["Location"]
    response = client.post(set_password_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert log_in(Client(), "camille@example.org", PASSWORD).status_code == 302
    assert log_in(Client(), "camille@example.org", "l'ancien mot de passe").status_code == 200  # refused


@worker_test
def test_password_reset_for_an_unknown_address_sends_nothing(db, client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "personne@example.org"})
    assert response.status_code == 302
    run_tasks()
    assert not mailoutbox


def test_logout_needs_a_post(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("account_logout")).status_code == 200  # a confirmation page
    assert client.get(reverse("accounts:profile_edit")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("accounts:profile_edit")).status_code == 302


def test_header_offers_login_or_the_account(client, db):
    content = client.get("/").content.decode()
    assert "Se connecter" in content and "Créer un compte" in content
    client.force_login(UserFactory(profile__display_name="Camille Le Gall"))
    content = client.get("/").content.decode()
    assert "Camille Le Gall" in content and "Mon profil" in content
    assert re.search(r'<form method="post" action="/comptes/logout/">', content)


def test_account_pages_are_french_and_respect_the_csp(client, db):
    anonymous = [reverse(name) for name in ("account_login", "account_signup", "account_reset_password",
                                            "account_email_verification_sent", "account_reset_password_done")]
    signed_in = [reverse("accounts:profile_edit"), reverse("account_email"), reverse("account_change_password")]
    for url in anonymous + signed_in:
        if url == signed_in[0]:
            client.force_login(UserFactory(password=PASSWORD))
        response = client.get(url)
        content = response.content.decode()
        assert response.status_code == 200, url
        assert '<html lang="fr">' in content and 'class="site-header"' in content, url
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert not re.search(r"<script(?![^>]*\bnonce=)(?![^>]*\bsrc=)", content), url  # no inline script
        assert not re.search(r"\son[a-z]+\s*=", content), url  # no inline event handler
