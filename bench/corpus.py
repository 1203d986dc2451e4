"""Generate a large, realistic corpus of fiches with bulk operations.

Nothing here goes through `Model.save()` or the per-save signals of
`creative.innovations.signals`: `bulk_create` sends no signals, so the derived data
those signals maintain (the `territories` M2M rows and the search index) is written
here directly, in batches, the same way `services.refresh_innovation` would.
"""

import datetime
import random
import time
from bisect import bisect_left
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from creative.innovations import search
from creative.innovations.models import Answer, CarrierKind, Innovation, Place, SearchDocument, Section, Theme
from creative.territories.models import Territory

from . import vocabulary as V

BATCH = 2_000
STATES = [("published", 90), ("draft", 4), ("submitted", 4), ("archived", 2)]
PLACE_COUNTS = [(1, 82), (2, 14), (3, 4)]
THEME_COUNTS = [(1, 40), (2, 40), (3, 20)]


def _weighted(pairs):
    values = [v for v, _ in pairs]
    return values, list(accumulate(w for _, w in pairs))


def _pick(rnd, table):
    values, cum = table
    return values[bisect_left(cum, rnd.random() * cum[-1])]


def _a(name):
    """« à Brest », « au Relecq-Kerhuon », « aux Forges-de-Lanouée »."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


def _cap(text):
    return text[:1].upper() + text[1:]


class Slots(dict):
    """Template slots drawn lazily: a sentence only pays for the words it uses."""

    def __init__(self, rnd, fiche):
        super().__init__()
        self.rnd = rnd
        self.fiche = fiche

    def __missing__(self, key):
        rnd, f = self.rnd, self.fiche
        vocab = V.THEMES[rnd.choice(f["themes"])]
        base = key.rstrip("2")
        if base == "project" or base == "project_lc":
            value = f["project"]
        elif base == "project_cap":
            value = "Le projet « " + f["project"] + " »"
        elif base == "activity":
            value = rnd.choice(vocab["activities"])
        elif base == "public":
            value = rnd.choice(V.PUBLICS)
        elif base == "place":
            value = rnd.choice(V.PLACES)
        elif base == "frequency":
            value = rnd.choice(V.FREQUENCIES)
        elif base == "partner":
            value = rnd.choice(V.PARTNERS)
        elif base == "partner_cap":
            value = _cap(rnd.choice(V.PARTNERS))
        elif base == "means":
            value = rnd.choice(V.MEANS).replace("{n}", str(rnd.randrange(5, 80) * 100))
        elif base == "outcome":
            value = rnd.choice(V.OUTCOMES)
        elif base == "difficulty":
            value = rnd.choice(V.DIFFICULTIES)
        elif base == "advice":
            value = rnd.choice(V.ADVICE)
        elif base == "word":
            value = rnd.choice(vocab["words"])
        elif base == "gword":
            value = rnd.choice(V.GENERIC_WORDS)
        elif base == "commune":
            value = f["commune"]
        elif base == "carrier":
            value = f["carrier_name"] or "une association"
        elif base == "year":
            value = str(f["start_year"] or 2015)
        elif base == "n":
            value = str(rnd.randrange(10, 400))
        else:
            raise KeyError(key)
        self[key] = value
        return value


def _sentences(rnd, fiche, templates, k):
    slots = Slots(rnd, fiche)
    return " ".join(_cap(t.format_map(slots)) for t in rnd.sample(templates, k))


class Generator:
    def __init__(self, seed=1):
        self.rnd = random.Random(seed)
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.theme_table = _weighted([(s, w) for s, w in V.THEME_WEIGHTS.items() if s in self.themes])
        kinds = {k.slug: k for k in CarrierKind.objects.all()}
        self.kinds = kinds
        self.kind_table = _weighted([(s, w) for s, w in V.CARRIER_WEIGHTS.items() if s is None or s in kinds])
        self.status_table = _weighted(list(V.STATUS_WEIGHTS.items()))
        self.state_table = _weighted(STATES)
        self.place_count_table = _weighted(PLACE_COUNTS)
        self.theme_count_table = _weighted(THEME_COUNTS)
        self.sections = list(Section.objects.active())
        parents = dict(Territory.objects.values_list("pk", "parent_id"))
        self.communes = list(
            Territory.objects.communes().order_by("pk").values(
                "pk", "name", "postal_codes", "latitude", "longitude", "population"
            )
        )
        if not self.communes:
            raise RuntimeError("No communes: load_territories did not run.")
        for commune in self.communes:
            chain, node = [], commune["pk"]
            while node is not None:
                chain.append(node)
                node = parents[node]
            commune["chain"] = chain  # the commune and all its ancestors (services.territories_of)
            pop = commune["population"] or 0
            # Spread of precise points around the commune's reference point, in degrees.
            commune["sigma"] = 0.003 + 0.012 * min(1.0, pop / 150_000) ** 0.5
        self.commune_cum = list(accumulate(max(c["population"] or 0, 50) for c in self.communes))
        self.now = timezone.now()

    def commune(self):
        return self.communes[bisect_left(self.commune_cum, self.rnd.random() * self.commune_cum[-1])]

    def fiche(self, i):
        """One fiche as plain data: the fields, its places, themes and answers."""
        rnd = self.rnd
        n_themes = _pick(rnd, self.theme_count_table)
        themes = []
        while len(themes) < n_themes:
            slug = _pick(rnd, self.theme_table)
            if slug not in themes:
                themes.append(slug)
        communes = [self.commune() for _ in range(_pick(rnd, self.place_count_table))]
        main = V.THEMES[themes[0]]
        kind = _pick(rnd, self.kind_table)
        carrier_name = ""
        if kind in {"association", "collectif-habitants", "cooperative", "autre"} or rnd.random() < 0.3:
            carrier_name = f"{rnd.choice(V.CARRIER_PREFIXES)} {rnd.choice(V.CARRIER_NAMES)}"
        start_year = rnd.randrange(1995, 2026) if rnd.random() < 0.8 else None
        fiche = {
            "themes": themes,
            "project": rnd.choice(main["projects"]),
            "commune": communes[0]["name"],
            "carrier_name": carrier_name,
            "start_year": start_year,
        }
        shape = rnd.random()
        where = _a(communes[0]["name"])
        if shape < 0.4:
            title = f"{fiche['project']} {where}"
        elif shape < 0.75:
            title = f"{fiche['project']} : {rnd.choice(main['activities'])} {where}"
        else:
            title = f"{_cap(rnd.choice(main['activities']))}, {where}"
        title = title[:150]
        pitch = _sentences(rnd, fiche, V.PITCHES, 1)[:280]
        paragraphs = [_sentences(rnd, fiche, V.DESCRIPTION, rnd.randint(2, 4)) for _ in range(rnd.randint(1, 3))]
        description = "\n\n".join(paragraphs)
        answered = [s for s in self.sections if s.slug in V.ANSWERS and rnd.random() < 0.7]
        answers = [(s, _sentences(rnd, fiche, V.ANSWERS[s.slug], rnd.randint(1, 3))) for s in answered]

        state = _pick(rnd, self.state_table)
        created_at = self.now - datetime.timedelta(seconds=rnd.randrange(60, 6 * 365 * 86400))
        published_at = None
        if state in ("published", "archived"):
            published_at = min(self.now, created_at + datetime.timedelta(seconds=rnd.randrange(0, 30 * 86400)))
        places = []
        for commune in communes:
            lat = lng = None
            address = ""
            if rnd.random() < 0.5:
                sigma = commune["sigma"]
                lat = round(commune["latitude"] + rnd.gauss(0, sigma), 6)
                lng = round(commune["longitude"] + rnd.gauss(0, sigma * 1.5), 6)
                address = f"{rnd.randint(1, 120)} {rnd.choice(V.STREETS)}"
            elif rnd.random() < 0.3:
                address = rnd.choice(V.STREETS)
            places.append((commune, address, lat, lng))
        innovation = Innovation(
            title=title,
            slug=f"{slugify(title)[:150]}-{i}",
            pitch=pitch,
            description=description,
            carrier_kind=self.kinds[kind] if kind else None,
            carrier_name=carrier_name,
            status=_pick(rnd, self.status_table),
            start_year=start_year,
            website=f"https://example.org/fiche-{i}" if rnd.random() < 0.3 else "",
            contact_email=f"contact+{i}@example.org",
            state=state,
            published_at=published_at,
            created_at=created_at,
        )
        return innovation, themes, places, answers

    def document(self, innovation, themes, places, answers):
        """The search document, exactly as search.document_for builds it from the database."""
        ordered = sorted((self.themes[s] for s in themes), key=lambda t: (t.position, t.name))
        place_text = " ".join(f"{c['name']} {address} {c['postal_codes']}" for c, address, _, _ in places)
        carrier = " ".join(filter(None, [innovation.carrier_name, str(innovation.carrier_kind or "")]))
        body = "\n\n".join(body for _, body in answers)
        return {
            "title": innovation.title,
            "pitch": innovation.pitch,
            "body": f"{innovation.description}\n\n{body}".strip(),
            "keywords": f"{' '.join(t.name for t in ordered)} {place_text} {carrier}".strip(),
        }


def generate(total, *, seed=1, out=print):
    gen = Generator(seed)
    theme_through = Innovation.themes.through
    territory_through = Innovation.territories.through
    started = time.perf_counter()
    for start in range(0, total, BATCH):
        fiches = [gen.fiche(i) for i in range(start + 1, min(total, start + BATCH) + 1)]
        with transaction.atomic():
            Innovation.objects.bulk_create([f[0] for f in fiches])
            theme_rows, place_rows, answer_rows, territory_rows, docs = [], [], [], [], []
            for innovation, themes, places, answers in fiches:
                pk = innovation.pk
                theme_rows += [theme_through(innovation_id=pk, theme_id=gen.themes[s].pk) for s in themes]
                chain = set()
                for commune, address, lat, lng in places:
                    place_rows.append(
                        Place(
                            innovation_id=pk, commune_id=commune["pk"], address=address,
                            latitude=lat, longitude=lng,
                            map_lat=commune["latitude"] if lat is None else lat,
                            map_lng=commune["longitude"] if lng is None else lng,
                        )
                    )
                    chain.update(commune["chain"])
                territory_rows += [territory_through(innovation_id=pk, territory_id=t) for t in sorted(chain)]
                answer_rows += [Answer(innovation_id=pk, section=s, body=body) for s, body in answers]
                docs.append((pk, gen.document(innovation, themes, places, answers)))
            theme_through.objects.bulk_create(theme_rows)
            Place.objects.bulk_create(place_rows)
            Answer.objects.bulk_create(answer_rows)
            territory_through.objects.bulk_create(territory_rows)
            search.index_documents(docs)
        done = min(total, start + BATCH)
        if done % 10_000 == 0 or done == total:
            out(f"  {done:>7,} / {total:,} fiches  ({time.perf_counter() - started:5.1f} s)")
    finish(out)
    return time.perf_counter() - started


def finish(out=print):
    """Statistics for the query planner, as a long-running database would have them."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out(f"  planner statistics gathered ({time.perf_counter() - started:.1f} s)")


def check(sample=25, seed=2):
    """Compare generated search documents with what search.document_for builds."""
    rnd = random.Random(seed)
    ids = list(Innovation.objects.values_list("pk", flat=True))
    for pk in rnd.sample(ids, min(sample, len(ids))):
        innovation = Innovation.objects.get(pk=pk)
        stored = SearchDocument.objects.filter(innovation_id=pk).values("title", "pitch", "body", "keywords").get()
        expected = search.document_for(innovation)
        if stored != expected:
            diff = {k: (stored[k][:80], expected[k][:80]) for k in expected if stored[k] != expected[k]}
            raise AssertionError(f"search document of fiche {pk} differs from document_for: {diff}")
        if set(innovation.territories.values_list("pk", flat=True)) != _territories_of(innovation):
            raise AssertionError(f"territories of fiche {pk} differ from services.territories_of")


def _territories_of(innovation):
    from creative.innovations.services import territories_of

    return territories_of(innovation)
