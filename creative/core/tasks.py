"""Background tasks (``django.tasks``, run by ``manage.py db_worker``).

Enqueue with :func:`enqueue_on_commit` so that a task never runs against data its transaction
did not commit (or rolled back). Task arguments are stored as JSON.
"""

from functools import partial

from django.db import transaction
from django.tasks import task

from creative.core.mail import send_rendered_mail, send_templated_mail


def enqueue_on_commit(task, *args, **kwargs):
    """Enqueue ``task(*args, **kwargs)`` once the current transaction commits.

    Outside a transaction (autocommit) it is enqueued at once; if the transaction rolls back it
    is never enqueued. Every keyword argument goes to the task.
    """
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))


def mail_each(users, template_name, context, *, exclude=()):
    """Send ``emails/<template_name>`` to each active person of ``users`` with an address, after commit.

    One message per person: nobody sees the others' addresses. ``exclude`` lists people (e.g. the
    one who acted) who get nothing. Returns the number of messages enqueued.
    """
    excluded = {person.pk for person in exclude if person is not None}
    addresses = sorted({u.email for u in users if u.email and u.is_active and u.pk not in excluded})
    for address in addresses:
        enqueue_on_commit(send_templated_mail_task, template_name, context, [address])
    return len(addresses)


@task
def send_templated_mail_task(
    template_name, context, to, using="default", reply_to=None, headers=None, attachments=None,
):
    """Send ``emails/<template_name>`` (see creative.core.mail.send_templated_mail).

    ``attachments``: dicts ``{"filename", "content" (text), "mimetype"}``, e.g. an event's ``.ics``.
    """
    return send_templated_mail(
        template_name, context, to, using=using, reply_to=reply_to, headers=headers, attachments=attachments,
    )


@task
def send_rendered_mail_task(subject, text, html, to, headers=None):
    """Send a message rendered in the request (see creative.core.mail.send_rendered_mail)."""
    return send_rendered_mail(subject, text, html, to, headers=headers)
