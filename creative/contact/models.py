"""Messages relayed between people without showing their addresses.

Only metadata is kept: who wrote to whom, when, and whether it was answered. The text
itself is mailed and never stored. The sender's address is kept only until the recipient
answers or the reply window (CONTACT_REPLY_DAYS) ends, then erased.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContactMessage(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("envoyé")
        REPLIED = "replied", _("répondu")
        REFUSED = "refused", _("refusé (indésirable)")

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expéditeur"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="contact_messages_sent",
    )
    sender_name = models.CharField(_("nom de l'expéditeur"), max_length=80)
    # Needed to deliver the answer; erased after the answer or the reply window.
    sender_email = models.EmailField(_("adresse de l'expéditeur"), blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("destinataire"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="contact_messages_received",
        help_text=_("La personne écrite, ou rien pour une organisation (ses responsables reçoivent le message)."),
    )
    organisation = models.ForeignKey(
        "network.Organisation", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="contact_messages",
    )
    ambassador = models.ForeignKey(
        "network.Ambassador", verbose_name=_("ambassadeur"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="contact_messages",
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.SENT)
    spam_score = models.FloatField(_("score anti-spam"), null=True, blank=True)
    reply_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now, db_index=True)
    replied_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.sender_name} → {self.recipient or self.organisation} ({self.sent_at:%Y-%m-%d})"
