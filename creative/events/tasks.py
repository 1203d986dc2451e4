"""Background tasks of the agenda (run by the task worker, ``manage.py db_worker``)."""

from django.tasks import task


@task
def send_reminder(registration_id):
    """The reminder of one registration, enqueued for ``starts_at − EVENTS_REMINDER_HOURS``.

    Sends at most once (see services.send_reminder): a task left over from an older date, or
    run together with the ``send_event_reminders`` command, does nothing.
    """
    from . import services

    return services.send_reminder(registration_id)
