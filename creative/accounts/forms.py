"""Forms for the sign-up extra field and the profile. Both work without JavaScript.

This module is loaded by allauth (ACCOUNT_SIGNUP_FORM_CLASS) while it builds its own
forms: it must not import allauth's forms.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from creative.core.images import decode_image
from creative.territories.models import Territory

from .models import Profile, validate_display_name

DISPLAY_NAME_HELP = _("Affiché publiquement sur vos contributions, à la place de votre adresse électronique.")


class SignupProfileForm(forms.Form):
    """What allauth's sign-up form asks on top of email and password; creates the profile."""

    field_order = ["display_name", "email", "password1", "password2"]

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


class ProfileForm(forms.ModelForm):
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
