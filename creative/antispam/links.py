"""Links in people's texts: finding them, and the limit for new accounts.

A new account (younger than ANTISPAM_NEW_ACCOUNT_DAYS, not trusted) may put at most
ANTISPAM_NEW_ACCOUNT_MAX_LINKS links in one text; people over the limit get a French message
and keep what they wrote. Trusted contributors, editors, moderators and administrators, and
accounts past their first days, have no limit.

Forms use `LinkLimitMixin` and list their text fields; the view tells the form who writes
(`bind_author(user, form)`), since a form does not know the request.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# http(s) addresses and www. ones; a Markdown link's target is matched inside its parentheses.
URL_RE = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>()\[\]{}\"'`]+", re.IGNORECASE)
# [label](target): the label is dropped, so "[https://a.org](https://a.org)" is one link.
MARKDOWN_LINK_RE = re.compile(r"\[([^\]]*)\]\(\s*([^)\s]+)[^)]*\)")


EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def strip_links(text):
    """`text` without its web and email addresses (a Markdown link keeps its label)."""
    text = MARKDOWN_LINK_RE.sub(lambda m: f" {m.group(1)} ", text or "")
    return EMAIL_RE.sub(" ", URL_RE.sub(" ", text))


def find_links(text):
    """The web addresses in `text` (plain, <autolinks> or Markdown links), in order."""
    if not text:
        return []
    flat = MARKDOWN_LINK_RE.sub(lambda m: f" {m.group(2)} ", text)
    return [url.rstrip(".,;:!?") for url in URL_RE.findall(flat)]


def is_trusted_writer(user):
    """Trusted contributors and the team: no link limit, links weigh less in scores."""
    from creative.accounts.permissions import can_moderate, is_trusted

    return bool(user is not None and user.is_authenticated and (is_trusted(user) or can_moderate(user)))


def is_new_account(user):
    """Anonymous, or younger than ANTISPAM_NEW_ACCOUNT_DAYS and not trusted."""
    if user is None or not user.is_authenticated:
        return True
    if is_trusted_writer(user):
        return False
    days = settings.ANTISPAM_NEW_ACCOUNT_DAYS
    joined = getattr(user, "date_joined", None)
    return joined is None or joined > timezone.now() - timedelta(days=days)


def max_links_for(user):
    """How many links `user` may put in one text: a number for new accounts, None for no limit."""
    return settings.ANTISPAM_NEW_ACCOUNT_MAX_LINKS if is_new_account(user) else None


def validate_link_limit(text, user):
    """Raise ValidationError (French, helpful) when `text` holds more links than `user` may post."""
    limit = max_links_for(user)
    if limit is None:
        return
    count = len(find_links(text))
    if count <= limit:
        return
    days = settings.ANTISPAM_NEW_ACCOUNT_DAYS
    if limit == 0:
        first = ngettext(
            "Les nouveaux comptes ne peuvent pas mettre de lien pendant leur premier jour",
            "Les nouveaux comptes ne peuvent pas mettre de lien pendant leurs %(days)s premiers jours",
            days,
        ) % {"days": days}
    else:
        first = ngettext(
            "Les nouveaux comptes peuvent mettre au plus %(limit)s lien par texte",
            "Les nouveaux comptes peuvent mettre au plus %(limit)s liens par texte",
            limit,
        ) % {"limit": limit}
        first += ngettext(
            " pendant leur premier jour", " pendant leurs %(days)s premiers jours", days,
        ) % {"days": days}
    found = _("ce texte en contient %(count)s") % {"count": count}
    raise ValidationError(
        _("%(first)s ; %(found)s. Retirez-en, ou demandez de l'aide : un accompagnateur peut vous aider à les "
          "ajouter. Ce que vous avez écrit est conservé.") % {"first": first, "found": found},
        code="too_many_links",
    )


def bind_author(user, *forms):
    """Tell forms who writes (for LinkLimitMixin); formsets and other forms are left alone."""
    for form in forms:
        if isinstance(form, LinkLimitMixin):
            form.author = user


class LinkLimitMixin:
    """Check `link_limited_fields` against max_links_for(self.author) in clean().

    `author` is None until the view binds it: a form used outside a person's request (tests,
    scripts) has no limit.
    """

    author = None
    link_limited_fields = ()

    def clean(self):
        cleaned = super().clean()
        if self.author is not None:
            for name in self.link_limited_fields:
                if name in self.errors or not cleaned.get(name):
                    continue
                try:
                    validate_link_limit(cleaned[name], self.author)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned
