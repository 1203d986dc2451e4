"""Finding a commune from what a person types: the autocomplete endpoint and the form path.

Names are compared *folded*: case, accents, hyphens and apostrophes are ignored and "St"/"Ste"
read as "Saint"/"Sainte", so "plougastel daoulas", "PLOUGASTEL-DAOULAS" and "Plougastel Daoulas"
are one name. SQLite cannot compare that way (no `unaccent`), and a region holds about 1,300
communes: the folded index is built in Python from one query and cached for a few minutes (the
reference data changes about once a year, with `load_territories`).
"""

import re
import unicodedata
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Territory

INDEX_CACHE_KEY = "territories:commune-index:v1"
INDEX_CACHE_SECONDS = 600
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
MAX_RESULTS = 15
CANDIDATES_SHOWN = 5

_NOT_LETTERS = re.compile(r"[^0-9a-z]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
_LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<qualifier>[^()]*)\)\s*$")
_CODE = re.compile(r"^(?:\d{5}|2[ab]\d{3})$")  # an INSEE or postal code (Corsica: 2A…, 2B…)
_POSTAL_SEPARATORS = re.compile(r"[\s,;/]+")

# Match tiers, best first.
EXACT, PREFIX, WORD_PREFIX, CONTAINS = range(4)


def fold(text):
    """`text` lower-cased, without accents, words separated by single spaces.

    >>> fold("L'Hôpital-Camfrout")
    'l hopital camfrout'
    """
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_ABBREVIATIONS.get(word, word) for word in _NOT_LETTERS.split(plain) if word)


class CommuneEntry(NamedTuple):
    """What the lookups need to know of a commune, kept in the cache."""

    pk: int
    code: str  # INSEE
    name: str
    folded: str  # fold(name)
    postal_codes: tuple[str, ...]
    departement: str  # the département's code, "" if the commune hangs from none
    lat: float | None
    lng: float | None
    home: bool  # inside the instance's home territory

    @property
    def compact(self):
        return self.folded.replace(" ", "")

    @property
    def label(self):
        """"Plougastel-Daoulas (29470)": the name and its first postal code, or its département."""
        qualifier = self.postal_codes[0] if self.postal_codes else self.departement
        return f"{self.name} ({qualifier})" if qualifier else self.name

    def as_json(self):
        return {"code": self.code, "name": self.name, "label": self.label, "lat": self.lat, "lng": self.lng}


def commune_index():
    """Every commune as a CommuneEntry (cached; an empty index is not, so an import shows at once)."""
    entries = cache.get(INDEX_CACHE_KEY)
    if entries is None:
        entries = build_index()
        if entries:
            cache.set(INDEX_CACHE_KEY, entries, INDEX_CACHE_SECONDS)
    return entries


def build_index():
    rows = Territory.objects.values_list(
        "pk", "parent_id", "level", "code", "name", "slug", "postal_codes", "latitude", "longitude"
    )
    by_pk = {row[0]: row for row in rows}
    home_pk = next((row[0] for row in by_pk.values() if row[5] == settings.HOME_TERRITORY), None)
    entries = []
    for pk, parent_id, level, code, name, _slug, postal_codes, lat, lng in by_pk.values():
        if level != Territory.Level.COMMUNE:
            continue
        chain = [pk]
        # Parents are at most four hops away; the bound guards against a loop made by hand.
        while parent_id in by_pk and len(chain) < 10:
            chain.append(parent_id)
            parent_id = by_pk[parent_id][1]
        departement = next((by_pk[a][3] for a in chain if by_pk[a][2] == Territory.Level.DEPARTEMENT), "")
        entries.append(
            CommuneEntry(
                pk=pk,
                code=code,
                name=name,
                folded=fold(name),
                postal_codes=tuple(p for p in _POSTAL_SEPARATORS.split(postal_codes) if p),
                departement=departement,
                lat=lat,
                lng=lng,
                home=home_pk in chain,
            )
        )
    return entries


