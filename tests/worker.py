"""Run background tasks in a test, the way the production worker does."""

import signal
from unittest import mock

from django.core.management import call_command
from django.db import connections
from django_tasks_db.management.commands import db_worker

_SIGNALS = [signal.SIGINT, signal.SIGTERM, *([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])]


def _keep_test_transactions():
    """`close_old_connections` that spares a connection inside a test's transaction.

    Between tasks the worker closes connections that are not in autocommit mode, as a server
    would; inside a non-transactional test (one transaction rolled back at the end) that would
    close the test's own connection on PostgreSQL. Outside a transaction it does what Django does.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def run_tasks(*extra_args):
    """Run every ready task with django_tasks_db's real worker (`db_worker --batch`), then return.

    The worker installs its own SIGINT/SIGTERM handlers; they are restored afterwards so that
    Ctrl-C still stops pytest.
    """
    saved = {sig: signal.getsignal(sig) for sig in _SIGNALS}
    try:
        with mock.patch.object(db_worker, "close_old_connections", _keep_test_transactions):
            call_command(
                "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", *extra_args,
                verbosity=0,
            )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
