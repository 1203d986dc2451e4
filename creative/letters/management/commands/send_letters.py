"""The letter worker: queue due scheduled issues, claim outbox rows, send them, record the results.

Runs as a long-lived service beside ``db_worker`` (several may run at once: they never claim the
same row). SIGTERM or SIGINT stops it gracefully: the message in flight is finished and
recorded, the other rows it claimed go back to the queue. ``--drain`` returns once nothing is
left to send (rows waiting for a retry later are left to the service). See delivery.py.
"""

import signal
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from creative.letters.delivery import CLAIM_BATCH, DEFAULT_LEASE, LetterWorker, default_worker_id


class Command(BaseCommand):
    help = "Send the weekly letter from its outbox (long-running; --drain to stop when nothing is due)."

    def add_arguments(self, parser):
        parser.add_argument("--drain", action="store_true", help="Exit when nothing is left to send.")
        parser.add_argument("--worker-id", default="", help="This worker's name in claims (default: host:pid).")
        parser.add_argument(
            "--rate", type=float, default=None, help="Messages per second at most (default: LETTERS_RATE_PER_SECOND).",
        )
        parser.add_argument("--batch", type=int, default=CLAIM_BATCH, help="Rows claimed at a time.")
        parser.add_argument(
            "--lease", type=float, default=DEFAULT_LEASE.total_seconds(),
            help="Seconds a claim lasts without renewal: a dead worker's rows are sent again after it.",
        )
        parser.add_argument("--poll", type=float, default=5.0, help="Seconds between looks when idle.")

    def handle(self, *args, drain, worker_id, rate, batch, lease, poll, **options):
        if (rate is not None and rate <= 0) or batch < 1 or lease <= 0 or poll <= 0:
            raise CommandError("--rate, --batch, --lease and --poll must be positive.")
        worker = LetterWorker(
            worker_id or default_worker_id(), rate=rate, batch=batch, lease=timedelta(seconds=lease), poll=poll,
        )
        previous = {sig: signal.signal(sig, worker.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            if options["verbosity"] > 0:
                self.stdout.write(f"Letter worker {worker.worker_id} started ({worker.rate:g} messages/s).")
            worker.run(drain=drain)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Letter worker {worker.worker_id} stopped: {worker.sent} sent, {worker.retried} to retry, "
                f"{worker.failed} failed."
            )
