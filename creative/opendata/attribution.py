"""The republication kit of a fiche: licence in plain words, attribution texts, embed code.

Everything here is built from public data only: the title, the authors' public names
(`creative.editorial.people`, never an email address), the fiche's address and its licence.
The same attribution is given as plain text (the fiche page's historic one), as HTML (escaped)
and as Markdown (escaped), so that a partner can paste it anywhere.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

# The compact card's size in an iframe (oEmbed may shrink it with maxwidth/maxheight).
CARD_WIDTH = 480
CARD_HEIGHT = 360
# The map widget's default size.
MAP_WIDTH = 800
MAP_HEIGHT = 600

# Characters with a meaning in Markdown (links, emphasis, raw HTML, tables…): escaped with a
# backslash so that a title or a name is always pasted as plain text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~#])")


def escape_markdown(text):
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


@dataclass(frozen=True)
class Attribution:
    """Who and what to credit when republishing a fiche."""

    title: str
    credit: str  # the authors' public names (and contributors), or the carrier for unsigned fiches
    url: str  # the fiche's absolute address
    licence: str  # the licence's name
    licence_url: str
    plain_words: str  # what the licence allows, in plain French
    site: str = field(default_factory=lambda: settings.SITE_NAME)
    site_url: str = ""

    def as_text(self):
        return _("« %(title)s », par %(authors)s, sur %(site)s (%(url)s), licence %(licence)s — %(licence_url)s") % {
            "title": self.title, "authors": self.credit, "site": self.site, "url": self.url,
            "licence": self.licence, "licence_url": self.licence_url,
        }

    def as_html(self):
        """One paragraph to paste into a web page; every value is escaped."""
        site = format_html('<a href="{}">{}</a>', self.site_url, self.site) if self.site_url else self.site
        licence = (
            format_html('<a href="{}" rel="license">{}</a>', self.licence_url, self.licence)
            if self.licence_url else self.licence
        )
        return format_html(
            _("<p>« {title} », par {authors}, sur {site}, licence {licence}</p>"),
            title=format_html('<a href="{}">{}</a>', self.url, self.title),
            authors=self.credit, site=site, licence=licence,
        )

    def as_markdown(self):
        """One line to paste into a Markdown document; titles and names are escaped."""
        site = f"[{escape_markdown(self.site)}]({self.site_url})" if self.site_url else escape_markdown(self.site)
        licence = escape_markdown(self.licence)
        if self.licence_url:
            licence = f"[{licence}]({self.licence_url})"
        return _("« %(title)s », par %(authors)s, sur %(site)s, licence %(licence)s") % {
            "title": f"[{escape_markdown(self.title)}]({self.url})",
            "authors": escape_markdown(self.credit), "site": site, "licence": licence,
        }


def site_root(request):
    return request.build_absolute_uri("/")


def attribution_for(innovation, request, authors=None, contributors=None):
    """The Attribution of `innovation`, its addresses made absolute for `request`."""
    from creative.editorial.people import authors_and_contributors, credit_line
    from creative.innovations.views import fallback_credit

    if authors is None or contributors is None:
        authors, contributors = authors_and_contributors(innovation)
    return Attribution(
        title=innovation.title,
        credit=str(credit_line(list(authors), list(contributors), fallback=fallback_credit(innovation))),
        url=request.build_absolute_uri(innovation.get_absolute_url()),
        licence=innovation.get_licence_display(),
        licence_url=innovation.licence_url,
        plain_words=str(innovation.licence_plain_words),
        site_url=site_root(request),
    )


def iframe_code(src, title, width, height):
    """The <iframe> a partner pastes; `loading=lazy` and no border, sized but shrinkable."""
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>',
        src, title, width, height,
    )


def card_embed_code(innovation, request, width=CARD_WIDTH, height=CARD_HEIGHT):
    src = request.build_absolute_uri(reverse("opendata:embed_card", args=[innovation.slug]))
    return iframe_code(src, innovation.title, width, height)


def map_embed_url(request, querystring=""):
    url = request.build_absolute_uri(reverse("opendata:embed_map"))
    return f"{url}?{querystring}" if querystring else url


def map_embed_code(request, querystring="", width=MAP_WIDTH, height=MAP_HEIGHT):
    title = _("Carte des innovations — %(site)s") % {"site": settings.SITE_NAME}
    return iframe_code(map_embed_url(request, querystring), title, width, height)


def oembed_url(request, page_url):
    return request.build_absolute_uri(reverse("opendata:oembed")) + "?" + urlencode({"url": page_url, "format": "json"})


def reuse_kit(innovation, request, authors=None, contributors=None):
    """What the fiche page's « Réutiliser » block shows (embeds only for published fiches)."""
    attribution = attribution_for(innovation, request, authors, contributors)
    published = innovation.is_published
    return {
        "attribution": attribution,
        "text": attribution.as_text(),
        "html": attribution.as_html(),
        "markdown": attribution.as_markdown(),
        "embed_code": card_embed_code(innovation, request) if published else "",
        "embed_url": reverse("opendata:embed_card", args=[innovation.slug]) if published else "",
        "oembed_url": oembed_url(request, attribution.url) if published else "",
    }
