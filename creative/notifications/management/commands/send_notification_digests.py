"""Send the daily and weekly notification digests that are due (run hourly by a cron).

    0 * * * *  cd /srv/brest-creative && .venv/bin/python manage.py send_notification_digests

See creative.notifications.delivery: one mail per person listing what was neither mailed nor read,
at most one a day (a week); a re-run sends nothing twice.
"""

from django.core.management.base import BaseCommand, CommandError

from creative.notifications import delivery


class Command(BaseCommand):
    help = "Send the notification digests that are due (daily and weekly), one mail per person."

    def handle(self, *args, **options):
        sent, failed = delivery.send_digests()
        self.stdout.write(f"{sent} digest(s) sent, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} digest(s) could not be sent; they will be retried at the next run.")
