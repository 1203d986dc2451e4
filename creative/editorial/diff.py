"""What changed between two snapshots of a fiche, field by field and word by word.

`diff_snapshots(old, new)` lists the changed parts of a fiche in the order a person reads it
(the fiche's fields, each code-source section, then themes, places and links), each with a
French label, the old and new values for display and:

- for texts, a word-level diff: a list of (op, text) pairs, op being "equal", "insert" or
  "delete", whose texts joined give back the old text (equal + delete) and the new one
  (equal + insert);
- for lists (themes, places, links), the same pairs item by item.

`word_diff(a, b)` is usable alone (suggestions show an editor's rewording with it).
`readable(snapshot)` gives the same labels and display values for showing one revision.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from creative.innovations.models import CarrierKind, Innovation, Licence, Section, Theme

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

# Words (letters with their accents, digits), runs of whitespace, and every other character alone:
# joined back, the tokens are exactly the text, so Markdown marks and punctuation diff on their own.
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")

# Fields whose values are prose, shown as a word diff; the others change as a whole.
PROSE_FIELDS = ("title", "pitch", "description", "carrier_name")
# The fiche's own fields, in the order of the model (the order of the form and the page).
FIELDS = tuple(
    f.name for f in Innovation._meta.get_fields()
    if f.name in {*PROSE_FIELDS, "carrier_kind", "status", "start_year", "website", "licence"}
)
MARKDOWN_KEYS = ("description",)


def tokens(text):
    return TOKEN.findall(text or "")


def word_diff(a, b):
    """The changes turning text `a` into text `b`, word by word: [(op, text), …]."""
    old, new = tokens(a), tokens(b)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append((EQUAL, "".join(old[i1:i2])))
            continue
        if i2 > i1:
            ops.append((DELETE, "".join(old[i1:i2])))
        if j2 > j1:
            ops.append((INSERT, "".join(new[j1:j2])))
    return _merged(_absorb_blanks(ops))


def _absorb_blanks(ops):
    """A lone space between two changes is folded into them: "le chat" → "la chienne" reads as one change."""
    out = list(ops)
    for i in range(1, len(out) - 1):
        op, text = out[i]
        if op == EQUAL and not text.strip() and out[i - 1][0] != EQUAL and out[i + 1][0] != EQUAL:
            out[i] = ("blank", text)
    result, run = [], []
    for op, text in out:
        if op == EQUAL:
            result.extend(_run(run))
            run = []
            result.append((op, text))
        else:
            run.append((op, text))
    result.extend(_run(run))
    return result


def _run(run):
    """A run of changes as one deletion then one insertion (a folded blank belongs to both).

    A run that only adds (or only removes) keeps its blanks as unchanged text.
    """
    if not ({op for op, _ in run} >= {DELETE, INSERT}):
        return [(EQUAL if op == "blank" else op, text) for op, text in run]
    deleted = "".join(text for op, text in run if op in (DELETE, "blank"))
    inserted = "".join(text for op, text in run if op in (INSERT, "blank"))
    return [(op, text) for op, text in ((DELETE, deleted), (INSERT, inserted)) if text]


def _merged(ops):
    result = []
    for op, text in ops:
        if not text:
            continue
        if result and result[-1][0] == op:
            result[-1] = (op, result[-1][1] + text)
        else:
            result.append((op, text))
    return result


def list_diff(old, new):
    """Item by item: [(op, item), …] with items in the order of `new`, removed ones where they were."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.extend((EQUAL, item) for item in old[i1:i2])
            continue
        ops.extend((DELETE, item) for item in old[i1:i2])
        ops.extend((INSERT, item) for item in new[j1:j2])
    return ops


