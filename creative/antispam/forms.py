"""Form traps: a honeypot field and a signed "form opened at" time, as a form mixin.

    class MessageForm(SpamTrapFormMixin, forms.Form): ...

The mixin adds two hidden fields (rendered by `{% for field in form.hidden_fields %}`, as
templates/_form_fields.html does; forms laid out by hand include antispam/_trap.html):

- a honeypot, a text input with a plausible name, out of sight: people leave it empty,
  robots that fill every field do not;
- a timestamp signed with the form's name in the salt: a form sent back faster than
  ANTISPAM_MIN_FILL_SECONDS after it was displayed (robots post at once), more than a day
  later, without it, or altered, is refused.

A refused form is invalid with one generic French error, and everything typed is shown
again (the honeypot excepted, so that a person whose browser filled it can send again).
ANTISPAM_MIN_FILL_SECONDS is read at each request; 0 turns the time check off.
"""

import logging

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import clock

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "homepage"
OPENED_FIELD = "opened_at"
MAX_FORM_AGE = 24 * 3600  # seconds: a page left open longer gets a new timestamp, and one refusal
CLOCK_SKEW = 60  # seconds a timestamp may be ahead of this server's clock (several servers)
SALT_PREFIX = "creative.antispam.form"

REFUSED = _("Votre envoi n'a pas pu être vérifié. Relisez le formulaire puis envoyez-le à nouveau : ce que vous "
            "avez écrit est conservé.")


def min_fill_seconds():
    return getattr(settings, "ANTISPAM_MIN_FILL_SECONDS", 3)


def issue_token(salt):
    return signing.dumps(int(clock.now()), salt=salt, compress=False)


def token_age(token, salt):
    """Seconds since `token` was issued; None when missing, altered or not ours."""
    if not token:
        return None
    try:
        issued = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    if not isinstance(issued, int) or isinstance(issued, bool):
        return None
    return clock.now() - issued


class HoneypotInput(forms.TextInput):
    """Rendered with its wrapper and label, with the hidden fields (never a visible field row)."""

    template_name = "antispam/widgets/honeypot.html"
    is_hidden = True  # listed by form.hidden_fields(): no label row, no "field" box

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "tabindex": "-1", **(attrs or {})})

    def format_value(self, value):
        return None  # shown empty again, even after a refusal

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["label"] = _("Ne remplissez pas ce champ : il sert à repérer les robots.")
        return context


class OpenedAtInput(forms.HiddenInput):
    """The signed time the form was displayed; a new one replaces a missing, altered or stale value."""

    def __init__(self, salt="", attrs=None):
        super().__init__(attrs)
        self.salt = salt

    def format_value(self, value):
        age = token_age(value, self.salt)
        if age is None or age > MAX_FORM_AGE or age < -CLOCK_SKEW:
            return issue_token(self.salt)
        return value  # the person's original start: their second try is not "too fast"


class TrapField(forms.CharField):
    """A field that is never a change of the form's data (changed_data, empty formset rows)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, label="", **kwargs)

    def has_changed(self, initial, data):
        return False


class SpamTrapFormMixin:
    """Add a honeypot and a signed opening time to a form; refuse robots' submissions.

    Put it before the form class: `class MyForm(SpamTrapFormMixin, forms.Form)`. The salt
    holds `spam_trap_name` (the form's dotted path by default): a timestamp issued for one
    form is refused by another.
    """

    spam_trap_name = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = TrapField(widget=HoneypotInput())
        self.fields[OPENED_FIELD] = TrapField(widget=OpenedAtInput(salt=self.spam_trap_salt))

    @property
    def spam_trap_salt(self):
        name = self.spam_trap_name or f"{type(self).__module__}.{type(self).__qualname__}"
        return f"{SALT_PREFIX}:{name}"

    @property
    def spam_trap_fields(self):
        return [self[HONEYPOT_FIELD], self[OPENED_FIELD]]

    def spam_trap_problem(self):
        """Why this submission looks automated ("honeypot", "missing", "too_fast"…), or None."""
        if (self.data.get(self.add_prefix(HONEYPOT_FIELD)) or "").strip():
            return "honeypot"
        minimum = min_fill_seconds()
        if not minimum:
            return None
        age = token_age(self.data.get(self.add_prefix(OPENED_FIELD)), self.spam_trap_salt)
        if age is None:
            return "missing_or_altered"
        if age < -CLOCK_SKEW:
            return "from_the_future"
        if age < minimum:
            return "too_fast"
        if age > MAX_FORM_AGE:
            return "expired"
        return None

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or (self.empty_permitted and not self.has_changed()):
            return
        problem = self.spam_trap_problem()
        if problem:
            logger.info("Form refused by the spam trap: %s (%s)", problem, self.spam_trap_salt)
            self.add_error(None, ValidationError(REFUSED, code="spam_trap"))
