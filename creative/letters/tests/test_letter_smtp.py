"""Integration: the letter worker delivers an issue through a real SMTP server (aiosmtpd on 127.0.0.1).

Checks what a mailbox provider sees: one message per subscriber, the list headers (RFC 2369,
RFC 8058 one-click unsubscribe), a stable Message-ID, multipart/alternative with a text and an
HTML part, each subscriber's own items, absolute links only — and that the one-click POST to the
List-Unsubscribe address works without a session or a CSRF token.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from creative.letters import delivery, rendering, tokens
from creative.letters.models import Delivery, Issue, Subscriber
from creative.territories.models import Territory
from tests.factories import LetterIssueFactory, LetterItemFactory, LetterSubscriberFactory
from tests.smtp import SMTPTestServer

SITE = "https://brest-creative.example"


@pytest.fixture
def smtp(settings):
    settings.SITE_URL = SITE
    with SMTPTestServer() as server:
        settings.MAILERS = {**settings.MAILERS, "bulk": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": server.host, "port": server.port, "timeout": 10},
        }}
        yield server


def _territory(name):
    return Territory.objects.create(level=Territory.Level.COMMUNE, code=name[:5], name=name, slug=name.lower())


@pytest.mark.django_db
def test_the_worker_delivers_a_personalised_letter_through_smtp(smtp):
    brest, quimper = _territory("Brest"), _territory("Quimper")
    issue = LetterIssueFactory(subject="Cette semaine : réparer, partager", editorial="Bonne lecture !")
    LetterItemFactory(issue=issue, title="Repair café de Bellevue", url="/fiches/repair-cafe/", territories=[brest])
    LetterItemFactory(issue=issue, title="Jardin partagé de Kerfeunteun", url="/fiches/jardin/",
                      territories=[quimper], when="mercredi 18 h")
    LetterItemFactory(issue=issue, title="Atelier en ligne", url="/agenda/atelier/")  # for everybody
    anne = LetterSubscriberFactory(email="anne@exemple-lettre.fr", territories=[brest])
    yann = LetterSubscriberFactory(email="yann@exemple-lettre.fr", territories=[quimper])
    tous = LetterSubscriberFactory(email="tous@exemple-lettre.fr")
    LetterSubscriberFactory(email="attente@exemple-lettre.fr", state=Subscriber.State.PENDING)

    assert delivery.queue_issue(issue) == 3
    call_command("send_letters", "--drain", "--rate", "1000", verbosity=0)

    received = {mail.rcpt_tos[0]: mail for mail in smtp.received}
    assert len(smtp.received) == 3
    assert set(received) == {anne.email, yann.email, tous.email}
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT and issue.sent_at is not None

    for subscriber in (anne, yann, tous):
        message = received[subscriber.email].message
        assert message["To"] == subscriber.email
        assert message["Subject"] == "Cette semaine : réparer, partager"
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
        # RFC 2369 / RFC 8058: an https one-click address, on one line (never an encoded word).
        unsubscribe = message["List-Unsubscribe"]
        match = re.fullmatch(rf"<({re.escape(SITE)}/lettre/desabonnement/([^/]+)/)>", unsubscribe)
        assert match and tokens.read_subscriber_token(match.group(2)) == subscriber
        unsubscribe_url = match.group(1)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        raw = dict(message.raw_items())["List-Unsubscribe"]  # as it came over the wire
        assert raw.strip() == unsubscribe and "=?" not in raw and "\n" not in raw
        assert message["Message-ID"] == rendering.message_id(issue, subscriber)
        assert message["List-Id"] and message["Precedence"] == "bulk"
        # Every link is absolute, to the site or elsewhere over https.
        text, html = received[subscriber.email].text, received[subscriber.email].html
        hrefs = re.findall(r'href="([^"]+)"', html)
        assert hrefs and all(href.startswith(("https://", "mailto:")) for href in hrefs)
        assert f"{SITE}/lettre/{issue.number}/" in text and f"{SITE}/lettre/{issue.number}/" in html
        assert unsubscribe_url in text and unsubscribe_url in html  # the same link as the header's
        assert "Atelier en ligne" in text and "Atelier en ligne" in html

    anne_text = received[anne.email].text
    assert "Repair café de Bellevue" in anne_text and f"{SITE}/fiches/repair-cafe/" in anne_text
    assert "Jardin partagé" not in anne_text and "Jardin partagé" not in received[anne.email].html
    yann_text = received[yann.email].text
    assert "Jardin partagé de Kerfeunteun" in yann_text and "mercredi 18 h" in yann_text
    assert "Repair café" not in yann_text
    assert "Repair café" in received[tous.email].text and "Jardin partagé" in received[tous.email].text

    # The mailbox provider's one-click button: a POST without session nor CSRF token.
    path = urlsplit(received[anne.email].message["List-Unsubscribe"].strip("<>")).path
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    anne.refresh_from_db()
    assert anne.state == Subscriber.State.UNSUBSCRIBED

    # Draining again sends nothing more.
    call_command("send_letters", "--drain", "--rate", "1000", verbosity=0)
    assert len(smtp.received) == 3


@pytest.mark.django_db
def test_refused_recipients_bounce_and_bad_addresses_fail(smtp, settings):
    settings.LETTERS_BOUNCE_LIMIT = 1

    async def handle_RCPT(server, session, envelope, address, rcpt_options):
        if address.startswith("inconnu@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp._handler.handle_RCPT = handle_RCPT
    issue = LetterIssueFactory()
    LetterItemFactory(issue=issue)
    ok = LetterSubscriberFactory(email="ok@exemple-lettre.fr")
    unknown = LetterSubscriberFactory(email="inconnu@exemple-lettre.fr")
    unencodable = LetterSubscriberFactory(email="é@exemple-lettre.fr")  # a local part SMTP cannot carry
    delivery.queue_issue(issue)
    call_command("send_letters", "--drain", "--rate", "1000", verbosity=0)

    assert [mail.rcpt_tos for mail in smtp.received] == [[ok.email]]
    rows = {row.subscriber_id: row for row in Delivery.objects.all()}
    assert rows[ok.pk].state == Delivery.State.SENT
    assert rows[unknown.pk].state == Delivery.State.FAILED and "550" in rows[unknown.pk].last_error
    assert rows[unencodable.pk].state == Delivery.State.FAILED and "ValueError" in rows[unencodable.pk].last_error
    unknown.refresh_from_db()
    unencodable.refresh_from_db()
    assert unknown.state == Subscriber.State.BOUNCING and unknown.hard_bounces == 1
    assert unencodable.state == Subscriber.State.ACTIVE and unencodable.hard_bounces == 0
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENT
