"""Forms of the guided editor, one per step, and of the co-author invitation.

A step form never writes to the database: it reads its initial values from a snapshot
(`initial_from(data)`) and writes its cleaned values into a copy of one (`apply_to(data)`);
the view hands the whole snapshot to revisions.save_edit, the single write path.
"""

from django import forms
from django.core.validators import MaxValueValidator
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _

from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import LinkLimitMixin
from creative.core.images import decode_image
from creative.innovations.models import CarrierKind, Image, Innovation, Licence, Theme
from creative.territories import lookup
from creative.territories.models import Territory

MARKDOWN_HELP = _("En Markdown : **gras**, *italique*, une ligne commençant par « - » pour une liste, "
                  "[texte du lien](https://…) pour un lien.")
MAX_PLACES = 20
MAX_LINKS = 20


class TextField(forms.CharField):
    """A textarea's text with Unix line ends.

    Browsers send every line end of a textarea as CRLF: without this, a text sent back
    untouched would differ from the stored one, and count as a change (a revision, a conflict).
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class EditMetaForm(forms.Form):
    """What every step sends besides its fields: the version it was written on, and a summary."""

    prefix = "meta"

    base_number = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={
        "required": _("Le formulaire est incomplet : rechargez la page (ce que vous avez écrit reste affiché)."),
        "invalid": _("Le formulaire est incomplet : rechargez la page (ce que vous avez écrit reste affiché)."),
    })
    summary = forms.CharField(
        label=_("Résumé de la modification"), max_length=300, required=False,
        help_text=_("Facultatif : ce que vous avez changé, en quelques mots. Il apparaît dans l'historique."),
    )

    def clean(self):
        cleaned = super().clean()
        if "base_number" in self.errors:
            # A hidden field's error would show nowhere: say it at the top of the form.
            self.add_error(None, self.errors["base_number"][0])
        return cleaned


# Identity ---------------------------------------------------------------------------------------

class IdentityForm(SpamTrapFormMixin, LinkLimitMixin, forms.Form):
    """The fiche's identity; creating a fiche starts here (anti-spam traps, link limit of new accounts)."""

    title = forms.CharField(
        label=_("Titre"), max_length=150,
        help_text=_("Le nom de l'innovation, celui que les gens emploient."),
        error_messages={"required": _("Donnez un titre à la fiche.")},
    )
    pitch = TextField(
        label=_("En bref"), max_length=280, required=False,
        help_text=_("280 caractères au plus : ce que c'est, pour qui, où (obligatoire pour soumettre la fiche)."),
        widget=forms.Textarea(attrs={"rows": 3, "data-char-counter": ""}),
        error_messages={
            "max_length": _("La présentation en bref compte %(show_value)s caractères : raccourcissez-la à "
                            "%(limit_value)s au plus."),
        },
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"), queryset=Theme.objects.all(), to_field_name="slug", required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Au moins un, pour que la fiche soit trouvée (obligatoire pour la soumettre)."),
    )
    carrier_kind = forms.ModelChoiceField(
        label=_("Type de porteur"), queryset=CarrierKind.objects.all(), to_field_name="slug", required=False,
        empty_label=_("— Non précisé —"),
    )
    carrier_name = forms.CharField(
        label=_("Structure porteuse"), max_length=200, required=False,
        help_text=_("Le nom de l'association, du service ou du collectif qui porte l'innovation."),
    )
    status = forms.ChoiceField(label=_("Avancement"), choices=Innovation.Status.choices)
    start_year = forms.IntegerField(
        label=_("Année de démarrage"), required=False, min_value=1900,
        error_messages={"min_value": _("Indiquez une année à partir de 1900."),
                        "max_value": _("Indiquez une année jusqu'à %(limit_value)s."),
                        "invalid": _("Indiquez une année en chiffres, par exemple 2019.")},
    )
    website = forms.URLField(
        label=_("Site web"), required=False, max_length=200, assume_scheme="https",
        error_messages={"invalid": _("Indiquez une adresse web complète, par exemple https://exemple.org.")},
    )
    description = TextField(
        label=_("Description"), required=False, help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 12, "data-markdown-preview": ""}),
    )

    markdown_fields = ("description",)
    link_limited_fields = ("pitch", "description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A project may be announced a few years ahead; beyond that it is a typo.
        limit = timezone.now().year + 5
        self.fields["start_year"].validators.append(MaxValueValidator(limit))
        self.fields["start_year"].widget.attrs["max"] = limit

    @staticmethod
    def initial_from(data):
        return {
            "title": data.get("title") or "",
            "pitch": data.get("pitch") or "",
            "themes": list(data.get("themes") or []),
            "carrier_kind": data.get("carrier_kind"),
            "carrier_name": data.get("carrier_name") or "",
            "status": data.get("status") or Innovation.Status.RUNNING,
            "start_year": data.get("start_year"),
            "website": data.get("website") or "",
            "description": data.get("description") or "",
        }

    def apply_to(self, data):
        c = self.cleaned_data
        data.update({
            "title": c["title"].strip(),
            "pitch": c["pitch"].strip(),
            "themes": sorted(theme.slug for theme in c["themes"]),
            "carrier_kind": c["carrier_kind"].slug if c["carrier_kind"] else None,
            "carrier_name": c["carrier_name"].strip(),
            "status": c["status"],
            "start_year": c["start_year"],
            "website": c["website"],
            "description": c["description"].strip(),
        })
        return data


class RowFormSet(forms.BaseFormSet):
    """A formset whose rows can be removed with a checkbox labelled for this kind of row."""

    deletion_label = _("Retirer")

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.deletion_label

    def kept_rows(self):
        """The cleaned rows to keep: neither removed nor left empty."""
        return [
            form.cleaned_data for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank_row()
        ]


class LinkForm(forms.Form):
    label = forms.CharField(label=_("Intitulé du lien"), max_length=200, required=False)
    url = forms.URLField(
        label=_("Adresse du lien"), max_length=200, required=False, assume_scheme="https",
        error_messages={"invalid": _("Indiquez une adresse web complète, par exemple https://exemple.org/article.")},
    )

    def is_blank_row(self):
        return not (self.cleaned_data.get("label") or self.cleaned_data.get("url"))

    def clean(self):
        cleaned = super().clean()
        label, url = (cleaned.get("label") or "").strip(), cleaned.get("url")
        if url and not label:
            self.add_error("label", _("Donnez un intitulé à ce lien, par exemple « Article du Télégramme »."))
        if label and not url and "url" not in self.errors:
            self.add_error("url", _("Indiquez l'adresse de ce lien, ou videz son intitulé."))
        cleaned["label"] = label
        return cleaned


class LinkFormSetBase(RowFormSet):
    deletion_label = _("Retirer ce lien")

    @staticmethod
    def initial_from(data):
        return [{"label": link["label"], "url": link["url"]} for link in data.get("links") or []]

    def apply_to(self, data):
        data["links"] = [{"label": row["label"], "url": row["url"]} for row in self.kept_rows()]
        return data


LinkFormSet = forms.formset_factory(
    LinkForm, formset=LinkFormSetBase, extra=1, can_delete=True, max_num=MAX_LINKS, validate_max=True,
)


# Places ---------------------------------------------------------------------------------------------

class PlaceForm(forms.Form):
    commune = forms.CharField(
        label=_("Commune"), max_length=lookup.MAX_QUERY_LENGTH, required=False,
        help_text=_("Son nom ou son code postal, par exemple « Plougastel-Daoulas » ou « 29470 »."),
        widget=forms.TextInput(attrs={"data-commune-autocomplete": "", "autocomplete": "off"}),
    )
    commune_code = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-commune-code": ""}))
    address = forms.CharField(
        label=_("Adresse"), max_length=255, required=False,
        help_text=_("Facultative : seulement si c'est un lieu ouvert au public."),
    )
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_("Facultative, en degrés décimaux, par exemple 48.3904."),
        error_messages={"invalid": _("Indiquez la latitude en degrés décimaux, par exemple 48.3904."),
                        "min_value": _("Une latitude est comprise entre -90 et 90."),
                        "max_value": _("Une latitude est comprise entre -90 et 90.")},
    )
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_("Facultative, en degrés décimaux, par exemple -4.4861."),
        error_messages={"invalid": _("Indiquez la longitude en degrés décimaux, par exemple -4.4861."),
                        "min_value": _("Une longitude est comprise entre -180 et 180."),
                        "max_value": _("Une longitude est comprise entre -180 et 180.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].widget.attrs["data-endpoint"] = reverse_lazy("territories:communes")
        self.resolved = None  # the commune Territory, once clean

    def is_blank_row(self):
        c = self.cleaned_data
        return not (c.get("commune") or c.get("address") or c.get("latitude") is not None
                    or c.get("longitude") is not None)

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("commune") or "").strip()
        if text:
            commune, message = self._resolve(text, (cleaned.get("commune_code") or "").strip())
            if commune is None:
                self.add_error("commune", message)
            else:
                self.resolved = commune
        elif not self.is_blank_row():
            self.add_error("commune", _("Indiquez la commune de ce lieu."))
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lng is None) and not {"latitude", "longitude"} & set(self.errors):
            missing = "longitude" if lng is None else "latitude"
            self.add_error(missing, _("Indiquez la latitude et la longitude, ou aucune des deux."))
        return cleaned

    @staticmethod
    def _resolve(text, code):
        """The commune meant: the code chosen in the suggestions if the text still names it, else the text."""
        if code:
            entry = next((e for e in lookup.commune_index() if e.code == code), None)
            if entry is not None and lookup.fold(text) in (entry.folded, lookup.fold(entry.label)):
                commune = Territory.objects.communes().filter(pk=entry.pk).first()
                if commune is not None:
                    return commune, None
        return lookup.resolve_commune(text)

    def as_place(self):
        c, commune = self.cleaned_data, self.resolved
        return {
            "commune": commune.code,
            "commune_name": commune.name,
            "address": (c.get("address") or "").strip(),
            "latitude": c.get("latitude"),
            "longitude": c.get("longitude"),
        }


