"""Create or update one fiche from one imported record, keeping its provenance and licence.

A *record* is a normalised dict (readers.py + mapping.py make them from CSV/JSON rows; the
harvester makes them from another instance's API)::

    {"original_id", "title", "pitch", "description", "themes": [slug…], "carrier_kind": slug,
     "status", "website", "places": [{"commune": name or INSEE code, "address", "latitude",
     "longitude"}], "answers": {section slug: text}, "original_url", "original_authors": str,
     "licence": Licence value}

Keys missing from a record leave the fiche's current value alone on update.

`upsert_record()` writes through the editorial history (editorial.revisions): a created fiche is
published with an ADMIN revision n° 1; an update is an ADMIN revision saved by `save_edit`, so
the history is kept. The `Provenance` row (one per source and original id) holds the hash of
what was imported: the same record imported again is "unchanged", never a duplicate. Content
keeps its licence exactly; a record whose licence is unknown is skipped, never relicensed.
"""

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creative.audit import record as audit
from creative.innovations.models import CarrierKind, Innovation, Licence, Section, Theme
from creative.territories.models import Territory

from . import permissions
from .models import Provenance

logger = logging.getLogger(__name__)

# Email addresses are never stored from a source (original authors are shown on the fiche).
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"

# What a record may set, with the name used in reports.
FIELD_LABELS = {
    "title": gettext_lazy("titre"),
    "pitch": gettext_lazy("en bref"),
    "description": gettext_lazy("description"),
    "themes": gettext_lazy("thèmes"),
    "carrier_kind": gettext_lazy("type de porteur"),
    "status": gettext_lazy("avancement"),
    "website": gettext_lazy("site web"),
    "places": gettext_lazy("lieux"),
    "licence": gettext_lazy("licence"),
    "sections": gettext_lazy("code source"),
}


@dataclass
class Outcome:
    action: str  # "created" | "updated" | "unchanged" | "skipped"
    innovation: Innovation | None = None
    reason: str = ""
    title: str = ""
    warnings: list = field(default_factory=list)  # things dropped or guessed, for the report
    changes: list = field(default_factory=list)  # snapshot keys an update changes
    duplicates: int = 0  # duplicate candidates found for a created/updated fiche

    def as_report(self, row=None):
        """The JSON-ready line of an ImportRun report."""
        line = {"action": self.action, "title": self.title[:150], "reason": self.reason}
        if row is not None:
            line["row"] = row
        if self.warnings:
            line["warnings"] = [str(w) for w in self.warnings][:10]
        if self.changes:
            line["changes"] = self.changes
        if self.innovation is not None and self.innovation.pk:
            line["innovation"] = self.innovation.pk
            line["slug"] = self.innovation.slug
        if self.duplicates:
            line["duplicates"] = self.duplicates
        return line


class SkipRecord(Exception):
    """A record that cannot be imported; its message is the reason shown in the report."""


def _text(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v).strip() for v in value if str(v).strip())
    return str(value).strip()


def _float(value):
    if value is None or value == "":
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return number if number == number else None  # NaN


def _url(value, max_length=200):
    value = _text(value)
    if not value or len(value) > max_length:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value


def normalise_licence(value):
    """The Licence value meant by `value` (its code or its label, any case), or None."""
    value = _text(value)
    if not value:
        return None
    wanted = value.casefold().replace("_", "-")
    for choice in Licence:
        label = str(choice.label).casefold()
        if wanted in (choice.value.casefold(), label, label.replace(" ", "-")):
            return choice.value
    aliases = {
        "odbl": Licence.ODBL_1, "cc-by-sa": Licence.CC_BY_SA_4, "cc by-sa": Licence.CC_BY_SA_4,
        "cc-by": Licence.CC_BY_4, "cc by": Licence.CC_BY_4, "cc0": Licence.CC0,
        "licence ouverte": Licence.ETALAB_2, "etalab": Licence.ETALAB_2, "licence ouverte 2.0": Licence.ETALAB_2,
        "open licence": Licence.ETALAB_2, "lo-2.0": Licence.ETALAB_2,
    }
    found = aliases.get(wanted)
    return found.value if found is not None else None


