"""The call-for-help form (new call, or edit with its status) and the open-calls filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import LinkLimitMixin

from .models import CallForHelp

DESCRIPTION_HELP = gettext_lazy(
    "Facultatif. Ce qu'il faut, quand, où, pour combien de temps. Markdown simple : *italique*, **gras**, "
    "listes avec « - », liens [texte](https://…)."
)


class CallForm(SpamTrapFormMixin, LinkLimitMixin, forms.ModelForm):
    """A call of one fiche. New calls are open; editing one also sets its status."""

    spam_trap_name = "calls.call"
    link_limited_fields = ("description",)

    class Meta:
        model = CallForHelp
        fields = ["kind", "title", "description", "status", "ends_on"]
        labels = {
            "kind": gettext_lazy("De quoi avez-vous besoin ?"),
            "title": gettext_lazy("Titre de l'appel"),
            "description": gettext_lazy("Description"),
            "status": gettext_lazy("État de l'appel"),
            "ends_on": gettext_lazy("Jusqu'au (facultatif)"),
        }
        help_texts = {
            "description": DESCRIPTION_HELP,
            "status": gettext_lazy("« Pourvu » quand vous avez trouvé, « clos » quand vous n'en avez plus besoin : "
                                   "l'appel disparaît alors de la liste des appels ouverts."),
            "ends_on": gettext_lazy("Après cette date, l'appel n'est plus affiché comme ouvert."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "title": {"required": gettext_lazy("Donnez un titre à votre appel, par exemple : deux bénévoles le "
                                               "samedi matin.")},
            "kind": {"required": gettext_lazy("Choisissez de quoi vous avez besoin.")},
            "ends_on": {"invalid": gettext_lazy("Indiquez une date, par exemple 30/06/2026.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["status"]  # a new call is open

    def clean_ends_on(self):
        ends_on = self.cleaned_data.get("ends_on")
        if ends_on and "ends_on" in self.changed_data and ends_on < timezone.localdate():
            raise forms.ValidationError(_("Cette date est passée : choisissez une date à venir, ou laissez le champ "
                                          "vide."), code="past")
        return ends_on
