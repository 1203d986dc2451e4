"""Declaring, deciding and withdrawing the links between an original fiche and the ones it inspired.

Who may do what:
- declare: a contributor, for one of their own fiches (author or carrier), towards a published original;
- confirm or decline: the original's authors and carriers, and its editors;
- withdraw: the derived fiche's authors and carriers.
Every step is in the audit log; the original's people are told of a declaration, the declarer of a decision.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from creative.accounts.permissions import can_contribute, can_review, has_author_rights
from creative.audit import record
from creative.core.tasks import mail_each
from creative.innovations.models import Authorship, Innovation, Place

from .models import Reproduction

# States of a fiche that cannot be declared as inspired by another.
CLOSED_STATES = (Innovation.State.REJECTED, Innovation.State.ARCHIVED, Innovation.State.HIDDEN)
# The diffusion map follows descendants of descendants this deep, and draws at most this many links.
MAP_DEPTH = 3
MAP_MAX_LINKS = 60
# Ancestors shown above a derived fiche.
ANCESTRY_DEPTH = 3
# The cycle check walks the whole descendance, level by level, at most this deep.
CYCLE_MAX_DEPTH = 50


class LinkRefused(Exception):
    """The link may not be declared; str() is the French reason."""


# Who ------------------------------------------------------------------------------------------

def carriers_of(fiche):
    """The accounts with author rights on `fiche`: its authors and the people carrying it."""
    User = get_user_model()
    return User.objects.filter(
        Q(authorships__innovation=fiche) | Q(team_memberships__innovation=fiche, team_memberships__kind="carrier")
    ).distinct()


def my_fiches(user):
    """The fiches `user` may declare as reproductions or inspirations: theirs, in any state but closed ones."""
    if not user.is_authenticated:
        return Innovation.objects.none()
    from creative.network.models import TeamMember

    carried = TeamMember.objects.filter(user=user, kind=TeamMember.Kind.CARRIER).values("innovation_id")
    authored = Authorship.objects.filter(user=user).values("innovation_id")
    return (
        Innovation.objects.filter(Q(pk__in=authored) | Q(pk__in=carried))
        .exclude(state__in=CLOSED_STATES).order_by("title", "pk")
    )


def may_declare(user):
    return can_contribute(user)


def may_decide(user, link):
    """Confirm or decline: the original's authors and carriers, and its editors."""
    return can_contribute(user) and (has_author_rights(user, link.original) or can_review(user, link.original))


def may_withdraw(user, link):
    """Withdraw the link: the derived fiche's authors and carriers."""
    return can_contribute(user) and has_author_rights(user, link.derived)


# Checks -------------------------------------------------------------------------------------------

def descendant_ids(fiche, max_depth=CYCLE_MAX_DEPTH):
    """Ids of every fiche declared (and not declined) as derived from `fiche`, at any depth."""
    found, frontier = set(), {fiche.pk}
    for _level in range(max_depth):
        frontier = set(
            Reproduction.objects.exclude(status=Reproduction.Status.DECLINED)
            .filter(original_id__in=frontier).values_list("derived_id", flat=True)
        ) - found - {fiche.pk}
        if not frontier:
            break
        found |= frontier
    return found


def link_problem(original, derived):
    """Why `derived` may not be declared as coming from `original` (French), or None."""
    if original.pk == derived.pk:
        return _("Une fiche ne peut pas être sa propre reproduction : choisissez une autre de vos fiches.")
    if not original.is_published:
        return _("Cette fiche n'est pas publiée : on ne peut déclarer s'en être inspiré qu'une fois publiée.")
    if derived.state in CLOSED_STATES:
        return _("Cette fiche est refusée, archivée ou masquée : elle ne peut pas être liée à une autre.")
    existing = Reproduction.objects.filter(
        Q(original=original, derived=derived) | Q(original=derived, derived=original)
    ).first()
    if existing is not None:
        if existing.original_id == derived.pk:
            return _("« %(derived)s » est déjà déclarée comme la source de « %(original)s » : deux fiches ne "
                     "peuvent pas s'être inspirées l'une de l'autre.") % {"derived": derived.title,
                                                                          "original": original.title}
        if existing.status == Reproduction.Status.DECLINED:
            return _("Ce lien a déjà été déclaré, et les porteurs de la fiche d'origine l'ont refusé.")
        return _("« %(derived)s » est déjà liée à cette fiche.") % {"derived": derived.title}
    if original.pk in descendant_ids(derived):
        return _("« %(original)s » est elle-même issue de « %(derived)s » (directement ou par d'autres fiches) : "
                 "le lien ferait une boucle.") % {"original": original.title, "derived": derived.title}
    return None


