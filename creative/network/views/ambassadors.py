"""Ambassador pages: declare (or change, or withdraw) one's offer on a fiche, and the directory.

- `network:ambassador_declare` — innovations/<slug>/ambassadeur/ (GET, POST; signed in, author rights)
- `network:ambassador_withdraw` — innovations/<slug>/ambassadeur/retirer/ (GET asks, POST deletes)
- `network:ambassadors` — ambassadeurs/ (GET; public): filters, list, map with the list as alternative
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from creative.accounts.models import Profile
from creative.accounts.permissions import can_view_unpublished
from creative.accounts.services import profile_of
from creative.antispam.ratelimit import rate_limit
from creative.innovations.models import Innovation, Theme
from creative.territories.models import Territory

from .. import ambassadors as services
from ..ambassador_forms import AmbassadorForm
from ..models import Ambassador

PAGE_SIZE = 20


def login_first(view):
    """Visitors are sent to the login page (and come back), before anything is counted or looked up."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _fiche_for(request, slug):
    """The fiche `slug` and the person's offer on it; 404, or 403 with the reason, when they may not."""
    innovation = Innovation.objects.filter(slug=slug).first()
    if innovation is None or (not innovation.is_published and not can_view_unpublished(request.user, innovation)):
        raise Http404(_("Cette fiche n'existe pas."))
    refusal = services.declare_refusal(request.user, innovation)
    if refusal:
        raise PermissionDenied(refusal)
    offer = Ambassador.objects.filter(innovation=innovation, user=request.user).first()
    return innovation, offer


@require_http_methods(["GET", "POST"])
@login_first
@rate_limit("contribution")
def declare(request, slug):
    innovation, offer = _fiche_for(request, slug)
    profile = profile_of(request.user)
    profile_public = Profile.objects.public().filter(pk=profile.pk).exists()
    form = AmbassadorForm(request.POST or None, instance=offer, user=request.user, innovation=innovation,
                          profile_public=profile_public or profile.is_public)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            make_public = form.cleaned_data.get("make_public", False)
            offer, created = services.save_offer(request.user, innovation, form, make_public=make_public)
            if created:
                messages.success(request, _("Merci ! Vous êtes ambassadeur de cette fiche."))
            else:
                messages.success(request, _("Votre offre d'ambassadeur est enregistrée."))
            hidden = services.hidden_reasons(offer)
            if hidden:
                messages.info(request, _("Elle n'est pas visible pour l'instant : %(reasons)s.")
                              % {"reasons": ", ".join(hidden)})
            return redirect(innovation)
        status = 400
    return render(request, "network/ambassadors/declare.html", {
        "innovation": innovation,
        "offer": offer,
        "form": form,
        "profile": profile,
        # Chosen public, but not shown (held by the moderators, account blocked…).
        "profile_withheld": profile.is_public and not profile_public,
    }, status=status)


@require_http_methods(["GET", "POST"])
@login_first
def withdraw(request, slug):
    innovation, offer = _fiche_for(request, slug)
    if offer is None:
        messages.info(request, _("Vous n'êtes pas ambassadeur de cette fiche."))
        return redirect(innovation)
    if request.method == "POST":
        services.withdraw(request.user, offer)
        messages.success(request, _("Votre offre d'ambassadeur est retirée."))
        return redirect(innovation)
    return render(request, "network/ambassadors/withdraw.html", {"innovation": innovation, "offer": offer})


def _territory_choices(home):
    """The home territory, its intercommunalities and its communes, as (group label, territories) for the filter."""
    if home is None:
        return []
    groups = [(_("Tout le territoire"), [home])]
    epcis = [t for t in home.children.order_by("name") if t.level != Territory.Level.COMMUNE]
    if epcis:
        groups.append((_("Intercommunalités"), epcis))
    communes = list(Territory.objects.descendants_of(home, level=Territory.Level.COMMUNE).order_by("name"))
    if communes:
        groups.append((_("Communes"), communes))
    return groups


@require_GET
def directory(request):
    filters = services.AmbassadorFilters(request.GET)
    results = services.directory(filters)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    points = services.map_points(filters.apply(services.shown()))
    home = Territory.objects.home()
    fit = filters.territory or home
    groups = _territory_choices(home)
    return render(request, "network/ambassadors/directory.html", {
        "filters": filters,
        "page": page,
        "map_points": points,
        "map_bounds": fit.bounds if fit is not None else None,
        "map_truncated": len(points) >= services.MAP_LIMIT,
        "themes": Theme.objects.all(),
        "means": Ambassador.Means.choices,
        "territory_groups": groups,
        "territory_listed": any(filters.territory in group for _label, group in groups),
    })


urlpatterns = [
    path("innovations/<slug:slug>/ambassadeur/", declare, name="ambassador_declare"),
    path("innovations/<slug:slug>/ambassadeur/retirer/", withdraw, name="ambassador_withdraw"),
    path("ambassadeurs/", directory, name="ambassadors"),
]
