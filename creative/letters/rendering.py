"""Rendering the weekly letter: the full letter (web, preview, tests) and each subscriber's message.

``render_letter`` returns the subject, plain text and HTML of a letter, either the full letter
(``subscriber=None``: every item, no personal link) or one subscriber's (their items, their
preferences and one-click unsubscribe links). ``build_message`` wraps it in a message for the
"bulk" mailer with the headers mailbox providers expect of a list:

- ``List-Unsubscribe`` (the https one-click address, RFC 2369) and ``List-Unsubscribe-Post:
  List-Unsubscribe=One-Click`` (RFC 8058): the provider's « unsubscribe » button POSTs to it;
- ``List-Id``, ``Precedence: bulk`` and ``Auto-Submitted``, so that vacation replies stay quiet;
- a ``Message-ID`` stable per (issue, subscriber): should a worker die between the SMTP server's
  acceptance and its own record, the letter sent again carries the same Message-ID, which
  providers deduplicate (see delivery.py).

Every link is absolute (``SITE_URL``): a letter is read outside the site.
"""

import email.policy
import hashlib
import hmac
import re
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from creative.core.mail import RenderedMail
from creative.core.markdown import render_markdown

from . import personalise, tokens

LIST_UNSUBSCRIBE_POST = "List-Unsubscribe=One-Click"
_RELATIVE_HREF = re.compile(r'(href|src)="/(?!/)')


def absolute(url):
    """An item's address as a full URL: site paths get ``SITE_URL``; full addresses stay."""
    url = (url or "").strip()
    if url.startswith(("http://", "https://", "mailto:")):
        return url
    if not url.startswith("/"):
        url = "/" + url
    return settings.SITE_URL + url


def items_by_id(issue):
    """The issue's items by id, loaded once per issue instance (the worker renders many letters)."""
    cached = getattr(issue, "_letter_items", None)
    if cached is None:
        cached = {item.pk: item for item in issue.items.order_by("position", "pk")}
        issue._letter_items = cached
    return cached


def forget_items(issue):
    """Drop the cached items of ``issue`` (after an edit)."""
    issue.__dict__.pop("_letter_items", None)


def _editorial_html(issue):
    if not issue.editorial.strip():
        return ""
    html = str(render_markdown(issue.editorial))
    # Links an editor wrote as site paths ("/fiches/…") must work from a mailbox.
    html = _RELATIVE_HREF.sub(lambda m: f'{m.group(1)}="{settings.SITE_URL}/', html)
    return mark_safe(html)  # noqa: S308 (sanitised by render_markdown; only the site's own URL was added)


def _choices(subscriber):
    territories = sorted(subscriber.territories.values_list("name", flat=True))
    themes = sorted(subscriber.themes.values_list("name", flat=True))
    return territories, themes


def letter_context(issue, *, subscriber=None, item_ids=None, is_fallback=False, unsubscribe_url=None):
    """The template context of ``emails/letter.*`` (also usable by a web preview)."""
    by_id = items_by_id(issue)
    chosen = list(by_id.values()) if item_ids is None else [by_id[pk] for pk in item_ids if pk in by_id]
    items = [
        {
            "kind": item.get_kind_display(),
            "title": item.title,
            "summary": item.summary,
            "when": item.when,
            "url": absolute(item.url),
        }
        for item in chosen
    ]
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "issue": issue,
        "subject": issue.subject,
        "editorial_html": _editorial_html(issue),
        "items": items,
        "is_fallback": is_fallback,
        "web_url": settings.SITE_URL + issue.get_absolute_url(),
        "archive_url": settings.SITE_URL + reverse("letters:archive"),
        "subscribe_url": settings.SITE_URL + reverse("letters:subscribe"),
        "subscriber": None,
    }
    if subscriber is not None:
        territories, themes = _choices(subscriber)
        context.update(
            subscriber={
                "email": subscriber.email,
                "territories": territories,
                "themes": themes,
                "since": subscriber.confirmed_at or subscriber.consent_at,
            },
            unsubscribe_url=unsubscribe_url or tokens.unsubscribe_url(subscriber),
            preferences_url=tokens.preferences_url(subscriber),
        )
    return context