# Actions --------------------------------------------------------------------------------------------

def _mail_context(link, actor):
    return {
        "original_title": link.original.title,
        "derived_title": link.derived.title,
        "derived_published": link.derived.is_published,
        "derived_url": settings.SITE_URL + link.derived.get_absolute_url(),
        "original_url": settings.SITE_URL + link.original.get_absolute_url(),
        "kind": link.kind,
        "kind_label": str(link.get_kind_display()),
        "adapted": link.adapted,
        "started_year": link.started_year,
        "actor": str(actor.display_name),
        "status": link.status,
        "status_label": str(link.get_status_display()),
        "decide_url": settings.SITE_URL + reverse("reuse:decide", args=[link.pk]),
    }


def declare(original, derived, user, *, kind, adapted="", started_year=None):
    """Record that `derived` reproduces or was inspired by `original`; tell the original's people.

    When the declarer also carries the original, the link is confirmed at once (nobody else to ask).
    Raises LinkRefused with the reason.
    """
    problem = link_problem(original, derived)
    if problem:
        raise LinkRefused(problem)
    self_confirmed = has_author_rights(user, original)
    try:
        with transaction.atomic():
            link = Reproduction.objects.create(
                original=original, derived=derived, kind=kind, adapted=adapted, started_year=started_year,
                declared_by=user,
                status=Reproduction.Status.CONFIRMED if self_confirmed else Reproduction.Status.PENDING,
                decided_by=user if self_confirmed else None,
                decided_at=timezone.now() if self_confirmed else None,
            )
            record(user, "reuse.declared", link, original=original.pk, derived=derived.pk, kind=kind,
                   status=link.status)
            if not self_confirmed:
                mail_each(carriers_of(original), "reuse_declared", _mail_context(link, user), exclude=[user])
            from creative.notifications import sources as notifications

            notifications.reproduction_declared(link, user)
    except IntegrityError as error:  # declared twice at the same moment
        raise LinkRefused(_("« %(derived)s » est déjà liée à cette fiche.") % {"derived": derived.title}) from error
    return link


def decide(link, user, confirmed):
    """Confirm (or decline) `link`; the person who declared it is told."""
    status = Reproduction.Status.CONFIRMED if confirmed else Reproduction.Status.DECLINED
    with transaction.atomic():
        link.status, link.decided_by, link.decided_at = status, user, timezone.now()
        link.save(update_fields=["status", "decided_by", "decided_at"])
        record(user, "reuse.confirmed" if confirmed else "reuse.declined", link,
               original=link.original_id, derived=link.derived_id)
        if link.declared_by_id:
            mail_each([link.declared_by], "reuse_decided", _mail_context(link, user), exclude=[user])
    return link


def withdraw(link, user):
    with transaction.atomic():
        record(user, "reuse.withdrawn", link, original=link.original_id, derived=link.derived_id,
               status=link.status)
        link.delete()


# The editor's "create my fiche first" ------------------------------------------------------------

ORIGIN_PARAM = "origine"


def origin_from(request):
    """The slug of the published fiche a new fiche is created from (?origine=…), or None."""
    data = request.POST if request.method == "POST" else request.GET
    slug = (data.get(ORIGIN_PARAM) or "").strip()[:160]
    if slug and Innovation.objects.filter(slug=slug, state=Innovation.State.PUBLISHED).exists():
        return slug
    return None


