"""Rate limits: fixed-window counters in the cache, per action, client address and account.

Views use the decorator, which counts POSTs only and answers 429 with a French page and a
Retry-After header when a limit is reached::

    @requires(permissions.can_contribute)
    @rate_limit("comment")
    def comment(request, pk): ...

Services call `hit("report", request=request)` (or with `ip=`/`user=` outside a request);
it raises RateLimited, which the decorator of the calling view turns into the same page.

Windows are fixed (a counter per period, e.g. per clock hour): two windows' worth can pass
around a boundary, which is acceptable for these limits and costs one cache key per rule.
The cache is per process without REDIS_URL: limits then count per process.
"""

import hashlib
import ipaddress
import logging
import math
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import clock
from .limits import DEFAULT_RATE_LIMITS, Rule, parse_rate_limits, parse_rules

logger = logging.getLogger(__name__)

KEY_PREFIX = "antispam:rl"

# What the person did too often, for the 429 page.
ACTION_LABELS = {
    "contribution": gettext_lazy("Vous avez enregistré beaucoup de modifications de fiches en peu de temps."),
    "comment": gettext_lazy("Vous avez envoyé beaucoup de messages en peu de temps."),
    "profile": gettext_lazy("Vous avez modifié votre profil de nombreuses fois en peu de temps."),
    "report": gettext_lazy("Vous avez fait beaucoup de signalements en peu de temps."),
    "contact": gettext_lazy("Vous avez écrit beaucoup de messages de contact en peu de temps."),
    "registration": gettext_lazy("Vous avez fait beaucoup d'inscriptions à des événements en peu de temps."),
    "letter_edit": gettext_lazy("Vous avez modifié la lettre beaucoup de fois en peu de temps."),
    "letter_test": gettext_lazy("Vous vous êtes envoyé beaucoup de lettres de test en peu de temps."),
    "letter_subscribe": gettext_lazy("Beaucoup d'abonnements à la lettre ont été demandés depuis votre connexion."),
}


class RateLimited(Exception):
    """`action` went over `rule`; it may be tried again in `retry_after` seconds."""

    def __init__(self, action, retry_after, rule):
        super().__init__(f"{action}: over {rule}, retry in {retry_after}s")
        self.action, self.retry_after, self.rule = action, retry_after, rule


# Who is asking ----------------------------------------------------------------------------------

def client_ip(request):
    """The client's address: REMOTE_ADDR, or the one our outermost proxy saw.

    Behind proxies (BEHIND_PROXY / TRUSTED_PROXY_COUNT, the setting allauth's rate limits
    use too), the N-th address from the right of X-Forwarded-For is the one our outermost
    proxy received the request from; anything left of it was written by the client.
    """
    count = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = ""
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= count:
            candidate = hops[-count]
    for value in (candidate, request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(value.strip()))
        except ValueError:
            continue
    return ""


