"""Calls for help: a fiche's team publishes and manages them; everybody browses the open ones."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from creative.accounts.permissions import can_contribute, requires
from creative.antispam.links import bind_author
from creative.antispam.ratelimit import rate_limit
from creative.innovations.models import Innovation, Place, Theme
from creative.territories.models import Territory

from . import services
from .filters import EVERYWHERE, ORDERS, CallFilters
from .forms import CallForm
from .models import CallForHelp

PAGE_SIZE = 20


def _refuse():
    raise PermissionDenied(_("Seuls les auteurs et porteurs de cette fiche et l'équipe éditoriale de son territoire "
                             "gèrent ses appels à l'aide."))


@requires(can_contribute)
@rate_limit("contribution")
def manage(request, pk):
    """The calls of one fiche, and the form of a new one."""
    fiche = get_object_or_404(Innovation, pk=pk)
    user = request.user
    if not services.may_manage_calls(user, fiche):
        _refuse()
    form = CallForm(request.POST if request.method == "POST" else None)
    bind_author(user, form)
    if request.method == "POST" and form.is_valid():
        call = services.save_call(form, fiche, user, request)
        if call is not None:
            if fiche.is_published:
                messages.success(request, _("Votre appel « %(title)s » est publié sur la fiche.") % {
                    "title": call.title})
            else:
                messages.success(request, _("Votre appel « %(title)s » est enregistré : il sera visible quand la fiche "
                                            "sera publiée.") % {"title": call.title})
            return redirect("calls:manage", fiche.pk)
    context = {
        "fiche": fiche,
        "form": form,
        "calls": fiche.calls.all(),
    }
    return render(request, "calls/manage.html", context)


@requires(can_contribute)
@rate_limit("contribution")
def edit(request, pk):
    """Edit one call (its status too), or delete it."""
    call = get_object_or_404(CallForHelp.objects.select_related("innovation"), pk=pk)
    fiche = call.innovation
    user = request.user
    if not services.may_manage_calls(user, fiche):
        _refuse()
    if request.method == "POST" and request.POST.get("action") == "delete":
        title = call.title
        services.delete_call(call, user)
        messages.success(request, _("L'appel « %(title)s » est supprimé.") % {"title": title})
        return redirect("calls:manage", fiche.pk)
    form = CallForm(request.POST if request.method == "POST" else None, instance=call)
    bind_author(user, form)
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            messages.info(request, _("Rien n'a changé."))
            return redirect("calls:manage", fiche.pk)
        if services.save_call(form, fiche, user, request) is not None:
            messages.success(request, _("L'appel est enregistré."))
            return redirect("calls:manage", fiche.pk)
    return render(request, "calls/edit.html", {"fiche": fiche, "call": call, "form": form})


@require_GET
def call_list(request):
    """The open calls of the territory, filtered, searched and paginated."""
    home = Territory.objects.home()
    filters = CallFilters(request.GET, home=home)
    base = CallForHelp.objects.open()
    calls = filters.ordered(filters.apply(base)).select_related("innovation").prefetch_related(
        Prefetch("innovation__places", queryset=Place.objects.select_related("commune")),
    )
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "home": home,
        "territory_options": territory_options(home, base, filters.territory),
        "kinds": CallForHelp.Kind.choices,
        "orders": list(ORDERS.items()),
        "everywhere": EVERYWHERE,
        "all_themes": list(Theme.objects.all()),
    }
    return render(request, "calls/list.html", context)


def territory_options(home, open_calls, current=None):
    """The territories inside `home` where some open call is, largest first (plus the current one)."""
    if home is None:
        return [current] if current else []
    through = Innovation.territories.through
    with_calls = through.objects.filter(innovation_id__in=open_calls.values("innovation_id")).values("territory_id")
    options = list(
        Territory.objects.descendants_of(home).filter(pk__in=with_calls).order_by("depth", "name")
    )
    if current is not None and current != home and current not in options:
        options.insert(0, current)
    return options


urlpatterns = [
    path("appels/", call_list, name="list"),
    # Not "contribuer/<pk>/appels/": the editor's "contribuer/<pk>/<step>/" is matched first.
    path("contribuer/<int:pk>/appels/gerer/", manage, name="manage"),
    path("appels/<int:pk>/modifier/", edit, name="edit"),
]
