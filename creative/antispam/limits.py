"""Rate-limit rules and their compact notation, shared by the settings and ratelimit.py.

The notation is the one of ACCOUNT_RATE_LIMITS (django-allauth's, for login and sign-up):
``action=amount/period[/per],…; action=…`` where period is ``s``, ``m``, ``h`` or ``d``
optionally preceded by a number (``15m``), and per is ``ip`` (the default) or ``user``.
Several rules of one action all apply. Example::

    ANTISPAM_RATE_LIMITS="comment=10/h/user,30/h/ip; contact=5/d"

Imported by config/settings.py to validate the variable at start-up: plain Python only.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SCOPES = ("ip", "user")

# The limits of each action when ANTISPAM_RATE_LIMITS does not name it. Per account they are
# what one person writing in earnest never reaches; per address they are wider, because a
# writing workshop in a library or a tiers-lieu puts a dozen people behind one address.
DEFAULT_RATE_LIMITS = {
    # Saving a step of the guided editor or creating a fiche (not previews or "add a row").
    "contribution": "60/h/user,300/h/ip",
    # A message in a review thread, a suggestion; public comments when they exist.
    "comment": "20/h/user,100/d/user,60/h/ip",
    # Saving one's public profile.
    "profile": "20/h/user,60/h/ip",
    # Reporting content to moderators (ready for the moderation views).
    "report": "10/h/user,10/h/ip",
    # Writing to someone through the site (ready for the contact relay).
    "contact": "5/h/user,5/h/ip,20/d/ip",
    # Registering to an event (one click, or a guest's form that mails a confirmation link). Per
    # address it leaves room for a group signing up together from one tiers-lieu.
    "registration": "20/h/ip,20/d/user",
    # Subscribing to the weekly letter (each mails a confirmation link): room for a library or a
    # tiers-lieu signing up a few people from one address.
    "letter_subscribe": "10/h/ip,30/d/ip",
    # Editing a letter (each reorder or removal is a POST) and mailing oneself a test of it.
    "letter_edit": "300/h/user",
    "letter_test": "20/h/user",
}

_RULE = re.compile(r"^(?P<amount>\d+)/(?P<count>\d*)(?P<unit>[smhd])(?:/(?P<per>[a-z]+))?$")


@dataclass(frozen=True)
class Rule:
    """At most `amount` attempts per `seconds`, counted per client address or per account."""

    amount: int
    seconds: int
    per: str = "ip"

    def __str__(self):
        return f"{self.amount}/{self.seconds}s/{self.per}"


def parse_rules(text):
    """"10/h/user,30/h" → (Rule(10, 3600, "user"), Rule(30, 3600, "ip")); ValueError if malformed."""
    rules = []
    for piece in filter(None, (p.strip() for p in text.split(","))):
        match = _RULE.match(piece)
        per = (match and match["per"]) or "ip"
        if match is None or per not in SCOPES or (match["count"] and int(match["count"]) == 0):
            raise ValueError(piece)
        seconds = int(match["count"] or 1) * PERIODS[match["unit"]]
        rules.append(Rule(int(match["amount"]), seconds, per))
    return tuple(rules)


def parse_rate_limits(raw, name="ANTISPAM_RATE_LIMITS"):
    """The actions `raw` configures, {action: (Rule, …)}; False for "off" (no limit at all).

    Only the named actions are returned: the others keep their defaults. An empty value
    ("report=") turns that action's limits off. Unknown actions and malformed rules stop
    start-up with a message naming the variable.
    """
    raw = (raw or "").strip()
    if raw.lower() == "off":
        return False
    configured = {}
    for item in filter(None, (part.strip() for part in raw.split(";"))):
        action, sep, rules = (piece.strip() for piece in item.partition("="))
        if not sep or action not in DEFAULT_RATE_LIMITS:
            known = ", ".join(sorted(DEFAULT_RATE_LIMITS))
            raise ImproperlyConfigured(f"{name}: {item!r} is not action=rules with one of the actions {known}.")
        try:
            configured[action] = parse_rules(rules)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name}: {exc.args[0]!r} (for {action}) is not a rule such as 10/h, 5/15m/ip or 30/d/user."
            ) from None
    return configured