def _ip_identity(ip):
    """IPv6 clients are counted per /64 (one subscriber's network); IPv4 per address. Hashed."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    if address.version == 6 and address.ipv4_mapped is None:
        ip = str(ipaddress.ip_network(f"{address}/64", strict=False))
    elif address.version == 6:
        ip = str(address.ipv4_mapped)
    # No clear addresses in a shared cache.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:20]


# Which limits ---------------------------------------------------------------------------------

def rules_for(action, *, per_ip=None, per_user=None):
    """The rules of `action`: ANTISPAM_RATE_LIMITS, else the view's own, else DEFAULT_RATE_LIMITS.

    Returns () when limits are off (ANTISPAM_RATE_LIMITS="off" or "action=").
    """
    configured = getattr(settings, "ANTISPAM_RATE_LIMITS", {})
    if configured is False:
        return ()
    if isinstance(configured, str):  # accepted for convenience (tests, shell)
        configured = parse_rate_limits(configured)
    if action in configured:
        return tuple(configured[action])
    if per_ip or per_user:
        return tuple(
            Rule(rule.amount, rule.seconds, per)
            for per, text in (("ip", per_ip), ("user", per_user)) if text
            for rule in parse_rules(text)
        )
    if action not in DEFAULT_RATE_LIMITS:
        raise KeyError(f"No rate limits for {action!r}: add it to DEFAULT_RATE_LIMITS or pass per_ip/per_user.")
    return parse_rules(DEFAULT_RATE_LIMITS[action])


# Counting -----------------------------------------------------------------------------------------

def hit(action, *, request=None, ip=None, user=None, per_ip=None, per_user=None):
    """Count one attempt at `action`; raise RateLimited when a rule is over its amount.

    The address comes from `request` unless `ip` is given; the account from `request.user`
    unless `user` is given. Anonymous attempts count per address only. Every rule counts the
    attempt, even when another one refuses it.
    """
    if ip is None and request is not None:
        ip = client_ip(request)
    if user is None and request is not None:
        user = getattr(request, "user", None)
    identities = {"ip": _ip_identity(ip) if ip else None}
    identities["user"] = str(user.pk) if user is not None and getattr(user, "is_authenticated", False) else None
    now = clock.now()
    refused = None
    for rule in rules_for(action, per_ip=per_ip, per_user=per_user):
        identity = identities[rule.per]
        if identity is None:
            continue
        window = int(now // rule.seconds)
        key = f"{KEY_PREFIX}:{action}:{rule.per}:{rule.seconds}:{identity}:{window}"
        cache.add(key, 0, timeout=rule.seconds + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired or evicted between add() and incr()
            cache.set(key, 1, timeout=rule.seconds + 60)
            count = 1
        if count > rule.amount:
            retry_after = max(1, math.ceil((window + 1) * rule.seconds - now))
            if refused is None or retry_after > refused.retry_after:
                refused = RateLimited(action, retry_after, rule)
    if refused is not None:
        logger.info("Rate limit reached: %s (%s per %s), retry in %ss",
                    action, refused.rule.amount, refused.rule.per, refused.retry_after)
        raise refused


def posted_action_in(*actions, default="save"):
    """A `counts` predicate for rate_limit: POSTs whose "action" button is one of `actions`.

    The guided editor posts for previews and "add a row" too; only saves should count.
    """
    wanted = frozenset(actions)

    def counts(request):
        return request.POST.get("action", default) in wanted

    return counts


def rate_limit(action, *, per_ip=None, per_user=None, counts=None):
    """Limit a view's POSTs (those `counts(request)` accepts, when given) for `action`.

    Over the limit the view does not run: a 429 page says what and when to retry. A
    RateLimited raised inside the view (by a service calling hit()) gets the same answer.
    Put it under the permission decorator, so refused visitors are not counted.
    """
    rules_for(action, per_ip=per_ip, per_user=per_user)  # unknown actions fail at import time

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                if request.method == "POST" and (counts is None or counts(request)):
                    hit(action, request=request, per_ip=per_ip, per_user=per_user)
                return view(request, *args, **kwargs)
            except RateLimited as exc:
                return rate_limited_response(request, exc)

        return wrapped

    return decorator


# The answer ----------------------------------------------------------------------------------------

def retry_message(action, retry_after):
    """What the person did and when to come back, in French."""
    what = ACTION_LABELS.get(action) or _("Cette action a été faite beaucoup de fois en peu de temps.")
    if retry_after < 3600:
        minutes = max(1, math.ceil(retry_after / 60))
        delay = ngettext("dans %(n)s minute", "dans %(n)s minutes", minutes) % {"n": minutes}
    else:
        hours = round(retry_after / 3600)
        delay = ngettext("dans environ %(n)s heure", "dans environ %(n)s heures", hours) % {"n": hours}
    at = timezone.localtime(datetime.fromtimestamp(clock.now() + retry_after, tz=timezone.get_current_timezone()))
    today = timezone.localtime(datetime.fromtimestamp(clock.now(), tz=timezone.get_current_timezone())).date()
    when = f"{at.hour} h {at.minute:02d}"
    if at.date() != today:
        when = _("demain à %(time)s") % {"time": when}
    return _(
        "%(what)s Par précaution contre les robots, cette action est suspendue pour un moment : réessayez "
        "%(delay)s (vers %(when)s). Ce que vous venez d'écrire n'a pas été enregistré : le bouton « Retour » "
        "de votre navigateur vous permet de le retrouver."
    ) % {"what": what, "delay": delay, "when": when}


def rate_limited_response(request, exc):
    """HTTP 429 with the site's "Trop de tentatives" page, our message and Retry-After."""
    context = {"message": retry_message(exc.action, exc.retry_after), "retry_after": exc.retry_after}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response
