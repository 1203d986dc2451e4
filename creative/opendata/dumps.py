"""The daily dump of public data (`manage.py export_open_data`).

It writes, into settings.OPEN_DATA_DIR (default MEDIA_ROOT/opendata):

- innovations.csv, innovations.geojson, innovations.jsonld — every published fiche;
- referentiels.json — territories, themes, carrier kinds, code-source sections, licences;
- LICENCE.txt — the licence of each fiche in plain words; content under a licence that cannot
  be republished as CC BY-SA (ODbL imports) is listed separately, labelled, never relicensed;
- AUTHORS.txt — the public names of the authors and contributors (never an email address);
- README.txt — what each file holds, the CSV's columns;
- manifest.json — date, counts, and each file's size and SHA-256. It is written last, and only
  the names it lists are ever served (views.pages.dump_file).

Each file is written to a temporary file in the same directory and renamed over the old one:
a visitor downloads either yesterday's file or today's, never half of one.
"""

import hashlib
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from creative.innovations.models import Authorship, CarrierKind, Innovation, Licence, Place, Section, Theme
from creative.territories.models import Territory

from . import exports

MANIFEST = "manifest.json"
# Only names made of these characters can be dump files (no separator, no "..").
SAFE_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

DESCRIPTIONS = {
    "innovations.csv": ("text/csv; charset=utf-8", "Les fiches publiées, une ligne par fiche (CSV, UTF-8)."),
    "innovations.geojson": ("application/geo+json", "Les lieux des fiches, un point par lieu (GeoJSON, RFC 7946)."),
    "innovations.jsonld": ("application/ld+json", "Les fiches décrites avec le vocabulaire schema.org (JSON-LD)."),
    "referentiels.json": (
        "application/json", "Territoires, thèmes, types de porteur, sections du code source et licences (JSON).",
    ),
    "LICENCE.txt": ("text/plain; charset=utf-8", "Les licences des fiches et les règles d'attribution."),
    "AUTHORS.txt": ("text/plain; charset=utf-8", "Les noms publics des auteurs et contributeurs."),
    "README.txt": ("text/plain; charset=utf-8", "Le contenu des fichiers et les colonnes du CSV."),
}


def dump_dir():
    return Path(settings.OPEN_DATA_DIR) if settings.OPEN_DATA_DIR else Path(settings.MEDIA_ROOT) / "opendata"


def is_safe_name(name):
    return bool(name) and set(name) <= SAFE_NAME_CHARS and not name.startswith(".") and ".." not in name


def read_manifest(directory=None):
    """The current dump's manifest, or None when there is none (or it cannot be read)."""
    path = (directory or dump_dir()) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return None
    return data


def file_entry(name, directory=None):
    """The manifest's entry for `name`, or None: only listed names are ever served."""
    if not is_safe_name(name):
        return None
    manifest = read_manifest(directory)
    if manifest is None:
        return None
    if name == MANIFEST:
        return {"name": MANIFEST, "media_type": "application/json"}
    for entry in manifest["files"]:
        if isinstance(entry, dict) and entry.get("name") == name:
            return entry
    return None


