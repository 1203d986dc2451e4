"""Send the test email to an address, to check the mail settings (SMTP_*) of an instance."""

import socket

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils import formats, timezone, translation

from creative.core.mail import send_templated_mail
from creative.core.tasks import enqueue_on_commit, send_templated_mail_task


class Command(BaseCommand):
    help = (
        "Send the test email (templates/emails/test_message.*) to ADDRESS through the worker. "
        "With --now, send it from this process instead and report any SMTP error here."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", help="recipient, e.g. you@example.org")
        parser.add_argument(
            "--now", action="store_true", help="send at once, without the worker (shows SMTP errors directly)"
        )

    def handle(self, *, address, now, **options):
        try:
            validate_email(address)
        except ValidationError:
            raise CommandError(f"{address!r} is not an email address.") from None
        with translation.override(settings.LANGUAGE_CODE):
            sent_at = formats.date_format(timezone.localtime(), "DATETIME_FORMAT")
        context = {"sent_at": sent_at, "host": socket.gethostname()}
        if now:
            try:
                send_templated_mail("test_message", context, [address])
            except (OSError, ValueError) as exc:  # smtplib errors are OSErrors
                raise CommandError(f"Sending failed: {exc.__class__.__name__}: {exc}") from exc
            self.stdout.write(self.style.SUCCESS(f"Test email sent to {address}."))
            return
        enqueue_on_commit(send_templated_mail_task, "test_message", context, [address])
        self.stdout.write(
            self.style.SUCCESS(f"Test email to {address} enqueued.")
            + " The worker sends it (`make run` starts one; in production `manage.py db_worker`)."
        )
