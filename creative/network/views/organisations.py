"""Organisations: the directory (list and map), a structure's page, its creation and edition, its members.

Pages work without JavaScript (the map is an extra: the list holds the same organisations).
Bad filters are reported on the page, never a server error. A page that is not public (held
for a moderator, hidden) answers 404, except to its managers and moderators, who see a notice.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creative.accounts.models import Profile
from creative.accounts.permissions import can_contribute, requires
from creative.antispam.links import bind_author
from creative.antispam.ratelimit import rate_limit
from creative.innovations.models import CarrierKind, Innovation, Theme
from creative.moderation.models import Visibility
from creative.territories.models import Territory

from .. import organisations as services
from ..forms import MemberInvitationForm, MembershipForm, OrganisationForm
from ..models import Membership, Organisation, TeamMember

PAGE_SIZE = 20
FICHES_PAGE_SIZE = 20
MAP_LIMIT = 2000  # markers sent with the directory's map; the list pages through all of them
NAMED_MEMBERS_LIMIT = 200
FILTER_PARAMS = ("q", "theme", "type", "territoire")
# Paths under organisations/ that are pages, not organisations.
RESERVED_SLUGS = frozenset({"nouvelle", "rejoindre"})


class OrganisationFilters:
    """The directory's filters, read from a QueryDict; unknown values are ignored and reported in `errors`."""

    def __init__(self, params):
        self.params = params
        self.errors = []
        self.q = " ".join(params.get("q", "").split())[:100]
        self.themes = self._pick(Theme, "theme", _("thème"))
        self.kinds = self._pick(CarrierKind, "type", _("type de structure"))
        self.territory = None
        slug = params.get("territoire", "").strip()
        if slug:
            self.territory = Territory.objects.select_related("parent").filter(slug=slug[:160]).first()
            if self.territory is None:
                self.errors.append(_("Territoire inconnu ignoré : « %(value)s ».") % {"value": slug[:50]})

    def _pick(self, model, param, label):
        slugs = [s for s in self.params.getlist(param) if s][:20]
        if not slugs:
            return []
        found = list(model.objects.filter(slug__in=slugs))
        for slug in sorted(set(slugs) - {obj.slug for obj in found}):
            self.errors.append(
                _("Valeur inconnue ignorée pour %(label)s : « %(value)s ».") % {"label": label, "value": slug[:50]}
            )
        return found

    @property
    def is_active(self):
        return bool(self.q or self.themes or self.kinds or self.territory)

    def apply(self, queryset, *, exclude=()):
        if self.q and "q" not in exclude:
            queryset = queryset.filter(name__icontains=self.q)
        if self.themes and "theme" not in exclude:
            queryset = queryset.filter(pk__in=Organisation.themes.through.objects.filter(
                theme__in=self.themes).values("organisation_id"))
        if self.kinds and "type" not in exclude:
            queryset = queryset.filter(kind__in=self.kinds)
        if self.territory and "territoire" not in exclude:
            if self.territory.level == Territory.Level.COMMUNE:
                queryset = queryset.filter(commune=self.territory)
            else:
                communes = Territory.objects.descendants_of(self.territory, level=Territory.Level.COMMUNE)
                queryset = queryset.filter(commune__in=communes.values("pk"))
        return queryset

    def facets(self, base):
        """Counts per value of each filter (the other filters applied), and the total."""
        themes = dict(
            Organisation.themes.through.objects.filter(organisation__in=self.apply(base, exclude={"theme"}))
            .values_list("theme").annotate(n=Count("organisation")).values_list("theme", "n")
        )
        kinds = dict(
            self.apply(base, exclude={"type"}).exclude(kind=None).values_list("kind")
            .annotate(n=Count("*")).values_list("kind", "n")
        )
        return {
            "total": self.apply(base).count(),
            "themes": [(t.slug, t.name, themes.get(t.pk, 0)) for t in Theme.objects.all()],
            "kinds": [(k.slug, k.name, kinds.get(k.pk, 0)) for k in CarrierKind.objects.all()],
            "territories": self._territory_facet(base),
        }

    def _territory_facet(self, base):
        """[(level label, [(slug, name, n)])] of the territories holding organisations, largest level first."""
        per_commune = dict(
            self.apply(base, exclude={"territoire"}).exclude(commune=None).values_list("commune")
            .annotate(n=Count("*")).values_list("commune", "n")
        )
        if not per_commune:
            return []
        counts, territories = {}, {}
        communes = Territory.objects.filter(pk__in=per_commune).select_related(
            "parent__parent__parent__parent__parent")
        for commune in communes:
            for territory in (*commune.ancestors, commune):
                territories[territory.pk] = territory
                counts[territory.pk] = counts.get(territory.pk, 0) + per_commune[commune.pk]
        groups = []
        for level, label in Territory.Level.choices:  # from the largest level to the communes
            items = sorted((t for t in territories.values() if t.level == level), key=lambda t: (t.name, t.slug))
            if items:
                groups.append((label, [(t.slug, t.name, counts[t.pk]) for t in items]))
        return groups

    def as_params(self, **overrides):
        current = {
            "q": [self.q] if self.q else [],
            "theme": [t.slug for t in self.themes],
            "type": [k.slug for k in self.kinds],
            "territoire": [self.territory.slug] if self.territory else [],
        }
        current.update(overrides)
        return [(name, value) for name in FILTER_PARAMS for value in current.get(name, [])]

    def querystring(self, **overrides):
        return urlencode(self.as_params(**overrides))


