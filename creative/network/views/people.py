"""Public profile pages and the people directory (queries in creative/network/people.py)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from creative.accounts.models import Profile
from creative.accounts.permissions import can_moderate
from creative.accounts.services import page_status
from creative.territories.models import Territory

from .. import people

PAGE_SIZE = 24


@require_GET
def person(request, slug):
    """A public profile. While it is not public, its own person sees it with the reason (held, hidden, not
    chosen public), and so do moderators when it is under moderation; anybody else gets a 404."""
    profile = Profile.objects.select_related("commune", "user").filter(slug=slug).first()
    if profile is None:
        raise Http404
    is_public = people.public_profiles().filter(pk=profile.pk).exists()
    is_owner = request.user.is_authenticated and request.user.pk == profile.user_id
    status = None if is_public else page_status(profile)
    # Moderators open the pages the moderation queue links to (held, hidden, blocked), as they open
    # unpublished fiches; a page its person simply keeps private stays private.
    as_moderator = (not is_public and not is_owner and can_moderate(request.user)
                    and status.code in ("held", "hidden", "blocked"))
    if not (is_public or is_owner or as_moderator):
        raise Http404
    user = profile.user
    page_url = request.build_absolute_uri(profile.get_absolute_url())
    context = {
        "profile": profile,
        "is_public": is_public,
        "is_owner": is_owner,
        "status": status,
        "as_moderator": as_moderator,
        "links": profile.link_list,
        "themes": profile.themes.all(),
        "carried": people.carried_fiches(user),
        "written": people.written_fiches(user),
        "memberships": people.organisations_of(user),
        "offers": people.ambassador_offers(user),
        "events": people.organised_events(user),
        "page_url": page_url,
        "jsonld": people.person_json_ld(profile, page_url, request),
    }
    return render(request, "network/people/detail.html", context)


@require_GET
def directory(request):
    filters = people.PeopleFilters(request.GET)
    base = people.public_profiles()
    home = Territory.objects.home()
    matching = filters.apply(base)
    page = Paginator(
        matching.select_related("commune").order_by("display_name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    parent = filters.territory or home
    list_url = reverse("network:people")
    territories = [
        (name, n, f"{list_url}?{filters.querystring(territoire=[slug])}")
        for slug, name, n in people.territory_counts(filters, base, parent)
    ]
    points = people.map_points(matching)
    for point in points:  # the marker and the list under the map lead to the directory filtered by commune
        point["list_url"] = f"{list_url}?{filters.querystring(territoire=[point['slug']])}"
    context = {
        "filters": filters,
        "page": page,
        "home": home,
        "themes": people.theme_counts(filters, base),
        "territories": territories,
        "communes": [] if filters.territory else people.communes_with_people(base, home),
        "map_points": points,
    }
    return render(request, "network/people/list.html", context)


urlpatterns = [
    path("personnes/", directory, name="people"),
    path("personnes/<slug:slug>/", person, name="person"),
]
