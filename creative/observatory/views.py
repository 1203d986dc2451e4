"""The observatory (public figures, coverage map, « les plus lus ») and the editors' dashboard."""

import csv
import io
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from creative.accounts import permissions
from creative.innovations.models import Answer, Innovation, Section, Theme
from creative.territories.models import Territory

from . import charts, figures, freshness
from .models import FreshnessRequest

PAGE_SIZE = 20
CSV_INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# (kind of page, heading) of « les plus lus », in page order.
READ_KINDS = [
    ("innovation", gettext_lazy("Fiches")),
    ("article", gettext_lazy("Articles du magazine")),
    ("event", gettext_lazy("Événements")),
    ("territory", gettext_lazy("Territoires")),
]
PERIODS = [
    ("week", gettext_lazy("cette semaine (7 derniers jours)")),
    ("month", gettext_lazy("ce mois-ci (30 derniers jours)")),
    ("year", gettext_lazy("cette année (365 derniers jours)")),
    ("all", gettext_lazy("depuis toujours")),
]


# The observatory --------------------------------------------------------------------------------

@require_GET
def observatory(request):
    data = figures.cached_figures()
    shown = []
    for figure in data["figures"]:
        shown.append({
            "figure": figure,
            "svg": None if figure.name == "couverture" or figure.is_empty else charts.render(figure),
            "csv_url": reverse("observatory:csv", args=[figure.name]),
        })
    by_name = {item["figure"].name: item for item in shown}
    progress = by_name["progression"]["figure"]
    published = progress.rows[-1][1] if progress.rows else 0
    context = {
        "charts": [item for item in shown if item["figure"].name != "couverture"],
        "coverage": by_name["couverture"],
        "has_points": bool(data["points"]),
        "published": published,
        "goal": progress.goal,
        "percent": min(100, round(100 * published / progress.goal)) if progress.goal else 0,
    }
    return render(request, "observatory/index.html", context)


def _cell(value):
    """A spreadsheet cell that is never read as a formula (as in the events' CSV export)."""
    if isinstance(value, int | float):
        return value
    value = str(value)
    return f"'{value}" if value.startswith(CSV_INJECTION_PREFIXES) else value


@require_GET
def chart_csv(request, name):
    figure = figures.figure_named(name)
    if figure is None:
        raise Http404(_("Ce jeu de données n'existe pas."))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(header) for header in figure.headers])
    for row in figure.rows:
        writer.writerow([_cell(value) for value in row])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="observatoire-{figure.name}.csv"'
    response["Cache-Control"] = f"public, max-age={figures.CACHE_SECONDS}"
    return response


@require_GET
def coverage_points(request):
    response = JsonResponse({"points": figures.cached_figures()["points"]})
    response["Cache-Control"] = f"public, max-age={figures.CACHE_SECONDS}"
    return response


# « Les plus lus » -------------------------------------------------------------------------------

def _home_territories():
    """The territories one may filter by: the home territory and everything under it, largest first."""
    home = Territory.objects.home()
    if home is None:
        return Territory.objects.none()
    below = Territory.objects.descendants_of(home).values("pk")
    levels = [level for level, _label in Territory.Level.choices]
    territories = list(Territory.objects.filter(Q(pk=home.pk) | Q(pk__in=below)))
    return sorted(territories, key=lambda t: (levels.index(t.level), t.name))


