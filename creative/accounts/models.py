"""People: the account (User), its public profile, and where an editor's role applies.

The email address is the login identifier and is never shown publicly; the public
name is `Profile.display_name`. Roles and permission checks live in roles.py and
permissions.py.
"""

import re
import uuid

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from creative.core.images import ImageUploadValidator
from creative.core.markdown import render_markdown
from creative.moderation.models import Visibility
from creative.territories.models import Territory

BIO_MAX_LENGTH = 1000


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email=normalize_email(email))


def normalize_email(email):
    """One spelling per address: logins and uniqueness ignore case (allauth lowercases too)."""
    return (email or "").strip().lower()


class User(AbstractUser):
    """An account. Signs in with its email address; has no username.

    `is_staff` is not stored: it is derived from the roles (editors, moderators and
    administrators use the admin), so there is one source of truth for who may do what.
    """

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ["email"]

    def __str__(self):
        return self.display_name

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    @property
    def is_staff(self):
        from .permissions import can_access_admin

        return can_access_admin(self)

    @property
    def display_name(self):
        """The public name: the profile's display name, never the email address."""
        try:
            return self.profile.display_name
        except Profile.DoesNotExist:
            return _("Membre n° %(id)s") % {"id": self.pk}

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name


def user_display(user):
    """What allauth shows for a user (its messages, emails): the public name."""
    return str(user.display_name)


EMAIL_LIKE = re.compile(r"\S+@\S+\.\S+")


def validate_display_name(value):
    if EMAIL_LIKE.search(value):
        raise ValidationError(
            _("Le nom affiché est public : n'y mettez pas d'adresse électronique."), code="email_in_display_name"
        )


def photo_upload_to(instance, filename):
    # A random name: the one from the person's computer may carry their name.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    extension = extension if extension in {"jpg", "jpeg", "png", "webp"} else "img"
    return f"profiles/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class ProfileQuerySet(models.QuerySet):
    def public(self):
        """Profiles anybody may see: chosen public by their person, not held or hidden, account active."""
        from creative.moderation.models import AccountBlock

        blocked = AccountBlock.objects.active().values("user_id")
        return self.filter(is_public=True, visibility=Visibility.VISIBLE, user__is_active=True).exclude(
            user_id__in=blocked
        )


class Profile(models.Model):
    """What others see of a person: a name, a commune, a few words, a photo.

    The name signs the person's contributions in any case; the profile *page* (bio, photo,
    links, fiches, ambassador offers) exists only when the person chooses `is_public`.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="profile")
    display_name = models.CharField(
        _("nom affiché"), max_length=80, validators=[validate_display_name],
        help_text=_("Affiché publiquement sur vos contributions, à la place de votre adresse électronique."),
    )
    commune = models.ForeignKey(
        Territory, verbose_name=_("commune"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"level": Territory.Level.COMMUNE},
    )
    bio = models.TextField(
        _("présentation"), blank=True, max_length=BIO_MAX_LENGTH, validators=[MaxLengthValidator(BIO_MAX_LENGTH)],
        help_text=_("Quelques mots sur vous, 1 000 caractères au plus. Markdown accepté."),
    )
    photo = models.ImageField(
        _("photo"), upload_to=photo_upload_to, blank=True, validators=[ImageUploadValidator()],
        help_text=_("Facultative. JPEG, PNG ou WebP, 5 Mo au plus."),
    )
    slug = models.SlugField(_("adresse de la page"), max_length=100, unique=True, null=True, blank=True, editable=False)
    is_public = models.BooleanField(
        _("profil public"), default=False,
        help_text=_("Une page présente votre nom, votre commune, votre présentation et les fiches que vous portez."),
    )
    links = models.TextField(
        _("liens"), blank=True, max_length=1000,
        help_text=_("Un lien par ligne (site, réseau social…), cinq au plus."),
    )
    themes = models.ManyToManyField(
        "innovations.Theme", verbose_name=_("thèmes qui vous intéressent"), blank=True, related_name="profiles",
    )
    accepts_contact = models.BooleanField(
        _("accepter les messages"), default=True,
        help_text=_("Les visiteurs peuvent vous écrire par le site ; votre adresse n'est jamais montrée."),
    )
    # Moderation state of the public page (a bio scored as spam waits for a moderator).
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE,
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profils")
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug(self.display_name, self.user_id)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("network:person", args=[self.slug])

    @classmethod
    def unique_slug(cls, name, user_id):
        base = slugify(name)[:80] or "membre"
        slug, n = base, 2
        while cls.objects.filter(slug=slug).exclude(user_id=user_id).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def is_visible(self):
        """Whether the public page is shown (the account's block state is checked by `public()`)."""
        return self.is_public and self.visibility == Visibility.VISIBLE and self.user.is_active

    @property
    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    @property
    def bio_html(self):
        return render_markdown(self.bio)


class EditorScope(models.Model):
    """A territory an editor looks after; it covers every territory and fiche inside it."""

    user = models.ForeignKey(User, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="editor_scopes")
    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.CASCADE, related_name="editor_scopes"
    )

    class Meta:
        verbose_name = _("territoire d'édition")
        verbose_name_plural = _("territoires d'édition")
        constraints = [models.UniqueConstraint(fields=["user", "territory"], name="editor_scope_unique")]

    def __str__(self):
        return f"{self.user} — {self.territory}"
