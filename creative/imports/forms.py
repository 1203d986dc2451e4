"""Forms of the import pages: a source with its mappings, and a file to import."""

from pathlib import Path

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creative.innovations.models import Licence, Section, Theme

from . import mapping, readers
from .models import ImportSource

MAX_FILE_BYTES = 20 * 1024 * 1024
COLUMN_PREFIX = "col_"


class SourceForm(forms.ModelForm):
    """A source: what it is, its licence, and its mappings (one field per column, one line per tag)."""

    theme_mapping_text = forms.CharField(
        label=gettext_lazy("Correspondance des catégories"), required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Une ligne par catégorie de la source : « catégorie de la source = slug du thème »."),
    )

    class Meta:
        model = ImportSource
        fields = ["name", "kind", "url", "default_licence", "read_only"]
        help_texts = {
            "url": gettext_lazy("Pour une autre instance Brest Créative : son adresse (https://…/)."),
            "default_licence": gettext_lazy(
                "La licence du contenu de la source quand le fichier ne l'indique pas. "
                "Elle est conservée telle quelle : le contenu n'est jamais relicencié."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_licence"] = forms.ChoiceField(
            label=_("Licence par défaut"), required=False,
            choices=[("", _("— indiquée ligne par ligne —")), *Licence.choices],
            help_text=self.Meta.help_texts["default_licence"],
            initial=self.instance.default_licence,
        )
        columns = self.instance.column_mapping or {}
        for name, label in mapping.FIELDS:
            self.fields[COLUMN_PREFIX + name] = forms.CharField(
                label=label, required=False, max_length=200, initial=columns.get(name, ""),
            )
        for section in Section.objects.active():
            key = mapping.SECTION_PREFIX + section.slug
            self.fields[COLUMN_PREFIX + key] = forms.CharField(
                label=_("Code source : %(title)s") % {"title": section.title}, required=False, max_length=200,
                initial=columns.get(key, ""),
            )
        self.fields["theme_mapping_text"].initial = mapping.format_theme_mapping(self.instance.theme_mapping)

    def column_fields(self):
        return [self[name] for name in self.fields if name.startswith(COLUMN_PREFIX)]

    def other_fields(self):
        return [self[name] for name in self.fields if not name.startswith(COLUMN_PREFIX)]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        slug = slugify(name)[:150]
        if not slug:
            raise forms.ValidationError(_("Donnez un nom avec des lettres ou des chiffres."))
        taken = ImportSource.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists() or slug in ("nouvelle-source", "essais"):
            raise forms.ValidationError(_("Une source porte déjà ce nom."))
        return name

    def clean_theme_mapping_text(self):
        parsed, bad = mapping.parse_theme_mapping(self.cleaned_data["theme_mapping_text"])
        if bad:
            raise forms.ValidationError(_("Lignes mal écrites (« catégorie = slug ») : %(lines)s.") % {
                "lines": ", ".join(map(str, bad[:10]))})
        known = set(Theme.objects.values_list("slug", flat=True))
        unknown = sorted({slug for slug in parsed.values() if slug not in known})
        if unknown:
            raise forms.ValidationError(_("Thèmes inconnus : %(slugs)s.") % {"slugs": ", ".join(unknown[:10])})
        return parsed

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ImportSource.Kind.INSTANCE and not data.get("url"):
            self.add_error("url", _("Indiquez l'adresse de l'instance à moissonner."))
        if kind in (ImportSource.Kind.CSV, ImportSource.Kind.JSON):
            for name in ("original_id", "title"):
                if not (data.get(COLUMN_PREFIX + name) or "").strip():
                    self.add_error(COLUMN_PREFIX + name, _("Indiquez la colonne qui le contient."))
        return data

    def save(self, commit=True):
        source = super().save(commit=False)
        source.slug = slugify(source.name)[:150]
        source.default_licence = self.cleaned_data.get("default_licence") or ""
        source.column_mapping = {
            name.removeprefix(COLUMN_PREFIX): value.strip()
            for name, value in self.cleaned_data.items()
            if name.startswith(COLUMN_PREFIX) and value and value.strip()
        }
        source.theme_mapping = self.cleaned_data.get("theme_mapping_text") or {}
        if commit:
            source.save()
        return source


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier à importer"),
        help_text=gettext_lazy("CSV (séparé par des virgules ou des points-virgules) ou JSON ; 20 Mo au plus. "
                               "Un essai à blanc montre d'abord ce qui serait fait."),
    )

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["file"].widget.attrs["accept"] = ".json,application/json" if source.kind == "json" else (
            ".csv,text/csv")
        self.rows = []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 20 Mo : découpez-le."))
        suffix = Path(upload.name).suffix.lower()
        expected = {"csv": (".csv", ".txt"), "json": (".json",)}.get(self.source.kind, ())
        if suffix not in expected:
            raise forms.ValidationError(_("Cette source attend un fichier %(kind)s.") % {
                "kind": self.source.get_kind_display()})
        try:
            self.rows = readers.read(self.source.kind, upload.read())
        except readers.ReaderError as error:
            raise forms.ValidationError(str(error)) from error
        finally:
            upload.seek(0)
        if not self.rows:
            raise forms.ValidationError(_("Le fichier ne contient aucune ligne."))
        return upload
