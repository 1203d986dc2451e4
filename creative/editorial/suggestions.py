"""Suggestions: an editor proposes a new wording for one text of a fiche; its authors decide.

A suggestion targets one key of a flattened snapshot (revisions.flatten): "pitch",
"description" or "sections.<section slug>". It keeps the text as it was when it was made
(`original`), so people see what it changes even after the fiche moved on. Accepting it
goes through revisions.save_edit like every other edit (a new applied revision of kind
SUGGESTION); declining it changes nothing on the fiche. Each step is audited and written to
the review thread; authors are told of a new suggestion by email.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from creative.accounts import permissions
from creative.audit import record
from creative.core.tasks import mail_each
from creative.innovations.models import Innovation, Section

from . import revisions
from .diff import word_diff
from .models import ReviewMessage, Revision, Suggestion
from .workflow import authors_of

SECTION_PREFIX = "sections."
# Texts of a fiche people may propose a wording for (sections are added per fiche).
FIELD_TARGETS = ("pitch", "description")
# A rejected or archived fiche is not written on any more (its authors cannot edit it).
OPEN_STATES = (
    Innovation.State.DRAFT, Innovation.State.SUBMITTED, Innovation.State.CHANGES_REQUESTED,
    Innovation.State.PUBLISHED,
)


class SuggestionError(Exception):
    """A suggestion that cannot be made or decided now; str() is a message for people."""


def targets(innovation):
    """[(target, label)] of the texts of `innovation` a suggestion may replace, in page order."""
    choices = [(name, capfirst(Innovation._meta.get_field(name).verbose_name)) for name in FIELD_TARGETS]
    answered = set(innovation.answers.values_list("section_id", flat=True))
    for section in Section.objects.all():
        if section.is_active or section.pk in answered:
            choices.append((SECTION_PREFIX + section.slug, section.title))
    return choices


def target_label(target):
    """The name people know a target by ("En bref", a section's question); the key itself if unknown."""
    if target in FIELD_TARGETS:
        return capfirst(Innovation._meta.get_field(target).verbose_name)
    if target.startswith(SECTION_PREFIX):
        title = Section.objects.filter(slug=target.removeprefix(SECTION_PREFIX)).values_list("title", flat=True)
        return title.first() or target
    return target


def current_text(innovation, target):
    """The live text of `target` on `innovation` ("" for an unanswered section)."""
    return revisions.flatten(revisions.snapshot(innovation)).get(target) or ""


def make(innovation, editor, target, proposed, note=""):
    """`editor` suggests `proposed` as the new text of `target`; the authors are told by email."""
    if not permissions.can_review(editor, innovation):
        raise SuggestionError(_("Seuls les accompagnateurs de ce territoire font des suggestions sur cette fiche."))
    if innovation.state not in OPEN_STATES:
        raise SuggestionError(_("Cette fiche n'est plus en cours d'écriture : elle ne reçoit pas de suggestion."))
    if target not in dict(targets(innovation)):
        raise SuggestionError(_("Cette partie de la fiche n'existe pas."))
    proposed = (proposed or "").strip()
    if not proposed:
        raise SuggestionError(_("Écrivez le texte que vous proposez."))
    original = current_text(innovation, target)
    if proposed == original.strip():
        raise SuggestionError(_("Le texte proposé est identique au texte actuel."))
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            innovation=innovation, author=editor, target=target, original=original, proposed=proposed,
            note=(note or "").strip(),
        )
        record(editor, "suggestion.made", innovation, suggestion=suggestion.pk, part=target)
        _mail_authors(suggestion, editor)
    return suggestion


@dataclass
class Decision:
    suggestion: Suggestion
    revision: Revision | None = None  # the revision that applied it (None when declined or already there)
    text_had_changed: bool = False  # the text was edited after the suggestion was made


def accept(suggestion, user):
    """An author puts the suggested text on the fiche, as a new revision (live at once).

    Only that one text changes: the other fields are the fiche's live content, so a proposal
    the author has waiting for an editor is neither published nor lost (it is merged when an
    editor approves it). If the text was edited since the suggestion was made, the suggestion
    still replaces it, and `text_had_changed` says so.
    """
    with transaction.atomic():
        suggestion, fiche = _lock_open(suggestion, user)
        data = revisions.flatten(revisions.snapshot(fiche))
        current = (data.get(suggestion.target) or "").strip()
        changed = current not in (suggestion.original.strip(), suggestion.proposed.strip())
        data[suggestion.target] = suggestion.proposed
        saved = revisions.save_edit(
            fiche, user, revisions.unflatten(data), base_number=fiche.revision_number,
            kind=Revision.Kind.SUGGESTION, force_live=True,
            summary=_("Suggestion acceptée : %(part)s") % {"part": target_label(suggestion.target)},
        )
        _decide(suggestion, user, Suggestion.State.ACCEPTED)
        number = saved.revision.number if saved.revision else None
        record(user, "suggestion.accepted", fiche, suggestion=suggestion.pk, part=suggestion.target, number=number)
        _thread_event(fiche, user, _("Suggestion acceptée pour « %(part)s ».") % {
            "part": target_label(suggestion.target)})
    return Decision(suggestion=suggestion, revision=saved.revision, text_had_changed=changed)


def decline(suggestion, user):
    """An author keeps their own text; the suggestion stays visible, marked declined."""
    with transaction.atomic():
        suggestion, fiche = _lock_open(suggestion, user)
        _decide(suggestion, user, Suggestion.State.DECLINED)
        record(user, "suggestion.declined", fiche, suggestion=suggestion.pk, part=suggestion.target)
        _thread_event(fiche, user, _("Suggestion refusée pour « %(part)s ».") % {
            "part": target_label(suggestion.target)})
    return Decision(suggestion=suggestion)


def _lock_open(suggestion, user):
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    fiche = Innovation.objects.select_for_update().get(pk=suggestion.innovation_id)
    if not (permissions.can_contribute(user) and permissions.has_author_rights(user, fiche)):
        raise SuggestionError(_("Seuls les auteurs de la fiche acceptent ou refusent une suggestion."))
    if suggestion.state != Suggestion.State.OPEN:
        raise SuggestionError(_("Cette suggestion a déjà été traitée."))
    if fiche.state not in OPEN_STATES:
        raise SuggestionError(_("Cette fiche n'est plus en cours d'écriture : la suggestion ne peut pas être "
                                "appliquée."))
    return suggestion, fiche


def _decide(suggestion, user, state):
    suggestion.state, suggestion.decided_by, suggestion.decided_at = state, user, timezone.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at"])


def _thread_event(fiche, user, body):
    ReviewMessage.objects.create(innovation=fiche, author=user, kind=ReviewMessage.Kind.EVENT, body=body)


def _mail_authors(suggestion, editor):
    fiche = suggestion.innovation
    context = {
        "title": fiche.title,
        "url": settings.SITE_URL + reverse("editorial:review", args=[fiche.pk]) + f"#suggestion-{suggestion.pk}",
        "public_url": settings.SITE_URL + fiche.get_absolute_url(),
        "actor": str(editor.display_name),
        "message": suggestion.note,
        "target": str(target_label(suggestion.target)),
        "original": suggestion.original,
        "proposed": suggestion.proposed,
    }
    mail_each(authors_of(fiche), "editorial_suggestion", context, exclude=[editor])


def comparison(original, proposed):
    """The word-level changes from `original` to `proposed`: [(op, text)] (see diff.word_diff)."""
    return word_diff(original or "", proposed or "")
