"""« Je m'en suis inspiré·e / Je l'ai reproduite »: declaring a link, and the original's decision."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from creative.accounts.permissions import can_contribute, can_view_unpublished, requires
from creative.antispam.links import bind_author
from creative.antispam.ratelimit import rate_limit
from creative.antispam.scoring import assess, remember
from creative.innovations.models import Innovation

from . import services
from .forms import DeclareForm
from .models import Reproduction


def _held_message():
    return _("Votre texte sur ce que vous avez adapté ressemble à un message indésirable (liens nombreux, vocabulaire "
             "publicitaire, texte répété…) : reformulez-le puis envoyez à nouveau. Ce que vous avez écrit est "
             "conservé.")


@requires(can_contribute)
@rate_limit("contribution")
def declare(request, slug):
    """Link one of my fiches to `slug`, the fiche I reproduced or was inspired by."""
    user = request.user
    original = get_object_or_404(Innovation, slug=slug)
    if not original.is_published:
        if not can_view_unpublished(user, original):
            raise Http404
        return render(request, "reuse/declare.html", {"original": original, "refused": _(
            "Cette fiche n'est pas publiée : on ne peut déclarer s'en être inspiré qu'une fois qu'elle l'est.")},
            status=400)
    fiches = services.my_fiches(user)
    initial = {}
    chosen = request.GET.get("fiche", "")
    if chosen.isdigit() and fiches.filter(pk=int(chosen)).exists():
        initial["derived"] = int(chosen)
    form = DeclareForm(request.POST if request.method == "POST" else None, original=original, fiches=fiches,
                       initial=initial)
    bind_author(user, form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        verdict = assess(data["adapted"], author=user, kind="reuse", scope=f"innovation:{data['derived'].pk}",
                         request=request) if data["adapted"] else None
        if verdict is not None and verdict.held:
            form.add_error("adapted", _held_message())
        else:
            try:
                link = services.declare(original, data["derived"], user, kind=data["kind"], adapted=data["adapted"],
                                        started_year=data["started_year"])
            except services.LinkRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                if data["adapted"]:
                    remember(data["adapted"], scope=f"innovation:{data['derived'].pk}")
                if link.status == Reproduction.Status.CONFIRMED:
                    messages.success(request, _("Le lien est enregistré et confirmé : vous portez aussi la fiche "
                                                "d'origine."))
                else:
                    messages.success(request, _(
                        "Merci ! Le lien est enregistré. Les porteurs de « %(title)s » sont prévenus et pourront le "
                        "confirmer ; d'ici là, il s'affiche avec la mention « à confirmer ».") % {
                        "title": original.title})
                return redirect(f"{original.get_absolute_url()}#essaimage")
    context = {
        "original": original,
        "form": form,
        "has_fiches": form.is_bound or fiches.exists(),
        "create_url": f"{reverse('editorial:create')}?{services.ORIGIN_PARAM}={original.slug}",
    }
    return render(request, "reuse/declare.html", context)


@requires(can_contribute)
@rate_limit("contribution")
def decide(request, pk):
    """The original's people confirm or decline a link; the derived fiche's people may withdraw it."""
    user = request.user
    link = get_object_or_404(
        Reproduction.objects.select_related("original", "derived", "declared_by__profile", "decided_by__profile"),
        pk=pk,
    )
    deciding, withdrawing = services.may_decide(user, link), services.may_withdraw(user, link)
    if not (deciding or withdrawing):
        raise PermissionDenied(_("Seuls les porteurs des deux fiches et l'équipe éditoriale de la fiche d'origine "
                                 "ont accès à ce lien."))
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("confirm", "decline"):
            if not deciding:
                raise PermissionDenied(_("Seuls les auteurs et porteurs de la fiche d'origine, et l'équipe "
                                         "éditoriale de son territoire, confirment ou refusent ce lien."))
            confirmed = action == "confirm"
            wanted = Reproduction.Status.CONFIRMED if confirmed else Reproduction.Status.DECLINED
            if link.status == wanted:
                messages.info(request, _("C'était déjà fait."))
            else:
                services.decide(link, user, confirmed)
                messages.success(request, _("Le lien est confirmé : il s'affiche sur les deux fiches.") if confirmed
                                 else _("Le lien est refusé : il ne s'affiche plus sur les fiches."))
            return redirect("reuse:decide", link.pk)
        if action == "withdraw":
            if not withdrawing:
                raise PermissionDenied(_("Seuls les auteurs et porteurs de la fiche qui a déclaré ce lien peuvent le "
                                         "retirer."))
            derived = link.derived
            services.withdraw(link, user)
            messages.success(request, _("Le lien est retiré."))
            return redirect(derived)
        messages.error(request, _("Action inconnue : choisissez l'un des boutons de la page."))
        return redirect("reuse:decide", link.pk)
    context = {
        "link": link,
        "may_decide": deciding,
        "may_withdraw": withdrawing,
        "derived_places": list(link.derived.places.select_related("commune")),
    }
    return render(request, "reuse/decide.html", context)


urlpatterns = [
    path("innovations/<slug:slug>/reproduction/", declare, name="declare"),
    path("reproductions/<int:pk>/", decide, name="decide"),
]
