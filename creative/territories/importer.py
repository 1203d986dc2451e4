"""Import a territory file (one row per commune) into the Territory hierarchy.

The import is idempotent: rows are matched on (level, official code), changed
rows are updated, new ones created; nothing is deleted, because fiches point at
communes and a commune that disappears from a file must be merged by a person.
"""

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from .models import Territory

Level = Territory.Level

# Names the reference file does not carry; a file may add `departement_nom`,
# `region` and `region_nom` columns to override them.
DEPARTEMENT_NAMES = {
    "22": "Côtes-d'Armor",
    "29": "Finistère",
    "35": "Ille-et-Vilaine",
    "56": "Morbihan",
    "44": "Loire-Atlantique",
}
DEFAULT_REGION = ("53", "Bretagne")
REQUIRED_COLUMNS = {"insee", "nom", "departement", "epci_siren", "epci_nom", "pays", "population", "lat", "lng"}


class TerritoryFileError(ValueError):
    """The file cannot be imported; the message says which line and why."""


@dataclass
class Node:
    level: str
    code: str
    name: str
    parent_key: tuple | None = None
    population: int | None = None
    postal_codes: str = ""
    latitude: float | None = None
    longitude: float | None = None
    communes: list = field(default_factory=list)  # (lat, lng, population) of member communes


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: int = 0
    deleted: int = 0

    def summary(self):
        parts = [f"{level}: +{self.created[level]} ~{self.updated[level]}" for level in Level.values]
        return ", ".join(parts) + f" (unchanged: {self.unchanged}, removed: {self.deleted})"


