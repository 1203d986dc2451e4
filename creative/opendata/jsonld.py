"""schema.org JSON-LD of public fiches, for exports and the daily dump.

Each item is the fiche page's own JSON-LD (innovations.views.json_ld) without its `@context`,
which the export states once for its whole `@graph`, plus an `@id`, an identifier and the
description. Only public names are used for authors: never an email address.
"""

import json

from creative.editorial.people import Person

CONTEXT = "https://schema.org"


def fiche_item(fiche, page_url):
    """The JSON-LD node of one fiche prefetched by exports.with_related()."""
    from creative.innovations.views import json_ld

    from .exports import author_names

    places = list(fiche.places.all())
    themes = list(fiche.themes.all())
    authors = [Person(id=0, name=name) for name in author_names(fiche)]
    data = json_ld(fiche, page_url, places, themes, authors)
    data.pop("@context", None)
    data["@id"] = page_url
    data["identifier"] = str(fiche.pk)
    data["description"] = fiche.description or fiche.pitch
    data["creativeWorkStatus"] = fiche.get_status_display()
    if fiche.start_year:
        data["temporalCoverage"] = f"{fiche.start_year}/.."
    if fiche.website:
        data["sameAs"] = fiche.website
    return data


def stream(fiches, base_url):
    """The export as chunks of text: one document, `{"@context": …, "@graph": [items]}`."""
    yield '{"@context": "%s", "@graph": [\n' % CONTEXT  # noqa: UP031 (a constant)
    first = True
    for fiche in fiches:
        item = json.dumps(fiche_item(fiche, base_url + fiche.get_absolute_url()), ensure_ascii=False)
        yield item if first else ",\n" + item
        first = False
    yield "\n]}\n"
