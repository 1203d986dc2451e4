"""Subscription pages of the weekly letter (no account needed; see subscriptions.py for the rules).

- `letters:subscribe` — the form: address, territories, themes, consent (anti-spam traps, rate
  limit per client address, CSRF). Whatever the address, it redirects to the same page.
- `letters:subscribe_done` — « a mail is on its way »: the same words for every address.
- `letters:confirm` — the confirmation mail's link: GET shows the choices, the consent and a button
  (mail scanners follow links: only a person confirms), POST confirms and opens the preferences.
  Expired, replaced or used links answer 410 with a way to subscribe again; others 404.
- `letters:preferences` — the subscriber's signed link: territories and themes, unsubscribe.
- `letters:unsubscribe` — GET asks, POST unsubscribes. It is also the List-Unsubscribe address of
  every letter: a mail provider's RFC 8058 one-click POST (body ``List-Unsubscribe=One-Click``)
  carries no CSRF token, so the view is csrf_exempt — the signed token is the authorisation, and
  unsubscribing is all a forged request could do.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from creative.antispam.ratelimit import rate_limit
from creative.territories.models import Territory

from .. import subscriptions, tokens
from ..forms import PreferencesForm, SubscribeForm
from ..models import Subscriber


def _choices(subscriber):
    territories = sorted(subscriber.territories.all(), key=subscriptions.territory_order)
    return {"territories": territories, "themes": list(subscriber.themes.all())}


@require_http_methods(["GET", "POST"])
@rate_limit("letter_subscribe")
def subscribe(request):
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        status = 400
        if form.is_valid():
            subscriptions.request_subscription(
                form.cleaned_data["email"], territories=form.chosen_territories(), themes=form.cleaned_data["themes"],
            )
            return redirect("letters:subscribe_done")
    else:
        initial = {}
        if request.user.is_authenticated and request.user.email:
            initial["email"] = request.user.email
        form = SubscribeForm(initial=initial)
    return render(request, "letters/subscription/form.html", {"form": form}, status=status)


@require_GET
def subscribe_done(request):
    return render(request, "letters/subscription/done.html", {"days": subscriptions.confirm_days()})


def _gone(request):
    return render(request, "letters/subscription/gone.html", {"days": subscriptions.confirm_days()}, status=410)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    try:
        if request.method == "POST":
            subscriber = subscriptions.confirm(token)
        else:
            subscriber = subscriptions.subscriber_to_confirm(token)
    except subscriptions.LinkInvalid:
        raise Http404(_("Ce lien de confirmation n'existe pas.")) from None
    except tokens.ExpiredToken:
        return _gone(request)
    if request.method == "GET":
        return render(request, "letters/subscription/confirm.html", {
            **_choices(subscriber), "consent": subscriptions.consent_text(), "home": Territory.objects.home(),
        })
    messages.success(request, _(
        "Votre abonnement est confirmé : vous recevrez la prochaine lettre. Vous pouvez ajuster ici vos territoires "
        "et vos thèmes ; chaque lettre contient un lien vers cette page."))
    return redirect("letters:preferences", token=tokens.subscriber_token(subscriber))


def _subscriber(token):
    try:
        return subscriptions.subscriber_of(token)
    except subscriptions.LinkInvalid:
        raise Http404(_("Ce lien n'existe pas.")) from None


@require_http_methods(["GET", "POST"])
def preferences(request, token):
    subscriber = _subscriber(token)
    editable = subscriptions.can_change_preferences(subscriber)
    status = 200
    form = None
    if editable:
        if request.method == "POST":
            form = PreferencesForm(request.POST, subscriber=subscriber)
            status = 400
            if form.is_valid():
                subscriptions.save_preferences(
                    subscriber, territories=form.chosen_territories(), themes=form.cleaned_data["themes"])
                messages.success(request, _("Vos choix sont enregistrés : ils valent dès la prochaine lettre."))
                return redirect("letters:preferences", token=token)
        else:
            form = PreferencesForm(subscriber=subscriber)
    elif request.method == "POST":
        status = 400
    return render(request, "letters/subscription/preferences.html", {
        "subscriber": subscriber,
        "address": subscriptions.masked(subscriber.email),
        "form": form,
        "token": token,
        "State": Subscriber.State,
    }, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscriber = _subscriber(token)
    if request.method == "POST":
        subscriptions.unsubscribe(subscriber)
    elif subscriber.state != Subscriber.State.UNSUBSCRIBED:
        return render(request, "letters/subscription/unsubscribe.html", {
            "address": subscriptions.masked(subscriber.email), "token": token,
        })
    return render(request, "letters/subscription/unsubscribed.html", {"token": token})
