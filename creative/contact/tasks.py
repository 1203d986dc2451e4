"""Background task of the contact relay: erase the senders' addresses past the reply window.

Run it from a scheduler (`purge_contact_messages_task.enqueue()`), or run the management command
`manage.py purge_contact_messages` daily (cron, systemd timer).
"""

from django.tasks import task

from . import services


@task
def purge_contact_messages_task():
    """Erase sender addresses older than CONTACT_REPLY_DAYS; returns how many were erased."""
    return services.purge_expired()
