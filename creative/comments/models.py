"""Comments on public content (fiches now; articles and events later, through the same generic key).

Signed by an account, a small Markdown subset, one level of replies, editable for a short
while, soft-deleted (the record stays, the text disappears publicly). Moderation state is
`visibility` (see creative.moderation).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creative.moderation.models import Visibility

COMMENT_MAX_LENGTH = 5000


class CommentQuerySet(models.QuerySet):
    def on(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def public(self):
        """What visitors see: visible comments (soft-deleted ones are shown as a placeholder when replied to)."""
        return self.filter(visibility=Visibility.VISIBLE)


class Comment(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey(
        "self", verbose_name=_("en réponse à"), null=True, blank=True, on_delete=models.CASCADE, related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, on_delete=models.SET_NULL,
        related_name="comments",
    )
    body = models.TextField(_("commentaire"), max_length=COMMENT_MAX_LENGTH)
    visibility = models.CharField(
        _("visibilité"), max_length=8, choices=Visibility.choices, default=Visibility.VISIBLE,
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="comment_thread")]

    def __str__(self):
        return f"{self.author} — {self.body[:60]}"

    def get_absolute_url(self):
        target = self.content_object
        return f"{target.get_absolute_url()}#commentaire-{self.pk}" if target is not None else ""

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    def editable_until(self):
        return self.created_at + timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)
