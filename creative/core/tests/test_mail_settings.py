"""The mailer comes from SMTP_* variables, validated when the settings load."""

import json
import os
import subprocess
import sys

from django.conf import settings

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
# Variables of the developer's shell that would change the outcome.
_CLEARED = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DEFAULT_FROM_EMAIL", "SERVER_EMAIL"}


def mail_settings(**env):
    """Load the settings in a fresh interpreter with `env`; return (returncode, values or stderr)."""
    base = {k: v for k, v in os.environ.items() if k not in _CLEARED and not k.startswith(("SMTP_", "BULK_SMTP_"))}
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "from django.conf import settings; "
        "print(json.dumps({'MAILERS': settings.MAILERS, 'DEFAULT_FROM_EMAIL': settings.DEFAULT_FROM_EMAIL, "
        "'SERVER_EMAIL': settings.SERVER_EMAIL}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={"SECRET_KEY": "x", "DEBUG": "0", **base, **env},
        capture_output=True, text=True, cwd=settings.BASE_DIR, check=False,
    )
    if result.returncode:
        return result.returncode, result.stderr
    return 0, json.loads(result.stdout)


def test_local_mail_transfer_agent_without_smtp_host_and_console_with_debug():
    code, values = mail_settings()
    assert code == 0, values
    # Production without SMTP_HOST: the machine's own MTA (postfix, exim…), as Django does by default.
    local_mta = {"BACKEND": SMTP, "OPTIONS": {
        "host": "localhost", "port": 25, "username": None, "password": None, "timeout": 30}}
    # The weekly letter's "bulk" mailer is the same server unless BULK_SMTP_HOST names another.
    assert values["MAILERS"] == {"default": local_mta, "bulk": local_mta}
    code, values = mail_settings(DEBUG="1")
    assert values["MAILERS"] == {"default": {"BACKEND": CONSOLE}, "bulk": {"BACKEND": CONSOLE}}
    assert values["DEFAULT_FROM_EMAIL"] == values["SERVER_EMAIL"] == (
        "Brest Créative <ne-pas-repondre@brest-creative.localhost>"
    )
    code, values = mail_settings(DEBUG="1", SMTP_HOST="smtp.example.org")
    assert values["MAILERS"]["default"]["BACKEND"] == CONSOLE


def test_smtp_from_the_environment(tmp_path):
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n")
    code, values = mail_settings(
        SMTP_HOST="smtp.example.org", SMTP_USER="brest", SMTP_PASSWORD_FILE=str(secret),
        DEFAULT_FROM_EMAIL="Brest Créative <bonjour@brest-creative.fr>", SERVER_EMAIL="alertes@brest-creative.fr",
    )
    assert code == 0, values
    assert values["MAILERS"]["default"] == {
        "BACKEND": SMTP,
        "OPTIONS": {"host": "smtp.example.org", "port": 587, "username": "brest", "password": "s3cret",
                    "timeout": 30, "use_tls": True},
    }
    assert values["DEFAULT_FROM_EMAIL"] == "Brest Créative <bonjour@brest-creative.fr>"
    assert values["SERVER_EMAIL"] == "alertes@brest-creative.fr"

    code, values = mail_settings(SMTP_HOST="smtp.example.org", SMTP_SECURITY="SSL")
    options = values["MAILERS"]["default"]["OPTIONS"]
    assert (options["port"], options["use_ssl"], "use_tls" in options) == (465, True, False)
    assert options["username"] is None and options["password"] is None

    code, values = mail_settings(SMTP_HOST="relay.local", SMTP_SECURITY="none", SMTP_PORT="25", SMTP_TIMEOUT="5")
    options = values["MAILERS"]["default"]["OPTIONS"]
    assert options == {"host": "relay.local", "port": 25, "username": None, "password": None, "timeout": 5}


def test_bad_smtp_variables_stop_start_up_with_a_clear_message(tmp_path):
    code, stderr = mail_settings(SMTP_HOST="smtp.example.org", SMTP_SECURITY="tls")
    assert code and "ImproperlyConfigured" in stderr
    assert "SMTP_SECURITY='tls' is not valid: use starttls" in stderr

    code, stderr = mail_settings(SMTP_PORT="vingt-cinq")
    assert code and "SMTP_PORT='vingt-cinq' is not an integer" in stderr
    code, stderr = mail_settings(SMTP_PORT="70000")
    assert code and "SMTP_PORT=70000 is not a TCP port" in stderr

    code, stderr = mail_settings(SMTP_HOST="smtp.example.org", SMTP_USER="brest")
    assert code and "SMTP_USER and SMTP_PASSWORD" in stderr

    code, stderr = mail_settings(SMTP_PASSWORD_FILE=str(tmp_path / "missing"))
    assert code and "SMTP_PASSWORD_FILE=" in stderr and "cannot be read" in stderr

    code, stderr = mail_settings(SMTP_TIMEOUT="0")
    assert code and "SMTP_TIMEOUT=0 must be at least 1" in stderr


def test_deploy_check_warns_when_mail_would_only_be_printed(settings):
    from creative.core.checks import check_mailer

    settings.DEBUG = False
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    [warning] = check_mailer()
    assert warning.id == "creative.W001" and "console" in warning.msg
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "x"}}}
    assert check_mailer() == []
    settings.DEBUG = True
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    assert check_mailer() == []


def test_a_separate_bulk_relay_for_the_weekly_letter(tmp_path):
    secret = tmp_path / "bulk-password"
    secret.write_text("bulk-s3cret\n")
    code, values = mail_settings(
        SMTP_HOST="smtp.example.org", BULK_SMTP_HOST="bulk.example.net", BULK_SMTP_USER="letters",
        BULK_SMTP_PASSWORD_FILE=str(secret), BULK_SMTP_SECURITY="ssl",
    )
    assert code == 0, values
    assert values["MAILERS"]["default"]["OPTIONS"]["host"] == "smtp.example.org"
    assert values["MAILERS"]["bulk"] == {
        "BACKEND": SMTP,
        "OPTIONS": {"host": "bulk.example.net", "port": 465, "username": "letters", "password": "bulk-s3cret",
                    "timeout": 30, "use_ssl": True},
    }
    code, values = mail_settings(BULK_SMTP_HOST="bulk.example.net", BULK_SMTP_USER="letters")
    assert code != 0
    assert "BULK_SMTP_USER and BULK_SMTP_PASSWORD" in str(values)
