"""Forms of the review pages: a message in the thread, a transition, a suggestion, the queue's filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from creative.antispam.forms import SpamTrapFormMixin
from creative.innovations.models import Innovation

from . import suggestions

MESSAGE_HELP = _("Markdown : **gras**, *italique*, listes avec « - », liens [texte](https://…).")


class MessageForm(SpamTrapFormMixin, forms.Form):
    """A message to the other side of the review (authors ↔ editors)."""

    body = forms.CharField(
        label=_("Votre message"), help_text=MESSAGE_HELP, max_length=10000, strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Le message est vide.")},
    )


class TransitionForm(forms.Form):
    """The optional (or required) message that goes with a transition, to the thread and the email."""

    message = forms.CharField(
        label=_("Message"), required=False, max_length=10000, strip=True, widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, label=None, help_text="", required=False, required_message="", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["message"]
        field.label = label or field.label
        field.help_text = help_text
        field.required = required
        if required_message:
            field.error_messages["required"] = required_message


class SuggestionForm(SpamTrapFormMixin, forms.Form):
    """An editor's wording for one text of the fiche."""

    target = forms.ChoiceField(label=_("Partie de la fiche"))
    proposed = forms.CharField(
        label=_("Texte proposé"), help_text=_("Le texte complet, tel que vous le proposez. Markdown."),
        max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Écrivez le texte que vous proposez.")},
    )
    note = forms.CharField(
        label=_("Explication pour les auteurs (facultative)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, innovation, **kwargs):
        super().__init__(*args, **kwargs)
        self.innovation = innovation
        self.fields["target"].choices = suggestions.targets(innovation)

    def clean(self):
        cleaned = super().clean()
        target, proposed = cleaned.get("target"), cleaned.get("proposed")
        if not target or not proposed:
            return cleaned
        limit = Innovation._meta.get_field(target).max_length if target in suggestions.FIELD_TARGETS else None
        if limit and len(proposed) > limit:
            self.add_error("proposed", _("Ce texte fait %(length)s caractères ; « %(part)s » en admet %(limit)s "
                                         "au plus.") % {"length": len(proposed), "limit": limit,
                                                        "part": suggestions.target_label(target)})
        elif proposed.strip() == suggestions.current_text(self.innovation, target).strip():
            self.add_error("proposed", _("Le texte proposé est identique au texte actuel."))
        return cleaned


class QueueFilterForm(forms.Form):
    """The queue's territory filter (GET), limited to the editor's territories and their EPCI/pays."""

    territoire = forms.ChoiceField(label=_("Territoire"), required=False)

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.territories = {t.slug: t for t in territories}
        self.fields["territoire"].choices = [("", _("Tous mes territoires"))] + [
            (t.slug, f"{t.name} ({t.get_level_display()})") for t in territories
        ]
        self.fields["territoire"].error_messages["invalid_choice"] = _(
            "Ce territoire n'est pas parmi les vôtres : le filtre est ignoré."
        )

    @property
    def territory(self):
        if not self.is_valid():
            return None
        return self.territories.get(self.cleaned_data["territoire"])