def _tier(entry, folded, compact):
    if entry.folded == folded:
        return EXACT
    if entry.compact.startswith(compact):
        return PREFIX
    if f" {entry.folded}".find(f" {folded}") >= 0:
        return WORD_PREFIX  # "daoulas" in "Plougastel-Daoulas"
    if compact in entry.compact:
        return CONTAINS
    return None


def search_communes(text, *, limit=MAX_RESULTS):
    """Communes whose folded name matches `text`, best first.

    Exact name, then names starting with the text, then names with a word starting with it,
    then names containing it; within each tier, communes of the home territory first, then
    alphabetical. Fewer than MIN_QUERY_LENGTH letters give nothing.
    """
    folded = fold((text or "")[:MAX_QUERY_LENGTH])
    compact = folded.replace(" ", "")
    if len(compact) < MIN_QUERY_LENGTH:
        return []
    ranked = []
    for entry in commune_index():
        tier = _tier(entry, folded, compact)
        if tier is not None:
            ranked.append(((tier, not entry.home, entry.folded, entry.code), entry))
    ranked.sort(key=lambda pair: pair[0])
    entries = [entry for _key, entry in ranked]
    return entries if limit is None else entries[:limit]


def resolve_commune(text):
    """The one commune a person meant by `text`: `(commune, None)` or `(None, message)`.

    `text` may be a name ("plougastel daoulas"), a label offered by the autocomplete
    ("Plougastel-Daoulas (29470)", the qualifier being a postal code, the INSEE code or the
    département's code) or a code: an INSEE code wins, then a postal code. A name matching
    several communes, or none exactly but several partly, is ambiguous: the message lists up
    to five candidates, as labels the person can type back.
    """
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    if not fold(text):
        return None, _("Indiquez le nom d'une commune.")
    index = commune_index()

    code = text.casefold()
    if _CODE.match(code):
        candidates = [e for e in index if e.code.casefold() == code] or [e for e in index if code in e.postal_codes]
        if candidates:
            return _one_of(_home_then_name(candidates), text)

    label = _LABEL.match(text)
    if label:
        named = [e for e in index if e.folded == fold(label["name"])]
        qualifier = label["qualifier"].strip().casefold()
        qualified = [e for e in named if qualifier in (*e.postal_codes, e.code.casefold(), e.departement.casefold())]
        if qualified or named:
            return _one_of(_home_then_name(qualified or named), text)
        text = label["name"]  # an edited label: look for its name alone

    exact = [e for e in index if e.folded == fold(text)]
    if exact:
        return _one_of(_home_then_name(exact), text)
    partial = search_communes(text, limit=None)
    if partial:
        return _one_of(partial, text)
    return None, _not_found(text)


def _home_then_name(entries):
    return sorted(entries, key=lambda e: (not e.home, e.folded, e.code))


def _not_found(text):
    return _("Commune introuvable : « %(text)s ». Vérifiez l'orthographe, ou indiquez son code postal.") % {
        "text": text
    }


def _one_of(entries, text):
    """The commune if `entries` holds one, else the message listing the first candidates."""
    if len(entries) == 1:
        commune = Territory.objects.filter(pk=entries[0].pk, level=Territory.Level.COMMUNE).first()
        return (commune, None) if commune is not None else (None, _not_found(text))  # a stale index
    shown = ", ".join(e.label for e in entries[:CANDIDATES_SHOWN])
    hidden = len(entries) - CANDIDATES_SHOWN
    if hidden > 0:
        shown = ngettext("%(shown)s et %(count)s autre", "%(shown)s et %(count)s autres", hidden) % {
            "shown": shown,
            "count": hidden,
        }
    return None, _(
        "Plusieurs communes correspondent à « %(text)s » : %(candidates)s. "
        "Précisez laquelle avec son code postal, par exemple « %(example)s »."
    ) % {"text": text, "candidates": shown, "example": entries[0].label}
