"""Forms of the writers and editors: the article, publication, the review thread.

Everything works without JavaScript. Lists (fiches, events, co-signers, communes) are typed one a
line and resolved on the server, each unknown line named in a French error. The cover is decoded
here (a file that is not really a JPEG, PNG or WebP image is refused) and re-encoded by the view.
"""

from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creative.accounts.models import Profile
from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import LinkLimitMixin
from creative.core.images import decode_image
from creative.events.forms import NonexistentTime, find_fiches, local_datetime
from creative.events.models import Event
from creative.innovations.models import Innovation, Theme
from creative.network.forms import TextField, slug_from
from creative.territories import lookup
from creative.territories.models import Territory

from .models import Article, ArticleImage, Category

MAX_FICHES = 60
MAX_EVENTS = 20
MAX_COAUTHORS = 10
MARKDOWN_HELP = _("En Markdown : **gras**, *italique*, « ## » pour un intertitre, une ligne commençant par « - » "
                  "pour une liste, [texte du lien](https://…) pour un lien. Pour une image, envoyez-la dans "
                  "« Images de l'article » puis collez le code Markdown donné.")


def _lines(text):
    return [line.strip() for line in (text or "").replace("\r", "\n").split("\n") if line.strip()]


class TerritoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.level_label})"


class ArticleForm(SpamTrapFormMixin, LinkLimitMixin, forms.ModelForm):
    """Write or edit an article. `user` is the person writing (for co-signers and link limits)."""

    spam_trap_name = "magazine.article"
    link_limited_fields = ("body",)

    lead = TextField(
        label=_("Chapeau"), max_length=600, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Deux ou trois phrases qui donnent envie de lire. 600 caractères au plus."),
        error_messages={"required": _("Écrivez le chapeau : deux ou trois phrases qui présentent l'article.")},
    )
    body = TextField(
        label=_("Texte"), required=False, max_length=60000, widget=forms.Textarea(attrs={"rows": 18}),
        help_text=MARKDOWN_HELP,
    )
    territories = TerritoryChoiceField(
        label=_("Territoires"), required=False,
        queryset=Territory.objects.exclude(level=Territory.Level.COMMUNE).order_by("depth", "name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Région, département, pays ou intercommunalité dont parle l'article (plusieurs choix possibles "
                    "avec Ctrl ou Cmd)."),
    )
    communes = TextField(
        label=_("Communes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une commune par ligne, par son nom ou son code postal, par exemple « Plougastel-Daoulas » "
                    "ou « 29470 »."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"), required=False, queryset=Theme.objects.all(), to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    fiches = TextField(
        label=_("Fiches citées"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_("Une fiche publiée par ligne, dans l'ordre voulu : son adresse ou la fin de son adresse (par "
                    "exemple « repair-cafe-du-bellevue ») ou son titre exact, suivie si vous le souhaitez de « | » "
                    "et d'une note (pourquoi cette fiche). Un dossier en compte au moins deux."),
    )
    events = TextField(
        label=_("Événements liés"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("L'adresse de chaque événement de l'agenda (ou sa fin), un par ligne."),
    )
    coauthors = TextField(
        label=_("Co-signataires"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("Les personnes qui signent l'article avec vous, une par ligne : l'adresse de leur profil public "
                    "(ou sa fin) ou leur nom affiché. Seules les personnes ayant un profil public peuvent signer."),
    )
    summary = forms.CharField(
        label=_("Résumé de la modification"), required=False, max_length=200,
        help_text=_("Facultatif : ce qui a changé, pour l'historique."),
    )

    class Meta:
        model = Article
        fields = ["title", "lead", "body", "cover", "cover_alt", "cover_credit", "category", "is_dossier"]
        help_texts = {
            "title": _("200 caractères au plus."),
            "cover": _("Facultative. JPEG, PNG ou WebP, 5 Mo au plus."),
            "cover_alt": _("Obligatoire avec une image : ce qu'elle montre, pour les personnes qui ne la voient pas."),
            "cover_credit": _("Qui a pris la photo, et sous quelle licence si vous la connaissez."),
        }
        error_messages = {
            "title": {"required": _("Donnez un titre à l'article.")},
            "category": {"required": _("Choisissez une rubrique.")},
        }

    def __init__(self, *args, user, **kwargs):
        article = kwargs.get("instance")
        if article is not None and article.pk:
            kwargs["initial"] = {**self.initial_from(article, user), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.user = self.author = user
        self.fields["category"].queryset = Category.objects.all()
        self.fields["category"].empty_label = _("— Choisissez —")
        self.fields["cover"].widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        self.resolved_territories = []
        self.resolved_fiches = []
        self.resolved_events = []
        self.resolved_authors = []

    @staticmethod
    def initial_from(article, user):
        territories = list(article.territories.all())
        fiche_lines = []
        for link in article.fiche_links.select_related("innovation"):
            line = link.innovation.slug
            if link.note:
                line += f" | {link.note}"
            fiche_lines.append(line)
        coauthors = []
        for signature in article.signatures.select_related("user__profile"):
            if signature.user_id == user.pk:
                continue
            profile = getattr(signature.user, "profile", None)
            coauthors.append(profile.slug if profile is not None and profile.slug else str(signature.user.display_name))
        return {
            "territories": [t.pk for t in territories if t.level != Territory.Level.COMMUNE],
            "communes": "\n".join(t.name for t in territories if t.level == Territory.Level.COMMUNE),
            "themes": list(article.themes.values_list("slug", flat=True)),
            "fiches": "\n".join(fiche_lines),
            "events": "\n".join(article.events.values_list("slug", flat=True)),
            "coauthors": "\n".join(coauthors),
        }

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if isinstance(cover, UploadedFile):
            decode_image(cover)  # ValidationError with a French message for a lying or oversized file
        return cover

    def clean_communes(self):
        communes, errors = [], []
        for line in _lines(self.cleaned_data.get("communes"))[:30]:
            commune, message = lookup.resolve_commune(line)
            if commune is None:
                errors.append(f"« {line[:80]} » : {message}")
            elif commune not in communes:
                communes.append(commune)
        if errors:
            raise ValidationError(errors)
        return communes

    def clean_fiches(self):
        lines = _lines(self.cleaned_data.get("fiches"))
        if len(lines) > MAX_FICHES:
            raise ValidationError(_("Un article cite %(max)s fiches au plus.") % {"max": MAX_FICHES})
        items, unknown = [], []
        for line in lines:
            name, _sep, note = line.partition("|")
            found, missing = find_fiches(name.strip())
            if missing or not found:  # not an address: an exact title, when only one fiche has it
                by_title = list(Innovation.objects.published().filter(title__iexact=name.strip())[:2])
                found = by_title if len(by_title) == 1 else []
            if not found:
                unknown.append(name.strip()[:120])
                continue
            if all(fiche.pk != found[0].pk for fiche, _note in items):
                items.append((found[0], note.strip()[:300]))
        if unknown:
            raise ValidationError(
                _("Fiches publiées introuvables : %(names)s. Vérifiez leur adresse.") % {"names": ", ".join(unknown)}
            )
        return items

    def clean_events(self):
        lines = _lines(self.cleaned_data.get("events"))
        if len(lines) > MAX_EVENTS:
            raise ValidationError(_("Un article mentionne %(max)s événements au plus.") % {"max": MAX_EVENTS})
        events, unknown = [], []
        for line in lines:
            event = Event.objects.published().filter(slug=slug_from(line)).first()
            if event is None:
                unknown.append(line[:120])
            elif event not in events:
                events.append(event)
        if unknown:
            raise ValidationError(
                _("Événements introuvables dans l'agenda : %(names)s.") % {"names": ", ".join(unknown)}
            )
        return events

    def clean_coauthors(self):
        lines = _lines(self.cleaned_data.get("coauthors"))
        if len(lines) > MAX_COAUTHORS:
            raise ValidationError(_("Un article est co-signé par %(max)s personnes au plus.") % {"max": MAX_COAUTHORS})
        people, problems = [], []
        for line in lines:
            slug = slug_from(line)
            matches = list(Profile.objects.public().filter(Q(slug=slug) | Q(display_name__iexact=line))
                           .select_related("user")[:2])
            if not matches:
                problems.append(
                    _("« %(name)s » : aucun profil public à ce nom ou à cette adresse.") % {"name": line[:80]}
                )
            elif len(matches) > 1 and matches[0].slug != slug:
                problems.append(_("« %(name)s » : plusieurs profils portent ce nom, indiquez l'adresse du profil.")
                                % {"name": line[:80]})
            elif matches[0].user not in people:
                people.append(matches[0].user)
        if problems:
            raise ValidationError(problems)
        return people

    def clean(self):
        cleaned = super().clean()
        cover = cleaned.get("cover")
        if cover and not (cleaned.get("cover_alt") or "").strip():
            self.add_error("cover_alt", _("Décrivez l'image en quelques mots : c'est obligatoire avec une image."))
        if cleaned.get("is_dossier") and "fiches" not in self.errors and len(cleaned.get("fiches") or []) < 2:
            self.add_error("fiches", _("Un dossier rassemble au moins deux fiches."))
        return cleaned


class ArticleImageForm(forms.ModelForm):
    """An image for the article's text, with its description and credit; the file is fully decoded."""

    file = forms.FileField(
        label=_("Image"),
        help_text=_("Une photo au format JPEG, PNG ou WebP, de 5 Mo au plus. Ses métadonnées (position GPS, "
                    "appareil) sont retirées."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": _("Choisissez une image à envoyer."),
                        "empty": _("Le fichier envoyé est vide.")},
    )

    class Meta:
        model = ArticleImage
        fields = ["alt_text", "credit", "caption"]
        help_texts = {
            "alt_text": _("Ce que montre l'image, pour les personnes qui ne la voient pas."),
            "credit": _("Qui a fait l'image, et sous quelle licence si vous la connaissez. Le crédit est affiché "
                        "sous l'article."),
            "caption": _("Facultative : une phrase affichée sous l'image."),
        }
        error_messages = {
            "alt_text": {"required": _("Décrivez l'image en quelques mots.")},
            "credit": {"required": _("Indiquez le crédit de l'image : qui l'a faite.")},
        }

    field_order = ["file", "alt_text", "credit", "caption"]

    def clean_file(self):
        file = self.cleaned_data["file"]
        decode_image(file)  # ValidationError with a French message for a lying or oversized file
        return file


class PublishForm(forms.Form):
    """Publish now, or at a date and time (Europe/Paris wall-clock)."""

    NOW, LATER = "now", "later"
    when = forms.ChoiceField(
        label=_("Quand"), choices=[(NOW, _("Tout de suite")), (LATER, _("À une date et une heure"))], initial=NOW,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Indiquez une date valide, par exemple 2025-11-04.")},
    )
    time = forms.TimeField(
        label=_("Heure"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Heure de Paris, par exemple 08:00."),
        error_messages={"invalid": _("Indiquez une heure valide, par exemple 08:00.")},
    )
    message = TextField(
        label=_("Message aux auteurs"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.at = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") != self.LATER or self.errors:
            return cleaned
        day = cleaned.get("date")
        if day is None:
            self.add_error("date", _("Indiquez la date de publication."))
            return cleaned
        try:
            at = local_datetime(day, cleaned.get("time") or time(8, 0))
        except NonexistentTime:
            self.add_error("time", _("Cette heure n'existe pas ce jour-là (passage à l'heure d'été) : choisissez-en "
                                     "une autre."))
            return cleaned
        if at <= self.now:
            self.add_error("date", _("Cette date est passée : choisissez un moment à venir, ou « Tout de suite »."))
            return cleaned
        self.at = at
        return cleaned


class MessageForm(forms.Form):
    body = TextField(
        label=_("Votre message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Le message est vide.")},
    )


class ChangesForm(forms.Form):
    message = TextField(
        label=_("Ce qu'il faut changer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Dites aux auteurs ce qu'il faut changer.")},
    )


class ReasonForm(forms.Form):
    reason = TextField(label=_("Motif (facultatif)"), required=False, max_length=2000,
                       widget=forms.Textarea(attrs={"rows": 2}))
