"""Transactional mail rendered from templates.

Every email is three templates in ``templates/emails/``: ``<name>_subject.txt`` (one line),
``<name>.txt`` (plain text) and ``<name>.html`` (extends ``emails/base.html``), written in French.
Send them from a request through the worker, after the transaction commits::

    from creative.core.tasks import enqueue_on_commit, send_templated_mail_task
    enqueue_on_commit(send_templated_mail_task, "test_message", {"...": "..."}, ["a@example.org"])

The context travels through the task queue as JSON: pass strings, numbers, lists and dicts,
never model instances. Messages rendered by someone else's templates (allauth's, in the request)
travel as their subject, text and HTML through ``send_rendered_mail_task``.

Attachments (an event's ``.ics``) are ``{"filename": …, "content": …, "mimetype": …}`` dicts (or
``(filename, content, mimetype)`` triples); through the queue the content is text (``str``), as
JSON carries no bytes — an iCalendar document is UTF-8 text.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_templated_mail(template_name, context=None):
    """Render the subject, plain-text and HTML parts of ``emails/<template_name>``."""
    ctx = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **(context or {})}
    with translation.override(settings.LANGUAGE_CODE):
        # Subjects are one line: collapse whitespace (template line breaks, indentation).
        subject = " ".join(render_to_string(f"emails/{template_name}_subject.txt", ctx).split())
        ctx["subject"] = subject
        text = render_to_string(f"emails/{template_name}.txt", ctx).strip() + "\n"
        html = render_to_string(f"emails/{template_name}.html", ctx)
    return RenderedMail(subject=subject, text=text, html=html)


def send_templated_mail(
    template_name, context, to, *, using="default", reply_to=None, headers=None, attachments=None,
):
    """Render ``emails/<template_name>`` and send it now with the mailer ``using``.

    ``to`` and ``reply_to`` take one address or a list. ``attachments`` lists files to join (see the
    module docstring). Returns the number of messages sent (1).
    Prefer ``creative.core.tasks.send_templated_mail_task`` from web requests.
    """
    mail = render_templated_mail(template_name, context)
    message = EmailMultiAlternatives(
        mail.subject,
        mail.text,
        None,  # settings.DEFAULT_FROM_EMAIL
        _addresses(to),
        reply_to=_addresses(reply_to),
        headers=headers or {},
    )
    message.attach_alternative(mail.html, "text/html")
    for filename, content, mimetype in _attachments(attachments):
        message.attach(filename, content, mimetype)
    return message.send(using=using)


def send_rendered_mail(subject, text, html, to, *, using="default", headers=None):
    """Send a message already rendered elsewhere (allauth's, rendered in the request).

    ``text`` is the plain-text body and ``html`` its HTML alternative, either may be empty
    (an HTML-only message is sent as HTML). From ``DEFAULT_FROM_EMAIL``. Returns 1.
    """
    if text:
        message = EmailMultiAlternatives(subject, text, None, _addresses(to), headers=headers or {})
        if html:
            message.attach_alternative(html, "text/html")
    else:
        message = EmailMultiAlternatives(subject, html or "", None, _addresses(to), headers=headers or {})
        message.content_subtype = "html"
    return message.send(using=using)


def _addresses(value):
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _attachments(value):
    """(filename, content, mimetype) of each attachment, given as dicts or triples."""
    items = []
    for item in value or ():
        if isinstance(item, dict):
            items.append((item["filename"], item["content"], item.get("mimetype") or "application/octet-stream"))
        else:
            filename, content, mimetype = item
            items.append((filename, content, mimetype))
    return items
