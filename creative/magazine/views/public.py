"""The magazine for readers: the latest articles (filtered by category, territory, theme), an
author's articles, the monthly archive, an article's page with its dossier map data, and the Atom
and RSS feeds.

Only public articles are listed (`Article.objects.published()`: a scheduled article appears at
its time). An article that is not public answers 404, except to the people who may see it
(permissions.can_view: its authors, its reviewers, moderators), who see it marked as such.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from creative.accounts.models import Profile
from creative.editorial.people import join_names, with_public_pages
from creative.events.models import Event
from creative.innovations.models import Innovation
from creative.moderation.models import Visibility
from creative.stats.counting import count_view

from .. import jsonld, permissions, queries
from ..images import credits_of
from ..models import Article, ArticleAuthor, ArticleFiche, Category

PAGE_SIZE = 12
FEED_SIZE = 30
DOSSIER_MAX = 100


def feed_links(filters=None):
    query = filters.querystring() if filters is not None else ""
    suffix = f"?{query}" if query else ""
    return {"atom_url": reverse("magazine:feed") + suffix, "rss_url": reverse("magazine:feed_rss") + suffix}


def listing(request, template, queryset, filters, **extra):
    """A paginated list of article cards, with the archive's months and the categories."""
    page = Paginator(queries.card_queryset(filters.apply(queryset)), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.attach_authors(page.object_list)
    context = {
        "page": page,
        "articles": page.object_list,
        "filters": filters,
        "months": queries.months(),
        "categories": queries.categories_with_counts(),
        "territory_choices": queries.territory_choices(filters.territory),
        "themes": queries.theme_choices(),
        **feed_links(filters),
        **extra,
    }
    return render(request, template, context)


@require_GET
def index(request):
    filters = queries.ArticleFilters(request.GET)
    return listing(request, "magazine/index.html", queries.public_articles(), filters)


@require_GET
def category(request, slug):
    current = get_object_or_404(Category, slug=slug)
    filters = queries.ArticleFilters(request.GET)
    filters.categories = [current]
    return listing(request, "magazine/category.html", queries.public_articles(), filters, category=current)


@require_GET
def author(request, slug):
    profile = (
        Profile.objects.select_related("user")
        .filter(slug=slug, visibility=Visibility.VISIBLE, user__is_active=True).first()
    )
    if profile is None:
        raise Http404
    signed = ArticleAuthor.objects.filter(user=profile.user).values("article_id")
    articles = queries.public_articles().filter(pk__in=signed)
    if not articles.exists():
        raise Http404
    person = with_public_pages([profile.user])[0]
    filters = queries.ArticleFilters(request.GET)
    return listing(request, "magazine/author.html", articles, filters, author=person)


@require_GET
def month(request, year, month):
    try:
        start, end = queries.month_bounds(year, month)
    except ValueError:
        raise Http404 from None
    articles = queries.public_articles().filter(published_at__gte=start, published_at__lt=end)
    filters = queries.ArticleFilters(request.GET)
    label = date_format(start.date(), "F Y")
    return listing(request, "magazine/month.html", articles, filters, month_label=label, month_start=start.date())


def visible_article(request, slug):
    article = get_object_or_404(Article.objects.select_related("category"), slug=slug)
    if not article.is_public and not permissions.can_view(request.user, article):
        raise Http404
    return article


def dossier_fiches(article, *, public_only=True):
    """The article's fiches in their order, each with its link's `position` (1…) and `note`."""
    from creative.innovations.views import card_queryset

    links = list(ArticleFiche.objects.filter(article=article).order_by("position", "pk")[:DOSSIER_MAX])
    fiches = card_queryset(Innovation.objects.filter(pk__in=[link.innovation_id for link in links]))
    if public_only:
        fiches = fiches.published()
    found = {fiche.pk: fiche for fiche in fiches}
    ordered = []
    for link in links:
        fiche = found.get(link.innovation_id)
        if fiche is not None:
            fiche.number, fiche.note = len(ordered) + 1, link.note
            ordered.append(fiche)
    return ordered


@require_GET
def article(request, slug):
    article = visible_article(request, slug)
    people = with_public_pages(
        [row.user for row in article.signatures.select_related("user__profile").order_by("position", "pk")]
    )
    fiches = dossier_fiches(article)
    events = list(
        Event.objects.published().filter(pk__in=article.events.values("pk"))
        .select_related("kind", "commune", "organisation").order_by("starts_at", "pk")
    )
    themes = list(article.themes.all())
    territories = list(article.territories.order_by("depth", "name"))
    page_url = request.build_absolute_uri(article.get_absolute_url())
    image_url = request.build_absolute_uri(article.cover.url) if article.cover else ""
    context = {
        "article": article,
        "people": people,
        "fiches": fiches,
        "events": events,
        "themes": themes,
        "territories": territories,
        "page_url": page_url,
        "jsonld": jsonld.article_json_ld(article, page_url, people, image_url=image_url, themes=themes),
        "licence_url": jsonld.licence_url(),
        "edit_url": reverse("magazine:edit", args=[article.pk]) if permissions.can_edit(request.user, article)
        else None,
        "dossier_points_url": reverse("magazine:dossier_points", args=[article.slug]),
        "image_credits": credits_of(article),
        **feed_links(),
    }
    response = render(request, "magazine/article.html", context)
    if article.is_public:
        count_view(request, "article", article.pk)
    else:
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def dossier_points(request, slug):
    """The dossier's fiches on a map: [{number, title, url, place, lat, lng}], in the dossier's order."""
    article = visible_article(request, slug)
    points = []
    for fiche in dossier_fiches(article):
        place = next(iter(fiche.places.all()), None)  # prefetched by the card queryset
        if place is None:
            continue
        points.append({
            "number": fiche.number, "title": fiche.title, "url": fiche.get_absolute_url(),
            "place": place.commune.name, "lat": place.map_lat, "lng": place.map_lng,
        })
    response = JsonResponse({"points": points})
    if article.is_public:
        response["Cache-Control"] = "public, max-age=300"
    else:
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
    return response


# Feeds ------------------------------------------------------------------------------------------

class AtomFeed(Feed):
    """The latest public articles; `?rubrique=`, `?territoire=`, `?theme=` as on the list."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return queries.ArticleFilters(request.GET)

    def title(self, filters):
        name = _("Le magazine de %(site)s") % {"site": settings.SITE_NAME}
        described = filters.describe()
        return f"{name} — {described}" if described else name

    def link(self, filters):
        query = filters.querystring()
        return reverse("magazine:index") + (f"?{query}" if query else "")

    def description(self, filters):
        return _("Les articles signés du magazine : actualités, portraits, dossiers et comptes rendus "
                 "d'ateliers de l'innovation sociale du territoire.")

    subtitle = description

    def items(self, filters):
        articles = queries.card_queryset(filters.apply(queries.public_articles()))[:FEED_SIZE]
        return queries.attach_authors(articles)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    item_guid_is_permalink = True

    def item_author_name(self, item):
        return join_names([person.name for person in item.people]) or None

    def item_categories(self, item):
        return [item.category.name]

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at or item.updated_at)


class RssFeed(AtomFeed):
    feed_type = Rss201rev2Feed

