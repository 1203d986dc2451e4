"""The anti-spam layers applied to the platform's existing content (fiches, profiles).

Fiches are read by editors before publication, and untrusted edits of published fiches
wait for them as proposals: a fiche's text is never refused for its score. When it scores as
spam, the verdict goes to the audit log ("spam.suspected") and the fiche to the moderation
queue (held): a draft stays private and a moderator can remove it; a live edit of a published
fiche takes it offline until a moderator decides. A proposal on a published fiche is not public
and already waits for an editor: it is only logged.
"""

import logging

from creative.audit import record

from .scoring import assess, remember

logger = logging.getLogger(__name__)

# The texts of a fiche snapshot (creative.editorial.revisions) that people write freely.
FICHE_TEXT_KEYS = ("pitch", "description")


def changed_fiche_texts(before, after):
    """The free texts of snapshot `after` that differ from `before` (pitch, description, section answers)."""
    texts = [after.get(key) or "" for key in FICHE_TEXT_KEYS if (after.get(key) or "") != (before.get(key) or "")]
    old_sections = before.get("sections") or {}
    for slug, body in (after.get("sections") or {}).items():
        if body and body != old_sections.get(slug):
            texts.append(body)
    return [text for text in texts if text.strip()]


def check_fiche_edit(user, fiche, before, after, *, request=None):
    """Score what `user` changed in `fiche` (snapshots `before` → `after`); log it when held.

    Called once the edit is saved: it never blocks it, and never raises (a failure is logged).
    Returns the Verdict, or None when no free text changed.
    """
    try:
        texts = changed_fiche_texts(before, after)
        if not texts:
            return None
        scope = f"innovation:{fiche.pk}"
        verdict = assess(texts, author=user, kind="fiche", scope=scope, request=request)
        if verdict.held:
            record(user, "spam.suspected", fiche, score=verdict.score, reasons=verdict.codes)
            _hold_for_moderators(user, fiche, verdict)
        remember(texts, scope=scope)
        return verdict
    except Exception:
        logger.exception("Anti-spam check of fiche %s failed; the edit is saved unchecked.", fiche.pk)
        return None


def _hold_for_moderators(user, fiche, verdict):
    from creative.editorial.revisions import goes_live
    from creative.moderation.models import ModerationItem
    from creative.moderation.services import hold

    if fiche.is_published and not goes_live(user, fiche):
        return  # a proposal: not public, waiting for an editor
    hold(fiche, cause=ModerationItem.Cause.SPAM, score=verdict.score, reasons=verdict.reasons)
