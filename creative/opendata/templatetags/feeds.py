"""Feed autodiscovery: the `<link rel="alternate">` tags of a page's head.

`{% feed_links %}` (in base.html's head) always advertises the site-wide feed of new and updated
fiches. A page adds its own feeds, listed first so that feed readers offer them first:

- a view may set the context variable `feeds`: a list of (title, url, type), type being "atom",
  "rss" or a MIME type;
- a template may pass `filters=` (the list's or the map's `InnovationFilters`: the feed of the
  current filters) or `territory=` (the feed of that territory's fiches).
"""

from django import template
from django.http import QueryDict
from django.utils.translation import gettext as _

from creative.innovations.filters import InnovationFilters

from ..views.feeds import describe, feed_urls

register = template.Library()

TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


def fiche_feeds(label, filters=None):
    atom, rss = feed_urls(filters)
    return [
        (_("%(label)s (Atom)") % {"label": label}, atom, TYPES["atom"]),
        (_("%(label)s (RSS)") % {"label": label}, rss, TYPES["rss"]),
    ]


def territory_filters(territory):
    filters = InnovationFilters(QueryDict())
    filters.territory = territory
    return filters


@register.inclusion_tag("opendata/_feed_links.html", takes_context=True)
def feed_links(context, filters=None, territory=None):
    links = []
    if territory is not None:
        links += fiche_feeds(_("Les innovations — %(name)s") % {"name": territory.name}, territory_filters(territory))
    if isinstance(filters, InnovationFilters) and filters.is_active:
        links += fiche_feeds(_("Les innovations — %(filters)s") % {"filters": describe(filters)}, filters)
    for title, url, kind in context.get("feeds") or ():
        links.append((title, url, TYPES.get(kind, kind)))
    links += fiche_feeds(_("Les innovations nouvelles et mises à jour"))
    seen, unique = set(), []
    for title, url, kind in links:
        if url and url not in seen:
            seen.add(url)
            unique.append({"title": title, "url": url, "type": kind})
    return {"links": unique}
