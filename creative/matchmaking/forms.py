"""The "J'ai un projet" form: an idea in free text and, optionally, a commune."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from creative.territories import lookup
from creative.territories.models import Territory

IDEA_MIN_LENGTH = 20
IDEA_MAX_LENGTH = 2000


class ProjectForm(forms.Form):
    """Sent by GET, so that a page of suggestions is an address to share. Writes nothing."""

    idee = forms.CharField(
        label=_("Décrivez votre idée"),
        min_length=IDEA_MIN_LENGTH,
        max_length=IDEA_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("En quelques phrases : ce que vous voulez faire, pour qui, avec qui. 20 à 2 000 caractères."),
        error_messages={
            "required": _("Décrivez votre idée en quelques phrases."),
            "min_length": _(
                "Décrivez votre idée en %(limit_value)d caractères au moins (vous en avez écrit %(show_value)d)."
            ),
            "max_length": _(
                "Décrivez votre idée en %(limit_value)d caractères au plus (vous en avez écrit %(show_value)d)."
            ),
        },
    )
    commune = forms.CharField(
        label=_("Commune"),
        required=False,
        max_length=lookup.MAX_QUERY_LENGTH,
        help_text=_("Facultative : où vous voulez agir, par son nom ou son code postal (« Plouzané » ou « 29280 »)."),
        widget=forms.TextInput(attrs={"data-commune-autocomplete": "", "autocomplete": "off"}),
    )
    # The INSEE code of the suggestion chosen (set by the autocomplete); never an error of its own.
    code = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-commune-code": ""}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].widget.attrs["data-endpoint"] = reverse_lazy("territories:communes")
        self.candidates = []  # communes to choose from when the name was ambiguous

    def clean(self):
        cleaned = super().clean()
        text = " ".join((cleaned.get("commune") or "").split())
        cleaned["commune_obj"] = None
        if not text:
            return cleaned
        commune, message = self._resolve(text, (cleaned.get("code") or "").strip()[:10])
        if commune is None:
            self.add_error("commune", message)
            matches = lookup.search_communes(text, limit=lookup.CANDIDATES_SHOWN + 1)
            self.candidates = [entry.label for entry in matches[: lookup.CANDIDATES_SHOWN]] if len(matches) > 1 else []
        cleaned["commune_obj"] = commune
        return cleaned

    @staticmethod
    def _resolve(text, code):
        """The commune chosen in the suggestions if the text still names it, else the one the text names."""
        if code:
            entry = next((e for e in lookup.commune_index() if e.code == code), None)
            if entry is not None and lookup.fold(text) in (entry.folded, lookup.fold(entry.label)):
                commune = Territory.objects.communes().filter(pk=entry.pk).first()
                if commune is not None:
                    return commune, None
        return lookup.resolve_commune(text)
