"""Forms for the sign-up extra field and the profile. Both work without JavaScript.

This module is loaded by allauth (ACCOUNT_SIGNUP_FORM_CLASS) while it builds its own
forms: it must not import allauth's forms. allauth's sign-up form derives from
SignupProfileForm, so the anti-spam traps of SpamTrapFormMixin guard sign-up too.
"""

import logging

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import validate_link_limit
from creative.antispam.scoring import assess, remember
from creative.core.images import decode_image
from creative.territories.models import Territory

from .models import Profile, validate_display_name

logger = logging.getLogger(__name__)

DISPLAY_NAME_HELP = _("Affiché publiquement sur vos contributions, à la place de votre adresse électronique.")
BIO_REFUSED = _("Cette présentation ressemble à un message publicitaire : elle ne peut pas être publiée telle "
                "quelle. Présentez-vous avec vos mots : ce que vous faites, ce qui vous intéresse. Si vous pensez "
                "que c'est une erreur, un accompagnateur peut vous aider. Ce que vous avez écrit est conservé.")


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


class ProfileForm(SpamTrapFormMixin, forms.ModelForm):
    commune = CommuneField(
        label=_("Commune"), required=False, empty_label=_("— Non précisée —"),
        queryset=Territory.objects.communes().order_by("name", "code"),
        help_text=_("Facultative. Affichée sur votre profil public."),
    )

    class Meta:
        model = Profile
        fields = ["display_name", "commune", "bio", "photo"]
        field_classes = {"photo": PhotoField}
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "bio": forms.Textarea(attrs={"rows": 6}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def clean_bio(self):
        """A new bio: at most a few links from a new account, and refused when it scores as spam.

        The bio is public at once and is not content the moderation queue (which comes with
        comments) holds: a bio the scoring would hold is refused outright, with a neutral
        message. Once bios are registered with the queue, hold it for a moderator instead.
        """
        bio = self.cleaned_data.get("bio") or ""
        if not bio.strip() or "bio" not in self.changed_data:
            return bio
        author = getattr(self.instance, "user", None)  # None: judged as a new account
        validate_link_limit(bio, author)
        verdict = assess(bio, author=author, kind="profile", scope=f"profile:{self.instance.user_id}")
        if verdict.held:
            logger.info("Profile bio of user %s refused as likely spam: %s", self.instance.user_id, verdict.codes)
            raise ValidationError(BIO_REFUSED, code="spam")
        return bio

    def save(self, commit=True):
        profile = super().save(commit)
        if "bio" in self.changed_data and profile.bio.strip():
            remember(profile.bio, scope=f"profile:{profile.user_id}")  # the same bio on other accounts
        return profile
