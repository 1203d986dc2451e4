"""Background tasks of notifications (run by the task worker, ``manage.py db_worker``).

Arguments are JSON: ids and texts, never model instances.
"""

from django.tasks import task


@task
def fan_out(payload):
    """Create the notifications of one event for everybody concerned (see services.notify)."""
    from . import services

    return services.fan_out(payload)


@task
def send_instant(notification_id):
    """Mail one notification to a person who chose « instant » (at most once; see delivery.send_instant)."""
    from . import delivery

    return delivery.send_instant(notification_id)
