"""allauth's mails leave through the worker: rendered in the request, sent after the commit.

The worker commits for real, so these tests are transactional (see creative/core/tests/test_tasks.py);
`db` comes before `mailoutbox` in the arguments (see test_signup.py).
"""

import re

import pytest
from allauth.core.context import request_context
from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import RequestFactory
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from creative.accounts.adapter import AccountAdapter
from creative.accounts.models import User
from creative.accounts.permissions import can_contribute
from creative.core.mail import send_rendered_mail
from tests.factories import UserFactory
from tests.worker import run_tasks

PASSWORD = "une phrase de passe solide"
worker_test = pytest.mark.django_db(transaction=True)


def sign_up(client, email="camille@example.org"):
    return client.post(
        reverse("account_signup"),
        {"display_name": "Camille Le Gall", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def link_in(text, path_prefix):
    return re.search(rf"http://testserver({re.escape(path_prefix)}[^\s\"<]+)", text).group(1)


def queued_mail():
    """The one mail task waiting for the worker, as (subject, text, html, to)."""
    [queued] = DBTaskResult.objects.all()
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "creative.core.tasks.send_rendered_mail_task"
    return queued.args_kwargs["args"]


@worker_test
def test_sign_up_sends_nothing_in_the_request_and_the_worker_delivers_the_confirmation(db, client, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302
    assert mailoutbox == []  # nothing was sent while the page was answered
    subject, text, html, to = queued_mail()
    assert subject == "[Brest Créative] Confirmez votre adresse électronique"
    assert to == ["camille@example.org"] and "/comptes/confirm-email/" in text and html

    run_tasks()

    [message] = mailoutbox
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert message.subject == "[Brest Créative] Confirmez votre adresse électronique"
    assert message.to == ["camille@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Bonjour," in message.body and "L'équipe de Brest Créative" in message.body
    assert "<" not in message.body  # the plain-text part is plain text
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html and "Confirmer mon adresse électronique" in html
    # The link, in both parts, confirms the address.
    link = link_in(message.body, "/comptes/confirm-email/")
    assert link_in(html, "/comptes/confirm-email/") == link
    assert client.post(link).status_code == 302
    assert can_contribute(User.objects.get())


@worker_test
def test_password_reset_sends_nothing_in_the_request_and_the_worker_delivers_the_link(db, client, mailoutbox):
    UserFactory(email="camille@example.org", password="l'ancien mot de passe")

    response = client.post(reverse("account_reset_password"), {"email": "camille@example.org"})

    assert response.status_code == 302
    assert mailoutbox == []
    subject, _text, _html, to = queued_mail()
    assert subject == "[Brest Créative] Choisir un nouveau mot de passe" and to == ["camille@example.org"]

    run_tasks()

    [message] = mailoutbox
    assert message.subject == "[Brest Créative] Choisir un nouveau mot de passe"
    assert "Quelqu'un (vous, sans doute) a demandé à changer le mot de passe" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and '<html lang="fr">' in html
    response = client.get(link_in(message.body, "/comptes/password/reset/key/"))
    assert response.status_code == 302
    response = client.post(response["Location"], {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get().check_password(PASSWORD)


@worker_test
def test_a_down_mail_server_does_not_break_sign_up(db, client, mailoutbox, monkeypatch):
    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)

    response = sign_up(client)

    assert response.status_code == 302 and User.objects.exists()
    run_tasks()
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED  # recorded, to be retried by hand
    assert mailoutbox == []


@worker_test
def test_a_rolled_back_transaction_enqueues_no_mail(db, mailoutbox):
    request = RequestFactory().get("/")
    with pytest.raises(RuntimeError), request_context(request), transaction.atomic():
        AccountAdapter(request).send_mail(
            "account/email/password_reset_key", "camille@example.org", {"password_reset_url": "http://x/"}
        )
        raise RuntimeError("rolled back")
    assert not DBTaskResult.objects.exists()
    run_tasks()
    assert mailoutbox == []

    with request_context(request), transaction.atomic():  # the same, committed
        AccountAdapter(request).send_mail(
            "account/email/password_reset_key", "camille@example.org", {"password_reset_url": "http://x/"}
        )
    run_tasks()
    [message] = mailoutbox
    assert "http://x/" in message.body


def test_a_rendered_mail_without_text_is_sent_as_html(mailoutbox):
    send_rendered_mail("Objet", "", "<p>Bonjour</p>", "camille@example.org", headers={"X-Test": "1"})
    [message] = mailoutbox
    assert message.content_subtype == "html" and message.body == "<p>Bonjour</p>" and not message.alternatives
    assert message.to == ["camille@example.org"] and message.extra_headers == {"X-Test": "1"}


def test_a_rendered_mail_without_html_is_plain_text(mailoutbox):
    send_rendered_mail("Objet", "Bonjour", None, ["a@example.org", "b@example.org"])
    [message] = mailoutbox
    assert message.content_subtype == "plain" and message.body == "Bonjour" and not message.alternatives
    assert message.to == ["a@example.org", "b@example.org"]