class MostReadForm(forms.Form):
    periode = forms.ChoiceField(label=gettext_lazy("Période"), choices=PERIODS, required=False)
    territoire = forms.ModelChoiceField(
        label=gettext_lazy("Territoire"), queryset=Territory.objects.none(), required=False, to_field_name="slug",
        empty_label=gettext_lazy("Tout le territoire"),
        error_messages={"invalid_choice": gettext_lazy("Ce territoire n'existe pas : choisissez-en un dans la liste.")},
    )
    theme = forms.ModelChoiceField(
        label=gettext_lazy("Thème"), queryset=Theme.objects.all(), required=False, to_field_name="slug",
        empty_label=gettext_lazy("Tous les thèmes"),
        error_messages={"invalid_choice": gettext_lazy("Ce thème n'existe pas : choisissez-en un dans la liste.")},
    )

    def __init__(self, *args, territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["territoire"]
        field.queryset = Territory.objects.filter(pk__in=[t.pk for t in territories])
        field.choices = [("", field.empty_label)] + [
            (t.slug, f"{t.name} ({t.get_level_display()})") for t in territories
        ]
        self.fields["periode"].error_messages["invalid_choice"] = _("Cette période n'existe pas : choisissez-en une.")


def _stats_queries():
    from creative.stats import queries

    return queries


def demo_ids(kind, ids):
    """The ids among `ids` whose counts include the demo's synthetic views."""
    from creative.stats.models import ViewCount

    if not ids:
        return set()
    return set(ViewCount.objects.filter(kind=kind, object_id__in=ids, is_demo=True).values_list("object_id", flat=True))


def read_rows(kind, *, period, territory=None, theme=None, limit=10):
    """[{object, title, url, views, is_demo}] from creative.stats' most_read."""
    queries = _stats_queries()
    found = queries.most_read(kind, period=period, territory=territory, theme=theme, limit=limit)
    demo = demo_ids(kind, [obj.pk for obj, _views in found])
    return [
        {"object": obj, "title": str(getattr(obj, "title", None) or getattr(obj, "name", obj)),
         "url": obj.get_absolute_url(), "views": views, "is_demo": obj.pk in demo}
        for obj, views in found
    ]


@require_GET
def most_read(request):
    territories = _home_territories()
    form = MostReadForm(request.GET or None, territories=territories)
    period, territory, theme = "month", None, None
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["periode"] or period
        territory, theme = form.cleaned_data["territoire"], form.cleaned_data["theme"]
    sections = []
    for kind, heading in READ_KINDS:
        if kind == "territory" and theme is not None:
            continue  # a theme does not apply to territory pages
        sections.append({"kind": kind, "heading": heading,
                         "rows": read_rows(kind, period=period, territory=territory, theme=theme)})
    context = {
        "form": form, "sections": sections, "period_label": dict(PERIODS)[period],
        "territory": territory, "theme": theme,
    }
    return render(request, "observatory/most_read.html", context, status=400 if form.errors else 200)


# The editors' dashboard -------------------------------------------------------------------------

def _scopes(user):
    """The editor's territories, without those inside another of them (administrators: none, i.e. all)."""
    if permissions.is_administrator(user):
        return []
    scopes = list(Territory.objects.filter(pk__in=permissions.editor_scope_ids(user)).order_by("depth", "name"))
    ids = {t.pk for t in scopes}
    return [t for t in scopes if not any(a.pk in ids for a in t.ancestors)]


def _waiting(user):
    """Counts of what awaits this editor, with a link to each queue."""
    from creative.editorial.models import Revision
    from creative.events.models import Event
    from creative.events.views.organise import events_in_scope

    fiches = permissions.innovations_in_scope(user, Innovation.objects.all())
    items = [
        {"label": _("Fiches soumises à relecture"), "count": fiches.filter(state=Innovation.State.SUBMITTED).count(),
         "url": reverse("editorial:queue") + "#soumises"},
        {"label": _("Propositions de modification de fiches publiées"),
         "count": Revision.objects.pending().filter(innovation__in=fiches).count(),
         "url": reverse("editorial:queue") + "#propositions"},
        {"label": _("Événements à valider"),
         "count": events_in_scope(user, Event.objects.filter(state=Event.State.PROPOSED)).count(),
         "url": reverse("events:review_queue")},
    ]
    articles = _submitted_articles(user)
    if articles is not None:
        items.append({"label": _("Articles du magazine soumis à relecture"), "count": articles,
                      "url": reverse("magazine:queue")})
    return items


def _submitted_articles(user):
    try:
        from creative.magazine.models import Article
    except ImportError:  # pragma: no cover - the magazine is part of the project
        return None
    submitted = Article.objects.filter(state=Article.State.SUBMITTED)
    if not permissions.is_administrator(user):
        scope = permissions.editor_scope_ids(user)
        inside = Article.covered_territories.through.objects.filter(territory_id__in=scope).values("article_id")
        submitted = submitted.filter(Q(pk__in=inside) | Q(territories__isnull=True)).distinct()
    return submitted.count()


def _page(request, queryset, param, anchor):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))

    def url(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}#{anchor}"

    page.previous_url = url(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = url(page.next_page_number()) if page.has_next() else ""
    return page


def _incomplete(user):
    """Published fiches in scope with at least one active section unanswered (or answered with blanks)."""
    sections = list(Section.objects.active())
    if not sections:
        return Innovation.objects.none(), sections
    answered = Count("answers", filter=Q(answers__section__is_active=True) & ~Q(answers__body=""), distinct=True)
    fiches = (
        permissions.innovations_in_scope(user, Innovation.objects.published())
        .annotate(answered=answered).filter(answered__lt=len(sections)).order_by("answered", "title", "pk")
    )
    return fiches, sections


def _with_missing_sections(fiches, sections):
    """Name, on each fiche of one page, the sections it misses (one query for the page)."""
    from creative.editorial.completeness import MISSING, STATUS_LABELS

    done = set(
        Answer.objects.filter(innovation__in=fiches).exclude(body="")
        .values_list("innovation_id", "section_id")
    )
    for fiche in fiches:
        fiche.missing_sections = [s.title for s in sections if (fiche.pk, s.pk) not in done]
        fiche.missing_label = STATUS_LABELS[MISSING]
    return fiches


def _misses(user, scopes):
    queries = _stats_queries()
    if permissions.is_administrator(user) or not scopes:
        return queries.top_misses(days=30, limit=20)
    totals = {}
    for territory in scopes:
        for query, count in queries.top_misses(days=30, territory=territory, limit=20):
            totals[query] = totals.get(query, 0) + count
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:20]


