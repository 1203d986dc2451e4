"""The fiche d'innovation and what hangs off it.

A fiche's "code source" is data: `Section` rows are the questions an instance asks
(editors manage them), `Answer` rows hold one fiche's answer to one question.
Another instance defines its own questions without a migration.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from creative.territories.models import Territory


class Theme(models.Model):
    """A field of social innovation (numérique, solidarités…), managed by editors."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class CarrierKind(models.Model):
    """The kind of structure carrying an innovation (association, service public…)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("type de porteur")
        verbose_name_plural = _("types de porteur")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class SectionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Section(models.Model):
    """One question of the "code source" every fiche answers (comment est-ce né ?…)."""

    title = models.CharField(_("question"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    help_text = models.TextField(_("aide à l'écriture"), blank=True)
    example = models.TextField(_("exemple"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True,
        help_text=_("Une section désactivée n'est plus demandée ; les réponses existantes restent visibles."),
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("section du code source")
        verbose_name_plural = _("sections du code source")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class Licence(models.TextChoices):
    CC_BY_SA_4 = "CC-BY-SA-4.0", "CC BY-SA 4.0"
    CC_BY_4 = "CC-BY-4.0", "CC BY 4.0"
    CC0 = "CC0-1.0", "CC0 1.0"
    # Imported content keeps its own licence, even when it is not compatible with CC BY-SA.
    ETALAB_2 = "etalab-2.0", "Licence Ouverte 2.0 (Etalab)"
    ODBL_1 = "ODbL-1.0", "ODbL 1.0"

    @classmethod
    def shareable_as_cc_by_sa(cls, value):
        """Whether content under `value` may be republished in a CC BY-SA work (ODbL may not)."""
        return value in (cls.CC_BY_SA_4, cls.CC_BY_4, cls.CC0, cls.ETALAB_2)

    @classmethod
    def url(cls, value):
        return {
            cls.CC_BY_SA_4: "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
            cls.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/deed.fr",
            cls.CC0: "https://creativecommons.org/publicdomain/zero/1.0/deed.fr",
            cls.ETALAB_2: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            cls.ODBL_1: "https://opendatacommons.org/licenses/odbl/1-0/",
        }.get(value, "")

    @classmethod
    def plain_words(cls, value):
        return {
            cls.CC_BY_SA_4: _(
                "Vous pouvez copier, modifier et republier cette fiche, y compris à des fins "
                "commerciales, à condition de citer ses auteurs, la publication d'origine et la "
                "licence, et de partager vos modifications sous la même licence."
            ),
            cls.CC_BY_4: _(
                "Vous pouvez copier, modifier et republier cette fiche à condition de citer ses "
                "auteurs, la publication d'origine et la licence."
            ),
            cls.CC0: _("Cette fiche est dans le domaine public : vous pouvez la réutiliser librement."),
            cls.ETALAB_2: _(
                "Vous pouvez copier, modifier et republier cette fiche, y compris à des fins "
                "commerciales, à condition de citer sa source et la date de sa dernière mise à jour."
            ),
            cls.ODBL_1: _(
                "Ces données sont sous licence ODbL : vous pouvez les réutiliser en citant leur source, "
                "et toute base de données qui en dérive doit rester sous ODbL. Elles ne peuvent pas "
                "être reversées sous CC BY-SA."
            ),
        }.get(value, "")


class InnovationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Innovation.State.PUBLISHED)

    def in_territory(self, territory):
        return self.filter(territories=territory)

    def demo(self):
        return self.filter(is_demo=True)


class Innovation(models.Model):
    """A fiche d'innovation sociale."""

    class State(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("soumise à relecture")
        CHANGES_REQUESTED = "changes", _("modifications demandées")
        REJECTED = "rejected", _("refusée")
        PUBLISHED = "published", _("publiée")
        ARCHIVED = "archived", _("archivée")
        HIDDEN = "hidden", _("masquée par la modération")

    class Status(models.TextChoices):
        IDEA = "idee", _("idée")
        STARTING = "demarrage", _("démarrage")
        RUNNING = "en-cours", _("en cours")
        ENDED = "terminee", _("terminée")

    title = models.CharField(_("titre"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True, blank=True)
    pitch = models.CharField(_("en bref"), max_length=280, help_text=_("280 caractères au plus."))
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), related_name="innovations", blank=True)
    carrier_kind = models.ForeignKey(
        CarrierKind, verbose_name=_("type de porteur"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="innovations",
    )
    carrier_name = models.CharField(_("structure porteuse"), max_length=200, blank=True)
    status = models.CharField(_("avancement"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    start_year = models.PositiveSmallIntegerField(
        _("année de démarrage"), null=True, blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    website = models.URLField(_("site web"), blank=True)
    # Never rendered: visitors reach the carrier through a contact relay.
    contact_email = models.EmailField(_("adresse de contact (jamais affichée)"), blank=True)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY_SA_4)

    state = models.CharField(_("état"), max_length=16, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    rejection_reason = models.TextField(_("motif du refus"), blank=True)
    # The number of the revision whose content is live (0: no revision recorded yet).
    # An edit made on an older number is merged or refused, never saved over a newer one.
    revision_number = models.PositiveIntegerField(_("version"), default=0, editable=False)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Authorship", related_name="authored_innovations",
        verbose_name=_("auteurs"), blank=True,
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    is_demo = models.BooleanField(
        _("contenu de démonstration"), default=False,
        help_text=_("Chargé par `load_demo`, retiré par `remove_demo`."),
    )
    # Every territory containing one of the fiche's places (commune, EPCI, pays…),
    # maintained by services.refresh_innovation: filtering and facet counts at any
    # level become a single indexed join.
    territories = models.ManyToManyField(
        Territory, related_name="innovations", editable=False, blank=True,
    )

    objects = InnovationQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "-published_at"], name="innovation_state_published"),
            models.Index(fields=["state", "title"], name="innovation_state_title"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug(self.title)
        if self.state == self.State.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        old_slug = getattr(self, "_loaded_slug", None)
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            # The old address keeps working (links, prints, partner sites).
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"innovation": self})
            SlugRedirect.objects.filter(old_slug=self.slug).delete()
        self._loaded_slug = self.slug

    def get_absolute_url(self):
        return reverse("innovations:detail", args=[self.slug])

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        # Remember the slug as loaded, to record a redirect when it changes.
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_slug = instance.__dict__.get("slug")
        return instance

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED

    @property
    def licence_url(self):
        return Licence.url(self.licence)

    @property
    def licence_plain_words(self):
        return Licence.plain_words(self.licence)

    # Words of the site's own addresses under /innovations/ (feeds), never given to a fiche.
    RESERVED_SLUGS = frozenset({"flux"})

    @classmethod
    def unique_slug(cls, title):
        base = slugify(title)[:150] or "innovation"
        slug, n = base, 2
        while (slug in cls.RESERVED_SLUGS or cls.objects.filter(slug=slug).exists()
               or SlugRedirect.objects.filter(old_slug=slug).exists()):
            slug, n = f"{base}-{n}", n + 1
        return slug


class Authorship(models.Model):
    """A person who signs a fiche: its creator or a co-author. Both may edit it."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="authorships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="authorships",
    )
    is_creator = models.BooleanField(_("a créé la fiche"), default=False)
    added_at = models.DateTimeField(_("ajouté le"), default=timezone.now)

    class Meta:
        verbose_name = _("auteur")
        verbose_name_plural = _("auteurs")
        ordering = ["-is_creator", "added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["innovation", "user"], name="authorship_unique")]

    def __str__(self):
        return f"{self.user} — {self.innovation}"


class SlugRedirect(models.Model):
    """An address a fiche used to have; visiting it redirects to the current one."""

    old_slug = models.SlugField(max_length=160, unique=True)
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="slug_redirects")

    class Meta:
        verbose_name = _("ancienne adresse")
        verbose_name_plural = _("anciennes adresses")

    def __str__(self):
        return f"{self.old_slug} → {self.innovation.slug}"


class Place(models.Model):
    """Where an innovation happens: a commune, optionally a precise point and an address."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="places")
    commune = models.ForeignKey(
        Territory, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="places",
        limit_choices_to={"level": Territory.Level.COMMUNE},
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Where the marker goes: the precise point, or the commune's reference point.
    map_lat = models.FloatField(editable=False)
    map_lng = models.FloatField(editable=False)

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["pk"]
        indexes = [models.Index(fields=["map_lat", "map_lng"], name="place_map_point")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="place_point_complete",
            ),
        ]

    def __str__(self):
        return f"{self.commune} — {self.address}" if self.address else str(self.commune)

    def save(self, *args, **kwargs):
        if self.has_point:
            self.map_lat, self.map_lng = self.latitude, self.longitude
        else:
            self.map_lat, self.map_lng = self.commune.latitude, self.commune.longitude
        super().save(*args, **kwargs)

    @property
    def has_point(self):
        return self.latitude is not None


def image_upload_to(instance, filename):
    return f"innovations/{timezone.now():%Y/%m}/{filename}"


class Image(models.Model):
    """A picture of an innovation, always with its credits."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="images")
    file = models.ImageField(_("fichier"), upload_to=image_upload_to)
    thumbnail = models.ImageField(_("vignette"), upload_to=image_upload_to, blank=True, editable=False)
    alt_text = models.CharField(_("description de l'image"), max_length=255,
                                help_text=_("Pour les personnes qui ne voient pas l'image."))
    caption = models.CharField(_("légende"), max_length=255, blank=True)
    author = models.CharField(_("auteur ou autrice"), max_length=150)
    source = models.CharField(_("source"), max_length=255, blank=True)
    licence = models.CharField(_("licence"), max_length=100, default="CC BY-SA 4.0")
    is_cover = models.BooleanField(_("image de couverture"), default=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-is_cover", "position", "pk"]

    def __str__(self):
        return self.alt_text

    @property
    def credit(self):
        parts = [f"© {self.author}", self.licence]
        if self.source:
            parts.append(self.source)
        return " — ".join(parts)


class Link(models.Model):
    """A link about the innovation (press article, video, documentation…)."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("intitulé"), max_length=200)
    url = models.URLField(_("adresse"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("lien")
        verbose_name_plural = _("liens")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class Answer(models.Model):
    """One fiche's answer to one section of the code source."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="answers")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="answers")
    body = models.TextField(_("réponse"), help_text=_("Markdown."))

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["section__position", "section__pk"]
        constraints = [
            models.UniqueConstraint(fields=["innovation", "section"], name="answer_unique_per_section"),
        ]

    def __str__(self):
        return f"{self.innovation} — {self.section}"


class SearchDocument(models.Model):
    """The text a fiche is found by, denormalised from the fiche and its related rows.

    Rebuilt by search.index_innovation on every save. On PostgreSQL a generated
    tsvector column (added by migration) indexes it; on SQLite an FTS5 table does.
    """

    innovation = models.OneToOneField(
        Innovation, on_delete=models.CASCADE, primary_key=True, related_name="search_document",
    )
    title = models.TextField()
    pitch = models.TextField()
    body = models.TextField()
    keywords = models.TextField(help_text="Themes, places, carrier.")

    class Meta:
        verbose_name = _("index de recherche")
        verbose_name_plural = _("index de recherche")

    def __str__(self):
        return self.title