class PlaceFormSetBase(RowFormSet):
    deletion_label = _("Retirer ce lieu")

    @staticmethod
    def initial_from(data):
        labels = {entry.code: entry.label for entry in lookup.commune_index()}
        return [
            {
                "commune": labels.get(place["commune"], place.get("commune_name") or place["commune"]),
                "commune_code": place["commune"],
                "address": place.get("address") or "",
                "latitude": place.get("latitude"),
                "longitude": place.get("longitude"),
            }
            for place in data.get("places") or []
        ]

    def apply_to(self, data):
        data["places"] = [
            form.as_place() for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank_row()
        ]
        return data


PlaceFormSet = forms.formset_factory(
    PlaceForm, formset=PlaceFormSetBase, extra=1, can_delete=True, max_num=MAX_PLACES, validate_max=True,
)


# Code source ----------------------------------------------------------------------------------------

class SectionsForm(LinkLimitMixin, forms.Form):
    """One textarea per active section of the code source (sections are data, see innovations.Section)."""

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = list(sections)
        for section in self.sections:
            self.fields[self.field_name(section)] = TextField(
                label=section.title, required=False,
                # The field template marks help text safe: an editor's text is escaped here.
                help_text=conditional_escape(section.help_text),
                widget=forms.Textarea(attrs={"rows": 8, "data-markdown-preview": ""}),
            )

    @property
    def markdown_fields(self):
        return tuple(self.field_name(section) for section in self.sections)

    link_limited_fields = markdown_fields

    @staticmethod
    def field_name(section):
        return f"section_{section.slug}"

    def rows(self):
        """(section, bound field) pairs, in the sections' order."""
        return [(section, self[self.field_name(section)]) for section in self.sections]

    def initial_from(self, data):
        answers = data.get("sections") or {}
        return {self.field_name(s): answers.get(s.slug, "") for s in self.sections}

    def apply_to(self, data):
        # Answers to deactivated sections are not asked any more, but stay as they are.
        answers = dict(data.get("sections") or {})
        for section in self.sections:
            body = self.cleaned_data[self.field_name(section)].strip()
            if body:
                answers[section.slug] = body
            else:
                answers.pop(section.slug, None)
        data["sections"] = answers
        return data


