"""Atom and RSS feeds of new and updated fiches.

`innovations/flux/` (Atom) and `innovations/flux/rss/` (RSS) read the same GET filters as the
list and the map (`creative.innovations.filters.InnovationFilters`: `q`, `theme`, `territoire`,
`porteur`, `statut`), so "every fiche", "a theme" (`?theme=numerique`), "a territory"
(`?territoire=brest`) and "the current filters of a list" are the same two addresses. Unknown
values are ignored, as on the list; the feed's title says which filters apply.

Only published fiches appear, the most recently changed first: an update brings a fiche back to
the top. Each entry keeps the same id for the fiche's whole life (a tag URI built on its primary
key, not on its slug), its updated date is the fiche's last change, its summary the pitch, its
categories the themes, and its authors the people who sign it by their public names. Email
addresses (the fiche's contact address, people's accounts) are never given to the feed generator.
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from creative.editorial.people import join_names, with_public_pages
from creative.innovations.filters import InnovationFilters
from creative.innovations.models import Authorship, Innovation
from creative.innovations.services import cached_per_version

FEED_SIZE = 50
PUBLIC_MAX_AGE = 300
# The entries' ids, per filters, are cached until any fiche changes (as the list's results are):
# sorting every published fiche by its last change is the expensive part.
IDS_CACHE_SECONDS = 300
# Characters XML 1.0 cannot carry (a search for "a\x00b", an imported text): dropped, not a 500.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    return NOT_XML.sub("", str(value)) if value is not None else value


def site_host():
    """The site's host name, for tag URIs (stable across http/https and paths)."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    return host.split(":", 1)[0] or "localhost"


def entry_id(fiche):
    """A stable, globally unique id for a fiche's entry (RFC 4151 tag URI).

    Built from the fiche's primary key and creation date: renaming the fiche (and so its slug)
    does not make feed readers see a new entry.
    """
    return f"tag:{site_host()},{fiche.created_at:%Y-%m-%d}:fiche:{fiche.pk}"


def describe(filters):
    """The filters in words, for the feed's title: « thème : Numérique ; territoire : Brest »."""
    parts = []
    if filters.query.text:
        parts.append(_("recherche : « %(q)s »") % {"q": filters.query.text})
    if filters.themes:
        parts.append(_("thème : %(names)s") % {"names": join_names([t.name for t in filters.themes])})
    if filters.territory:
        parts.append(_("territoire : %(name)s") % {"name": filters.territory.name})
    if filters.carrier_kinds:
        parts.append(_("porteur : %(names)s") % {"names": join_names([k.name for k in filters.carrier_kinds])})
    if filters.statuses:
        labels = dict(Innovation.Status.choices)
        parts.append(_("avancement : %(names)s") % {"names": join_names([labels[s] for s in filters.statuses])})
    return xml_text(" ; ".join(parts))


def feed_title(filters):
    name = _("Les innovations de %(site)s") % {"site": settings.SITE_NAME}
    described = describe(filters)
    return f"{name} — {described}" if described else name


def with_query(url, filters):
    query = filters.querystring()
    return url + (f"?{query}" if query else "")


def feed_urls(filters=None):
    """(atom_url, rss_url) of the fiche feed for `filters` (None: every fiche)."""
    atom, rss = reverse("opendata:feed"), reverse("opendata:feed_rss")
    if filters is None:
        return atom, rss
    return with_query(atom, filters), with_query(rss, filters)


def attach_authors(fiches):
    """Give each fiche `feed_authors`: its signing authors as public Persons (two queries)."""
    rows = list(
        Authorship.objects.filter(innovation__in=fiches).select_related("user__profile")
        .order_by("innovation_id", "-is_creator", "added_at", "pk")
    )
    people = with_public_pages([row.user for row in rows])
    by_fiche = {}
    for row, person in zip(rows, people, strict=True):
        by_fiche.setdefault(row.innovation_id, []).append(person)
    for fiche in fiches:
        fiche.feed_authors = by_fiche.get(fiche.pk, [])
    return fiches


class AtomFeed(Feed):
    """Published fiches, most recently changed first, filtered like the list."""

    feed_type = Atom1Feed
    url_name = "opendata:feed"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response

    def get_object(self, request, *args, **kwargs):
        return InnovationFilters(request.GET)

    def title(self, filters):
        return feed_title(filters)

    def link(self, filters):
        return with_query(reverse("innovations:list"), filters)

    def feed_url(self, filters):
        return with_query(reverse(self.url_name), filters)

    def feed_guid(self, filters):
        return settings.SITE_URL.rstrip("/") + self.feed_url(filters)

    def description(self, filters):
        return _("Les fiches nouvelles et mises à jour : des initiatives d'innovation sociale du territoire, "
                 "sous licence libre.")

    subtitle = description

    def items(self, filters):
        def compute():
            published = filters.apply(Innovation.objects.published())
            return list(published.order_by("-updated_at", "-pk").values_list("pk", flat=True)[:FEED_SIZE])

        ids = cached_per_version("feed-ids", filters.cache_key(), compute=compute, timeout=IDS_CACHE_SECONDS)
        fiches = (
            Innovation.objects.published().filter(pk__in=ids)
            .select_related("carrier_kind").prefetch_related("themes").order_by("-updated_at", "-pk")
        )
        return attach_authors(list(fiches))

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        return xml_text(item.pitch)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return entry_id(item)

    item_guid_is_permalink = False

    def item_author_name(self, item):
        names = [person.name for person in item.feed_authors]
        return xml_text(join_names(names) or item.carrier_name) or None

    def item_author_link(self, item):
        # Only a single author's public page (never an address, never a private profile).
        if len(item.feed_authors) == 1 and item.feed_authors[0].url:
            return settings.SITE_URL.rstrip("/") + item.feed_authors[0].url
        return None

    def item_author_email(self, item):
        return None  # never: feeds are public

    def item_categories(self, item):
        return [xml_text(theme.name) for theme in item.themes.all()]

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_copyright(self, item):
        return item.get_licence_display()


class RssFeed(AtomFeed):
    """The same entries in RSS 2.0, which has no "updated" date: pubDate is the last change."""

    feed_type = Rss201rev2Feed
    url_name = "opendata:feed_rss"

    def item_pubdate(self, item):
        return item.updated_at
