"""Merging two fiches that describe the same innovation, keeping both histories.

`merge(kept, merged, user, note="")`, in one transaction:

- records `Merge(kept, merged)`; the merged fiche is ARCHIVED and keeps all its revisions (its
  history page still works, and links to the kept fiche's); its public address answers with a
  301 to the kept fiche (innovations' detail view reads `merged_into`);
- the kept fiche's content gains, through the editorial write path (`revisions.save_edit`, a live
  revision of kind ADMIN « Fusion avec … »): the merged fiche's themes, its places not already
  present (same commune, address and point), its links not already present (same address), and
  the answers to sections the kept fiche left empty. Its own title, pitch, description and other
  fields are never overwritten. When nothing is added, a revision noting the merge is recorded all
  the same (same content, kind ADMIN);
- the kept fiche gains the merged fiche's authors (as co-authors);
- provenance: the kept fiche's wins; the merged fiche's moves to the kept one only if it has none;
- what is moved from the merged fiche to the kept one: comments (their whole threads), follows
  (unless the person already follows the kept fiche), reproduction links (unless the same link
  exists already or it would link the kept fiche to itself), and the candidate pairs still
  pending that involve the merged fiche are closed (the pair merged is marked MERGED, others are
  dismissed since the fiche is gone). Review messages, suggestions, team members, calls and
  events stay with the merged fiche and its history.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creative.audit import record
from creative.editorial import revisions
from creative.editorial.models import Revision
from creative.innovations.models import Authorship, Innovation

from .models import DuplicateCandidate, Merge, Provenance


class MergeError(ValueError):
    """The two fiches cannot be merged (same fiche, already merged…)."""


def _place_key(place):
    return (place["commune"], (place.get("address") or "").strip().lower(), place.get("latitude"),
            place.get("longitude"))


def combined_snapshot(kept_data, merged_data):
    """The kept fiche's content plus what only the merged fiche has (see module docstring)."""
    data = {**kept_data}
    data["themes"] = sorted(set(kept_data.get("themes") or []) | set(merged_data.get("themes") or []))
    places = list(kept_data.get("places") or [])
    seen = {_place_key(p) for p in places}
    for place in merged_data.get("places") or []:
        if _place_key(place) not in seen:
            places.append(place)
            seen.add(_place_key(place))
    data["places"] = places
    links = list(kept_data.get("links") or [])
    urls = {link["url"] for link in links}
    for link in merged_data.get("links") or []:
        if link["url"] not in urls:
            links.append(link)
            urls.add(link["url"])
    data["links"] = links
    sections = dict(kept_data.get("sections") or {})
    for slug, body in (merged_data.get("sections") or {}).items():
        if body and body.strip() and not (sections.get(slug) or "").strip():
            sections[slug] = body
    data["sections"] = sections
    return data


def _move_authors(kept, merged):
    present = set(kept.authorships.values_list("user_id", flat=True))
    added = []
    for authorship in merged.authorships.order_by("added_at", "pk"):
        if authorship.user_id not in present:
            Authorship.objects.create(innovation=kept, user_id=authorship.user_id, is_creator=False)
            present.add(authorship.user_id)
            added.append(authorship.user_id)
    return added


def _move_provenance(kept, merged):
    if Provenance.objects.filter(innovation=kept).exists():
        return False
    return Provenance.objects.filter(innovation=merged).update(innovation=kept) > 0


def _move_comments(kept, merged):
    from creative.comments.models import Comment

    content_type = ContentType.objects.get_for_model(Innovation)
    return Comment.objects.filter(content_type=content_type, object_id=merged.pk).update(object_id=kept.pk)


def _move_follows(kept, merged):
    from creative.notifications.models import Follow

    already = Follow.objects.filter(innovation=kept).values("user_id")
    return Follow.objects.filter(innovation=merged).exclude(user_id__in=already).update(innovation=kept)


