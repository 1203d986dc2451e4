"""The ambassador offer form: what one can share about a fiche, how, when, and how far one travels.

Public text written by a fiche's carrier: the anti-spam traps (honeypot, fill time), the link
limit of new accounts, and the content score (a text scored as spam is refused, the person keeps
what they wrote).
"""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import LinkLimitMixin
from creative.antispam.scoring import assess

from .models import Ambassador

SPAM_REFUSED = _("Ce texte ressemble à un message publicitaire : il ne peut pas être publié tel quel. Décrivez avec "
                 "vos mots ce que vous pouvez partager. Si vous pensez que c'est une erreur, un accompagnateur peut "
                 "vous aider. Ce que vous avez écrit est conservé.")


class AmbassadorForm(SpamTrapFormMixin, LinkLimitMixin, forms.ModelForm):
    """`user` writes the offer on `innovation`; `profile_public` says whether their profile is public already.

    When it is not, a "make my profile public" box is offered (`make_public`).
    """

    spam_trap_name = "network.ambassador"
    link_limited_fields = ("topics", "availability")

    means = forms.MultipleChoiceField(
        label=_("Comment"), choices=[(value, capfirst(label)) for value, label in Ambassador.Means.choices],
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez les façons dont vous pouvez aider."),
    )
    make_public = forms.BooleanField(
        label=_("Rendre mon profil public"), required=False,
        help_text=_("Votre nom, votre commune, votre présentation et les fiches que vous portez seront visibles "
                    "de tous. Votre adresse électronique ne l'est jamais."),
    )

    class Meta:
        model = Ambassador
        fields = ["topics", "means", "availability", "travel_km", "is_active"]
        widgets = {"topics": forms.Textarea(attrs={"rows": 5})}
        labels = {"is_active": _("Je suis disponible en ce moment")}
        help_texts = {"is_active": _("Décochez pour ne plus apparaître sans retirer votre offre.")}

    def __init__(self, *args, user=None, innovation=None, profile_public=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.innovation, self.profile_public = user, innovation, profile_public
        self.author = user  # LinkLimitMixin
        self.fields["topics"].required = True
        self.fields["topics"].error_messages["required"] = _(
            "Dites en quelques mots ce que vous pouvez partager : démarrage, financement, animation…")
        self.fields["travel_km"].widget.attrs.update({"min": 0, "max": 1000})
        if profile_public:
            del self.fields["make_public"]

    @property
    def spam_scope(self):
        return f"ambassador:{getattr(self.innovation, 'pk', '')}:{getattr(self.user, 'pk', '')}"

    def clean_means(self):
        chosen = set(self.cleaned_data.get("means") or [])
        return [value for value in Ambassador.Means.values if value in chosen]

    def clean(self):
        cleaned = super().clean()
        texts = [cleaned.get("topics") or "", cleaned.get("availability") or ""]
        if not self.errors and any(texts):
            verdict = assess(texts, author=self.user, kind="ambassador", scope=self.spam_scope)
            if verdict.held:
                self.add_error("topics", forms.ValidationError(SPAM_REFUSED, code="spam"))
        return cleaned
