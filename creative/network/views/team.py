"""A fiche's team page: add people (by their public profile) and organisations, remove them.

Works without JavaScript: a name search (GET) lists matching public profiles and organisations,
each with a link that fills in the form below it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creative.accounts.permissions import can_contribute, can_edit_innovation, requires
from creative.antispam.ratelimit import rate_limit
from creative.innovations.models import Innovation

from .. import team as services
from ..forms import TeamOrganisationForm, TeamPersonForm


def _team_page(request, fiche, person_form=None, organisation_form=None, status=200):
    user = request.user
    query = " ".join(request.GET.get("q", "").split())[:100]
    people, organisations = services.search(query)
    members = list(fiche.team.select_related("user__profile", "organisation").order_by("kind", "position", "pk"))
    context = {
        "fiche": fiche,
        "rows": [{"member": m, "removable": services.may_remove(user, fiche, m)} for m in members],
        "person_form": person_form or TeamPersonForm(fiche=fiche, initial={"person": request.GET.get("personne", "")}),
        "organisation_form": organisation_form or TeamOrganisationForm(
            fiche=fiche, initial={"organisation": request.GET.get("organisation", "")}),
        "query": query,
        "query_too_short": bool(query) and len(query) < 2,
        "found_people": people,
        "found_organisations": organisations,
        "may_edit": can_edit_innovation(user, fiche),
    }
    return render(request, "network/team/manage.html", context, status=status)


@requires(can_contribute)
@rate_limit("contribution")
def team(request, pk):
    fiche = get_object_or_404(Innovation, pk=pk)
    if not services.may_manage_team(request.user, fiche):
        raise PermissionDenied(_("Seuls les auteurs et porteurs de cette fiche et l'équipe éditoriale de son "
                                 "territoire gèrent son équipe."))
    if request.method != "POST":
        return _team_page(request, fiche)
    action = request.POST.get("action")
    if action == "add-person":
        form = TeamPersonForm(request.POST, fiche=fiche)
        if not form.is_valid():
            return _team_page(request, fiche, person_form=form, status=400)
        profile = form.cleaned_data["person"]
        services.add_person(fiche, request.user, profile.user, form.cleaned_data["kind"], form.cleaned_data["role"])
        if profile.user_id == request.user.pk:
            messages.success(request, _("Vous faites maintenant partie de l'équipe."))
        else:
            messages.success(request, _("%(name)s fait maintenant partie de l'équipe. Un message l'a prévenu·e.")
                             % {"name": profile.display_name})
    elif action == "add-organisation":
        form = TeamOrganisationForm(request.POST, fiche=fiche)
        if not form.is_valid():
            return _team_page(request, fiche, organisation_form=form, status=400)
        organisation = form.cleaned_data["organisation"]
        services.add_organisation(fiche, request.user, organisation, form.cleaned_data["kind"],
                                  form.cleaned_data["role"])
        messages.success(request, _("%(name)s fait maintenant partie de l'équipe.") % {"name": organisation.name})
    else:
        messages.error(request, _("Cette action n'existe pas : utilisez les boutons de la page."))
    return redirect("network:team", fiche.pk)


@require_POST
@requires(can_contribute)
def team_remove(request, pk, member_id):
    fiche = get_object_or_404(Innovation, pk=pk)
    member = get_object_or_404(fiche.team.select_related("user__profile", "organisation"), pk=member_id)
    if not services.may_remove(request.user, fiche, member):
        raise PermissionDenied(_("Seuls les auteurs et porteurs de cette fiche et l'équipe éditoriale de son "
                                 "territoire gèrent son équipe."))
    leaving = member.user_id == request.user.pk
    name = str(member.user.display_name) if member.user_id else member.organisation.name
    services.remove(fiche, request.user, member)
    if leaving:
        messages.success(request, _("Vous ne faites plus partie de l'équipe de « %(title)s ».") % {
            "title": fiche.title})
        if services.may_manage_team(request.user, fiche):
            return redirect("network:team", fiche.pk)
        return redirect(fiche) if fiche.is_published else redirect("editorial:my_fiches")
    messages.success(request, _("%(name)s ne fait plus partie de l'équipe.") % {"name": name})
    return redirect("network:team", fiche.pk)


urlpatterns = [
    path("contribuer/<int:pk>/equipe/", team, name="team"),
    path("contribuer/<int:pk>/equipe/<int:member_id>/retirer/", team_remove, name="team_remove"),
]
