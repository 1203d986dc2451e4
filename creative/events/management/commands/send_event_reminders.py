"""Send the event reminders that are due and were not sent: the safety net of the reminder tasks.

The worker sends each reminder at its time (a task enqueued on confirmation); this command, run
by a cron (every hour, say), catches those a lost task or a stopped worker missed. Both lock the
registration and record `reminded_at`: a reminder is never sent twice.
"""

from django.core.management.base import BaseCommand

from creative.events import services


class Command(BaseCommand):
    help = "Send the due reminders of event registrations that have not been sent (safety net for a cron)."

    def handle(self, *args, **options):
        sent = 0
        for registration_id in services.due_reminders():
            if services.send_reminder(registration_id) == "sent":
                sent += 1
        self.stdout.write(f"{sent} reminder(s) sent.")
