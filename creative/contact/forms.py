"""The contact form (a message to a person, an organisation or an ambassador) and the reply form.

Visitors give a name and an address; signed-in people write under their public name and account
address, so the form has only the message for them. Anti-spam: the traps (honeypot, fill time),
the link limit of new accounts and visitors; the content score is the service's.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from creative.accounts.models import validate_display_name
from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import LinkLimitMixin

MESSAGE_MAX_LENGTH = 5000


def message_field(label):
    return forms.CharField(
        label=label, max_length=MESSAGE_MAX_LENGTH, strip=True, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("%(limit)s caractères au plus. Le texte est transmis par courriel ; il n'est pas conservé sur "
                    "le site.") % {"limit": "5 000"},
        error_messages={
            "required": _("Le message est vide : écrivez quelques mots avant de l'envoyer."),
            "max_length": _("Un message fait au plus %(limit_value)d caractères ; le vôtre en fait %(show_value)d. "
                            "Raccourcissez-le."),
        },
    )


class ContactForm(SpamTrapFormMixin, LinkLimitMixin, forms.Form):
    spam_trap_name = "contact.message"
    link_limited_fields = ("message",)

    name = forms.CharField(
        label=_("Votre nom"), max_length=80, validators=[validate_display_name],
        help_text=_("Il est donné à la personne à qui vous écrivez."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique"), max_length=254,
        help_text=_("Pour recevoir la réponse. Elle n'est pas donnée à la personne à qui vous écrivez : elle ne la "
                    "découvre que si vous recevez une réponse."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = message_field(_("Votre message"))

    def __init__(self, *args, sender=None, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(sender, "is_authenticated", False):
            del self.fields["name"], self.fields["email"]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class ReplyForm(SpamTrapFormMixin, forms.Form):
    spam_trap_name = "contact.reply"

    message = message_field(_("Votre réponse"))