def read_rows(path):
    path = Path(path)
    if not path.exists():
        raise TerritoryFileError(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise TerritoryFileError(f"{path}: missing columns: {', '.join(sorted(missing))}")
        for lineno, row in enumerate(reader, start=2):
            try:
                row["lat"] = float(row["lat"])
                row["lng"] = float(row["lng"])
                row["population"] = int(row["population"]) if row["population"].strip() else None
            except ValueError as exc:
                raise TerritoryFileError(f"{path}, line {lineno}: {exc}") from None
            if not row["insee"].strip() or not row["nom"].strip():
                raise TerritoryFileError(f"{path}, line {lineno}: empty insee or nom")
            yield row


def build_nodes(rows):
    """Turn commune rows into nodes for every level, keyed by (level, code)."""
    nodes = {}
    epci_pays = defaultdict(Counter)
    epci_dep = defaultdict(Counter)

    def node(key, **kwargs):
        if key not in nodes:
            nodes[key] = Node(level=key[0], code=key[1], **kwargs)
        return nodes[key]

    for row in rows:
        region_code = row.get("region") or DEFAULT_REGION[0]
        region_name = row.get("region_nom") or DEFAULT_REGION[1]
        region = node((Level.REGION, region_code), name=region_name)
        dep_code = row["departement"].strip()
        dep_name = row.get("departement_nom") or DEPARTEMENT_NAMES.get(dep_code, dep_code)
        dep = node((Level.DEPARTEMENT, dep_code), name=dep_name, parent_key=(region.level, region.code))
        pays_name = row["pays"].strip()
        pays_key = (Level.PAYS, slugify(pays_name)) if pays_name else None
        if pays_key:
            node(pays_key, name=pays_name, parent_key=(dep.level, dep.code))
        epci_siren = row["epci_siren"].strip()
        # A few islands (Ouessant, Sein, Bréhat) belong to no EPCI: they hang from their
        # pays or their département directly.
        epci_key = (Level.EPCI, epci_siren) if epci_siren else None
        if epci_key:
            node(epci_key, name=row["epci_nom"].strip() or epci_siren)
            if pays_key:
                epci_pays[epci_key][pays_key] += 1
            epci_dep[epci_key][(dep.level, dep.code)] += 1
        commune = node(
            (Level.COMMUNE, row["insee"].strip()),
            name=row["nom"].strip(),
            parent_key=epci_key or pays_key or (dep.level, dep.code),
            population=row["population"],
            postal_codes=row.get("codes_postaux", "").strip(),
            latitude=row["lat"],
            longitude=row["lng"],
        )
        point = (row["lat"], row["lng"], row["population"] or 0)
        commune.communes.append(point)
        for key in (epci_key, pays_key, (dep.level, dep.code), (region.level, region.code)):
            if key:
                nodes[key].communes.append(point)

    # An EPCI belongs to its pays when all its communes do; otherwise to the
    # département holding most of its communes.
    for epci_key, deps in epci_dep.items():
        pays = epci_pays.get(epci_key)
        if pays and sum(pays.values()) == sum(deps.values()) and len(pays) == 1:
            nodes[epci_key].parent_key = next(iter(pays))
        else:
            nodes[epci_key].parent_key = deps.most_common(1)[0][0]

    for item in nodes.values():
        if item.level != Level.COMMUNE:
            lats = [c[0] for c in item.communes]
            lngs = [c[1] for c in item.communes]
            item.population = sum(c[2] for c in item.communes)
            item.latitude = (min(lats) + max(lats)) / 2
            item.longitude = (min(lngs) + max(lngs)) / 2
    return nodes


def assign_slugs(nodes, taken):
    """Readable unique slugs: the name, disambiguated by département or code on collision."""
    wanted = {key: slugify(item.name) or slugify(f"{key[0]}-{key[1]}") for key, item in nodes.items()}
    counts = Counter(wanted.values())
    slugs = {}
    for key, slug in wanted.items():
        item = nodes[key]
        owner = taken.get(slug)
        if counts[slug] > 1 or (owner is not None and owner != key):
            suffix = item.code[:2] if item.level == Level.COMMUNE else item.level
            slug = f"{slug}-{suffix}"
            if slug in slugs.values():
                slug = f"{slugify(item.name)}-{item.code}"
        slugs[key] = slug
    return slugs


@transaction.atomic
def import_territories(path):
    nodes = build_nodes(read_rows(path))
    report = ImportReport()
    existing = {(t.level, t.code): t for t in Territory.objects.all()}
    taken = {t.slug: key for key, t in existing.items()}
    slugs = assign_slugs(nodes, taken)
    saved = {}
    # Parents before children: levels are declared from the largest down.
    order = {level: i for i, level in enumerate(Level.values)}
    for key in sorted(nodes, key=lambda k: order[k[0]]):
        item = nodes[key]
        parent = saved[item.parent_key] if item.parent_key else None
        lats = [c[0] for c in item.communes]
        lngs = [c[1] for c in item.communes]
        values = {
            "name": item.name,
            "parent": parent,
            "depth": parent.depth + 1 if parent else 0,
            "population": item.population,
            "postal_codes": item.postal_codes,
            "latitude": round(item.latitude, 6),
            "longitude": round(item.longitude, 6),
            "south": min(lats),
            "north": max(lats),
            "west": min(lngs),
            "east": max(lngs),
        }
        territory = existing.get(key)
        if territory is None:
            territory = Territory.objects.create(level=key[0], code=key[1], slug=slugs[key], **values)
            report.created[key[0]] += 1
        else:
            changed = [name for name, value in values.items() if getattr(territory, name) != value]
            if changed:
                for name in changed:
                    setattr(territory, name, values[name])
                territory.save(update_fields=changed)
                report.updated[key[0]] += 1
            else:
                report.unchanged += 1
        saved[key] = territory
    # Territories gone from the file are deleted only when nothing points at them any more
    # (a commune with fiches must be merged by a person).
    stale = Territory.objects.exclude(pk__in=[t.pk for t in saved.values()])
    for territory in stale.order_by("-depth"):
        if not territory.children.exists() and not territory.places.exists():
            territory.delete()
            report.deleted += 1
    return report