class Vocabulary:
    """Names for the slugs and codes a snapshot holds (three queries, made once per page)."""

    def __init__(self):
        rows = list(Section.objects.order_by("position", "pk").values_list("slug", "title", "is_active"))
        self.sections = {slug: title for slug, title, _active in rows}
        self.active_sections = [slug for slug, _title, active in rows if active]
        self.themes = dict(Theme.objects.values_list("slug", "name"))
        self.theme_order = {slug: i for i, slug in enumerate(Theme.objects.values_list("slug", flat=True))}
        self.carrier_kinds = dict(CarrierKind.objects.values_list("slug", "name"))

    def label(self, key):
        if key.startswith("sections."):
            slug = key.removeprefix("sections.")
            return self.sections.get(slug, slug)
        if key == "themes":
            return _("Thèmes")
        if key == "places":
            return _("Lieux")
        if key == "links":
            return _("Liens")
        return str(Innovation._meta.get_field(key).verbose_name).capitalize()

    def section_keys(self, *snapshots):
        """Section keys in the order of the sections, then any section deleted since (by slug)."""
        present = {slug for data in snapshots for slug, body in (data.get("sections") or {}).items() if body}
        known = [slug for slug in self.sections if slug in present]
        return [f"sections.{slug}" for slug in (*known, *sorted(present - set(known)))]

    def value(self, key, data):
        """The display value of `key` in snapshot `data`: a string, or a list of strings for lists."""
        if key.startswith("sections."):
            return (data.get("sections") or {}).get(key.removeprefix("sections.")) or ""
        raw = data.get(key)
        if key == "themes":
            slugs = sorted(raw or [], key=lambda s: (self.theme_order.get(s, len(self.theme_order)), s))
            return [self.themes.get(slug, slug) for slug in slugs]
        if key == "places":
            return [place_text(place) for place in raw or []]
        if key == "links":
            return [f"{link.get('label', '')} — {link.get('url', '')}" for link in raw or []]
        if raw in (None, ""):
            return ""
        if key == "status":
            return _choice_label(Innovation.Status, raw)
        if key == "licence":
            return _choice_label(Licence, raw)
        if key == "carrier_kind":
            return self.carrier_kinds.get(raw, raw)
        return str(raw)


def _choice_label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def place_text(place):
    text = place.get("commune_name") or place.get("commune") or ""
    if place.get("address"):
        text += f" — {place['address']}"
    if place.get("latitude") is not None and place.get("longitude") is not None:
        text += " " + _("(point %(lat)s, %(lng)s)") % {
            "lat": f"{place['latitude']:.5f}", "lng": f"{place['longitude']:.5f}"}
    return text


@dataclass
class FieldChange:
    """One changed part of a fiche between two snapshots."""

    key: str  # a key of a flattened snapshot: "title", "sections.origine", "themes"…
    label: str
    kind: str  # "text" (word diff), "value" (replaced as a whole) or "list" (item by item)
    old: object
    new: object
    diff: list = field(default_factory=list)  # [(op, text)] for texts and lists

    @property
    def is_markdown(self):
        return self.key in MARKDOWN_KEYS or self.key.startswith("sections.")


def diff_snapshots(old, new, *, keys=None, vocabulary=None):
    """The parts that differ between snapshots `old` and `new`, in display order.

    `keys` restricts the comparison to some keys of the flattened snapshots (a conflict's).
    """
    old, new = old or {}, new or {}
    words = vocabulary or Vocabulary()
    ordered = [*FIELDS, *words.section_keys(old, new), "themes", "places", "links"]
    changes = []
    for key in ordered:
        if keys is not None and key not in keys:
            continue
        before, after = words.value(key, old), words.value(key, new)
        if before == after:
            continue
        label = words.label(key)
        if isinstance(before, list):
            changes.append(FieldChange(key, label, "list", before, after, list_diff(before, after)))
        elif key in PROSE_FIELDS or key.startswith("sections."):
            changes.append(FieldChange(key, label, "text", before, after, word_diff(before, after)))
        else:
            changes.append(FieldChange(key, label, "value", before, after))
    return changes


@dataclass
class ReadablePart:
    key: str
    label: str
    value: object  # a string, or a list of strings


@dataclass
class ReadableSnapshot:
    """One revision's content with labels and names, laid out like the fiche page."""

    title: str
    pitch: str
    description: str
    facts: list  # ReadablePart: carrier, status, year, website, licence, themes, places (filled ones)
    sections: list  # ReadablePart for each active or answered section ("" when unanswered)
    links: list  # "label — url"


def readable(data, *, vocabulary=None):
    words = vocabulary or Vocabulary()
    facts = []
    for key in (*FIELDS, "themes", "places"):
        if key in ("title", "pitch", "description"):
            continue
        value = words.value(key, data)
        if value:
            facts.append(ReadablePart(key, words.label(key), value))
    answered = words.section_keys(data)
    active = {f"sections.{slug}" for slug in words.active_sections}
    section_keys = [f"sections.{slug}" for slug in words.sections]
    section_keys = [key for key in section_keys if key in active or key in answered]
    section_keys += [key for key in answered if key not in section_keys]
    sections = [
        ReadablePart(key, words.label(key), words.value(key, data) if key in answered else "")
        for key in section_keys
    ]
    return ReadableSnapshot(
        title=data.get("title") or "", pitch=data.get("pitch") or "", description=data.get("description") or "",
        facts=facts, sections=sections, links=words.value("links", data),
    )
