"""Run background tasks in a test, the way the production worker does."""

import signal

from django.core.management import call_command

_SIGNALS = [signal.SIGINT, signal.SIGTERM, *([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])]


def run_tasks(*extra_args):
    """Run every ready task with django_tasks_db's real worker (`db_worker --batch`), then return.

    The worker installs its own SIGINT/SIGTERM handlers; they are restored afterwards so that
    Ctrl-C still stops pytest.
    """
    saved = {sig: signal.getsignal(sig) for sig in _SIGNALS}
    try:
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", *extra_args, verbosity=0
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
