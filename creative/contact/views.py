"""Contact pages: write to a person, an organisation or an ambassador; answer a message received.

Each works without JavaScript. A form with a problem is shown again with the message and the
text as typed. The texts are never stored: see services.py.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creative.antispam.links import bind_author
from creative.antispam.ratelimit import rate_limit

from . import services
from .forms import ContactForm, ReplyForm
from .models import ContactMessage


def _write(request, target):
    refusal = services.sending_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    closed = target.refusal(request.user)
    if closed:
        return render(request, "contact/off.html", {"target": target, "reason": closed}, status=403)
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST, sender=request.user)
        bind_author(request.user, form)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.send_message(
                    target, data["message"], sender=request.user, name=data.get("name", ""),
                    email=data.get("email", ""), request=request,
                )
            except services.MessageRefused as exc:
                form.add_error(None, str(exc))
            except services.ContactError as exc:
                form.add_error(None, str(exc))
                status = 503
            else:
                messages.success(request, _(
                    "Votre message est parti : %(name)s le reçoit par courriel. Votre adresse ne lui est donnée que "
                    "si vous recevez une réponse.") % {"name": target.name})
                return redirect(target.url)
    else:
        form = ContactForm(sender=request.user)
    return render(request, "contact/form.html", {"target": target, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@rate_limit("contact")
def person(request, slug):
    return _write(request, services.person_target(slug))


@require_http_methods(["GET", "POST"])
@rate_limit("contact")
def organisation(request, slug):
    return _write(request, services.organisation_target(slug))


@require_http_methods(["GET", "POST"])
@rate_limit("contact")
def ambassador(request, pk):
    return _write(request, services.ambassador_target(pk))


def login_first(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
@login_first
@rate_limit("contact")
def reply(request, token):
    message = (
        ContactMessage.objects.select_related("organisation", "ambassador__innovation", "recipient__profile")
        .exclude(status=ContactMessage.Status.REFUSED).filter(reply_token=token).first()
    )
    if message is None:
        raise Http404(_("Ce lien de réponse n'existe pas."))
    if not services.can_answer(request.user, message):
        raise PermissionDenied(_("Ce message ne vous était pas adressé : connectez-vous avec le compte qui l'a reçu "
                                 "pour y répondre."))
    gone = services.gone_reason(message)
    if gone:
        return render(request, "contact/gone.html", {"message": message, "reason": gone}, status=410)
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.reply(message, request.user, form.cleaned_data["message"])
            except services.ReplyGone as exc:
                return render(request, "contact/gone.html", {"message": message, "reason": str(exc)}, status=410)
            except services.ContactError as exc:
                form.add_error(None, str(exc))
                status = 503
            else:
                messages.success(request, _(
                    "Votre réponse est partie : %(name)s la reçoit avec votre adresse, pour vous répondre "
                    "directement. Une copie vous est envoyée avec la sienne.") % {"name": message.sender_name})
                return redirect("home")
    else:
        form = ReplyForm()
    return render(request, "contact/reply.html", {
        "message": message, "form": form, "about": services.about(message), "reply_days": services.reply_days(),
    }, status=status)
