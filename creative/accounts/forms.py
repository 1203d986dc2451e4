"""Forms for the sign-up extra field and the profile. Both work without JavaScript.

This module is loaded by allauth (ACCOUNT_SIGNUP_FORM_CLASS) while it builds its own
forms: it must not import allauth's forms. allauth's sign-up form derives from
SignupProfileForm, so the anti-spam traps of SpamTrapFormMixin guard sign-up too.
"""

import logging

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import validate_link_limit
from creative.core.images import decode_image
from creative.innovations.models import Theme
from creative.territories.models import Territory

from .models import Profile, validate_display_name

logger = logging.getLogger(__name__)

DISPLAY_NAME_HELP = _("Affiché publiquement sur vos contributions, à la place de votre adresse électronique.")
MAX_PROFILE_LINKS = 5
# The texts of a profile that anti-spam scores and a moderator reads (see services.judge_profile).
SCORED_FIELDS = ("display_name", "bio", "links")


class SignupProfileForm(SpamTrapFormMixin, forms.Form):
    """What allauth's sign-up form asks on top of email and password; creates the profile."""

    field_order = ["display_name", "email", "password1", "password2"]
    spam_trap_name = "signup"  # the salt does not depend on the class allauth builds from this one

    display_name = forms.CharField(
        label=_("Nom affiché"), max_length=80, validators=[validate_display_name], help_text=DISPLAY_NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def signup(self, request, user):
        Profile.objects.create(user=user, display_name=self.cleaned_data["display_name"])


class CommuneField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code[:2]})"  # homonyms differ by département


class PhotoField(forms.ImageField):
    """An image field whose only check is a full Pillow decode (see creative.core.images)."""

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is None:
            return None
        image = decode_image(file)
        file.content_type = image.get_format_mimetype()
        return file


class LinksField(forms.CharField):
    """Web addresses, one per line: at most MAX_PROFILE_LINKS, each an http(s) URL. Cleaned to one per line."""

    widget = forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "url"})
    validate_url = URLValidator(schemes=["http", "https"])

    def clean(self, value):
        text = super().clean(value)
        lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
        if len(lines) > MAX_PROFILE_LINKS:
            raise ValidationError(
                _("Mettez %(max)s liens au plus (vous en avez mis %(count)s)."),
                code="too_many", params={"max": MAX_PROFILE_LINKS, "count": len(lines)},
            )
        errors = []
        for line in lines:
            try:
                self.validate_url(line)
            except ValidationError:
                errors.append(ValidationError(
                    _("« %(line)s » n'est pas une adresse web : chaque ligne doit commencer par https:// ou http://."),
                    code="invalid_link", params={"line": line[:80]},
                ))
        if errors:
            raise ValidationError(errors)
        return "\n".join(lines)


class ProfileForm(SpamTrapFormMixin, forms.ModelForm):
    """The profile, and the public page that goes with it when `is_public` is ticked.

    A text that anti-spam scores as likely spam is not refused: the profile is saved and
    held for a moderator (services.save_profile); only the link limit of new accounts and
    invalid links are form errors, because the person can fix them at once.
    """

    commune = CommuneField(
        label=_("Commune"), required=False, empty_label=_("— Non précisée —"),
        queryset=Territory.objects.communes().order_by("name", "code"),
        help_text=_("Facultative. Affichée sur votre profil public, qui vous place sur la carte au centre de la "
                    "commune, jamais plus précisément."),
    )
    is_public = forms.BooleanField(
        label=_("Avoir une page publique"), required=False,
        help_text=_("Une page présente votre nom, votre commune, votre présentation, vos liens et les fiches que "
                    "vous portez ou avez écrites, et vous fait figurer dans l'annuaire des personnes."),
    )
    links = LinksField(
        label=_("Liens"), required=False, max_length=1000,
        help_text=_("Un lien par ligne (site, réseau social…), %(max)s au plus, chacun commençant par https://.")
        % {"max": MAX_PROFILE_LINKS},
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes qui vous intéressent"), required=False, queryset=Theme.objects.all(), to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ils vous font trouver dans l'annuaire des personnes."),
    )
    accepts_contact = forms.BooleanField(
        label=_("Accepter les messages"), required=False,
        help_text=_("Les visiteurs de votre page publique peuvent vous écrire par le site ; votre adresse n'est "
                    "jamais montrée."),
    )

    class Meta:
        model = Profile
        fields = ["display_name", "commune", "bio", "photo", "is_public", "links", "themes", "accepts_contact"]
        field_classes = {"photo": PhotoField}
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "bio": forms.Textarea(attrs={"rows": 6}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    @property
    def author(self):
        return getattr(self.instance, "user", None)  # None: judged as a new account

    def clean_bio(self):
        """A new bio: at most a few links from a new account (spam scoring comes after saving)."""
        bio = self.cleaned_data.get("bio") or ""
        if bio.strip() and "bio" in self.changed_data:
            validate_link_limit(bio, self.author)
        return bio

    def clean_links(self):
        links = self.cleaned_data.get("links") or ""
        if links and "links" in self.changed_data:
            validate_link_limit(links, self.author)
        return links

    def changed_texts(self):
        """The scored texts the person changed: {field name: new text}, empty ones left out."""
        return {
            name: self.cleaned_data.get(name) or ""
            for name in SCORED_FIELDS
            if name in self.changed_data and (self.cleaned_data.get(name) or "").strip()
        }