def map_items(queryset):
    """Map markers of `queryset`: the precise point when given, else the commune's (at most MAP_LIMIT)."""
    rows = queryset.order_by("name", "pk").values(
        "name", "slug", "latitude", "longitude", "commune__name", "commune__latitude", "commune__longitude",
    )[:MAP_LIMIT]
    items = []
    for row in rows:
        precise = row["latitude"] is not None
        lat = row["latitude"] if precise else row["commune__latitude"]
        lng = row["longitude"] if precise else row["commune__longitude"]
        if lat is None or lng is None:
            continue
        items.append({
            "name": row["name"],
            "url": reverse("network:organisation", args=[row["slug"]]),
            "lat": lat,
            "lng": lng,
            "place": row["commune__name"] or "",
            "precise": precise,
        })
    return items


@require_GET
def organisation_list(request):
    filters = OrganisationFilters(request.GET)
    base = Organisation.objects.public()
    filtered = filters.apply(base)
    facets = filters.facets(base)
    paginator = Paginator(
        filtered.select_related("kind", "commune").prefetch_related("themes").order_by("name", "pk"), PAGE_SIZE,
    )
    paginator.count = facets["total"]  # already counted with the facets
    page = paginator.get_page(request.GET.get("page"))
    home = Territory.objects.home()
    fit = filters.territory or home
    context = {
        "filters": filters,
        "facets": facets,
        "page": page,
        "map_items": map_items(filtered),
        "map_config": {
            "bounds": fit.bounds if fit else None,
            "limit": MAP_LIMIT,
            "strings": {"one": _("Une organisation sur la carte."),
                        "many": _("%(count)s organisations sur la carte.")},
        },
        # Visitors are asked to sign in; an unverified account would only meet a refusal.
        "may_create": can_contribute(request.user) or not request.user.is_authenticated,
    }
    return render(request, "network/organisations/list.html", context)


def _get_visible(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("kind", "commune__parent"), slug=slug)
    if not services.can_view(request.user, organisation):
        raise Http404
    return organisation


def _members_for_page(organisation):
    """(named members, number of others): only people with a public profile are named."""
    memberships = list(organisation.memberships.select_related("user__profile").order_by("role", "added_at", "pk"))
    public = {
        p.user_id: p for p in Profile.objects.public().filter(user_id__in=[m.user_id for m in memberships])
        .only("user_id", "slug", "display_name")
    }
    named = [
        {"name": public[m.user_id].display_name, "url": public[m.user_id].get_absolute_url(),
         "role": m.get_role_display(), "title": m.title}
        for m in memberships if m.user_id in public
    ][:NAMED_MEMBERS_LIMIT]
    return named, len(memberships) - len(named)


def json_ld(organisation, page_url, request):
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": page_url,
        "name": organisation.name,
        "url": organisation.website or page_url,
        "mainEntityOfPage": page_url,
    }
    if organisation.website:
        data["sameAs"] = [organisation.website]
    if organisation.description:
        data["description"] = organisation.description[:500]
    if organisation.logo:
        data["logo"] = request.build_absolute_uri(organisation.logo.url)
    if organisation.kind_id:
        data["additionalType"] = organisation.kind.name
    if organisation.commune_id or organisation.address:
        address = {"@type": "PostalAddress", "addressCountry": "FR"}
        if organisation.address:
            address["streetAddress"] = organisation.address
        if organisation.commune_id:
            address["addressLocality"] = organisation.commune.name
        data["address"] = address
    point = organisation.map_point
    if point:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": point[0], "longitude": point[1]}
    return data


