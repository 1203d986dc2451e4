"""What readers see of the magazine: public articles, their filters, cards and archive.

Only `Article.objects.published()` ever reaches a reader: drafts, articles under review, held
ones and scheduled ones (until their `published_at`) stay out of every list, feed and link.

The filters read the same URL parameters everywhere (`rubrique`, `territoire`, `theme`), so a
filtered list and its feeds are links to each other. Unknown values are ignored and reported
in `errors`, never turned into a server error. A territory at any level (pays, EPCI, commune)
is one join through `covered_territories`, which holds every level containing the article's
territories.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from creative.editorial.people import with_public_pages
from creative.innovations.models import Theme
from creative.territories.models import Territory

from .models import Article, ArticleAuthor, Category

FILTER_PARAMS = ("rubrique", "territoire", "theme")
MAX_VALUES = 20


def public_articles(now=None):
    return Article.objects.published(now)


def card_queryset(queryset):
    return queryset.select_related("category")


def attach_authors(articles):
    """Set `article.people` (Person list, linked to public profile pages) on each article: two queries."""
    articles = list(articles)
    if not articles:
        return articles
    rows = list(
        ArticleAuthor.objects.filter(article__in=[a.pk for a in articles])
        .select_related("user__profile").order_by("article_id", "position", "pk")
    )
    people = {person.id: person for person in with_public_pages({row.user for row in rows})}
    by_article = {}
    for row in rows:
        by_article.setdefault(row.article_id, []).append(people[row.user_id])
    for article in articles:
        article.people = by_article.get(article.pk, [])
    return articles


class ArticleFilters:
    """Parse the filter parameters of a QueryDict and apply them to articles."""

    def __init__(self, params):
        self.params = params
        self.errors = []
        self.categories = self._pick(Category, "rubrique", _("rubrique"))
        self.themes = self._pick(Theme, "theme", _("thème"))
        self.territory = None
        slug = params.get("territoire", "").strip()
        if slug:
            self.territory = Territory.objects.filter(slug=slug[:160]).first()
            if self.territory is None:
                self.errors.append(_("Territoire inconnu ignoré : « %(value)s ».") % {"value": slug[:50]})

    def _pick(self, model, param, label):
        slugs = list(dict.fromkeys(s.strip() for s in self.params.getlist(param) if s.strip()))[:MAX_VALUES]
        if not slugs:
            return []
        found = list(model.objects.filter(slug__in=[s[:200] for s in slugs]))
        for slug in sorted(set(slugs) - {obj.slug for obj in found}):
            self.errors.append(
                _("Valeur inconnue ignorée pour %(label)s : « %(value)s ».") % {"label": label, "value": slug[:50]}
            )
        return found

    @property
    def is_active(self):
        return bool(self.categories or self.themes or self.territory)

    def apply(self, queryset):
        if self.categories:
            queryset = queryset.filter(category__in=self.categories)
        if self.themes:
            queryset = queryset.filter(
                pk__in=Article.themes.through.objects.filter(theme__in=self.themes).values("article_id")
            )
        if self.territory:
            queryset = queryset.filter(
                pk__in=Article.covered_territories.through.objects.filter(territory=self.territory)
                .values("article_id")
            )
        return queryset

    def as_params(self):
        current = {
            "rubrique": [c.slug for c in self.categories],
            "territoire": [self.territory.slug] if self.territory else [],
            "theme": [t.slug for t in self.themes],
        }
        return [(name, value) for name in FILTER_PARAMS for value in current[name]]

    def querystring(self):
        return urlencode(self.as_params())

    def selected(self, name):
        return [value for key, value in self.as_params() if key == name]

    @property
    def selected_categories(self):
        return [c.slug for c in self.categories]

    def describe(self):
        """« Portrait · Brest · Alimentation »: what the filters keep, for titles."""
        parts = [c.name for c in self.categories]
        if self.territory:
            parts.append(self.territory.name)
        parts += [t.name for t in self.themes]
        return " · ".join(parts)


def month_bounds(year, month):
    """[start, end) of a month in local time, as aware datetimes; ValueError when out of range."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValueError("month out of range")
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, end


def months(queryset=None, now=None):
    """[(first day of the month (date), count), …] of public articles, newest first (one query)."""
    queryset = queryset if queryset is not None else public_articles(now)
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth("published_at", tzinfo=timezone.get_current_timezone()))
        .values("month").annotate(n=Count("pk")).order_by("-month")
    )
    result = []
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        result.append((month, row["n"]))
    return result


def categories_with_counts(now=None):
    """Categories holding public articles, with their count (one query)."""
    counts = dict(public_articles(now).order_by().values_list("category").annotate(n=Count("pk")))
    categories = list(Category.objects.all())
    for category in categories:
        category.n = counts.get(category.pk, 0)
    return [c for c in categories if c.n]


def articles_mentioning(innovation, limit):
    """Public articles citing the fiche, newest first."""
    return attach_authors(card_queryset(
        public_articles().filter(pk__in=Article.innovations.through.objects.filter(innovation=innovation)
                                 .values("article_id"))
    )[:limit])


def articles_in_territory(territory, limit):
    """Public articles about the territory or a place inside it, newest first."""
    return attach_authors(card_queryset(
        public_articles().filter(pk__in=Article.covered_territories.through.objects.filter(territory=territory)
                                 .values("article_id"))
    )[:limit])


def territory_choices(current=None):
    """[(level label, [(slug, name), …]), …]: the territories public articles are about, largest first."""
    inside = Article.covered_territories.through.objects.filter(article__in=public_articles().order_by().values("pk"))
    territories = list(
        Territory.objects.filter(pk__in=inside.values("territory_id"))
        .exclude(level__in=(Territory.Level.REGION, Territory.Level.DEPARTEMENT))
        .order_by("depth", "name").only("slug", "name", "level", "depth")
    )
    if current is not None and current.pk not in {t.pk for t in territories}:
        territories.append(current)
    groups = []
    for level, label in Territory.Level.choices:
        members = [(t.slug, t.name) for t in territories if t.level == level]
        if members:
            groups.append((label, members))
    return groups


def theme_choices():
    """The themes public articles have."""
    used = Article.themes.through.objects.filter(article__in=public_articles().order_by().values("pk"))
    return list(Theme.objects.filter(pk__in=used.values("theme_id")).order_by("name"))
