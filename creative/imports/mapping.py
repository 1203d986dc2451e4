"""Turn a source's row into a normalised record (see pipeline.py) with the source's mappings.

`ImportSource.column_mapping` is {our field: source column} — our fields are FIELDS below, plus
"section.<slug>" for an answer of the code source. `ImportSource.theme_mapping` is
{source tag: theme slug}; a cell may hold several tags separated by `,` `;` or `|`. Tags that
are not in the mapping are *reported* (the editor adds them to the mapping), never guessed.
JSON columns may be dotted paths ("lieu.commune") and list values are taken as they are.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

FIELDS = [
    ("original_id", _("Identifiant unique à la source (obligatoire)")),
    ("title", _("Titre (obligatoire)")),
    ("pitch", _("En bref")),
    ("description", _("Description")),
    ("themes", _("Catégories (traduites en thèmes)")),
    ("carrier_kind", _("Type de porteur (slug)")),
    ("status", _("Avancement")),
    ("website", _("Site web")),
    ("commune", _("Commune (nom ou code INSEE)")),
    ("address", _("Adresse")),
    ("latitude", _("Latitude")),
    ("longitude", _("Longitude")),
    ("original_url", _("Adresse de la fiche d'origine")),
    ("original_authors", _("Auteurs d'origine")),
    ("licence", _("Licence")),
]
FIELD_NAMES = [name for name, _label in FIELDS]
SECTION_PREFIX = "section."
SPLIT = re.compile(r"[,;|]")
PLACE_FIELDS = ("commune", "address", "latitude", "longitude")


@dataclass
class Mapped:
    record: dict | None
    unmapped_tags: list = field(default_factory=list)
    error: str = ""


def cell(row, column):
    """The value of `column` in `row`; dotted paths reach into nested JSON objects."""
    if not column:
        return None
    if column in row:
        return row[column]
    value = row
    for part in column.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _str(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_str(v) for v in value if _str(v))
    if isinstance(value, dict):
        return ""
    return str(value).strip()


def split_tags(value):
    tags = [_str(v) for v in value] if isinstance(value, (list, tuple)) else SPLIT.split(_str(value))
    return [tag.strip() for tag in tags if tag and tag.strip()]


def map_themes(tags, theme_mapping):
    """(theme slugs, unmapped tags). Tags match the mapping exactly, then ignoring case and spaces."""
    folded = {str(key).strip().casefold(): slug for key, slug in (theme_mapping or {}).items()}
    slugs, unmapped = [], []
    for tag in tags:
        slug = (theme_mapping or {}).get(tag) or folded.get(tag.casefold())
        if slug:
            if slug not in slugs:
                slugs.append(slug)
        elif tag not in unmapped:
            unmapped.append(tag)
    return slugs, unmapped


def map_row(row, source):
    """A normalised record from one row, with the tags the theme mapping does not know."""
    if not isinstance(row, dict):
        return Mapped(None, error=str(_("Ligne illisible : ce n'est pas un objet.")))
    columns = {key: value for key, value in (source.column_mapping or {}).items() if value}
    record, unmapped = {}, []
    for name in ("original_id", "title", "pitch", "description", "carrier_kind", "status", "website",
                 "original_url", "original_authors", "licence"):
        if name in columns:
            record[name] = _str(cell(row, columns[name]))
    if "themes" in columns:
        record["themes"], unmapped = map_themes(split_tags(cell(row, columns["themes"])), source.theme_mapping)
    if "commune" in columns:
        raw = cell(row, columns["commune"])
        communes = split_tags(raw) if isinstance(raw, (list, tuple)) else [
            c.strip() for c in re.split(r"[;|]", _str(raw)) if c.strip()]
        places = [{"commune": name} for name in communes]
        if places:
            for name in ("address", "latitude", "longitude"):
                if name in columns:
                    places[0][name] = _str(cell(row, columns[name]))
        record["places"] = places
    answers = {
        key.removeprefix(SECTION_PREFIX): _str(cell(row, column))
        for key, column in columns.items() if key.startswith(SECTION_PREFIX)
    }
    if answers:
        record["answers"] = {slug: body for slug, body in answers.items() if body}
    return Mapped(record, unmapped)


def parse_theme_mapping(text):
    """{tag: slug} from lines "source tag = theme slug"; returns (mapping, [bad line numbers])."""
    mapping, bad = {}, []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        tag, sep, slug = line.rpartition("=")
        if not sep or not tag.strip() or not slug.strip():
            bad.append(number)
            continue
        mapping[tag.strip()] = slug.strip()
    return mapping, bad


def format_theme_mapping(mapping):
    return "\n".join(f"{tag} = {slug}" for tag, slug in sorted((mapping or {}).items(), key=lambda x: x[0].casefold()))