def resolve_commune(value):
    """The commune named or coded `value`; raises SkipRecord when unknown or ambiguous."""
    value = _text(value)
    if not value:
        raise SkipRecord(_("Lieu sans commune."))
    communes = Territory.objects.communes()
    if value.isdigit() or (len(value) == 5 and value[:2].upper() in ("2A", "2B")):
        found = communes.filter(code=value.upper()).first()
        if found is not None:
            return found
    matches = list(communes.filter(name__iexact=value)[:2])
    if not matches:
        matches = list(communes.filter(slug=slugify(value))[:2])
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise SkipRecord(_("Commune ambiguë : « %(name)s » (indiquez son code INSEE).") % {"name": value[:100]})
    # A label ("Plougastel-Daoulas (29470)"), a postal code, a name without accents: the site's resolver.
    from creative.territories.lookup import resolve_commune as lookup

    found, message = lookup(value)
    if found is not None:
        return found
    raise SkipRecord(_("Commune inconnue : « %(name)s ».") % {"name": value[:100]} + " " + str(message or ""))


def _places(raw_places):
    places, communes = [], []
    for raw in raw_places or ():
        if isinstance(raw, str):
            raw = {"commune": raw}
        if not isinstance(raw, dict):
            continue
        commune = resolve_commune(raw.get("commune"))
        latitude, longitude = _float(raw.get("latitude")), _float(raw.get("longitude"))
        if (
            latitude is None or longitude is None
            or not (-90 <= latitude <= 90) or not (-180 <= longitude <= 180)
        ):
            latitude = longitude = None
        communes.append(commune)
        places.append({
            "commune": commune.code, "commune_name": commune.name, "address": _text(raw.get("address"))[:255],
            "latitude": latitude, "longitude": longitude,
        })
    return places, communes


