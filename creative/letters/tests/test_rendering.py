"""The letter's rendering: the full letter and a subscriber's, their links, headers and notices."""

import pytest
from django.conf import settings
from django.core import mail

from creative.letters import delivery, rendering, tokens
from creative.territories.models import Territory
from tests.factories import LetterIssueFactory, LetterItemFactory, LetterSubscriberFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _territory(name, level=Territory.Level.COMMUNE):
    return Territory.objects.create(level=level, code=name[:5], name=name, slug=name.lower())


@pytest.fixture
def issue():
    issue = LetterIssueFactory(
        subject="Repair cafés et jardins partagés",
        editorial="Bonjour à **toutes et tous** !\n\nVoir [la carte](/carte/) et [ailleurs](https://exemple.org/x).",
    )
    brest, quimper = _territory("Brest"), _territory("Quimper")
    LetterItemFactory(issue=issue, title="Le repair café de Bellevue", url="/fiches/repair-cafe/",
                      summary="On répare ensemble.", when="samedi 14 juin, 14 h", territories=[brest])
    LetterItemFactory(issue=issue, title="Un jardin à Quimper", url="https://ailleurs.example/jardin",
                      territories=[quimper])
    issue.brest, issue.quimper = brest, quimper
    return issue


def test_full_letter_has_every_item_absolute_links_and_no_personal_link(issue):
    letter = rendering.render_letter(issue)
    assert letter.subject == "Repair cafés et jardins partagés"
    for part in (letter.text, letter.html):
        assert "Le repair café de Bellevue" in part and "Un jardin à Quimper" in part
        assert f"{settings.SITE_URL}/fiches/repair-cafe/" in part
        assert "https://ailleurs.example/jardin" in part
        assert settings.SITE_URL + issue.get_absolute_url() in part
        assert "desabonnement" not in part and "preferences" not in part
        assert "samedi 14 juin, 14 h" in part
    assert "<strong>toutes et tous</strong>" in letter.html
    # A site path in the editorial becomes absolute; a full address stays as it is.
    assert f'href="{settings.SITE_URL}/carte/"' in letter.html
    assert 'href="https://exemple.org/x"' in letter.html
    assert 'href="/' not in letter.html
    assert "max-width:600px" in letter.html and 'name="viewport"' in letter.html


def test_subscriber_letter_holds_their_items_their_links_and_why(issue):
    subscriber = LetterSubscriberFactory(territories=[issue.brest], themes=[ThemeFactory(name="Réemploi")])
    item_ids, is_fallback = rendering.selection_for(issue, subscriber)
    assert not is_fallback
    letter = rendering.render_letter(issue, subscriber=subscriber, item_ids=item_ids)
    for part in (letter.text, letter.html):
        assert "Le repair café de Bellevue" in part
        assert "Un jardin à Quimper" not in part
        assert tokens.unsubscribe_url(subscriber) in part
        assert tokens.preferences_url(subscriber) in part
        assert "Brest" in part and "Réemploi" in part
        assert "Rien de nouveau" not in part


def test_fallback_notice(issue):
    subscriber = LetterSubscriberFactory(territories=[_territory("Rennes")])
    item_ids, is_fallback = rendering.selection_for(issue, subscriber)
    assert is_fallback and len(item_ids) == 2
    letter = rendering.render_letter(issue, subscriber=subscriber, item_ids=item_ids, is_fallback=True)
    notice = "Rien de nouveau cette semaine dans vos territoires et thèmes : voici la lettre de tout le territoire."
    assert notice in letter.text and notice in letter.html


def test_text_part_is_not_html_escaped(issue):
    issue.items.update(title="Café & « réparations »")
    rendering.forget_items(issue)
    letter = rendering.render_letter(issue)
    assert "Café & « réparations »" in letter.text
    assert "Café &amp; « réparations »" in letter.html


def test_build_message_headers_and_stable_message_id(issue):
    subscriber = LetterSubscriberFactory()
    message = rendering.build_message(issue, subscriber)
    assert message.to == [subscriber.email]
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{settings.SITE_URL}/lettre/desabonnement/") and unsubscribe[1:-1] in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.alternatives[0].mimetype == "text/html"
    parsed = message.message()
    assert parsed["Message-ID"] == rendering.build_message(issue, subscriber).message()["Message-ID"]
    other = LetterSubscriberFactory()
    assert rendering.message_id(issue, other) != rendering.message_id(issue, subscriber)
    assert rendering.message_id(LetterIssueFactory(), subscriber) != rendering.message_id(issue, subscriber)


def test_send_test_prefixes_the_subject_and_leaves_no_trace(issue):
    subscriber = LetterSubscriberFactory(territories=[issue.quimper])
    delivery.send_test(issue, "redaction@exemple.org", subscriber=subscriber)
    [message] = mail.outbox
    assert message.to == ["redaction@exemple.org"]
    assert message.subject == "[TEST] Repair cafés et jardins partagés"
    assert "Un jardin à Quimper" in message.body and "Le repair café de Bellevue" not in message.body
    # Neither the subscriber's personal links nor the list headers: a test unsubscribes nobody.
    assert tokens.subscriber_token(subscriber) not in message.body
    assert "List-Unsubscribe" not in message.extra_headers
    assert message.extra_headers["Message-ID"] != rendering.message_id(issue, subscriber)
    assert not issue.deliveries.exists()
    delivery.send_test(issue, "redaction@exemple.org")
    assert "Le repair café de Bellevue" in mail.outbox[1].body
