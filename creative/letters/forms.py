"""The subscription form and the preferences form of the weekly letter.

Choosing where: nothing chosen means the whole home territory. The home territory's larger
parts (its pays, intercommunalités… every level above the commune) are checkboxes, one group
per level; communes, too many for checkboxes, are typed (names or postal codes, one per line
or separated by commas) and resolved like the commune fields of the other forms
(creative.territories.lookup), only inside the home territory. Choosing what: theme
checkboxes, none meaning every theme. Everything works without JavaScript.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from creative.antispam.forms import SpamTrapFormMixin
from creative.innovations.models import Theme
from creative.territories import lookup
from creative.territories.models import Territory

from . import subscriptions

MAX_COMMUNES = 30
_SEPARATORS = re.compile(r"[\n\r;,]+")

# One group of checkboxes per level under the home territory, largest first.
LEVEL_LABELS = {
    Territory.Level.DEPARTEMENT: _("Départements"),
    Territory.Level.PAYS: _("Pays"),
    Territory.Level.EPCI: _("Intercommunalités"),
}
LEVEL_FIELD = "territoires_%s"


def home_parts(home):
    """{level: [Territory, …]}: the territories under `home` above the commune, by level (largest first)."""
    if home is None:
        return {}
    parts = {}
    below = Territory.objects.descendants_of(home).exclude(level=Territory.Level.COMMUNE).order_by("name")
    by_level = {}
    for territory in below:
        by_level.setdefault(territory.level, []).append(territory)
    for level in Territory.Level.values:
        if by_level.get(level):
            parts[level] = by_level[level]
    return parts


class CommunesField(forms.CharField):
    """Communes of the home territory, typed: names, labels (« Brest (29200) ») or codes. Cleans to a list."""

    widget = forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *, home=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 3000)
        super().__init__(**kwargs)
        self.home = home

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            labels = {e.pk: e.label for e in lookup.commune_index()}
            return "\n".join(labels.get(t.pk, t.name) for t in value)
        return value

    def clean(self, value):
        text = super().clean(value)
        pieces = [" ".join(p.split()) for p in _SEPARATORS.split(text or "")]
        pieces = [p for p in pieces if p]
        if len(pieces) > MAX_COMMUNES:
            raise ValidationError(
                _("Choisissez %(max)s communes au plus (vous en avez indiqué %(count)s), ou une intercommunalité."),
                code="too_many", params={"max": MAX_COMMUNES, "count": len(pieces)},
            )
        inside = {e.pk for e in lookup.commune_index() if e.home}
        communes, errors = [], []
        for piece in pieces:
            commune, message = lookup.resolve_commune(piece)
            if commune is None:
                errors.append(ValidationError(message, code="invalid_choice"))
            elif self.home is not None and commune.pk not in inside:
                errors.append(ValidationError(
                    _("%(commune)s n'est pas dans le territoire de la lettre (%(home)s)."),
                    code="outside", params={"commune": commune.name, "home": self.home.name},
                ))
            elif commune not in communes:
                communes.append(commune)
        if errors:
            raise ValidationError(errors)
        return communes


class ChoicesForm(forms.Form):
    """Territories and themes of a subscription: `chosen_territories()` and cleaned_data["themes"]."""

    def __init__(self, *args, subscriber=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.home = Territory.objects.home()
        self.parts = home_parts(self.home)
        chosen = list(subscriber.territories.all()) if subscriber is not None else []
        home_name = self.home.name if self.home else ""
        for level, territories in self.parts.items():
            name = LEVEL_FIELD % level
            self.fields[name] = forms.MultipleChoiceField(
                label=LEVEL_LABELS.get(level, Territory.Level(level).label), required=False,
                choices=[(str(t.pk), t.name) for t in territories], widget=forms.CheckboxSelectMultiple,
            )
            self.initial.setdefault(name, [str(t.pk) for t in chosen if t.level == level])
        if self.home is not None:
            self.fields["communes"] = CommunesField(
                home=self.home, label=_("Communes"),
                help_text=_("Facultatif. Une commune par ligne, ou séparées par des virgules : son nom ou son code "
                            "postal, par exemple « Plougastel-Daoulas » ou « 29470 ». Seulement les communes du "
                            "territoire (%(home)s).")
                % {"home": home_name},
            )
            self.initial.setdefault("communes", [t for t in chosen if t.level == Territory.Level.COMMUNE])
        self.fields["themes"] = forms.ModelMultipleChoiceField(
            label=_("Thèmes"), required=False, queryset=Theme.objects.all(), to_field_name="slug",
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Ne cochez rien pour recevoir tous les thèmes."),
        )
        if subscriber is not None:
            self.initial.setdefault("themes", list(subscriber.themes.all()))

    @property
    def territory_fields(self):
        return [self[LEVEL_FIELD % level] for level in self.parts] + (
            [self["communes"]] if "communes" in self.fields else [])

    @property
    def where_hint(self):
        if self.home is None:
            return ""
        return _("Ne cochez rien et n'indiquez aucune commune pour recevoir tout le territoire : %(home)s.") % {
            "home": self.home.name}

    def chosen_territories(self):
        """The territories ticked or typed (none: the whole home territory)."""
        ids = [int(pk) for level in self.parts for pk in self.cleaned_data.get(LEVEL_FIELD % level, [])]
        chosen = list(Territory.objects.filter(pk__in=ids))
        return chosen + [c for c in self.cleaned_data.get("communes", []) if c not in chosen]


class SubscribeForm(SpamTrapFormMixin, ChoicesForm):
    spam_trap_name = "letters.subscribe"

    email = forms.EmailField(
        label=_("Votre adresse électronique"), max_length=254,
        help_text=_("Un courriel vous demandera de confirmer. Elle n'est jamais affichée ni transmise."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse électronique : la lettre y sera envoyée."),
            "invalid": _("Cette adresse électronique n'est pas valide (exemple : prenom.nom@exemple.fr)."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"] = forms.BooleanField(
            label=subscriptions.consent_text(), required=True,
            error_messages={"required": _("Cochez cette case pour vous abonner : sans votre accord, nous ne vous "
                                          "écrivons pas.")},
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PreferencesForm(ChoicesForm):
    """A subscriber changes their territories and themes (a signed link, no login)."""
