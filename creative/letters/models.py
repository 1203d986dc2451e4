"""The weekly letter: subscribers, issues, their items, and the outbox that delivers them.

- `Subscriber` — an address (no account needed) with the territories and themes it chose,
  confirmed by double opt-in; the consent is kept with its date and the exact wording shown.
  Unsubscribed and bouncing addresses stay (without sending) so that a new subscription is a
  new, recorded consent and a bounced address is not mailed again.
- `Issue` — one letter: composed automatically each week as a draft (composition.py), edited
  by editors (editorial, items, order), then scheduled or sent; once sent it has a public,
  permanent archive page.
- `IssueItem` — one entry of a letter (a fiche, an event, a call for help, a reproduction, an
  article…), with a snapshot of what readers see (title, summary, address) and the territories
  and themes used to personalise the letter: every subscriber receives the items of their
  territories and themes.
- `Delivery` — the outbox: one row per recipient of an issue, written when the issue is sent;
  the letter worker (`manage.py send_letters`) claims rows, sends and records the result
  (see delivery.py). The unique (issue, subscriber) pair means nobody is queued twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creative.innovations.models import Theme
from creative.territories.models import Territory


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=Subscriber.State.ACTIVE)


class Subscriber(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("en attente de confirmation")
        ACTIVE = "active", _("abonné·e")
        UNSUBSCRIBED = "unsubscribed", _("désabonné·e")
        BOUNCING = "bouncing", _("adresse en échec")

    email = models.EmailField(_("adresse électronique"), max_length=254, unique=True)
    state = models.CharField(_("état"), max_length=16, choices=State.choices, default=State.PENDING)
    territories = models.ManyToManyField(
        Territory, verbose_name=_("territoires"), blank=True, related_name="letter_subscribers",
        help_text=_("Aucun : tout le territoire de la plateforme."),
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thèmes"), blank=True, related_name="letter_subscribers",
        help_text=_("Aucun : tous les thèmes."),
    )
    # Consent: when, and the words the person saw (the form's wording at that moment).
    consent_text = models.TextField(_("texte du consentement"), blank=True)
    consent_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désabonné le"), null=True, blank=True)
    # Each confirmation mail raises it: only the newest link confirms.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    hard_bounces = models.PositiveSmallIntegerField(_("rejets définitifs"), default=0)
    last_bounce_at = models.DateTimeField(_("dernier rejet"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonné·e à la lettre")
        verbose_name_plural = _("abonné·es à la lettre")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "id"], name="letters_subscriber_state")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


def normalise_email(address):
    """One subscription per mailbox: the domain is case-insensitive, and so is, in practice, the rest."""
    return (address or "").strip().lower()


class IssueQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(state=Issue.State.SENT)


class Issue(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SCHEDULED = "scheduled", _("programmée")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyée")

    number = models.PositiveIntegerField(_("numéro"), unique=True)
    subject = models.CharField(_("objet"), max_length=200)
    editorial = models.TextField(_("éditorial"), blank=True, max_length=10000, help_text=_("Markdown."))
    # The week the letter covers: what was published between these dates.
    period_start = models.DateTimeField(_("début de la période"))
    period_end = models.DateTimeField(_("fin de la période"))
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.DRAFT)
    scheduled_at = models.DateTimeField(_("envoi programmé le"), null=True, blank=True)
    sending_started_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("lettre")
        verbose_name_plural = _("lettres")
        ordering = ["-number"]
        indexes = [models.Index(fields=["state", "-sent_at"], name="letters_issue_state_sent")]

    def __str__(self):
        return f"n° {self.number} — {self.subject}"

    def get_absolute_url(self):
        return reverse("letters:issue", args=[self.number])

    @property
    def is_editable(self):
        return self.state in (self.State.DRAFT, self.State.SCHEDULED)


class IssueItem(models.Model):
    class Kind(models.TextChoices):
        INNOVATION = "innovation", _("Nouvelle fiche")
        ARTICLE = "article", _("Article")
        EVENT = "event", _("Atelier ou rencontre")
        CALL = "call", _("Appel à l'aide")
        REPRODUCTION = "reproduction", _("Essaimage")
        LINK = "link", _("Lien")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    # What the item points to ("innovations.innovation:42"), so the composer never adds it twice;
    # empty for a link an editor added by hand.
    source_key = models.CharField(max_length=100, blank=True)
    # A snapshot: the archive shows what was sent even if the fiche changes later.
    title = models.CharField(_("titre"), max_length=250)
    summary = models.TextField(_("résumé"), blank=True, max_length=1000)
    url = models.CharField(_("adresse"), max_length=500, help_text=_("Adresse sur le site, ou complète."))
    when = models.CharField(_("date et lieu"), max_length=200, blank=True)
    # Personalisation: every territory containing the item (all levels) and its themes.
    # No territory: for everyone (an online event, a link); no theme: for every theme.
    territories = models.ManyToManyField(Territory, blank=True, related_name="+")
    themes = models.ManyToManyField(Theme, blank=True, related_name="+")

    class Meta:
        verbose_name = _("élément de la lettre")
        verbose_name_plural = _("éléments de la lettre")
        ordering = ["issue", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "source_key"], condition=~Q(source_key=""), name="letters_item_unique_source",
            ),
        ]

    def __str__(self):
        return self.title


class DeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(state=Delivery.State.QUEUED, next_attempt_at__lte=now or timezone.now())


class Delivery(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("en file")
        SENDING = "sending", _("en cours")
        SENT = "sent", _("envoyée")
        FAILED = "failed", _("échec")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    # The items chosen for this subscriber when the issue was queued (ids of IssueItem, in order).
    item_ids = models.JSONField(default=list)
    # Nothing matched their territories and themes: they get the letter's first items, and are told.
    is_fallback = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker's claim: who holds the row and until when (a dead worker's claim expires).
    claimed_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="letters_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="letters_delivery_due"),
            models.Index(fields=["issue", "state"], name="letters_delivery_progress"),
        ]

    def __str__(self):
        return f"{self.issue_id} → {self.subscriber_id} ({self.state})"
