"""Forms of the organisations (the structure, its members) and of a fiche's team.

Every form works without JavaScript: people and organisations are named by the address of
their public page or its last part (the slug), found with a plain name search if needed.
"""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from creative.accounts.forms import CommuneField, PhotoField
from creative.accounts.models import Profile
from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import LinkLimitMixin
from creative.innovations.models import CarrierKind, Theme
from creative.territories.models import Territory

from .models import Membership, Organisation, TeamMember

MARKDOWN_HELP = _("En Markdown : **gras**, *italique*, une ligne commençant par « - » pour une liste, "
                  "[texte du lien](https://…) pour un lien.")


def slug_from(value):
    """The slug named by `value`: a page's address (full or a path) or the slug itself."""
    value = (value or "").strip()
    if "/" in value:
        value = urlsplit(value).path.rstrip("/").rsplit("/", 1)[-1]
    return value[:200]


class TextField(forms.CharField):
    """A textarea's text with Unix line ends (browsers send CRLF)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class OrganisationForm(SpamTrapFormMixin, LinkLimitMixin, forms.ModelForm):
    """Create or edit an organisation. Its logo is checked here and re-encoded by the service."""

    spam_trap_name = "network.organisation"
    link_limited_fields = ("description",)

    kind = forms.ModelChoiceField(
        label=_("Type de structure"), required=False, queryset=CarrierKind.objects.all(),
        empty_label=_("— Non précisé —"),
    )
    description = TextField(
        label=_("Présentation"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ce que fait la structure, pour qui, depuis quand. 5 000 caractères au plus. ") + MARKDOWN_HELP,
    )
    commune = CommuneField(
        label=_("Commune"), required=False, empty_label=_("— Non précisée —"),
        queryset=Territory.objects.communes().order_by("name", "code"),
        help_text=_("Facultative. Elle place l'organisation sur la carte et dans les filtres par territoire."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"), required=False, queryset=Theme.objects.all(), widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = [
            "name", "kind", "description", "logo", "commune", "address", "latitude", "longitude", "website",
            "themes", "accepts_contact",
        ]
        field_classes = {"logo": PhotoField}
        labels = {
            "name": _("Nom"),
            "logo": _("Logo"),
            "address": _("Adresse"),
            "latitude": _("Latitude du point précis"),
            "longitude": _("Longitude du point précis"),
            "website": _("Site web"),
            "accepts_contact": _("Accepter les messages"),
        }
        help_texts = {
            "address": _("Facultative, publique : l'adresse de l'accueil ou du local, jamais celle d'une personne."),
            "latitude": _("Facultative, avec la longitude : par exemple 48.3904. Sans point précis, la carte "
                          "place l'organisation au centre de sa commune."),
            "longitude": _("Facultative, avec la latitude : par exemple -4.4861."),
            "website": _("Facultatif. Par exemple : https://www.exemple.bzh"),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "address": forms.TextInput(attrs={"autocomplete": "off"}),
            "latitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
        }
        error_messages = {"name": {"required": _("Indiquez le nom de l'organisation.")}}

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if "latitude" in self.errors or "longitude" in self.errors:
            return cleaned
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, ValidationError(
                _("Indiquez la latitude et la longitude ensemble, ou aucune des deux."), code="incomplete_point"))
        return cleaned


class MemberInvitationForm(forms.Form):
    """A manager invites someone by email address, with a role and a title."""

    prefix = "invite"

    email = forms.EmailField(
        label=_("Adresse électronique de la personne à inviter"), max_length=254,
        help_text=_("Elle reçoit un lien valable 14 jours. Si elle n'a pas encore de compte, elle pourra en créer "
                    "un. Cette adresse n'est montrée à personne."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Indiquez une adresse électronique."),
                        "invalid": _("Cette adresse électronique n'est pas valide.")},
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER,
        help_text=_("Les responsables modifient la page de l'organisation et gèrent ses membres."),
    )
    title = forms.CharField(
        label=_("Fonction"), max_length=100, required=False, help_text=_("Facultative. Par exemple : trésorière."),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class MembershipForm(forms.ModelForm):
    """A manager changes a member's role or title."""

    class Meta:
        model = Membership
        fields = ["role", "title"]
        labels = {"role": _("Rôle"), "title": _("Fonction")}


class _TeamForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Place dans l'équipe"), choices=TeamMember.Kind.choices, initial=TeamMember.Kind.CARRIER,
        help_text=_("Les porteurs qui sont des personnes modifient la fiche avec les droits de ses auteurs ; les "
                    "partenaires apparaissent sur la fiche sans la modifier."),
    )
    role = forms.CharField(
        label=_("Rôle"), max_length=120, required=False, help_text=_("Facultatif. Par exemple : coordinatrice."),
    )

    def __init__(self, *args, fiche, **kwargs):
        super().__init__(*args, **kwargs)
        self.fiche = fiche


class TeamPersonForm(_TeamForm):
    """Add a person to a fiche's team by their public profile."""

    prefix = "personne"

    person = forms.CharField(
        label=_("Adresse du profil public ou son identifiant"), max_length=300,
        help_text=_("Par exemple : l'adresse de sa page de profil, ou seulement sa dernière partie. Vous ne la "
                    "connaissez pas ? Cherchez la personne par son nom ci-dessus."),
        error_messages={"required": _("Indiquez le profil public de la personne.")},
    )
    field_order = ["person", "kind", "role"]

    def clean_person(self):
        slug = slug_from(self.cleaned_data["person"])
        profile = Profile.objects.public().select_related("user").filter(slug=slug).first() if slug else None
        if profile is None:
            raise ValidationError(
                _("Aucun profil public ne correspond à « %(value)s ». Seules les personnes qui ont rendu leur profil "
                  "public peuvent être ajoutées : vérifiez l'adresse, ou cherchez la personne par son nom."),
                code="unknown", params={"value": self.cleaned_data["person"][:80]},
            )
        if self.fiche.team.filter(user_id=profile.user_id).exists():
            raise ValidationError(_("%(name)s fait déjà partie de l'équipe de cette fiche."), code="duplicate",
                                  params={"name": profile.display_name})
        return profile


class TeamOrganisationForm(_TeamForm):
    """Add an organisation (a public one) to a fiche's team."""

    prefix = "organisation"

    organisation = forms.CharField(
        label=_("Adresse de la page de l'organisation ou son identifiant"), max_length=300,
        help_text=_("Par exemple : l'adresse de sa page dans l'annuaire des organisations, ou seulement sa dernière "
                    "partie. Cherchez-la par son nom ci-dessus si besoin."),
        error_messages={"required": _("Indiquez l'organisation.")},
    )
    field_order = ["organisation", "kind", "role"]

    def clean_organisation(self):
        slug = slug_from(self.cleaned_data["organisation"])
        organisation = Organisation.objects.public().filter(slug=slug).first() if slug else None
        if organisation is None:
            raise ValidationError(
                _("Aucune organisation de l'annuaire ne correspond à « %(value)s ». Vérifiez l'adresse, ou cherchez "
                  "l'organisation par son nom."),
                code="unknown", params={"value": self.cleaned_data["organisation"][:80]},
            )
        if self.fiche.team.filter(organisation=organisation).exists():
            raise ValidationError(_("%(name)s fait déjà partie de l'équipe de cette fiche."), code="duplicate",
                                  params={"name": organisation.name})
        return organisation