def origin_field(slug):
    """The hidden field that carries the origin through the creation form."""
    return forms.CharField(widget=forms.HiddenInput, required=False, initial=slug)


def declare_url(slug, fiche):
    """Where to go once the new fiche exists: the declaration, the new fiche chosen."""
    return f"{reverse('reuse:declare', args=[slug])}?fiche={fiche.pk}"


# Reading the family ------------------------------------------------------------------------------

def _with_places(queryset, *fields):
    places = Place.objects.select_related("commune")
    return queryset.select_related(*fields).prefetch_related(
        *(Prefetch(f"{field}__places", queryset=places) for field in fields)
    )


def descendance(fiche, *, max_depth=MAP_DEPTH, max_links=MAP_MAX_LINKS):
    """The shown links below `fiche`, level by level: [(depth, link)], breadth first, bounded.

    One query (plus the places) per level; each fiche appears once even if reached twice.
    """
    links, seen, frontier = [], {fiche.pk}, [fiche.pk]
    for depth in range(1, max_depth + 1):
        if not frontier or len(links) >= max_links:
            break
        level = _with_places(
            Reproduction.objects.shown().filter(original_id__in=frontier).order_by("declared_at", "pk"), "derived"
        )[: max_links - len(links)]
        frontier = []
        for link in level:
            if link.derived_id in seen:
                continue
            seen.add(link.derived_id)
            frontier.append(link.derived_id)
            links.append((depth, link))
    return links


def ancestry(fiche, *, max_depth=ANCESTRY_DEPTH):
    """The shown links above `fiche`: a list of chains, one per direct original.

    Each chain is [link to the direct original, link from it to its own original, …], following the
    earliest declared link at each step, at most `max_depth` long and never looping.
    """
    direct = list(_with_places(Reproduction.objects.shown().filter(derived=fiche).order_by("declared_at", "pk"),
                               "original"))
    chains = []
    for link in direct:
        chain, seen, current = [link], {fiche.pk, link.original_id}, link.original_id
        while len(chain) < max_depth:
            parent = (
                Reproduction.objects.shown().filter(derived_id=current).exclude(original_id__in=seen)
                .select_related("original").order_by("declared_at", "pk").first()
            )
            if parent is None:
                break
            chain.append(parent)
            seen.add(parent.original_id)
            current = parent.original_id
        chains.append(chain)
    return chains


def _place_points(fiche):
    return [
        {"lat": p.map_lat, "lng": p.map_lng, "label": p.commune.name}
        for p in fiche.places.all() if p.map_lat is not None and p.map_lng is not None
    ]


def map_data(fiche, links):
    """What the diffusion map draws: the original's places, and each descendant's with the link from its source."""
    return {
        "original": {"id": fiche.pk, "title": fiche.title, "url": fiche.get_absolute_url(),
                     "places": _place_points(fiche)},
        "descendants": [
            {
                "id": link.derived_id,
                "from": link.original_id,
                "title": link.derived.title,
                "url": link.derived.get_absolute_url(),
                "kind": link.kind,
                "kind_label": str(link.get_kind_display()),
                "pending": link.status == Reproduction.Status.PENDING,
                "depth": depth,
                "places": _place_points(link.derived),
            }
            for depth, link in links
        ],
    }


def reuse_counts(innovation):
    """{"reproductions": n, "inspirations": m}: the shown links below a fiche, by kind.

    Reads `shown_descendants` when card_queryset prefetched it, otherwise asks the database.
    """
    links = getattr(innovation, "shown_descendants", None)
    if links is None:
        links = Reproduction.objects.shown().filter(original=innovation).only("kind")
    return reuse_counts_of(links)


def reuse_counts_of(links):
    counts = {"reproductions": 0, "inspirations": 0}
    for link in links:
        counts["reproductions" if link.kind == Reproduction.Kind.REPRODUCTION else "inspirations"] += 1
    return counts
