"""The observatory's figures: pure, bounded queries, each returning a `Figure` (rows of label and values).

Every figure aggregates in the database (GROUP BY, TruncMonth): the number of queries does not grow
with the data. Months are filled in so a chart has no hole; monthly figures keep the last
`MONTHS_SHOWN` months (cumulative ones still count everything before).

Definitions (as shown on the page):
- progress: fiches published (state « publiée » now), counted in the month of `published_at`;
- contributors active in a month: distinct authors of the fiches' revisions saved that month;
- editors active in a month: distinct people who recorded an editorial decision that month — a
  publication, a request for changes or a refusal in a review thread, or a decision on a proposed
  revision;
- events: published (or cancelled after publication) events, in the month they start;
  registrations: registrations not cancelled, in the month they were made;
- reproductions: links declared (not declined), in the month of declaration;
- letter subscribers: at the end of each month, confirmed subscriptions minus unsubscriptions.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

MONTHS_SHOWN = 36
CACHE_SECONDS = 600
CACHE_KEY = "observatory:figures:v1"

LINE, BARS, COLUMNS = "line", "bars", "columns"


@dataclass
class Figure:
    """One figure: its slug (CSV name), title, description, chart kind, column headers and rows.

    A row is (label, value, …): one value per series (`headers[1:]`).
    """

    name: str
    title: str
    description: str
    chart: str
    headers: list
    rows: list = field(default_factory=list)
    goal: int | None = None  # the progress chart's target line

    @property
    def series(self):
        return self.headers[1:]

    @property
    def total(self):
        return sum(row[1] for row in self.rows)

    @property
    def is_empty(self):
        return not any(any(value for value in row[1:]) for row in self.rows)


# Months -----------------------------------------------------------------------------------------

def month_of(value):
    """The first day of the month of a date or (aware) datetime, in the site's time zone."""
    if value is None:
        return None
    if hasattr(value, "hour"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date(value.year, value.month, 1)


def next_month(day):
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def months_between(first, last):
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = next_month(current)
    return months


def month_label(day):
    return f"{day.year:04d}-{day.month:02d}"


def monthly_counts(queryset, field_name, *, distinct=None):
    """{first day of month: count} of `queryset` by month of `field_name` (distinct `distinct` values)."""
    counted = Count(distinct, distinct=True) if distinct else Count("pk")
    rows = (
        queryset.filter(**{f"{field_name}__isnull": False})
        .annotate(month=TruncMonth(field_name))
        .order_by()
        .values("month")
        .annotate(n=counted)
        .values_list("month", "n")
    )
    counts = {}
    for month, n in rows:
        key = month_of(month)
        counts[key] = counts.get(key, 0) + n
    return counts


def monthly_people(pairs):
    """{month: number of distinct people} from (month, person id) rows."""
    people = {}
    for month, person in pairs:
        if person is not None:
            people.setdefault(month_of(month), set()).add(person)
    return {month: len(ids) for month, ids in people.items()}


def _window(*counts, today=None, future=False):
    """The months to show: from the first month with data to this month (or the last month with data,
    when `future` allows it), at most MONTHS_SHOWN of them (the last ones)."""
    today = month_of(today or timezone.now())
    keys = [month for c in counts for month in c]
    if not keys:
        return []
    last = max(today, max(keys)) if future else today
    months = months_between(min(min(keys), today), last)
    return months[-MONTHS_SHOWN:]


# The figures ------------------------------------------------------------------------------------

def progress(today=None):
    """Published fiches, cumulated month by month, against settings.INNOVATIONS_GOAL."""
    from creative.innovations.models import Innovation

    per_month = monthly_counts(Innovation.objects.published(), "published_at")
    months = _window(per_month, today=today)
    total = sum(n for month, n in per_month.items() if months and month < months[0])
    rows = []
    for month in months:
        total += per_month.get(month, 0)
        rows.append((month_label(month), total, per_month.get(month, 0)))
    return Figure(
        "progression", _("Fiches publiées, vers l'objectif"),
        _("Nombre total de fiches publiées à la fin de chaque mois, comparé à l'objectif de %(goal)s fiches.")
        % {"goal": settings.INNOVATIONS_GOAL},
        LINE, [_("mois"), _("fiches publiées (total)"), _("publiées dans le mois")], rows,
        goal=settings.INNOVATIONS_GOAL,
    )


def per_theme():
    from creative.innovations.models import Theme

    rows = (
        Theme.objects.annotate(n=Count("innovations", filter=_published("innovations"), distinct=True))
        .order_by("position", "name").values_list("name", "n")
    )
    return Figure(
        "themes", _("Fiches par thème"),
        _("Nombre de fiches publiées dans chaque thème (une fiche peut avoir plusieurs thèmes)."),
        BARS, [_("thème"), _("fiches")], [(name, n) for name, n in rows],
    )


def per_carrier_kind():
    from creative.innovations.models import CarrierKind, Innovation

    rows = [
        (name, n) for name, n in CarrierKind.objects.annotate(
            n=Count("innovations", filter=_published("innovations"), distinct=True),
        ).order_by("position", "name").values_list("name", "n")
    ]
    unknown = Innovation.objects.published().filter(carrier_kind__isnull=True).count()
    if unknown:
        rows.append((_("non renseigné"), unknown))
    return Figure(
        "porteurs", _("Fiches par type de porteur"),
        _("Nombre de fiches publiées selon le type de structure qui porte l'innovation."),
        BARS, [_("type de porteur"), _("fiches")], rows,
    )


def per_territory():
    """Published fiches in each EPCI of the home territory."""
    from creative.innovations.models import Innovation
    from creative.territories.models import Territory

    home = Territory.objects.home()
    epcis = Territory.objects.descendants_of(home, level=Territory.Level.EPCI) if home else Territory.objects.none()
    counts = dict(
        Innovation.territories.through.objects.filter(
            territory__in=epcis, innovation__state=Innovation.State.PUBLISHED,
        ).order_by().values("territory_id").annotate(n=Count("innovation_id", distinct=True))
        .values_list("territory_id", "n")
    )
    rows = [(t.name, counts.get(t.pk, 0)) for t in epcis.order_by("name")]
    return Figure(
        "territoires", _("Fiches par intercommunalité"),
        _("Nombre de fiches publiées dans chaque intercommunalité du territoire."),
        BARS, [_("intercommunalité"), _("fiches")], rows,
    )


def coverage_rows():
    """[(commune, number of published fiches)] for every commune with at least one, most first."""
    from creative.innovations.models import Innovation
    from creative.territories.models import Territory

    through = Innovation.territories.through.objects.filter(
        territory__level=Territory.Level.COMMUNE, innovation__state=Innovation.State.PUBLISHED,
    )
    counts = dict(
        through.order_by().values("territory_id").annotate(n=Count("innovation_id", distinct=True))
        .values_list("territory_id", "n")
    )
    communes = Territory.objects.filter(pk__in=counts).only("pk", "name", "slug", "latitude", "longitude")
    return sorted(((c, counts[c.pk]) for c in communes), key=lambda item: (-item[1], item[0].name))


def coverage(rows=None):
    rows = coverage_rows() if rows is None else rows
    return Figure(
        "couverture", _("Couverture par commune"),
        _("Nombre de fiches publiées dans chaque commune qui en a au moins une."),
        BARS, [_("commune"), _("fiches")], [(commune.name, n) for commune, n in rows],
    )


def coverage_points(rows=None):
    """The coverage map's points: commune centroid and count (communes without a point are left out)."""
    rows = coverage_rows() if rows is None else rows
    return [
        {"name": commune.name, "url": commune.get_absolute_url(), "lat": commune.latitude,
         "lng": commune.longitude, "count": n}
        for commune, n in rows if commune.latitude is not None and commune.longitude is not None
    ]


def activity(today=None):
    """Contributors and editors active per month (see the module's definitions)."""
    from creative.editorial.models import ReviewMessage, Revision

    contributors = monthly_counts(Revision.objects.all(), "created_at", distinct="author")
    decisions = ReviewMessage.objects.filter(
        kind__in=(ReviewMessage.Kind.PUBLISHED, ReviewMessage.Kind.CHANGES_REQUESTED, ReviewMessage.Kind.REJECTED),
    ).annotate(month=TruncMonth("created_at")).order_by().values_list("month", "author_id").distinct()
    decided = Revision.objects.filter(decided_at__isnull=False).annotate(
        month=TruncMonth("decided_at"),
    ).order_by().values_list("month", "decided_by_id").distinct()
    editors = monthly_people([*decisions, *decided])
    months = _window(contributors, editors, today=today)
    rows = [(month_label(m), contributors.get(m, 0), editors.get(m, 0)) for m in months]
    return Figure(
        "activite", _("Contributeurs et accompagnateurs actifs par mois"),
        _("Contributeurs : personnes ayant enregistré une version d'une fiche dans le mois. "
          "Accompagnateurs : personnes ayant publié une fiche, demandé des modifications, refusé une fiche "
          "ou décidé d'une modification proposée dans le mois."),
        COLUMNS, [_("mois"), _("contributeurs"), _("accompagnateurs")], rows,
    )


def events(today=None):
    from creative.events.models import Event, Registration

    held = monthly_counts(Event.objects.published(), "starts_at")
    registered = monthly_counts(Registration.objects.active(), "created_at")
    months = _window(held, registered, today=today, future=True)
    rows = [(month_label(m), held.get(m, 0), registered.get(m, 0)) for m in months]
    return Figure(
        "evenements", _("Événements et inscriptions par mois"),
        _("Événements publiés, comptés au mois où ils commencent ; inscriptions (non annulées), "
          "comptées au mois où elles ont été faites."),
        COLUMNS, [_("mois"), _("événements"), _("inscriptions")], rows,
    )


def reproductions(today=None):
    from creative.reuse.models import Reproduction

    declared = monthly_counts(Reproduction.objects.exclude(status=Reproduction.Status.DECLINED), "declared_at")
    months = _window(declared, today=today)
    return Figure(
        "reproductions", _("Reproductions déclarées par mois"),
        _("Liens « reproduction » ou « inspiration » déclarés entre deux fiches (hors liens refusés)."),
        COLUMNS, [_("mois"), _("reproductions déclarées")], [(month_label(m), declared.get(m, 0)) for m in months],
    )


def subscribers(today=None):
    from creative.letters.models import Subscriber

    joined = monthly_counts(Subscriber.objects.all(), "confirmed_at")
    left = monthly_counts(Subscriber.objects.filter(confirmed_at__isnull=False), "unsubscribed_at")
    months = _window(joined, left, today=today)
    total = sum(joined.get(m, 0) - left.get(m, 0) for m in {*joined, *left} if months and m < months[0])
    rows = []
    for month in months:
        total += joined.get(month, 0) - left.get(month, 0)
        rows.append((month_label(month), total))
    return Figure(
        "abonnes", _("Abonnés à la lettre de la semaine"),
        _("À la fin de chaque mois : abonnements confirmés, moins les désabonnements."),
        LINE, [_("mois"), _("abonnés")], rows,
    )


def _published(relation):
    from django.db.models import Q

    from creative.innovations.models import Innovation

    return Q(**{f"{relation}__state": Innovation.State.PUBLISHED})


def all_figures(today=None):
    """Every figure, in page order, and the coverage map's points."""
    rows = coverage_rows()
    figures = [
        progress(today), per_theme(), per_carrier_kind(), per_territory(), coverage(rows),
        activity(today), events(today), reproductions(today), subscribers(today),
    ]
    return {"figures": figures, "points": coverage_points(rows)}


def cached_figures():
    """all_figures(), computed at most once every ten minutes."""
    data = cache.get(CACHE_KEY)
    if data is None:
        data = all_figures()
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
    return data


def figure_named(name):
    return next((figure for figure in cached_figures()["figures"] if figure.name == name), None)
