"""Accompanied writing: revisions of a fiche, the review thread, suggestions, co-author invitations.

A `Revision` is a full snapshot of a fiche's content (fields, themes, sections, places,
links; see revisions.snapshot) taken at each save. Its content never changes once stored;
only the decision on a *pending* revision (an edit to a published fiche waiting for an
editor) is recorded on it, once.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creative.core.markdown import render_markdown
from creative.innovations.models import Innovation

DECISION_FIELDS = frozenset({"state", "decided_by", "decided_at", "decision_note"})


class ImmutableRevisionError(Exception):
    pass


class RevisionQuerySet(models.QuerySet):
    def applied(self):
        return self.filter(state=Revision.State.APPLIED)

    def pending(self):
        return self.filter(state=Revision.State.PENDING)


class Revision(models.Model):
    class State(models.TextChoices):
        APPLIED = "applied", _("en ligne")
        PENDING = "pending", _("en attente de relecture")
        APPROVED = "approved", _("acceptée")
        DECLINED = "declined", _("refusée")
        SUPERSEDED = "superseded", _("remplacée")

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("version initiale")
        CREATE = "create", _("création")
        EDIT = "edit", _("modification")
        REVERT = "revert", _("retour en arrière")
        APPROVAL = "approval", _("proposition acceptée")
        SUGGESTION = "suggestion", _("suggestion acceptée")
        ADMIN = "admin", _("administration")

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("numéro"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="revisions",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    summary = models.CharField(_("résumé de la modification"), max_length=300, blank=True)
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices, default=Kind.EDIT)
    snapshot = models.JSONField(_("contenu"), encoder=DjangoJSONEncoder)
    # The live revision the author was looking at when they edited (conflict detection, merge).
    base_number = models.PositiveIntegerField(_("faite sur la version"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=16, choices=State.choices, default=State.APPLIED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidée par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_note = models.TextField(_("motif"), blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["innovation", "number"], name="revision_unique_number")]
        indexes = [models.Index(fields=["state", "created_at"], name="revision_state_created")]

    def __str__(self):
        return f"{self.innovation} — v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= DECISION_FIELDS:
                raise ImmutableRevisionError("A revision's content never changes; only a decision is recorded.")
            stored = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored != self.State.PENDING:
                raise ImmutableRevisionError("Only a pending revision can be decided, and only once.")
        super().save(*args, **kwargs)

    @property
    def is_pending(self):
        return self.state == self.State.PENDING


class ReviewMessage(models.Model):
    """One message of the conversation between a fiche's authors and its editors (never public)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("message")
        SUBMITTED = "submitted", _("soumission")
        CHANGES_REQUESTED = "changes", _("demande de modifications")
        PUBLISHED = "published", _("publication")
        REJECTED = "rejected", _("refus")
        EVENT = "event", _("événement")

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="review_messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField(_("message"), blank=True, help_text=_("Markdown."))
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("message de relecture")
        verbose_name_plural = _("messages de relecture")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.innovation} — {self.get_kind_display()}"

    @property
    def body_html(self):
        return render_markdown(self.body)


class Suggestion(models.Model):
    """An editor's proposed wording for one text of a fiche, which its authors accept or not.

    `target` is "pitch", "description" or "sections.<section slug>" (the keys of a flattened snapshot).
    """

    class State(models.TextChoices):
        OPEN = "open", _("en attente")
        ACCEPTED = "accepted", _("acceptée")
        DECLINED = "declined", _("refusée")

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="suggestions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    target = models.CharField(_("partie de la fiche"), max_length=120)
    original = models.TextField(_("texte d'origine"), blank=True)
    proposed = models.TextField(_("texte proposé"))
    note = models.TextField(_("explication"), blank=True)
    state = models.CharField(_("état"), max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidée par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.innovation} — {self.target}"


class CoauthorInvitation(models.Model):
    """An author's invitation to another person to write the fiche with them.

    The link sent by email carries a signed token of this row; whoever opens it while
    signed in with a verified account becomes a co-author (once).
    """

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="coauthor_invitations")
    email = models.EmailField(_("adresse invitée"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invité par"), null=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acceptée par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation à co-écrire")
        verbose_name_plural = _("invitations à co-écrire")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.innovation} — {self.email}"