@require_GET
def organisation_detail(request, slug):
    organisation = _get_visible(request, slug)
    named, others = _members_for_page(organisation)
    fiches = (
        TeamMember.objects.filter(organisation=organisation, innovation__state=Innovation.State.PUBLISHED)
        .select_related("innovation").order_by("kind", "innovation__title", "pk")
    )
    page = Paginator(fiches, FICHES_PAGE_SIZE).get_page(request.GET.get("page"))
    page_url = request.build_absolute_uri(organisation.get_absolute_url())
    context = {
        "organisation": organisation,
        "themes": organisation.themes.all(),
        "members": named,
        "other_members": others,
        "page": page,
        "is_public": organisation.visibility == Visibility.VISIBLE,
        "may_manage": services.can_manage(request.user, organisation),
        "may_see_members": services.can_see_members(request.user, organisation),
        "jsonld": json_ld(organisation, page_url, request),
        "page_url": page_url,
        "map_point": organisation.map_point,
    }
    return render(request, "network/organisations/detail.html", context)


def _reserved_slug(name):
    """A slug for a name that would take the address of one of the pages (e.g. "Nouvelle")."""
    base = slugify(name)[:180]
    if base not in RESERVED_SLUGS:
        return ""
    n = 2
    while Organisation.objects.filter(slug=f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


@requires(can_contribute)
@rate_limit("contribution")
def organisation_create(request):
    form = OrganisationForm(request.POST or None, request.FILES or None)
    bind_author(request.user, form)
    if request.method == "POST" and form.is_valid():
        form.instance.slug = _reserved_slug(form.cleaned_data["name"])
        organisation = services.create_organisation(form, request.user, request=request)
        _tell_saved(request, organisation, created=True)
        return redirect(organisation)
    return render(request, "network/organisations/form.html", {"form": form, "organisation": None})


@requires(can_contribute)
@rate_limit("contribution")
def organisation_edit(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not services.can_manage(request.user, organisation):
        raise PermissionDenied(_("Seuls les responsables de cette organisation et l'équipe de modération peuvent la "
                                 "modifier."))
    was_visible = organisation.visibility == Visibility.VISIBLE
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    bind_author(request.user, form)
    if request.method == "POST" and form.is_valid():
        organisation = services.update_organisation(form, request.user, request=request)
        _tell_saved(request, organisation, created=False, was_visible=was_visible)
        return redirect(organisation)
    if request.method == "POST":
        organisation.refresh_from_db()  # the page's title shows the stored name, not the refused one
    return render(request, "network/organisations/form.html", {"form": form, "organisation": organisation})


def _tell_saved(request, organisation, *, created, was_visible=True):
    if organisation.visibility == Visibility.HELD and (created or was_visible):
        messages.warning(request, _(
            "L'organisation est enregistrée, mais sa présentation doit d'abord être relue par l'équipe de "
            "modération : sa page n'est pas publique pour le moment. Vous serez fixé rapidement ; ce que vous avez "
            "écrit est conservé."))
    elif organisation.visibility != Visibility.VISIBLE:
        messages.info(request, _("Vos modifications sont enregistrées. La page de l'organisation n'est pas publique "
                                 "pour le moment : elle attend une décision de l'équipe de modération."))
    elif created:
        messages.success(request, _("L'organisation est créée et vous en êtes responsable. Invitez ses membres depuis "
                                    "la page « Membres »."))
    else:
        messages.success(request, _("Vos modifications sont enregistrées."))


# Members -------------------------------------------------------------------------------------------

def _members_page(request, organisation, invite_form=None, status=200):
    user = request.user
    may_manage = services.can_manage(user, organisation)
    memberships = list(organisation.memberships.select_related("user__profile").order_by("role", "added_at", "pk"))
    rows = [
        {
            "membership": m,
            "form": MembershipForm(instance=m, prefix=f"m{m.pk}") if may_manage else None,
            "is_me": m.user_id == user.pk,
        }
        for m in memberships
    ]
    context = {
        "organisation": organisation,
        "rows": rows,
        "may_manage": may_manage,
        "invite_form": invite_form or (MemberInvitationForm() if may_manage else None),
        "my_membership": next((m for m in memberships if m.user_id == user.pk), None),
        "days": services.INVITATION_MAX_AGE.days,
    }
    return render(request, "network/organisations/members.html", context, status=status)


@requires(can_contribute)
@rate_limit("contribution")  # each invitation sends an email
def organisation_members(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not services.can_see_members(request.user, organisation):
        raise PermissionDenied(_("Seuls les membres de cette organisation voient cette page."))
    if request.method != "POST":
        return _members_page(request, organisation)
    if not services.can_manage(request.user, organisation):
        raise PermissionDenied(_("Seuls les responsables de l'organisation invitent de nouveaux membres."))
    form = MemberInvitationForm(request.POST)
    if not form.is_valid():
        return _members_page(request, organisation, invite_form=form, status=400)
    data = form.cleaned_data
    services.invite_member(organisation, request.user, data["email"], data["role"], data["title"])
    # The same answer whatever the address: this page never tells who has an account.
    messages.success(request, _(
        "Invitation envoyée à %(email)s. Le lien est valable %(days)s jours ; si cette personne n'a pas encore de "
        "compte, elle pourra en créer un.") % {"email": data["email"], "days": services.INVITATION_MAX_AGE.days})
    return redirect("network:organisation_members", organisation.slug)


def _membership(slug, pk):
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = get_object_or_404(organisation.memberships.select_related("user__profile", "organisation"), pk=pk)
    return organisation, membership


@require_POST
@requires(can_contribute)
def organisation_member_change(request, slug, pk):
    organisation, membership = _membership(slug, pk)
    if not services.can_manage(request.user, organisation):
        raise PermissionDenied(_("Seuls les responsables de l'organisation changent les rôles de ses membres."))
    form = MembershipForm(request.POST, instance=Membership.objects.get(pk=membership.pk), prefix=f"m{membership.pk}")
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("Le rôle n'a pas été changé : %(errors)s") % {"errors": errors})
        return redirect("network:organisation_members", organisation.slug)
    try:
        services.change_membership(membership, request.user, form.cleaned_data["role"], form.cleaned_data["title"])
    except services.OrganisationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Le rôle de %(name)s est enregistré.") % {"name": membership.user.display_name})
    return redirect("network:organisation_members", organisation.slug)


@require_POST
@requires(can_contribute)
def organisation_member_remove(request, slug, pk):
    organisation, membership = _membership(slug, pk)
    leaving = membership.user_id == request.user.pk
    if not (leaving or services.can_manage(request.user, organisation)):
        raise PermissionDenied(_("Seuls les responsables de l'organisation retirent des membres."))
    try:
        services.remove_membership(membership, request.user)
    except services.OrganisationError as error:
        messages.error(request, str(error))
        return redirect("network:organisation_members", organisation.slug)
    if leaving:
        messages.success(request, _("Vous ne faites plus partie de « %(name)s ».") % {"name": organisation.name})
        if services.can_view(request.user, organisation):
            return redirect(organisation)
        return redirect("network:organisations")
    messages.success(request, _("%(name)s ne fait plus partie de l'organisation.") % {
        "name": membership.user.display_name})
    return redirect("network:organisation_members", organisation.slug)


@requires(can_contribute)
def organisation_join(request, token):
    try:
        invitation = services.read_invitation(token)
    except services.InvitationProblem as problem:
        return render(request, "network/organisations/invitation_invalid.html", {"message": problem.message},
                      status=problem.status)
    organisation = invitation.organisation
    if services.membership_of(request.user, organisation) is not None:
        messages.info(request, _("Vous faites déjà partie de « %(name)s ».") % {"name": organisation.name})
        return redirect("network:organisation_members", organisation.slug)
    if request.method == "POST":
        try:
            services.accept_invitation(invitation, request.user)
        except services.InvitationProblem as problem:
            return render(request, "network/organisations/invitation_invalid.html", {"message": problem.message},
                          status=problem.status)
        messages.success(request, _("Vous faites maintenant partie de « %(name)s ».") % {"name": organisation.name})
        return redirect("network:organisation_members", organisation.slug)
    inviter = Profile.objects.filter(user_id=invitation.inviter_id).first() if invitation.inviter_id else None
    return render(request, "network/organisations/invitation.html",
                  {"invitation": invitation, "organisation": organisation, "inviter": inviter})


urlpatterns = [
    path("organisations/", organisation_list, name="organisations"),
    path("organisations/nouvelle/", organisation_create, name="organisation_create"),
    path("organisations/rejoindre/<str:token>/", organisation_join, name="organisation_join"),
    path("organisations/<slug:slug>/", organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/modifier/", organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/membres/", organisation_members, name="organisation_members"),
    path("organisations/<slug:slug>/membres/<int:pk>/", organisation_member_change, name="organisation_member"),
    path("organisations/<slug:slug>/membres/<int:pk>/retirer/", organisation_member_remove,
         name="organisation_member_remove"),
]
