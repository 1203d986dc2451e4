"""Delete the letter subscriptions never confirmed once their confirmation link has expired."""

from django.core.management.base import BaseCommand

from creative.letters import subscriptions


class Command(BaseCommand):
    help = (
        "Delete every subscriber of the weekly letter still waiting for confirmation whose newest confirmation "
        "link is older than LETTERS_CONFIRM_DAYS (default 7): the address was never confirmed, so there is no "
        "consent to keep it. Unsubscribed and bouncing addresses stay (they are never mailed). Run it daily "
        "(cron or systemd timer), e.g. `manage.py purge_letter_subscriptions`; --dry-run counts only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count the subscriptions to delete, delete nothing")

    def handle(self, *, dry_run, **options):
        days = subscriptions.confirm_days()
        if dry_run:
            count = subscriptions.expired_pending().count()
            self.stdout.write(f"{count} unconfirmed subscription(s) older than {days} days would be deleted.")
            return
        count = subscriptions.purge_expired_pending()
        self.stdout.write(self.style.SUCCESS(f"{count} unconfirmed subscription(s) older than {days} days deleted."))