def _move_reproductions(kept, merged):
    from creative.reuse.models import Reproduction

    moved = 0
    for link in Reproduction.objects.filter(original=merged):
        exists = Reproduction.objects.filter(original=kept, derived_id=link.derived_id).exists()
        if link.derived_id == kept.pk or exists:
            continue
        link.original = kept
        link.save(update_fields=["original"])
        moved += 1
    for link in Reproduction.objects.filter(derived=merged):
        exists = Reproduction.objects.filter(original_id=link.original_id, derived=kept).exists()
        if link.original_id == kept.pk or exists:
            continue
        link.derived = kept
        link.save(update_fields=["derived"])
        moved += 1
    return moved


def _close_candidates(kept, merged, user):
    now = timezone.now()
    pair = tuple(sorted((kept.pk, merged.pk)))
    pending = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.PENDING)
    pending.filter(first_id=pair[0], second_id=pair[1]).update(
        status=DuplicateCandidate.Status.MERGED, decided_by=user, decided_at=now,
    )
    (pending.filter(first=merged) | pending.filter(second=merged)).update(
        status=DuplicateCandidate.Status.DISMISSED, decided_by=user, decided_at=now,
    )


def merge(kept, merged, user, note=""):
    """Merge `merged` into `kept` (see the module docstring). Returns the `Merge`."""
    if kept.pk == merged.pk:
        raise MergeError(_("Une fiche ne peut pas être fusionnée avec elle-même."))
    author = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        # Lock both fiches in a fixed order, then re-read them.
        both = Innovation.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk]).order_by("pk")
        locked = {f.pk: f for f in both}
        if len(locked) != 2:
            raise MergeError(_("Une des deux fiches n'existe plus."))
        kept_now, merged_now = locked[kept.pk], locked[merged.pk]
        if Merge.objects.filter(merged__in=[kept_now, merged_now]).exists():
            raise MergeError(_("Une des deux fiches a déjà été fusionnée avec une autre."))

        revisions.ensure_baseline(merged_now)
        summary = _("Fusion avec « %(title)s » (n° %(pk)s)") % {"title": merged_now.title, "pk": merged_now.pk}
        data = combined_snapshot(revisions.snapshot(kept_now), revisions.snapshot(merged_now))
        result = revisions.save_edit(
            kept_now, author, data, base_number=kept_now.revision_number, summary=summary,
            kind=Revision.Kind.ADMIN, force_live=True,
        )
        if result.revision is None:  # nothing new to add: the merge is still noted in the history
            kept_now.refresh_from_db()
            number = revisions._next_number(kept_now)
            Revision.objects.create(
                innovation=kept_now, number=number, author=author, kind=Revision.Kind.ADMIN, summary=summary[:300],
                snapshot=revisions.snapshot(kept_now), base_number=kept_now.revision_number or None,
                state=Revision.State.APPLIED,
            )
            Innovation.objects.filter(pk=kept_now.pk).update(revision_number=number)

        added_authors = _move_authors(kept_now, merged_now)
        provenance_moved = _move_provenance(kept_now, merged_now)
        moved = {
            "comments": _move_comments(kept_now, merged_now),
            "follows": _move_follows(kept_now, merged_now),
            "reproductions": _move_reproductions(kept_now, merged_now),
        }
        merged_now.state = Innovation.State.ARCHIVED
        merged_now.save(update_fields=["state", "updated_at"])
        merge_row = Merge.objects.create(kept=kept_now, merged=merged_now, merged_by=author, note=note)
        _close_candidates(kept_now, merged_now, author)
        record(
            user, "imports.duplicate.merged", kept_now, merged=merged_now.pk, merged_title=merged_now.title,
            authors_added=len(added_authors), provenance_moved=provenance_moved, **moved,
        )
    from creative.innovations.services import refresh_innovation

    refresh_innovation(kept_now.pk)
    refresh_innovation(merged_now.pk)
    kept.refresh_from_db()
    merged.refresh_from_db()
    return merge_row


def dismiss(candidate, user):
    """« Ce ne sont pas des doublons »: the pair is never proposed again."""
    with transaction.atomic():
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.status != DuplicateCandidate.Status.PENDING:
            raise MergeError(_("Cette paire a déjà été traitée."))
        candidate.status = DuplicateCandidate.Status.DISMISSED
        candidate.decided_by = user if user is not None and user.is_authenticated else None
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        record(user, "imports.duplicate.dismissed", candidate.first, other=candidate.second_id,
               candidate=candidate.pk)
    return candidate
