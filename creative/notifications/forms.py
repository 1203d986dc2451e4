"""The forms of « Mes abonnements » (add a theme, add a territory) and of the notification preferences."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from creative.innovations.models import Theme
from creative.territories import lookup
from creative.territories.models import Territory

from .models import NotificationSettings


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["frequency"]
        widgets = {"frequency": forms.RadioSelect}
        help_texts = {
            "frequency": _("Les notifications restent toujours visibles sur le site, quel que soit votre choix."),
        }


class FollowThemeForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Thème"), queryset=Theme.objects.order_by("position", "name"), empty_label=_("— Choisir un thème —"),
        error_messages={"required": _("Choisissez un thème."),
                        "invalid_choice": _("Ce thème n'existe pas : choisissez-en un dans la liste.")},
    )


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.level_label})"


class FollowTerritoryForm(forms.Form):
    """A larger territory from a list, or a commune by its name or postal code (resolved on the server)."""

    territory = TerritoryChoiceField(
        label=_("Un territoire"), required=False, empty_label=_("— Choisir un territoire —"),
        queryset=Territory.objects.exclude(level=Territory.Level.COMMUNE).order_by("depth", "name"),
        help_text=_("Région, département, pays ou intercommunalité."),
        error_messages={"invalid_choice": _("Ce territoire n'existe pas : choisissez-en un dans la liste.")},
    )
    commune = forms.CharField(
        label=_("Ou une commune"), max_length=lookup.MAX_QUERY_LENGTH, required=False,
        help_text=_("Son nom ou son code postal, par exemple « Plougastel-Daoulas » ou « 29470 »."),
        widget=forms.TextInput(attrs={"data-commune-autocomplete": "", "autocomplete": "off"}),
    )
    commune_code = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-commune-code": ""}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].widget.attrs["data-endpoint"] = reverse_lazy("territories:communes")
        self.resolved = None

    def clean(self):
        cleaned = super().clean()
        territory = cleaned.get("territory")
        text = (cleaned.get("commune") or "").strip()
        if self.errors:
            return cleaned
        if territory is not None and text:
            raise forms.ValidationError(_("Choisissez un territoire ou une commune, pas les deux à la fois."))
        if territory is not None:
            self.resolved = territory
            return cleaned
        if not text:
            raise forms.ValidationError(_("Choisissez un territoire dans la liste, ou indiquez une commune."))
        code = (cleaned.get("commune_code") or "").strip()
        commune = Territory.objects.communes().filter(code=code).first() if code else None
        if commune is None:
            commune, message = lookup.resolve_commune(text)
            if commune is None:
                self.add_error("commune", message)
                return cleaned
        self.resolved = commune
        return cleaned
