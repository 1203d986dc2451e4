"""Erase the senders' addresses of contact messages older than CONTACT_REPLY_DAYS."""

from django.core.management.base import BaseCommand

from creative.contact import services


class Command(BaseCommand):
    help = (
        "Erase the sender's email address of every contact message older than CONTACT_REPLY_DAYS (default 30): "
        "past that window its reply link no longer works, and the address, kept only to deliver the answer, "
        "is not needed any more. Messages already answered have no address left. The texts are never stored. "
        "Run it daily (cron or systemd timer), e.g. `manage.py purge_contact_messages`; --dry-run counts only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count the addresses to erase, erase nothing")

    def handle(self, *, dry_run, **options):
        days = services.reply_days()
        if dry_run:
            count = services.expired_with_address().count()
            self.stdout.write(f"{count} sender address(es) older than {days} days would be erased.")
            return
        count = services.purge_expired()
        self.stdout.write(self.style.SUCCESS(f"{count} sender address(es) older than {days} days erased."))
