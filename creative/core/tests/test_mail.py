"""Templated transactional mail: subject, plain text and HTML, in French."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from creative.core.mail import render_templated_mail, send_templated_mail

CONTEXT = {"sent_at": "28 novembre 2026 10:00", "host": "serveur-1"}


def test_tests_use_the_locmem_mailer():
    # Django's test environment (setup_test_environment) swaps every MAILERS entry for locmem.
    assert settings.MAILERS["default"]["BACKEND"] == "django.core.mail.backends.locmem.EmailBackend"


def test_templated_mail_has_subject_text_and_html(mailoutbox):
    assert send_templated_mail("test_message", CONTEXT, "camille@example.org") == 1

    [message] = mailoutbox
    assert message.subject == "Message de test de Brest Créative"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert settings.DEFAULT_FROM_EMAIL == "Brest Créative <ne-pas-repondre@brest-creative.localhost>"
    assert message.to == ["camille@example.org"]
    assert "Bonjour," in message.body
    assert "le 28 novembre 2026 10:00, depuis la machine serveur-1" in message.body
    assert f"{settings.SITE_URL}/" in message.body
    assert "<" not in message.body  # plain text, no markup

    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert html.startswith("<!doctype html>") and '<html lang="fr">' in html
    assert "<title>Message de test de Brest Créative</title>" in html
    assert "<h1>Message de test</h1>" in html
    assert f'<a href="{settings.SITE_URL}/">' in html
    # Readable anywhere: no inline styles, no images to block.
    assert "style=" not in html and "<img" not in html


def test_text_is_not_escaped_and_html_is(mailoutbox):
    send_templated_mail("test_message", {**CONTEXT, "host": "<Tom & Léa>"}, ["a@example.org"])
    [message] = mailoutbox
    assert "depuis la machine <Tom & Léa>." in message.body
    assert "depuis la machine &lt;Tom &amp; Léa&gt;." in message.alternatives[0].content


def test_reply_to_headers_and_several_recipients(mailoutbox):
    send_templated_mail(
        "test_message",
        CONTEXT,
        ["a@example.org", "b@example.org"],
        reply_to="equipe@example.org",
        headers={"X-Brest-Creative": "test"},
    )
    [message] = mailoutbox
    assert message.to == ["a@example.org", "b@example.org"]
    assert message.reply_to == ["equipe@example.org"]
    assert message.extra_headers["X-Brest-Creative"] == "test"


def test_subject_is_one_line_and_site_values_are_in_the_context(settings, tmp_path):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "probe_subject.txt").write_text("  Bienvenue\n  sur {{ SITE_NAME }}  &  co\n\n")
    (tmp_path / "emails" / "probe.txt").write_text("{% autoescape off %}{{ SITE_URL }} {{ who }}{% endautoescape %}")
    (tmp_path / "emails" / "probe.html").write_text(
        '{% extends "emails/base.html" %}{% block content %}{{ who }}{% endblock %}'
    )
    settings.SITE_NAME = "Bretagne Créative"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    mail = render_templated_mail("probe", {"who": "Yann"})

    assert mail.subject == "Bienvenue sur Bretagne Créative & co"
    assert mail.text == f"{settings.SITE_URL} Yann\n"
    assert "<title>Bienvenue sur Bretagne Créative &amp; co</title>" in mail.html
    assert "Yann" in mail.html and "Bretagne Créative" in mail.html


def test_send_test_email_now(mailoutbox):
    out = io.StringIO()
    call_command("send_test_email", "ops@example.org", "--now", stdout=out)
    assert "Test email sent to ops@example.org" in out.getvalue()
    [message] = mailoutbox
    assert message.to == ["ops@example.org"] and message.subject == "Message de test de Brest Créative"


def test_send_test_email_refuses_a_bad_address():
    with pytest.raises(CommandError, match="not an email address"):
        call_command("send_test_email", "pas-une-adresse")