class AtomicWriter:
    """Write text chunks to `directory/name` through a temporary file, then rename it."""

    def __init__(self, directory, name):
        self.directory, self.name = directory, name

    def write(self, chunks):
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{self.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    data = chunk.encode("utf-8")
                    fh.write(data)
                    digest.update(data)
                    size += len(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)  # public data, read by the web server
            os.replace(tmp, self.directory / self.name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return {"name": self.name, "size": size, "sha256": digest.hexdigest()}


# --- Contents ----------------------------------------------------------------------------------


def referentials():
    territories = Territory.objects.select_related("parent").order_by("depth", "name")
    return {
        "territories": [
            {"slug": t.slug, "code": t.code, "name": t.name, "level": t.level,
             "parent": t.parent.slug if t.parent else None, "latitude": t.latitude, "longitude": t.longitude}
            for t in territories.iterator(chunk_size=2000)
        ],
        "themes": [{"slug": t.slug, "name": t.name, "description": t.description} for t in Theme.objects.all()],
        "carrier_kinds": [{"slug": k.slug, "name": k.name} for k in CarrierKind.objects.all()],
        "sections": [
            {"slug": s.slug, "title": s.title, "help_text": s.help_text, "position": s.position,
             "active": s.is_active, "csv_column": exports.SECTION_PREFIX + s.slug}
            for s in Section.objects.all()
        ],
        "licences": [
            {"code": value, "name": label, "url": Licence.url(value),
             "shareable_as_cc_by_sa": Licence.shareable_as_cc_by_sa(value)}
            for value, label in Licence.choices
        ],
    }


def _names(values):
    names = {exports._public_name(v) for v in values}
    names.discard("")
    return sorted(names, key=str.casefold)


def people():
    """(authors, contributors, imported authors) of the public fiches, as sorted public names."""
    from creative.editorial.models import Revision

    published = Innovation.objects.published()
    authors = _names(
        a.user.display_name
        for a in Authorship.objects.filter(innovation__in=published).select_related("user__profile")
        .iterator(chunk_size=2000)
    )
    contributors = _names(
        user.display_name
        for user in get_user_model().objects.filter(
            revisions__innovation__in=published, revisions__state=Revision.State.APPLIED
        ).distinct().select_related("profile").iterator(chunk_size=2000)
    )
    contributors = [n for n in contributors if n not in set(authors)]
    imported = []
    for fiche in published.filter(provenance__isnull=False, authorships__isnull=True).select_related("provenance"):
        imported += exports.author_names(fiche)
    return authors, contributors, _names(imported)


def authors_text(authors, contributors, imported):
    lines = [
        _("Auteurs et contributeurs des fiches publiées sur %(site)s (%(url)s).") % {
            "site": settings.SITE_NAME, "url": settings.SITE_URL},
        _("Seuls les noms publics figurent ici, jamais d'adresse électronique."),
        "",
        _("# Auteurs et autrices"), "", *authors, "",
        _("# Contributeurs et contributrices"), "", *contributors, "",
    ]
    if imported:
        lines += [_("# Auteurs d'origine des fiches importées"), "", *imported, ""]
    return "\n".join(lines)


def licence_text(licence_counts, incompatible):
    site = {"site": settings.SITE_NAME, "url": settings.SITE_URL}
    lines = [
        _("Licence des données ouvertes de %(site)s (%(url)s)") % site,
        "",
        _(
            "Sauf mention contraire, chaque fiche est publiée sous licence Creative Commons BY-SA 4.0 "
            "(https://creativecommons.org/licenses/by-sa/4.0/deed.fr)."
        ),
        _(
            "Chaque fiche garde sa propre licence : la colonne « licence » du CSV et la propriété "
            "« license » du JSON-LD la donnent, fiche par fiche."
        ),
        "",
        _("Pour réutiliser une fiche, citez : son titre, ses auteurs (AUTHORS.txt et la colonne « auteurs »),"),
        _("l'adresse de la fiche d'origine (colonne « url ») et sa licence, avec un lien vers celle-ci."),
        "",
        _("# Licences des fiches de cet export"),
        "",
    ]
    for value, label in Licence.choices:
        if licence_counts.get(value):
            lines += [
                f"{label} — {licence_counts[value]} — {Licence.url(value)}",
                f"  {Licence.plain_words(value)}",
                "",
            ]
    lines += [_("# Contenus sous une licence incompatible avec CC BY-SA"), ""]
    if incompatible:
        lines += [
            _(
                "Ces fiches, importées d'autres sources, gardent leur licence d'origine : elles ne sont "
                "pas republiées sous CC BY-SA et ne peuvent pas l'être. Toute réutilisation doit "
                "respecter leur licence (pour l'ODbL : citer la source et garder la même licence pour "
                "toute base de données dérivée)."
            ),
            "",
        ]
        for fiche in incompatible:
            source = exports.source_url(fiche)
            lines.append(
                f"- [{fiche.get_licence_display()}] {fiche.pk} « {fiche.title} » — "
                f"{settings.SITE_URL}{fiche.get_absolute_url()}" + (f" — source : {source}" if source else "")
            )
    else:
        lines.append(_("Aucune."))
    lines.append("")
    return "\n".join(lines)


def readme_text(sections):
    lines = [
        _("Données ouvertes de %(site)s (%(url)s), exportées le %(date)s.") % {
            "site": settings.SITE_NAME, "url": settings.SITE_URL, "date": timezone.localdate().isoformat()},
        _("Ces fichiers sont régénérés chaque jour ; manifest.json donne leur date, leur taille et leur SHA-256."),
        "",
        _("# Fichiers"),
        "",
        *(f"- {name} : {description}" for name, (_type, description) in DESCRIPTIONS.items()),
        "",
        _("# Colonnes du CSV"),
        "",
        ", ".join(exports.CSV_COLUMNS),
        "",
        _("puis une colonne par section du code source :"),
        *(f"- {exports.SECTION_PREFIX}{s.slug} : {s.title}" for s in sections),
        "",
        _("Les listes (thèmes, communes, auteurs) sont séparées par « | ». Les dates sont en ISO 8601."),
        _("Latitude et longitude sont celles du premier lieu (le centre de la commune s'il n'est pas précis)."),
        "",
    ]
    return "\n".join(lines)


# --- Writing -----------------------------------------------------------------------------------


def write_dump(directory=None, base_url=None):
    """Write every file of the dump, then its manifest; return the manifest."""
    directory = Path(directory or dump_dir())
    directory.mkdir(parents=True, exist_ok=True)
    base_url = (base_url or settings.SITE_URL).rstrip("/")
    _filters, fiches = exports.public_fiches()
    sections = list(Section.objects.active())
    files = []

    def write(name, chunks):
        entry = AtomicWriter(directory, name).write(chunks)
        media_type, description = DESCRIPTIONS[name]
        entry.update(media_type=media_type, description=description)
        files.append(entry)

    write("innovations.csv", exports.csv_chunks(exports.iterate(fiches), base_url, sections))
    write("innovations.geojson", exports.geojson_chunks(exports.iterate(fiches), base_url))
    write("innovations.jsonld", exports.jsonld_chunks(exports.iterate(fiches), base_url))
    write("referentiels.json", [json.dumps(referentials(), ensure_ascii=False, indent=1)])
    licence_counts = dict(fiches.order_by().values_list("licence").annotate(n=Count("pk")).values_list("licence", "n"))
    incompatible_codes = [value for value in Licence.values if not Licence.shareable_as_cc_by_sa(value)]
    incompatible = list(fiches.filter(licence__in=incompatible_codes).select_related("provenance"))
    write("LICENCE.txt", [licence_text(licence_counts, incompatible)])
    authors, contributors, imported = people()
    write("AUTHORS.txt", [authors_text(authors, contributors, imported)])
    write("README.txt", [readme_text(sections)])
    manifest = {
        "site": settings.SITE_NAME,
        "url": base_url,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "date": timezone.localdate().isoformat(),
        "counts": {
            "innovations": sum(licence_counts.values()),
            "places": Place.objects.filter(innovation__in=fiches).count(),
            "authors": len(authors),
            "contributors": len(contributors),
            "sections": len(sections),
            "by_licence": licence_counts,
            "incompatible_with_cc_by_sa": len(incompatible),
        },
        "files": files,
    }
    AtomicWriter(directory, MANIFEST).write([json.dumps(manifest, ensure_ascii=False, indent=1)])
    return manifest
