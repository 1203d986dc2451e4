"""The public archive of the weekly letter: the list of letters sent, each letter's permanent
page, and the Atom and RSS feeds (one entry per letter).

A letter is public once it goes out (being sent, or sent). Drafts and scheduled letters answer
404, except to the people who write them (permissions.can_edit_letters), who see them marked
as not public. The archive shows the full letter, never anybody's personalised copy.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from creative.core.markdown import render_markdown

from ..models import Issue, IssueItem
from ..permissions import can_edit_letters

PAGE_SIZE = 20
FEED_SIZE = 20
PUBLIC_STATES = (Issue.State.SENDING, Issue.State.SENT)


def public_issues():
    """Letters gone out, newest first (a letter being sent dates from the start of its sending)."""
    return (
        Issue.objects.filter(state__in=PUBLIC_STATES)
        .annotate(published_at=Coalesce("sent_at", "sending_started_at", "period_end"))
        .order_by("-published_at", "-number")
    )


def _items():
    return Prefetch("items", queryset=IssueItem.objects.order_by("position", "pk"))


def feed_links():
    return {"atom_url": reverse("letters:feed"), "rss_url": reverse("letters:feed_rss")}


@require_GET
def archive(request):
    page = Paginator(public_issues().prefetch_related(_items()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "letters/archive.html", {"page": page, "issues": page.object_list, **feed_links()})


@require_GET
def issue(request, number):
    letter = get_object_or_404(
        Issue.objects.prefetch_related(_items()).annotate(
            published_at=Coalesce("sent_at", "sending_started_at", "period_end")
        ),
        number=number,
    )
    is_public = letter.state in PUBLIC_STATES
    if not is_public and not can_edit_letters(request.user):
        raise Http404
    response = render(request, "letters/issue.html", {"issue": letter, "is_public": is_public, **feed_links()})
    if not is_public:
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
        response["X-Robots-Tag"] = "noindex"
    return response


class AtomFeed(Feed):
    feed_type = Atom1Feed
    def title(self):
        return _("La lettre de %(site)s") % {"site": settings.SITE_NAME}

    def link(self):
        return reverse("letters:archive")

    def description(self):
        return _("Chaque semaine, les nouvelles fiches, les prochains rendez-vous et les appels à l'aide "
                 "de l'innovation sociale du territoire.")

    subtitle = description

    def items(self):
        return list(public_issues().prefetch_related(_items())[:FEED_SIZE])

    def item_title(self, item):
        return item.subject

    def item_description(self, item):
        """The editorial and the items, with absolute links (feed readers are outside the site)."""
        editorial = str(render_markdown(item.editorial)) if item.editorial.strip() else ""
        items = render_to_string("letters/_items.html", {"items": item.items.all(), "absolute": True,
                                                         "SITE_URL": settings.SITE_URL})
        return editorial + items

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


class RssFeed(AtomFeed):
    feed_type = Rss201rev2Feed
