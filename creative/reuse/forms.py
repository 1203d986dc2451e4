"""Declaring that one of my fiches reproduces, or was inspired by, another one."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import LinkLimitMixin

from .models import Reproduction
from .services import link_problem

KIND_CHOICES = [
    (Reproduction.Kind.REPRODUCTION, _("Je l'ai reproduite : la même démarche, menée ailleurs")),
    (Reproduction.Kind.INSPIRATION, _("Je m'en suis inspiré·e : l'idée reprise, la démarche adaptée")),
]


class FicheChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.is_published:
            return obj.title
        return f"{obj.title} ({obj.get_state_display()})"


class DeclareForm(SpamTrapFormMixin, LinkLimitMixin, forms.Form):
    spam_trap_name = "reuse.declare"
    link_limited_fields = ("adapted",)

    derived = FicheChoiceField(
        label=_("Votre fiche"), queryset=None, empty_label=_("— Choisissez une de vos fiches —"),
        help_text=_("Une fiche dont vous êtes auteur ou porteur. Elle peut être encore en brouillon : le lien "
                    "s'affichera quand elle sera publiée."),
        error_messages={
            "required": _("Choisissez la fiche de votre initiative."),
            "invalid_choice": _("Choisissez une de vos fiches : seuls ses auteurs et porteurs peuvent la lier à "
                                "une autre."),
        },
    )
    kind = forms.ChoiceField(label=_("Quel lien ?"), choices=KIND_CHOICES, widget=forms.RadioSelect,
                             initial=Reproduction.Kind.REPRODUCTION)
    adapted = forms.CharField(
        label=_("Ce que vous avez adapté"), required=False, max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Facultatif : ce que vous avez gardé, changé ou ajouté par rapport à l'original. Ce texte est "
                    "public."),
    )
    started_year = forms.IntegerField(
        label=_("Depuis quelle année ?"), required=False, min_value=1900,
        error_messages={"min_value": _("Indiquez une année à partir de 1900."),
                        "max_value": _("Indiquez une année jusqu'à %(limit_value)s."),
                        "invalid": _("Indiquez une année en chiffres, par exemple 2021.")},
    )

    def __init__(self, *args, original, fiches, **kwargs):
        super().__init__(*args, **kwargs)
        self.original = original
        self.fields["derived"].queryset = fiches
        limit = timezone.now().year + 1
        self.fields["started_year"].validators.append(MaxValueValidator(limit))
        self.fields["started_year"].widget.attrs.update({"min": 1900, "max": limit})

    def clean(self):
        cleaned = super().clean()
        derived = cleaned.get("derived")
        if derived is not None:
            problem = link_problem(self.original, derived)
            if problem:
                self.add_error("derived", problem)
        return cleaned
