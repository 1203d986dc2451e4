"""Integration: a visitor writes to an ambassador through a real SMTP server (aiosmtpd on 127.0.0.1),
the ambassador answers from the link of the mail received, and the visitor gets the answer."""

import re

import pytest
from django.urls import reverse

from creative.antispam.forms import HONEYPOT_FIELD, OPENED_FIELD
from creative.contact.models import ContactMessage
from tests.smtp import SMTPTestServer
from tests.worker import run_tasks

VISITOR_EMAIL = "loic.visiteur@exemple-prive.fr"


@pytest.fixture
def smtp(settings):
    with SMTPTestServer() as server:
        settings.MAILERS = {"default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": server.host, "port": server.port, "timeout": 10},
        }}
        yield server


@pytest.mark.django_db(transaction=True)
def test_a_visitor_writes_to_an_ambassador_who_answers_through_smtp(client, smtp, ambassador, fiche):
    response = client.post(reverse("contact:ambassador", args=[ambassador.pk]), {
        "name": "Loïc Visiteur", "email": VISITOR_EMAIL, HONEYPOT_FIELD: "", OPENED_FIELD: "",
        "message": "Bonjour, comment avez-vous trouvé vos premiers bénévoles ? Nous démarrons à Plouzané.",
    })
    assert response.status_code == 302
    run_tasks()  # nothing waits for the worker: the message left from the request

    [received] = smtp.received
    assert received.rcpt_tos == [ambassador.user.email]
    assert "Repair café du Bellevue" in received.message["Subject"]
    assert received.message["Reply-To"] is None
    assert "comment avez-vous trouvé vos premiers bénévoles" in received.text
    assert "Loïc Visiteur" in received.text and "Loïc Visiteur" in received.html
    assert VISITOR_EMAIL not in received.message.as_string() and "loic.visiteur" not in received.text

    path = re.search(r"https?://[^/\s]+(/contact/reponse/[0-9a-f-]{36}/)", received.text).group(1)
    client.force_login(ambassador.user)
    assert client.post(path, {"message": "Par le bouche-à-oreille ! Appelez-moi samedi.", HONEYPOT_FIELD: "",
                              OPENED_FIELD: ""}).status_code == 302

    answer, copy = smtp.received[1:]
    assert answer.rcpt_tos == [VISITOR_EMAIL]
    assert answer.message["Reply-To"].addresses[0].addr_spec == ambassador.user.email
    assert answer.message["Reply-To"].addresses[0].display_name == "Maëlle Ambassadrice"
    assert "Par le bouche-à-oreille" in answer.text
    assert copy.rcpt_tos == [ambassador.user.email]
    assert copy.message["Reply-To"].addresses[0].addr_spec == VISITOR_EMAIL
    assert VISITOR_EMAIL in copy.text
    message = ContactMessage.objects.get()
    assert message.status == ContactMessage.Status.REPLIED and message.sender_email == ""
