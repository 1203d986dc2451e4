"""Atom and RSS feeds of the agenda, beside its iCal feeds (views/feeds.py).

`agenda/flux/` (Atom) and `agenda/flux/rss/` (RSS) list the upcoming events as the agenda does
(published ones, and cancelled ones titled « Annulé : … »), newest announced first, with the
agenda's filters (territory at any level, theme, kind, online). A feed reader sees an event when
it is announced; a calendar subscribes to the iCal feed instead. No address, no online link, no
registration ever appears in them.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from .. import services
from ..filters import EventFilters
from ..models import Event

FEED_ITEMS = 50


def syndication_urls(filters):
    """(Atom, RSS) addresses of the feeds matching these agenda filters."""
    query = filters.querystring()
    suffix = f"?{query}" if query else ""
    return reverse("events:atom_feed") + suffix, reverse("events:rss_feed") + suffix


class AgendaAtomFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        return EventFilters(request.GET)

    def title(self, filters):
        parts = [settings.SITE_NAME, _("Agenda")]
        if filters.territory:
            parts.append(filters.territory.name)
        return " — ".join(parts)

    def subtitle(self, filters):
        return _("Les ateliers, formations et rencontres à venir, dans l'ordre où ils sont annoncés.")

    description = subtitle

    def link(self, filters):
        query = filters.querystring()
        return reverse("events:agenda") + (f"?{query}" if query else "")

    def items(self, filters):
        events = filters.apply(Event.objects.upcoming()).select_related("kind", "commune")
        return list(events.order_by("-created_at", "-pk")[:FEED_ITEMS])

    def item_title(self, event):
        # A cancelled date stays in the feed, so that its readers learn of the cancellation.
        if event.state == Event.State.CANCELLED:
            return _("Annulé : %(title)s") % {"title": event.title}
        return event.title

    def item_description(self, event):
        lines = [services.when_text(event), services.place_text(event)]
        if event.kind_id:
            lines.insert(0, event.kind.name)
        return " · ".join(str(line) for line in lines if line)

    def item_link(self, event):
        return event.get_absolute_url()

    def item_guid(self, event):
        return f"tag:{settings.SITE_URL.split('://')[-1].split('/')[0]},2026:event:{event.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_categories(self, event):
        return [theme.name for theme in event.themes.all()]


class AgendaRssFeed(AgendaAtomFeed):
    feed_type = Rss201rev2Feed


urlpatterns = [
    path("agenda/flux/", AgendaAtomFeed(), name="atom_feed"),
    path("agenda/flux/rss/", AgendaRssFeed(), name="rss_feed"),
]
