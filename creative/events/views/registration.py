"""Registration pages: register (one click or the guest form), confirm a guest's address, the registration page.

- `events:register` — POST from the event page: account holders register in one click, anybody
  else sends the guest form (name, address; anti-spam traps, rate limit "registration"). GET
  shows the guest form on a page of its own (and sends account holders back to the event).
- `events:confirm` — the link of a guest's confirmation mail: GET shows a button (mail scanners
  follow links; only a person confirms), POST decides the seat.
- `events:cancel` — the person's registration page, from every mail (the registration's secret
  token, no login): its status, the online link when it is time, and a button that cancels it.

Expired or used links answer 410 with a French explanation; unknown ones 404.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creative.antispam.ratelimit import rate_limit

from .. import services
from ..models import Event, Registration
from ..registration_forms import GuestRegistrationForm

FORM_ID = "inscription-%s"


def guest_form(user, data=None):
    """The guest form; for a signed-in account whose address is not verified, filled with its name and address."""
    initial = {}
    if getattr(user, "is_authenticated", False):
        initial = {"name": str(user.display_name), "email": user.email}
    return GuestRegistrationForm(data, initial=initial, auto_id=FORM_ID)


def _event_url(event):
    return event.get_absolute_url() + "#inscription"


def _form_page(request, event, form, *, reason="", status=200):
    return render(request, "events/registration_form.html", {"event": event, "form": form, "reason": reason},
                  status=status)


@require_http_methods(["GET", "POST"])
@rate_limit("registration")
def register(request, slug):
    event = get_object_or_404(Event.objects.published().select_related("commune"), slug=slug)
    account = services.is_account_holder(request.user)
    if request.method == "GET":
        if account:
            return redirect(_event_url(event))
        ok, reason = services.registration_open(event)
        return _form_page(request, event, guest_form(request.user) if ok else None, reason=reason)
    if account:
        try:
            registration = services.register(event, user=request.user, request=request)
        except services.RegistrationRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _account_message(registration))
        return redirect(_event_url(event))
    form = guest_form(request.user, request.POST)
    ok, reason = services.registration_open(event)
    if not ok:
        return _form_page(request, event, None, reason=reason, status=400)
    if not form.is_valid():
        return _form_page(request, event, form, status=400)
    try:
        services.register(event, name=form.cleaned_data["name"], email=form.cleaned_data["email"], request=request)
    except services.RegistrationRefused as exc:
        form.add_error(None, str(exc))
        return _form_page(request, event, form, status=400)
    # The same words whether the address was new, pending or already registered: nothing leaks.
    messages.success(request, _(
        "Merci ! Un courriel vient de partir vers l'adresse indiquée : suivez le lien qu'il contient pour confirmer "
        "votre inscription (il est valable %(hours)s heures). Tant qu'elle n'est pas confirmée, aucune place n'est "
        "réservée.") % {"hours": settings.EVENTS_GUEST_CONFIRM_HOURS})
    return redirect(_event_url(event))


def _account_message(registration):
    position = services.waiting_position(registration)
    if registration.was_existing:
        if registration.status == Registration.Status.WAITING:
            return _("Vous êtes déjà sur la liste d'attente de cet événement, en position %(n)s.") % {"n": position}
        return _("Vous êtes déjà inscrit·e à cet événement : votre place est réservée.")
    if registration.status == Registration.Status.WAITING:
        return _("L'événement est complet : vous êtes sur la liste d'attente, en position %(n)s. Nous vous écrirons "
                 "dès qu'une place se libère.") % {"n": position}
    return _("C'est noté : vous êtes inscrit·e. Un courriel de confirmation vous a été envoyé, avec l'événement à "
             "ajouter à votre agenda.")


def _gone(request, reason, registration=None):
    """410: the link no longer works. Offers the registration page when the person still has a live one."""
    live = registration is not None and registration.status != Registration.Status.CANCELLED
    return render(request, "events/registration_gone.html", {
        "reason": reason,
        "event": registration.event if registration is not None and registration.event.is_public else None,
        "manage_url": reverse("events:cancel", args=[registration.token]) if live else "",
    }, status=410)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    try:
        registration = services.registration_from_confirmation(token)
    except services.LinkInvalid as exc:
        raise Http404(str(exc)) from None
    except services.LinkGone as exc:
        return _gone(request, str(exc), exc.registration)
    if registration.status != Registration.Status.PENDING:
        return _gone(request, services.used_link_message(registration), registration)
    event = registration.event
    ok, reason = services.registration_open(event)
    if not ok:
        return _gone(request, reason, registration)
    if request.method == "GET":
        return render(request, "events/registration_confirm.html", {
            "registration": registration, "event": event, "seats_left": services.seats_left(event),
        })
    try:
        registration = services.confirm_guest(registration)
    except services.LinkGone as exc:
        return _gone(request, str(exc), exc.registration)
    except services.RegistrationRefused as exc:
        return _gone(request, str(exc), registration)
    if registration.status == Registration.Status.WAITING:
        messages.success(request, _(
            "Votre adresse est confirmée. L'événement est complet : vous êtes sur la liste d'attente, en position "
            "%(n)s. Nous vous écrirons dès qu'une place se libère.") % {"n": services.waiting_position(registration)})
    else:
        messages.success(request, _(
            "Votre inscription est confirmée : votre place est réservée. Un courriel vous a été envoyé, avec "
            "l'événement à ajouter à votre agenda."))
    return redirect("events:cancel", token=registration.token)


@require_http_methods(["GET", "POST"])
def cancel(request, token):
    registration = (Registration.objects.select_related("event__commune", "event__organisation")
                    .filter(token=token).first())
    if registration is None:
        raise Http404(_("Cette inscription n'existe pas."))
    event = registration.event
    if registration.status == Registration.Status.CANCELLED:
        return _gone(request, _("Cette inscription est déjà annulée."), registration)
    now = timezone.now()
    if request.method == "POST":
        try:
            services.cancel(registration)
        except services.LinkGone as exc:
            return _gone(request, str(exc), exc.registration)
        if registration.status == Registration.Status.WAITING:
            messages.success(request, _("Vous avez quitté la liste d'attente. Un courriel vous le confirme."))
        else:
            messages.success(request, _("Votre inscription est annulée. Un courriel vous le confirme."))
        return redirect(event.get_absolute_url() if event.is_public else "home")
    return render(request, "events/registration_manage.html", {
        "registration": registration,
        "event": event,
        "position": services.waiting_position(registration),
        "online_visible": services.online_link_visible(event, registration, now),
        "online_from": services.online_link_available_at(event),
        "cancellable": event.starts_at > now and event.state == Event.State.PUBLISHED,
        "started": event.starts_at <= now < event.ends_at,
        "past": event.ends_at <= now,
    })


urlpatterns = [
    path("agenda/<slug:slug>/inscription/", register, name="register"),
    path("inscriptions/confirmer/<str:token>/", confirm, name="confirm"),
    path("inscriptions/annuler/<uuid:token>/", cancel, name="cancel"),
]
