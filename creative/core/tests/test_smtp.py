"""Integration: mail leaves through a real SMTP server (aiosmtpd on 127.0.0.1) and is read back."""

import os
import smtplib
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from creative.core.tasks import enqueue_on_commit, send_templated_mail_task
from creative.core.tests.test_mail_settings import mail_settings
from tests.smtp import SMTPTestServer, free_port
from tests.worker import run_tasks

# Authentication over plain SMTP is fine on 127.0.0.1 (a production relay uses starttls or ssl).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
CONTEXT = {"sent_at": "28 novembre 2026 10:00", "host": "serveur-1"}
CREDENTIALS = ("brest", "s3cret")


@pytest.fixture
def smtp_server():
    with SMTPTestServer(credentials=CREDENTIALS) as server:
        yield server


@pytest.fixture
def smtp_env(smtp_server, tmp_path):
    """The environment an operator would set for this server (password in a secret file)."""
    secret = tmp_path / "smtp-password"
    secret.write_text(CREDENTIALS[1] + "\n")
    return {
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_SECURITY": "none",
        "SMTP_USER": CREDENTIALS[0],
        "SMTP_PASSWORD_FILE": str(secret),
    }


def use_mailers_from(env, settings):
    code, values = mail_settings(**env)
    assert code == 0, values
    assert values["MAILERS"]["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    settings.MAILERS = values["MAILERS"]


@pytest.mark.django_db(transaction=True)  # real commits, as the worker needs (see test_tasks.py)
def test_the_worker_sends_through_smtp(smtp_server, smtp_env, settings):
    use_mailers_from(smtp_env, settings)
    with transaction.atomic():
        enqueue_on_commit(send_templated_mail_task, "test_message", CONTEXT, ["camille@example.org"])
    assert smtp_server.received == []

    run_tasks()

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    [mail] = smtp_server.received
    assert mail.login == "brest"
    assert mail.mail_from == "ne-pas-repondre@brest-creative.localhost"
    assert mail.rcpt_tos == ["camille@example.org"]
    message = mail.message
    assert message["Subject"] == "Message de test de Brest Créative"
    assert message["From"] == "Brest Créative <ne-pas-repondre@brest-creative.localhost>"
    assert message["To"] == "camille@example.org"
    assert message.get_content_type() == "multipart/alternative"
    assert "Bonjour," in mail.text and "depuis la machine serveur-1" in mail.text
    assert "<h1>Message de test</h1>" in mail.html and '<html lang="fr">' in mail.html


@pytest.mark.django_db(transaction=True)
def test_a_refused_login_fails_the_task(smtp_server, smtp_env, settings):
    smtp_server.credentials = ("brest", "autre")
    use_mailers_from(smtp_env, settings)
    enqueue_on_commit(send_templated_mail_task, "test_message", CONTEXT, ["camille@example.org"])

    run_tasks()

    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == f"smtplib.{smtplib.SMTPAuthenticationError.__name__}"
    assert smtp_server.received == []


def test_send_test_email_now_checks_the_smtp_settings(smtp_server, smtp_env):
    """What an operator runs on a server: `manage.py send_test_email --now ADDRESS`."""
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"} and not k.startswith("SMTP_")}
    env = {**base, "DEBUG": "0", "SECRET_KEY": "x", **smtp_env}
    command = [sys.executable, "manage.py", "send_test_email", "--now", "ops@example.org"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=django_settings.BASE_DIR, check=False)
    assert result.returncode == 0, result.stderr
    assert "Test email sent to ops@example.org" in result.stdout
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["ops@example.org"] and mail.message["Subject"] == "Message de test de Brest Créative"



def test_send_test_email_now_reports_smtp_errors(smtp_server, smtp_env, settings):
    use_mailers_from({**smtp_env, "SMTP_PORT": str(free_port())}, settings)  # nothing listens there
    with pytest.raises(CommandError, match="Sending failed: ConnectionRefusedError"):
        call_command("send_test_email", "--now", "ops@example.org")

    use_mailers_from(smtp_env, settings)
    smtp_server.credentials = ("brest", "autre")
    with pytest.raises(CommandError, match="Sending failed: SMTPAuthenticationError"):
        call_command("send_test_email", "--now", "ops@example.org")
    assert smtp_server.received == []
