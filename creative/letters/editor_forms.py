"""The editors' forms: the letter's text, adding an item, scheduling, previewing as a subscriber.

Everything works without JavaScript. Times are typed in Europe/Paris wall-clock time (TIME_ZONE).
"""

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creative.innovations.models import Theme
from creative.network.forms import TextField
from creative.territories.models import Territory

from .models import Issue, normalise_email

MARKDOWN_HELP = _("En Markdown : **gras**, *italique*, une ligne commençant par « - » pour une liste, "
                  "[texte du lien](https://…) pour un lien.")


class IssueForm(forms.ModelForm):
    editorial = TextField(
        label=_("Éditorial"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Quelques lignes d'introduction, en tête de la lettre. 10 000 caractères au plus. ")
        + MARKDOWN_HELP,
    )

    class Meta:
        model = Issue
        fields = ["subject", "editorial"]
        labels = {"subject": _("Objet du courriel")}
        help_texts = {"subject": _("Ce que les abonné·es lisent dans leur boîte de réception.")}

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise forms.ValidationError(_("Indiquez l'objet de la lettre."))
        return subject


class AddFicheForm(forms.Form):
    fiche = forms.CharField(
        label=_("Fiche à ajouter"), max_length=300,
        help_text=_("Son adresse (https://…/innovations/…/), ou des mots de son titre. Seules les fiches publiées "
                    "peuvent être ajoutées."),
    )


class SiteOrWebURLField(forms.CharField):
    """An http(s) address, or an address on the site starting with « / »."""

    default_error_messages = {
        "invalid": _("Indiquez une adresse complète (https://…) ou une adresse du site commençant par « / »."),
    }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        if value.startswith("/") and not value.startswith("//") and " " not in value:
            return value
        try:
            URLValidator(schemes=["http", "https"])(value)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return value


class AddLinkForm(forms.Form):
    title = forms.CharField(label=_("Titre du lien"), max_length=250)
    url = SiteOrWebURLField(label=_("Adresse"), max_length=500)
    summary = TextField(
        label=_("Résumé"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif : une ou deux phrases, en texte simple."),
    )


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Date et heure d'envoi"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Heure de Paris."),
        error_messages={
            "invalid": _("Indiquez une date et une heure valides, par exemple 2025-11-27 08:00."),
            "required": _("Indiquez la date et l'heure de l'envoi."),
        },
    )

    def clean_scheduled_at(self):
        moment = self.cleaned_data["scheduled_at"]
        if moment <= timezone.now():
            raise forms.ValidationError(_("Choisissez une date et une heure à venir."))
        return moment


def territory_choices():
    """The home territory and what is inside it, largest first (what subscribers choose from)."""
    home = Territory.objects.home()
    if home is None:
        return Territory.objects.none()
    inside = Territory.objects.descendants_of(home).values("pk")
    return Territory.objects.filter(pk=home.pk) | Territory.objects.filter(pk__in=inside)


class PreviewAsForm(forms.Form):
    """Whose letter to preview: a subscriber's address, or territories and themes (GET)."""

    email = forms.CharField(label=_("Adresse d'un·e abonné·e"), required=False, max_length=254)
    territoire = forms.ModelMultipleChoiceField(
        label=_("Ou des territoires"), required=False, queryset=Territory.objects.none(), to_field_name="slug",
        help_text=_("Aucun : tout le territoire."),
    )
    theme = forms.ModelMultipleChoiceField(
        label=_("et des thèmes"), required=False, queryset=Theme.objects.all(), to_field_name="slug",
        widget=forms.CheckboxSelectMultiple, help_text=_("Aucun : tous les thèmes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = territory_choices().order_by("depth", "name")
        self.fields["territoire"].widget.attrs["size"] = 8

    def clean_email(self):
        return normalise_email(self.cleaned_data.get("email"))

    @property
    def chosen(self):
        """Whether a preview for somebody in particular was asked for."""
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("email") or data.get("territoire") or data.get("theme"))