# Images ---------------------------------------------------------------------------------------------

class ImageUploadForm(forms.ModelForm):
    """A new picture and its credits; the file is checked by a full decode, whatever its name says."""

    file = forms.FileField(
        label=_("Image"),
        help_text=_("Une photo au format JPEG, PNG ou WebP, de 5 Mo au plus. Ses métadonnées (position GPS, "
                    "appareil) sont retirées."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": _("Choisissez une image à envoyer."),
                        "empty": _("Le fichier envoyé est vide.")},
    )

    class Meta:
        model = Image
        fields = ["alt_text", "author", "source", "licence", "caption", "is_cover"]
        labels = {"is_cover": _("En faire l'image de couverture de la fiche")}
        help_texts = {
            "alt_text": _("Ce que montre l'image, pour les personnes qui ne la voient pas."),
            "author": _("La personne qui a pris la photo ou fait l'image."),
            "source": _("Facultatif : où l'image a été publiée d'abord."),
            "licence": _("Par exemple « CC BY-SA 4.0 ». L'auteur ou l'autrice doit avoir accepté cette licence."),
        }
        error_messages = {
            "alt_text": {"required": _("Décrivez l'image en quelques mots.")},
            "author": {"required": _("Indiquez qui a fait l'image.")},
        }

    field_order = ["file", "alt_text", "author", "source", "licence", "caption", "is_cover"]

    def clean_file(self):
        file = self.cleaned_data["file"]
        decode_image(file)  # ValidationError with a message for people
        return file


# Licence --------------------------------------------------------------------------------------------

class LicenceForm(forms.Form):
    licence = forms.ChoiceField(
        label=_("Licence de la fiche"), choices=Licence.choices, widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("Je confirme que les textes et les images de cette fiche peuvent être publiés sous cette "
                "licence : nous les avons écrits ou faits, ou leurs auteurs sont d'accord."),
        error_messages={"required": _("Cochez la confirmation pour continuer.")},
    )
    message = TextField(
        label=_("Un mot pour l'équipe éditoriale"), required=False,
        help_text=_("Facultatif, envoyé avec la soumission à relecture."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @staticmethod
    def initial_from(data):
        return {"licence": data.get("licence") or Licence.CC_BY_SA_4}

    def apply_to(self, data):
        data["licence"] = self.cleaned_data["licence"]
        return data

    def choices_explained(self):
        """(radio option, plain-words explanation, licence URL) for each licence."""
        return [
            (option, Licence.plain_words(option.data["value"]), Licence.url(option.data["value"]))
            for option in self["licence"]
        ]


# Co-authors -----------------------------------------------------------------------------------------

class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique de la personne à inviter"), max_length=254,
        help_text=_("Elle reçoit un lien valable 14 jours. Si elle n'a pas encore de compte, elle pourra en créer "
                    "un."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Indiquez une adresse électronique."),
                        "invalid": _("Cette adresse électronique n'est pas valide.")},
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