def _most_read_in(user, scopes):
    places = scopes[:3] if scopes else [None]
    blocks = []
    for territory in places:
        kinds = []
        for kind, heading in READ_KINDS[:3]:
            kinds.append({"heading": heading, "rows": read_rows(kind, period="month", territory=territory, limit=5)})
        blocks.append({"territory": territory, "kinds": kinds})
    return blocks


@require_GET
@permissions.requires(permissions.can_use_review_queue)
def dashboard(request):
    user = request.user
    scopes = _scopes(user)
    last_asked = FreshnessRequest.objects.filter(innovation=OuterRef("pk")).order_by().values("innovation")
    stale = freshness.stale_innovations(user).annotate(
        last_asked=Subquery(last_asked.annotate(m=Max("requested_at")).values("m")[:1]),
    )
    stale_page = _page(request, stale, "page_anciennes", "anciennes")
    recent = timezone.now() - freshness.REQUEST_INTERVAL
    for fiche in stale_page.object_list:
        fiche.asked_recently = fiche.last_asked is not None and fiche.last_asked > recent
    incomplete, sections = _incomplete(user)
    incomplete_page = _page(request, incomplete, "page_incompletes", "incompletes")
    _with_missing_sections(incomplete_page.object_list, sections)
    context = {
        "scopes": scopes,
        "is_administrator": permissions.is_administrator(user),
        "has_scope": permissions.is_administrator(user) or bool(scopes),
        "waiting": _waiting(user),
        "stale": stale_page,
        "incomplete": incomplete_page,
        "misses": _misses(user, scopes),
        "most_read": _most_read_in(user, scopes),
        "two_years_ago": timezone.now() - timedelta(days=730),
    }
    return render(request, "observatory/dashboard.html", context)


@require_POST
@permissions.requires(permissions.can_use_review_queue)
def ask_freshness(request, pk):
    fiche = get_object_or_404(Innovation, pk=pk)
    if not permissions.can_review(request.user, fiche):
        raise PermissionDenied(_("Cette fiche n'est pas dans vos territoires."))
    try:
        sent = freshness.ask(fiche, request.user)
    except freshness.FreshnessRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Demande de vérification envoyée pour « %(title)s » (%(count)s destinataire(s)).")
            % {"title": fiche.title, "count": sent.recipients},
        )
    target = reverse("observatory:dashboard")
    page = request.POST.get("page_anciennes", "")
    if page.isdigit():
        target += f"?page_anciennes={page}"
    return redirect(target + "#anciennes")
