"""The guest registration form: a name and an address, with the anti-spam traps.

Account holders register in one click (no form); visitors and accounts whose address is not
verified yet fill this form and confirm by email.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from creative.antispam.forms import SpamTrapFormMixin


class GuestRegistrationForm(SpamTrapFormMixin, forms.Form):
    spam_trap_name = "events.register"

    name = forms.CharField(
        label=_("Votre nom"), max_length=120, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Indiquez votre nom : il figure sur la liste des personnes inscrites.")},
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique"), max_length=254,
        help_text=_("Pour confirmer votre inscription et vous envoyer les informations pratiques. "
                    "Elle n'est jamais affichée sur le site."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse électronique : le lien de confirmation y est envoyé."),
            "invalid": _("Cette adresse électronique n'est pas valide (exemple : prenom.nom@exemple.fr)."),
        },
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