def build(source, record):
    """(snapshot-shaped data with only the keys the record gives, provenance fields, communes, warnings).

    Raises SkipRecord with the reason when the record cannot be imported.
    """
    if not isinstance(record, dict):
        raise SkipRecord(_("Ligne illisible."))
    warnings = []
    original_id = _text(record.get("original_id"))[:200]
    if not original_id:
        raise SkipRecord(_("Identifiant d'origine manquant."))
    title = " ".join(_text(record.get("title")).split())
    if not title:
        raise SkipRecord(_("Titre manquant."))
    if len(title) > 150:
        warnings.append(_("Titre raccourci à 150 caractères."))
        title = title[:150].rstrip()
    data = {"title": title}

    description = _text(record.get("description"))
    if "description" in record:
        data["description"] = description
    if "pitch" in record or "description" in record:
        pitch = " ".join(_text(record.get("pitch")).split()) or " ".join(description.split())
        if len(pitch) > 280:
            warnings.append(_("« En bref » raccourci à 280 caractères."))
            pitch = pitch[:279].rstrip() + "…"
        data["pitch"] = pitch

    if "themes" in record:
        wanted = [slug for slug in (_text(t) for t in (record.get("themes") or [])) if slug]
        known = set(Theme.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        unknown = sorted(set(wanted) - known)
        if unknown:
            warnings.append(_("Thèmes inconnus ignorés : %(slugs)s.") % {"slugs": ", ".join(unknown)[:200]})
        data["themes"] = sorted(known)

    if "carrier_kind" in record:
        kind = _text(record.get("carrier_kind"))
        if kind and not CarrierKind.objects.filter(slug=kind).exists():
            by_name = CarrierKind.objects.filter(name__iexact=kind).values_list("slug", flat=True).first()
            if by_name is None:
                warnings.append(_("Type de porteur inconnu ignoré : %(kind)s.") % {"kind": kind[:100]})
            kind = by_name or ""
        data["carrier_kind"] = kind or None

    if "status" in record:
        status = _text(record.get("status"))
        values = {s.value: s.value for s in Innovation.Status} | {
            str(s.label).casefold(): s.value for s in Innovation.Status}
        if status and status.casefold() not in values and status not in values:
            warnings.append(_("Avancement inconnu : %(status)s (« en cours » retenu).") % {"status": status[:50]})
        data["status"] = values.get(status) or values.get(status.casefold()) or Innovation.Status.RUNNING

    if "website" in record:
        website = _url(record.get("website"))
        if _text(record.get("website")) and not website:
            warnings.append(_("Site web invalide ignoré."))
        data["website"] = website

    communes = []
    if "places" in record:
        data["places"], communes = _places(record.get("places"))

    if "answers" in record:
        answers = record.get("answers") or {}
        if not isinstance(answers, dict):
            answers = {}
        given = {slug: _text(body) for slug, body in answers.items() if _text(body)}
        known = set(Section.objects.filter(slug__in=list(given)).values_list("slug", flat=True))
        if set(given) - known:
            warnings.append(_("Sections inconnues ignorées : %(slugs)s.") % {
                "slugs": ", ".join(sorted(set(given) - known))[:200]})
        data["sections"] = {slug: body for slug, body in given.items() if slug in known}

    raw_licence = _text(record.get("licence")) or source.default_licence
    licence = normalise_licence(raw_licence)
    if licence is None:
        if raw_licence:
            raise SkipRecord(_("Licence non reconnue : « %(licence)s » (le contenu n'est jamais relicencié).")
                             % {"licence": raw_licence[:60]})
        raise SkipRecord(_("Licence inconnue : indiquez-la dans le fichier ou comme licence par défaut de la source."))
    data["licence"] = licence

    provenance = {
        "original_id": original_id,
        "original_url": _url(record.get("original_url"), max_length=500),
        "original_authors": " ".join(EMAIL.sub("", _text(record.get("original_authors"))).split())[:500],
        "original_licence": licence,
    }
    return data, provenance, communes, warnings


def content_hash(data, provenance):
    payload = json.dumps({"data": data, "provenance": provenance}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _labels(keys):
    names = []
    for key in sorted(keys):
        base = "sections" if key.startswith("sections.") else key
        label = str(FIELD_LABELS.get(base, base))
        if label not in names:
            names.append(label)
    return names


def upsert_record(source, record, *, dry_run=False, user=None):
    """Create or update the fiche of `record` from `source` (see the module docstring). Returns an Outcome.

    `user` runs the import (None: the system — command, scheduled harvest). With `dry_run`
    nothing is written; the outcome says what would happen.
    """
    title = _text(record.get("title"))[:150] if isinstance(record, dict) else ""
    if user is not None and not permissions.can_import(user):
        return Outcome(SKIPPED, reason=_("Vous n'avez pas le droit d'importer des fiches."), title=title)
    try:
        data, provenance_fields, communes, warnings = build(source, record)
    except SkipRecord as skip:
        return Outcome(SKIPPED, reason=str(skip), title=title)
    title = data["title"]
    digest = content_hash(data, provenance_fields)
    existing = (
        Provenance.objects.select_related("innovation")
        .filter(source=source, original_id=provenance_fields["original_id"]).first()
    )
    if "places" in data and not permissions.covers_communes(user, communes):
        return Outcome(SKIPPED, reason=_("Hors de vos territoires."), title=title, warnings=warnings)
    if existing is None and user is not None and "places" not in data and not permissions.covers_communes(user, []):
        return Outcome(SKIPPED, reason=_("Sans lieu : impossible de vérifier qu'elle est dans vos territoires."),
                       title=title, warnings=warnings)
    if existing is None:
        return _create(source, data, provenance_fields, digest, warnings, dry_run=dry_run, user=user)
    return _update(existing, source, data, provenance_fields, digest, warnings, dry_run=dry_run, user=user)


def _create(source, data, provenance_fields, digest, warnings, *, dry_run, user):
    from creative.editorial import revisions
    from creative.editorial.models import Revision

    if dry_run:
        return Outcome(CREATED, reason=_("Nouvelle fiche."), title=data["title"], warnings=warnings)
    with transaction.atomic():
        fiche = Innovation(
            title=data["title"], pitch=data.get("pitch", ""), licence=data["licence"],
            state=Innovation.State.PUBLISHED,
        )
        fiche.save()
        revisions.apply_snapshot(fiche, {**revisions.empty_snapshot(), **data})
        Revision.objects.create(
            innovation=fiche, number=1, author=user if user is not None and user.is_authenticated else None,
            kind=Revision.Kind.ADMIN, summary=(_("Importée de « %(source)s »") % {"source": source.name})[:300],
            snapshot=revisions.snapshot(fiche), state=Revision.State.APPLIED,
        )
        Innovation.objects.filter(pk=fiche.pk).update(revision_number=1)
        fiche.revision_number = 1
        now = timezone.now()
        Provenance.objects.create(
            innovation=fiche, source=source, content_hash=digest, read_only=source.read_only,
            imported_at=now, synced_at=now, **provenance_fields,
        )
        audit(user, "innovation.created", fiche, imported=source.slug)
        audit(user, "imports.fiche_created", fiche, source=source.slug, original_id=provenance_fields["original_id"])
    return Outcome(CREATED, fiche, _("Nouvelle fiche."), title=fiche.title, warnings=warnings,
                   duplicates=_find_duplicates(fiche))


def _update(existing, source, data, provenance_fields, digest, warnings, *, dry_run, user):
    from creative.editorial import revisions
    from creative.editorial.models import Revision

    fiche = existing.innovation
    if not permissions.may_update(user, fiche):
        return Outcome(SKIPPED, fiche, _("La fiche existante est hors de vos territoires."), title=data["title"],
                       warnings=warnings)
    if existing.content_hash == digest:
        if not dry_run:
            Provenance.objects.filter(pk=existing.pk).update(synced_at=timezone.now())
        return Outcome(UNCHANGED, fiche, _("Rien n'a changé à la source."), title=fiche.title, warnings=warnings)
    current = revisions.snapshot(fiche)
    wanted = {**current, **data}
    changes = sorted(revisions.changed_keys(current, wanted))
    labels = _labels(changes)
    reason = (_("Modifié à la source : %(fields)s.") % {"fields": ", ".join(labels)}) if labels else _(
        "Seules les informations de provenance ont changé.")
    if dry_run:
        return Outcome(UPDATED, fiche, reason, title=data["title"], warnings=warnings, changes=changes)
    with transaction.atomic():
        if changes:
            revisions.save_edit(
                fiche, user, wanted, base_number=fiche.revision_number, kind=Revision.Kind.ADMIN, force_live=True,
                summary=_("Mise à jour depuis « %(source)s »") % {"source": source.name},
            )
        Provenance.objects.filter(pk=existing.pk).update(
            content_hash=digest, synced_at=timezone.now(), **provenance_fields,
        )
        audit(user, "imports.fiche_updated", fiche, source=source.slug, original_id=provenance_fields["original_id"],
              changes=changes[:20])
    fiche.refresh_from_db()
    return Outcome(UPDATED, fiche, reason, title=fiche.title, warnings=warnings, changes=changes,
                   duplicates=_find_duplicates(fiche) if "places" in changes or "title" in changes else 0)


def _find_duplicates(innovation):
    """Ask the duplicate finder (helper module creative.imports.duplicates) about a new or moved fiche."""
    try:
        from . import duplicates
    except ImportError:
        return 0
    finder = getattr(duplicates, "find_for", None)
    if finder is None:
        return 0
    try:
        found = finder(innovation)
    except Exception:  # a failing finder must never lose an import
        logger.exception("Duplicate detection failed for innovation %s", innovation.pk)
        return 0
    try:
        return len(found)
    except TypeError:
        return int(found or 0) if isinstance(found, int) else 0
