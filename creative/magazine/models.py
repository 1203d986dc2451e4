"""The magazine: signed articles, with the fiches' editorial workflow and dossiers.

- `Category` — the editable list (actualité, portrait, dossier, compte rendu d'atelier…),
  seeded after migrate (categories.py).
- `Article` — title, lead, Markdown body, cover image with its credit, category, territories
  (chosen; `covered_territories` holds every level containing them, maintained on save, so a
  territory page at any level finds its articles with one join) and themes, linked fiches (ordered:
  a dossier is an article whose fiches form a curated list) and events, signed by one or more
  authors. Workflow: draft → submitted → published (or back to draft with changes requested), with
  a review thread and revisions; a published article may be scheduled (`publish_at`): it is public
  from that moment.
- `ArticleFiche`, `ArticleAuthor` — the ordered links.
- `ArticleRevision` — a snapshot of the text at each save (history, comparison).
- `ArticleReviewMessage` — the thread between authors and editors.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from creative.moderation.models import Visibility
from creative.territories.models import Territory


class Category(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Public now: published, its scheduled time (if any) passed, not hidden by moderation."""
        now = now or timezone.now()
        return self.filter(
            state=Article.State.PUBLISHED, published_at__lte=now, visibility=Visibility.VISIBLE,
        )


class Article(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("soumis à relecture")
        PUBLISHED = "published", _("publié")  # or scheduled: published_at in the future
        ARCHIVED = "archived", _("archivé")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    lead = models.TextField(
        _("chapeau"), max_length=600, help_text=_("Deux ou trois phrases qui donnent envie de lire."),
    )
    body = models.TextField(_("texte"), blank=True, max_length=60000, help_text=_("Markdown."))
    cover = models.ImageField(_("image de couverture"), upload_to="magazine/%Y/", blank=True)
    cover_alt = models.CharField(_("description de l'image"), max_length=255, blank=True)
    cover_credit = models.CharField(_("crédit de l'image"), max_length=255, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("rubrique"), on_delete=models.PROTECT, related_name="articles",
    )
    territories = models.ManyToManyField(
        Territory, verbose_name=_("territoires"), blank=True, related_name="articles",
    )
    # Every territory containing one of `territories` (all levels), maintained on save.
    covered_territories = models.ManyToManyField(Territory, editable=False, blank=True, related_name="+")
    themes = models.ManyToManyField("innovations.Theme", verbose_name=_("thèmes"), blank=True, related_name="articles")
    innovations = models.ManyToManyField(
        "innovations.Innovation", through="ArticleFiche", verbose_name=_("fiches citées"), blank=True,
        related_name="articles",
    )
    events = models.ManyToManyField("events.Event", verbose_name=_("événements"), blank=True, related_name="articles")
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ArticleAuthor", verbose_name=_("signé par"), related_name="articles",
    )
    is_dossier = models.BooleanField(
        _("dossier"), default=False,
        help_text=_("Les fiches citées forment une liste ordonnée, montrée en liste et sur une carte."),
    )
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.DRAFT)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE,
    )
    # When it is (or will be) public; set at publication, in the future for a scheduled article.
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    revision_number = models.PositiveIntegerField(_("version"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["state", "-published_at"], name="magazine_article_published")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("magazine:article", args=[self.slug])

    @property
    def is_public(self):
        return (self.state == self.State.PUBLISHED and self.visibility == Visibility.VISIBLE
                and self.published_at is not None and self.published_at <= timezone.now())

    @property
    def is_scheduled(self):
        return (self.state == self.State.PUBLISHED and self.published_at is not None
                and self.published_at > timezone.now())

    @classmethod
    def unique_slug(cls, title):
        base = slugify(title)[:200] or "article"
        slug, n = base, 2
        while cls.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


def article_image_upload_to(instance, filename):
    return f"magazine/{timezone.now():%Y}/{instance.article_id}/{filename}"


class ArticleImage(models.Model):
    """An image placed in an article's text (`![description](address "crédit")`), with its credit."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    file = models.ImageField(_("fichier"), upload_to=article_image_upload_to)
    alt_text = models.CharField(_("description de l'image"), max_length=255)
    credit = models.CharField(_("crédit"), max_length=255, help_text=_("Auteur ou autrice, source, licence."))
    caption = models.CharField(_("légende"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("image d'article")
        verbose_name_plural = _("images d'article")
        ordering = ["article", "created_at", "pk"]

    def __str__(self):
        return self.alt_text


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="magazine_author_once")]

    def __str__(self):
        return f"{self.article_id} ← {self.user_id}"


class ArticleFiche(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="fiche_links")
    innovation = models.ForeignKey("innovations.Innovation", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    note = models.CharField(_("pourquoi cette fiche"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "innovation"], name="magazine_fiche_once")]

    def __str__(self):
        return f"{self.article_id} → {self.innovation_id}"


class ArticleRevision(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    # title, lead, body, category, territories, themes, fiches, events: what the text was.
    snapshot = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(_("résumé de la modification"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="magazine_revision_number")]

    def __str__(self):
        return f"{self.article_id} v{self.number}"


class ArticleReviewMessage(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message", _("message")
        SUBMITTED = "submitted", _("soumis")
        CHANGES_REQUESTED = "changes", _("modifications demandées")
        PUBLISHED = "published", _("publié")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    body = models.TextField(_("message"), blank=True, max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.article_id}: {self.kind}"

