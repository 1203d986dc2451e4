"""Compose this week's letter as a draft, for the editors to finish: run weekly by a cron.

Idempotent: when an issue already covers the week (a draft or a scheduled letter whose period
ends within half a week of this one), nothing is composed. Otherwise the new draft's editors
(administrators, editors of the home territory) receive a mail with its address.

    manage.py compose_weekly_letter                         # the 7 days before now
    manage.py compose_weekly_letter --period-end 2025-11-30 # the 7 days before that midnight (Paris)
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from creative.core.tasks import mail_each

from ...composition import compose_issue, covering_issue
from ...models import Issue
from ...permissions import letter_editors


def parse_period_end(value):
    """An aware datetime from "2025-11-30" (local midnight) or "2025-11-30T06:00" (local if naive)."""
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        moment = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Compose this week's letter as a draft (unless one already covers the week) and tell its editors."

    def add_arguments(self, parser):
        parser.add_argument(
            "--period-end",
            help="End of the week to cover: YYYY-MM-DD or YYYY-MM-DDTHH:MM, Europe/Paris (default: now).",
        )
        parser.add_argument("--no-mail", action="store_true", help="Do not mail the editors.")

    def handle(self, *args, period_end=None, no_mail=False, **options):
        try:
            end = parse_period_end(period_end) if period_end else timezone.now()
        except ValueError:
            raise CommandError(f"--period-end: {period_end!r} is not a date (YYYY-MM-DD) or a date and time.") from None
        existing = covering_issue(end, states=(Issue.State.DRAFT, Issue.State.SCHEDULED))
        if existing is not None:
            self.stdout.write(f"Issue n° {existing.number} ({existing.get_state_display()}) already covers this week: "
                              "nothing composed.")
            return
        issue = compose_issue(period_end=end)
        count = issue.items.count()
        self.stdout.write(self.style.SUCCESS(f"Draft n° {issue.number} composed with {count} item(s): {issue.subject}"))
        if not no_mail:
            sent = mail_each(letter_editors(), "letter_draft_ready", {
                "number": issue.number,
                "letter_subject": issue.subject,
                "count": count,
                "url": settings.SITE_URL + reverse("letters:edit", args=[issue.number]),
            })
            self.stdout.write(f"{sent} editor(s) told.")