def render_letter(issue, *, subscriber=None, item_ids=None, is_fallback=False, unsubscribe_url=None):
    """The subject, text and HTML of ``issue``: the full letter, or ``subscriber``'s.

    ``item_ids`` (in order) limits the letter to these items (a subscriber's selection, see
    personalise.select); None means every item. ``is_fallback`` adds the notice that nothing
    matched the subscriber's territories and themes.
    """
    context = letter_context(
        issue, subscriber=subscriber, item_ids=item_ids, is_fallback=is_fallback, unsubscribe_url=unsubscribe_url,
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("emails/letter.txt", context).strip() + "\n"
        html = render_to_string("emails/letter.html", context)
    return RenderedMail(subject=issue.subject, text=text, html=html)


def mail_domain():
    """The domain of the letter's Message-IDs and List-Id: the site's host name."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(issue, subscriber):
    """The same Message-ID every time this issue is sent to this subscriber (not guessable)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"letter:{issue.pk}:{subscriber.pk}".encode(), hashlib.sha256,
    ).hexdigest()[:20]
    return f"<lettre-{issue.number}-{subscriber.pk}-{digest}@{mail_domain()}>"


def list_headers(subscriber, unsubscribe_url=None):
    """The list headers of a subscriber's letter (RFC 2369, RFC 2919, RFC 8058)."""
    domain = mail_domain()
    return {
        "List-Id": f"{settings.SITE_NAME} <lettre.{domain}>",
        "List-Unsubscribe": f"<{unsubscribe_url or tokens.unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": LIST_UNSUBSCRIBE_POST,
        "List-Archive": f"<{settings.SITE_URL}{reverse('letters:archive')}>",
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
    }


class _UnfoldedHeader(UnstructuredHeader):
    """A header of URLs in angle brackets (RFC 2369), written on one line.

    Python's email package turns a word longer than the line length (a signed unsubscribe URL)
    into an RFC 2047 encoded word, which no client reads as a URL. RFC 5322 allows lines up to
    998 characters: such headers are written unfolded.
    """

    max_count = 1

    def fold(self, *, policy):
        value = str(self)
        if value.isascii() and len(self.name) + 2 + len(value) <= 998:
            return f"{self.name}: {value}{policy.linesep}"
        return super().fold(policy=policy)


_HEADERS = HeaderRegistry()
for _name in ("list-unsubscribe", "list-unsubscribe-post", "list-archive"):
    _HEADERS.map_to_type(_name, _UnfoldedHeader)


class LetterMessage(EmailMultiAlternatives):
    """A letter: its list headers are never folded into encoded words."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(header_factory=_HEADERS))


def build_message(issue, subscriber, *, item_ids=None, is_fallback=False, to=None, subject_prefix=""):
    """The message of ``issue`` for ``subscriber``, to send with ``message.send(using="bulk")``.

    ``to`` overrides the recipient (an editor's test of a subscriber's letter). With
    ``subscriber=None`` the full letter is built, without list headers and with a fresh
    Message-ID (a test). ``subject_prefix`` (« [TEST] ») is prepended to the subject.
    """
    # The same (timestamped) unsubscribe link in the header and in the body.
    unsubscribe_url = tokens.unsubscribe_url(subscriber) if subscriber is not None else None
    mail = render_letter(
        issue, subscriber=subscriber, item_ids=item_ids, is_fallback=is_fallback, unsubscribe_url=unsubscribe_url,
    )
    if subscriber is not None:
        headers = {**list_headers(subscriber, unsubscribe_url), "Message-ID": message_id(issue, subscriber)}
        recipient = to or subscriber.email
    else:
        headers = {"Message-ID": make_msgid("lettre", domain=mail_domain())}
        recipient = to
    if not recipient:
        raise ValueError("build_message needs a subscriber or a recipient (to=).")
    subject = f"{subject_prefix} {mail.subject}".strip() if subject_prefix else mail.subject
    message = LetterMessage(subject, mail.text, None, [recipient], headers=headers)
    message.attach_alternative(mail.html, "text/html")
    return message


def selection_for(issue, subscriber):
    """The (item_ids, is_fallback) ``subscriber`` receives from ``issue`` (for a preview or a test)."""
    scopes = personalise.scopes_of(issue)
    selection = personalise.select(
        scopes,
        subscriber.territories.values_list("pk", flat=True),
        subscriber.themes.values_list("pk", flat=True),
    )
    return list(selection.item_ids), selection.is_fallback
