"""Exports of public fiches: CSV, GeoJSON (RFC 7946) and JSON-LD (schema.org).

The same generators serve the download links of a filtered list or map (the list's GET
parameters, read by InnovationFilters) and the daily dump (every published fiche). Only
published fiches are exported, and only public data: a fiche's contact address and people's
email addresses are never read here; authors appear under their public names.

Everything is a generator of text chunks over `iterator(chunk_size=…)`: a view streams it,
the dump writes it to a file, and 100,000 fiches never sit in memory at once.
"""

import csv
import json
import re

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.http import QueryDict

from creative.innovations.filters import InnovationFilters
from creative.innovations.models import Answer, Authorship, Innovation, Place, Section

CHUNK_SIZE = 500
BOM = "\ufeff"
CSV_INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EMAIL_LIKE = re.compile(r"\S+@\S+\.\S+")

# The fixed columns of the CSV, then one column per active section ("section_<slug>").
CSV_COLUMNS = (
    "id", "titre", "url", "en_bref", "description", "themes", "type_porteur", "structure_porteuse",
    "avancement", "annee_demarrage", "site_web", "communes", "latitude", "longitude", "licence",
    "licence_url", "source", "auteurs", "creee_le", "modifiee_le", "publiee_le",
)
SECTION_PREFIX = "section_"
LIST_SEPARATOR = " | "


def public_fiches(params=None):
    """(filters, published fiches matching `params`, in id order); no params: every public fiche."""
    filters = InnovationFilters(params if params is not None else QueryDict())
    queryset = filters.apply(Innovation.objects.published())
    return filters, queryset.order_by("pk")


def with_related(queryset):
    """`queryset` with what the exports read, in a fixed number of queries per chunk."""
    return queryset.select_related("carrier_kind", "provenance").prefetch_related(
        "themes",
        Prefetch("places", queryset=Place.objects.select_related("commune").order_by("pk")),
        Prefetch("answers", queryset=Answer.objects.select_related("section")),
        Prefetch("authorships", queryset=Authorship.objects.select_related("user__profile")),
    )


def iterate(queryset):
    return with_related(queryset).iterator(chunk_size=CHUNK_SIZE)


def _public_name(name):
    """A name fit for publication: an email-like text (a legacy name, an import) is dropped."""
    name = str(name or "").strip()
    return "" if not name or EMAIL_LIKE.search(name) else name


def author_names(fiche):
    """The public names signing a fiche; for an imported fiche nobody signs, its original authors."""
    names = [_public_name(a.user.display_name) for a in fiche.authorships.all()]
    names = [n for n in names if n]
    if not names:
        provenance = provenance_of(fiche)
        if provenance and provenance.original_authors:
            names = [n for n in (_public_name(p) for p in re.split(r"[,;\n]", provenance.original_authors)) if n]
    return names


def provenance_of(fiche):
    try:
        return fiche.provenance
    except ObjectDoesNotExist:  # not imported
        return None


def source_url(fiche):
    provenance = provenance_of(fiche)
    return provenance.original_url if provenance else ""


def _iso(value):
    return value.isoformat() if value else ""


# --- CSV ---------------------------------------------------------------------------------------


def cell(value):
    """A spreadsheet cell that is never read as a formula (like the events' attendee export)."""
    value = "" if value is None else str(value)
    return f"'{value}" if value.startswith(CSV_INJECTION_PREFIXES) else value


class _Line:
    """A file-like object whose write() returns the text written, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_header(sections):
    return [*CSV_COLUMNS, *(SECTION_PREFIX + s.slug for s in sections)]


def csv_row(fiche, base_url, sections):
    places = list(fiche.places.all())
    first = places[0] if places else None
    answers = {a.section_id: a.body for a in fiche.answers.all()}
    text = [
        fiche.title, base_url + fiche.get_absolute_url(), fiche.pitch, fiche.description,
        LIST_SEPARATOR.join(t.name for t in fiche.themes.all()),
        fiche.carrier_kind.name if fiche.carrier_kind else "", fiche.carrier_name,
        fiche.status,
    ]
    return [
        fiche.pk, *(cell(v) for v in text),
        fiche.start_year or "", cell(fiche.website),
        cell(LIST_SEPARATOR.join(dict.fromkeys(p.commune.name for p in places))),
        # Numbers, not text: a longitude west of Greenwich starts with "-" and must stay a number.
        first.map_lat if first else "", first.map_lng if first else "",
        fiche.licence, fiche.licence_url, cell(source_url(fiche)),
        cell(LIST_SEPARATOR.join(author_names(fiche))),
        _iso(fiche.created_at), _iso(fiche.updated_at), _iso(fiche.published_at),
        *(cell(answers.get(s.pk, "")) for s in sections),
    ]


def csv_chunks(fiches, base_url, sections=None):
    """The CSV export (UTF-8 with a BOM, so spreadsheets read accents), line by line."""
    sections = list(Section.objects.active()) if sections is None else sections
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield BOM + writer.writerow(csv_header(sections))
    for fiche in fiches:
        yield writer.writerow(csv_row(fiche, base_url, sections))


# --- GeoJSON -----------------------------------------------------------------------------------


def geojson_features(fiche, base_url):
    """One RFC 7946 Feature per place of the fiche ([longitude, latitude], WGS 84)."""
    url = base_url + fiche.get_absolute_url()
    themes = [t.name for t in fiche.themes.all()]
    for place in fiche.places.all():
        yield {
            "type": "Feature",
            "id": f"{fiche.pk}-{place.pk}",
            "geometry": {"type": "Point", "coordinates": [place.map_lng, place.map_lat]},
            "properties": {
                "id": fiche.pk,
                "title": fiche.title,
                "url": url,
                "pitch": fiche.pitch,
                "themes": themes,
                "status": fiche.status,
                "licence": fiche.licence,
                "licence_url": fiche.licence_url,
                "commune": place.commune.name,
                "commune_code": place.commune.code,
                "address": place.address,
                # False: the point is the commune's, not the place's own.
                "precise": place.has_point,
            },
        }


def geojson_chunks(fiches, base_url):
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for fiche in fiches:
        for feature in geojson_features(fiche, base_url):
            text = json.dumps(feature, ensure_ascii=False)
            yield text if first else ",\n" + text
            first = False
    yield "\n]}\n"


def jsonld_chunks(fiches, base_url):
    from . import jsonld

    return jsonld.stream(fiches, base_url)


FORMATS = {
    # name: (chunks generator, content type, file extension)
    "csv": (csv_chunks, "text/csv; charset=utf-8", "csv"),
    "geojson": (geojson_chunks, "application/geo+json", "geojson"),
    "jsonld": (jsonld_chunks, "application/ld+json", "jsonld"),
}
