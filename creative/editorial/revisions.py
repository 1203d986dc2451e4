"""Snapshots of a fiche, and the one path every edit of its content takes.

A snapshot is a JSON-ready dict of everything a person writes on a fiche::

    {"title", "pitch", "description", "carrier_name", "status", "start_year", "website",
     "licence", "carrier_kind": slug | None, "themes": [slug…],
     "sections": {section slug: markdown}, "places": [{commune code, name, address, point}],
     "links": [{"label", "url"}]}

Images are not in it: they are files, added and removed on their own (and audited).

`save_edit()` is the single write path (guided editor, suggestions, reverts, approvals):
it takes the snapshot the person wants, the live revision number their form was based on,
and either applies it (a new applied revision) or stores it as a pending revision for an
editor. If the fiche changed since the form was loaded, the two edits are merged field by
field against the common base (three-way); fields both people changed differently are a
conflict and nothing is saved (`EditConflict`).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creative.audit import record
from creative.innovations.models import CarrierKind, Innovation, Link, Place, Section, Theme
from creative.innovations.signals import deferred_refresh
from creative.territories.models import Territory

from .models import Revision

TEXT_FIELDS = ("title", "pitch", "description", "carrier_name", "status", "website", "licence")
SCALAR_FIELDS = (*TEXT_FIELDS, "start_year")


def snapshot(innovation):
    """The content of `innovation` as stored now."""
    data = {name: getattr(innovation, name) for name in SCALAR_FIELDS}
    data["carrier_kind"] = innovation.carrier_kind.slug if innovation.carrier_kind_id else None
    data["themes"] = sorted(innovation.themes.values_list("slug", flat=True))
    answers = innovation.answers.order_by("section__position", "section__pk")
    data["sections"] = dict(answers.values_list("section__slug", "body"))
    data["places"] = [
        {
            "commune": place.commune.code,
            "commune_name": place.commune.name,
            "address": place.address,
            "latitude": place.latitude,
            "longitude": place.longitude,
        }
        for place in innovation.places.select_related("commune").order_by("pk")
    ]
    data["links"] = [{"label": link.label, "url": link.url} for link in innovation.links.order_by("position", "pk")]
    return data


def empty_snapshot():
    return {
        **dict.fromkeys(TEXT_FIELDS, ""),
        "status": Innovation.Status.RUNNING,
        "licence": Innovation._meta.get_field("licence").default,
        "start_year": None,
        "carrier_kind": None,
        "themes": [],
        "sections": {},
        "places": [],
        "links": [],
    }


def flatten(data):
    """One key per thing a person edits: fields, each section, and the lists as wholes."""
    flat = {key: value for key, value in data.items() if key != "sections"}
    for slug, body in (data.get("sections") or {}).items():
        flat[f"sections.{slug}"] = body
    return flat


def unflatten(flat):
    data = {key: value for key, value in flat.items() if not key.startswith("sections.")}
    data["sections"] = {key.removeprefix("sections."): value for key, value in flat.items()
                        if key.startswith("sections.") and value}
    return data


def _normalised(data):
    """Empty section answers count as absent, so "" and a missing key never conflict."""
    flat = flatten(data)
    return {key: value for key, value in flat.items() if not (key.startswith("sections.") and not value)}


def changed_keys(before, after):
    a, b = _normalised(before), _normalised(after)
    return {key for key in a.keys() | b.keys() if a.get(key) != b.get(key)}


@dataclass
class MergeResult:
    data: dict
    conflicts: dict = field(default_factory=dict)  # key → {"mine": …, "theirs": …, "base": …}


def merge(base, mine, theirs):
    """Three-way merge of snapshots, key by key (see module docstring)."""
    b, m, t = _normalised(base or {}), _normalised(mine), _normalised(theirs)
    merged, conflicts = {}, {}
    for key in m.keys() | t.keys() | b.keys():
        mv, tv, bv = m.get(key), t.get(key), b.get(key)
        if mv == tv or tv == bv:
            value = mv
        elif mv == bv:
            value = tv
        else:
            conflicts[key] = {"mine": mv, "theirs": tv, "base": bv}
            value = mv
        if value is not None or key in SCALAR_FIELDS or key == "carrier_kind":
            merged[key] = value
    return MergeResult(data=unflatten(merged), conflicts=conflicts)


def apply_snapshot(innovation, data):
    """Write `data` onto the fiche and its parts (state, slug and authors are left alone)."""
    with transaction.atomic(), deferred_refresh():
        for name in SCALAR_FIELDS:
            if name in data:
                value = data[name]
                setattr(innovation, name, value if value is not None or name == "start_year" else "")
        if "carrier_kind" in data:
            innovation.carrier_kind = CarrierKind.objects.filter(slug=data["carrier_kind"]).first() if data[
                "carrier_kind"] else None
        innovation.save()
        if "themes" in data:
            innovation.themes.set(Theme.objects.filter(slug__in=data["themes"] or []))
        if "sections" in data:
            _apply_sections(innovation, data["sections"] or {})
        if "places" in data:
            _apply_places(innovation, data["places"] or [])
        if "links" in data:
            _apply_links(innovation, data["links"] or [])


def _apply_sections(innovation, sections):
    wanted = {slug: body for slug, body in sections.items() if body and body.strip()}
    by_slug = {s.slug: s for s in Section.objects.filter(slug__in=wanted)}
    existing = {a.section.slug: a for a in innovation.answers.select_related("section")}
    for slug, answer in existing.items():
        if slug not in wanted:
            answer.delete()
    for slug, body in wanted.items():
        answer = existing.get(slug)
        if answer is None:
            if slug in by_slug:  # a section deleted since the snapshot cannot be restored
                innovation.answers.create(section=by_slug[slug], body=body)
        elif answer.body != body:
            answer.body = body
            answer.save(update_fields=["body"])


def _place_key(place):
    return (place["commune"], place.get("address") or "", place.get("latitude"), place.get("longitude"))


def _apply_places(innovation, places):
    current = [
        (p.commune.code, p.address, p.latitude, p.longitude) for p in innovation.places.select_related("commune")
    ]
    if current == [_place_key(p) for p in places]:
        return
    communes = {t.code: t for t in Territory.objects.communes().filter(code__in=[p["commune"] for p in places])}
    innovation.places.all().delete()
    for place in places:
        commune = communes.get(place["commune"])
        if commune is not None:
            Place.objects.create(
                innovation=innovation, commune=commune, address=place.get("address") or "",
                latitude=place.get("latitude"), longitude=place.get("longitude"),
            )


def _apply_links(innovation, links):
    if [(link.label, link.url) for link in innovation.links.all()] == [(x["label"], x["url"]) for x in links]:
        return
    innovation.links.all().delete()
    Link.objects.bulk_create(
        Link(innovation=innovation, label=x["label"], url=x["url"], position=i) for i, x in enumerate(links)
    )


class EditConflict(Exception):
    """The fiche changed since the form was loaded, on the same fields."""

    def __init__(self, merged, conflicts, current_number):
        super().__init__(_("La fiche a été modifiée par quelqu'un d'autre pendant que vous écriviez."))
        self.merged = merged
        self.conflicts = conflicts
        self.current_number = current_number


@dataclass
class SaveResult:
    revision: Revision | None
    live: bool  # applied to the fiche (False: pending an editor's approval)
    merged: bool = False  # other changes made meanwhile were kept alongside this edit
    unchanged: bool = False


def revision_snapshot(innovation, number):
    """The content of revision `number`, or None if it was never recorded."""
    if number and number == innovation.revision_number and not innovation.revisions.filter(number=number).exists():
        return snapshot(innovation)
    found = innovation.revisions.filter(number=number).values_list("snapshot", flat=True).first()
    return found


def _next_number(innovation):
    last = Revision.objects.filter(innovation=innovation).order_by("-number").values_list("number", flat=True).first()
    return max(last or 0, innovation.revision_number) + 1


def ensure_baseline(innovation):
    """Record the content of a fiche that predates the history (demo, admin, import) as revision 1."""
    if innovation.revision_number == 0 and not innovation.revisions.exists():
        Revision.objects.create(
            innovation=innovation, number=1, author=None, kind=Revision.Kind.BASELINE,
            summary=_("Version initiale, avant l'historique"), snapshot=snapshot(innovation),
        )
        Innovation.objects.filter(pk=innovation.pk).update(revision_number=1)
        innovation.revision_number = 1


def goes_live(user, innovation):
    """Whether an edit by `user` applies at once, or waits for an editor (published fiches only)."""
    from creative.accounts.permissions import can_review, is_trusted

    if innovation.state not in (Innovation.State.PUBLISHED, Innovation.State.ARCHIVED):
        return True
    return is_trusted(user) or can_review(user, innovation)


def pending_revision_of(user, innovation):
    """The pending revision `user` is preparing on this fiche, if any."""
    if not user.is_authenticated:
        return None
    return innovation.revisions.pending().filter(author=user).order_by("-number").first()


def working_copy(user, innovation):
    """What the editor shows `user`: their pending proposal, or the live content. Returns (data, base_number)."""
    pending = pending_revision_of(user, innovation)
    if pending is not None:
        return pending.snapshot, pending.base_number or innovation.revision_number
    return snapshot(innovation), innovation.revision_number


def save_edit(innovation, user, data, *, base_number, summary="", kind=Revision.Kind.EDIT, force_live=None):
    """Save `data` (a full snapshot) as `user`'s edit of `innovation`, made on revision `base_number`.

    Raises EditConflict when the fiche changed meanwhile on the same fields; the caller shows
    both versions and lets the person merge, then calls again with the new base number.
    """
    with transaction.atomic():
        fiche = Innovation.objects.select_for_update().get(pk=innovation.pk)
        ensure_baseline(fiche)
        if not base_number and fiche.revisions.filter(number=1, kind=Revision.Kind.BASELINE).exists():
            base_number = 1  # the form was loaded before the baseline existed: its content is the baseline
        base_number = base_number or fiche.revision_number
        current = snapshot(fiche)
        merged = False
        if base_number != fiche.revision_number:
            base = revision_snapshot(fiche, base_number)
            result = merge(base, data, current)
            if result.conflicts:
                raise EditConflict(result.data, result.conflicts, fiche.revision_number)
            data, merged = result.data, True
        live = goes_live(user, fiche) if force_live is None else force_live
        author = user if user is not None and user.is_authenticated else None
        if live and not changed_keys(current, data):
            return SaveResult(revision=None, live=True, merged=merged, unchanged=True)
        if not live:
            pending = fiche.revisions.pending().filter(author=author).order_by("-number").first()
            if pending is not None and not changed_keys(pending.snapshot, data):
                return SaveResult(revision=None, live=False, merged=merged, unchanged=True)
            if not changed_keys(current, data):
                # Back to the published text: nothing left to propose, the earlier proposal is withdrawn.
                _supersede_pending(fiche, author)
                return SaveResult(revision=None, live=False, merged=merged, unchanged=True)
        number = _next_number(fiche)
        if live:
            apply_snapshot(fiche, data)
            revision = Revision.objects.create(
                innovation=fiche, number=number, author=author, kind=kind, summary=summary[:300],
                snapshot=snapshot(fiche), base_number=base_number, state=Revision.State.APPLIED,
            )
            Innovation.objects.filter(pk=fiche.pk).update(revision_number=number)
            record(user, "revision.saved", fiche, number=number, summary=summary[:300])
            from creative.notifications import sources as notifications

            notifications.revision_saved(fiche, revision, user)
        else:
            # One proposal per person: a new one replaces the previous, which stays in the history.
            _supersede_pending(fiche, author)
            revision = Revision.objects.create(
                innovation=fiche, number=number, author=author, kind=kind, summary=summary[:300],
                snapshot=data, base_number=fiche.revision_number, state=Revision.State.PENDING,
            )
            record(user, "revision.proposed", fiche, number=number, summary=summary[:300])
            _mail_proposal(revision, "editorial_revision_proposed", workflow_people().reviewers_of(fiche))
    innovation.refresh_from_db()
    return SaveResult(revision=revision, live=live, merged=merged)


def _supersede_pending(fiche, author):
    for old in fiche.revisions.pending().filter(author=author):
        old.state, old.decided_at = Revision.State.SUPERSEDED, timezone.now()
        old.save(update_fields=["state", "decided_at"])


def record_admin_revision(innovation, user, *, created=False):
    """Record what the admin just wrote on `innovation` as an applied revision (kind ADMIN).

    The admin saves the fiche and its inlines itself; call `ensure_baseline()` on the stored
    fiche *before* it writes (so the history starts from the content before the change), then
    this once everything is saved. Nothing is recorded when the content did not change (e.g.
    only the state or the contact address). Returns the new revision, or None.
    """
    with transaction.atomic():
        fiche = Innovation.objects.select_for_update().get(pk=innovation.pk)
        current = snapshot(fiche)
        live = fiche.revisions.filter(number=fiche.revision_number).values_list("snapshot", flat=True).first()
        if live is not None and not changed_keys(live, current):
            return None
        number = _next_number(fiche)
        summary = _("Création dans l'administration") if created else _("Modification dans l'administration")
        author = user if user is not None and user.is_authenticated else None
        revision = Revision.objects.create(
            innovation=fiche, number=number, author=author, kind=Revision.Kind.ADMIN, summary=summary,
            snapshot=current, base_number=fiche.revision_number or None, state=Revision.State.APPLIED,
        )
        Innovation.objects.filter(pk=fiche.pk).update(revision_number=number)
        innovation.revision_number = number
        if created:
            record(user, "innovation.created", fiche, admin=True)
        record(user, "revision.saved", fiche, number=number, summary=summary, admin=True)
    return revision


def create_innovation(user, data, *, summary=""):
    """A new draft fiche written by `user` (its creator and first author), with revision 1."""
    from creative.innovations.models import Authorship

    with transaction.atomic():
        fiche = Innovation(state=Innovation.State.DRAFT)
        fiche.title = data.get("title") or ""
        fiche.pitch = data.get("pitch") or ""
        fiche.save()
        Authorship.objects.create(innovation=fiche, user=user, is_creator=True)
        apply_snapshot(fiche, {**empty_snapshot(), **data})
        Revision.objects.create(
            innovation=fiche, number=1, author=user, kind=Revision.Kind.CREATE,
            summary=summary or _("Création de la fiche"), snapshot=snapshot(fiche), state=Revision.State.APPLIED,
        )
        Innovation.objects.filter(pk=fiche.pk).update(revision_number=1)
        fiche.revision_number = 1
        record(user, "innovation.created", fiche)
    return fiche


def approve_revision(revision, editor, *, note="", force=False):
    """Put a pending proposal online, merged with what changed on the fiche since it was made.

    Only the fields the proposal changed are taken from it. If the fiche changed since on the
    same fields, EditConflict is raised unless `force` (the proposal's text wins).
    """
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if not revision.is_pending:
            raise ValueError(_("Cette proposition a déjà été traitée."))
        fiche = Innovation.objects.select_for_update().get(pk=revision.innovation_id)
        current = snapshot(fiche)
        base = revision_snapshot(fiche, revision.base_number) or current
        result = merge(base, revision.snapshot, current)
        if result.conflicts and not force:
            raise EditConflict(result.data, result.conflicts, fiche.revision_number)
        saved = save_edit(
            fiche, revision.author, result.data, base_number=fiche.revision_number,
            summary=_("Proposition n° %(number)s acceptée : %(summary)s") % {
                "number": revision.number, "summary": revision.summary},
            kind=Revision.Kind.APPROVAL, force_live=True,
        )
        revision.state, revision.decided_by, revision.decided_at = Revision.State.APPROVED, editor, timezone.now()
        revision.decision_note = note
        revision.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        applied_as = saved.revision.number if saved.revision else None
        record(editor, "revision.approved", fiche, number=revision.number, applied_as=applied_as)
        if revision.author is not None:
            _mail_proposal(revision, "editorial_revision_approved", [revision.author], actor=editor, message=note)
    return saved


def decline_revision(revision, editor, *, note=""):
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if not revision.is_pending:
            raise ValueError(_("Cette proposition a déjà été traitée."))
        revision.state, revision.decided_by, revision.decided_at = Revision.State.DECLINED, editor, timezone.now()
        revision.decision_note = note
        revision.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        record(editor, "revision.declined", revision.innovation, number=revision.number, note=note)
        if revision.author is not None:
            _mail_proposal(revision, "editorial_revision_declined", [revision.author], actor=editor, message=note)
    return revision


def revert(innovation, editor, number):
    """Bring back the content of revision `number`; the revert is itself a new revision."""
    target = innovation.revisions.applied().filter(number=number).first()
    if target is None:
        raise ValueError(_("Cette version n'existe pas."))
    result = save_edit(
        innovation, editor, target.snapshot, base_number=innovation.revision_number,
        summary=_("Retour à la version %(number)s") % {"number": number}, kind=Revision.Kind.REVERT, force_live=True,
    )
    record(editor, "revision.reverted", innovation, to=number,
           number=getattr(result.revision, "number", None))
    return result


def workflow_people():
    from . import workflow  # imported late: workflow's emails need the URLs, loaded after the models

    return workflow


def _mail_proposal(revision, template, users, *, actor=None, message=""):
    """Tell editors of a proposal, or its author of the decision (through the worker)."""
    from django.conf import settings
    from django.urls import reverse

    from creative.core.tasks import mail_each

    actor = actor or revision.author
    context = {
        "title": revision.innovation.title,
        "number": revision.number,
        "summary": revision.summary,
        "url": settings.SITE_URL + reverse("editorial:proposal", args=[revision.pk]),
        "public_url": settings.SITE_URL + revision.innovation.get_absolute_url(),
        "actor": str(actor.display_name) if actor is not None else "",
        "message": message or "",
    }
    mail_each(users, template, context)
