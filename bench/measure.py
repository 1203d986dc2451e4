"""Time the pages and the map endpoint in-process with django.test.Client."""

import gzip
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from creative.innovations.models import Innovation
from creative.territories.models import Territory

# Screen the map views are sized for: a 1280×800 map (a laptop browser window).
VIEW_W, VIEW_H = 1280, 800

# Targets (docs/benchmarks.md): p95 in ms per kind, and gzipped size for every response.
TARGET_MS = {"map": 100, "search": 100, "page": 50}
TARGET_GZIP_KB = 200


@dataclass
class Scenario:
    name: str
    kind: str  # "page", "search" or "map"
    url: str
    cached: bool = False  # the view caches (facet counts, result ids…): measure cold and warm


@dataclass
class Result:
    scenario: Scenario
    cache: str  # "cold", "warm" or "-"
    times: list = field(default_factory=list)
    size: int = 0
    gzip_size: int = 0
    queries: int = 0
    slowest: list = field(default_factory=list)  # [(ms, sql)], slowest first
    error: str = ""  # set when the URL does not answer 200: the row is then not timed
    busy: float = math.nan  # share of the machine's CPU used by other processes just before

    @property
    def p50(self):
        return percentile(self.times, 50)

    @property
    def p95(self):
        return percentile(self.times, 95)

    @property
    def target_ms(self):
        return TARGET_MS[self.scenario.kind]

    @property
    def ok_time(self):
        return self.p95 < self.target_ms

    @property
    def ok_size(self):
        return self.gzip_size < TARGET_GZIP_KB * 1024

    @property
    def ok(self):
        return not self.error and self.ok_time and self.ok_size


def percentile(values, pct):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def view_bbox(lat, lng, zoom, width=VIEW_W, height=VIEW_H):
    """The west,south,east,north box a width×height Web Mercator map centred on (lat, lng) shows."""
    scale = 256 * 2**zoom
    x = (lng + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale

    def to_lnglat(px, py):
        lon = px / scale * 360 - 180
        lat_ = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / scale))))
        return lon, lat_

    west, north = to_lnglat(x - width / 2, y - height / 2)
    east, south = to_lnglat(x + width / 2, y + height / 2)
    return f"{west:.5f},{south:.5f},{east:.5f},{north:.5f}"


def scenarios():
    brest = Territory.objects.get(level=Territory.Level.COMMUNE, name="Brest")
    pays = Territory.objects.get(slug="pays-de-brest")
    published = Innovation.objects.published()
    # A fiche with several places and answers, from the middle of the corpus.
    fiche = (
        published.filter(pk__gte=published.order_by("-pk").values_list("pk", flat=True).first() // 2)
        .filter(places__commune__parent__isnull=False).order_by("pk").first()
    )
    pays_bbox = f"{pays.west:.5f},{pays.south:.5f},{pays.east:.5f},{pays.north:.5f}"

    def points(bbox, zoom, **extra):
        return "/carte/points.json?" + urlencode({"bbox": bbox, "zoom": zoom, **extra})

    region = "-5.3,47.2,-1.0,48.95"
    return [
        Scenario("home", "page", "/"),
        Scenario("list", "page", "/innovations/", cached=True),
        Scenario("list, theme + statut", "page", "/innovations/?theme=numerique&statut=en-cours", cached=True),
        Scenario("list, page 50", "page", "/innovations/?page=50", cached=True),
        Scenario("search « jardin partagé »", "search", "/innovations/?q=jardin+partag%C3%A9", cached=True),
        Scenario("search « economie solidaire »", "search", "/innovations/?q=economie+solidaire", cached=True),
        Scenario("search « numérique » + theme", "search",
                 "/innovations/?q=num%C3%A9rique&theme=education-populaire", cached=True),
        Scenario("fiche", "page", fiche.get_absolute_url()),
        Scenario("territory: pays de Brest", "page", "/territoires/pays-de-brest/"),
        Scenario("territory: Finistère", "page", "/territoires/finistere/"),
        Scenario("map: Bretagne, z8", "map", points(region, 8), cached=True),
        Scenario("map: pays de Brest, z10", "map", points(pays_bbox, 10), cached=True),
        Scenario("map: Brest city, z13", "map", points(view_bbox(brest.latitude, brest.longitude, 13), 13),
                 cached=True),
        Scenario("map: Brest street, z16", "map", points(view_bbox(brest.latitude, brest.longitude, 16), 16),
                 cached=True),
        Scenario("map: Bretagne z8, theme", "map", points(region, 8, theme="numerique"), cached=True),
    ]


def cpu_busy(interval=1.0):
    """Share of all CPUs' time spent outside the idle task over `interval` seconds (Linux)."""

    def snapshot():
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return values[3] + values[4], sum(values)  # idle + iowait, total

    try:
        idle0, total0 = snapshot()
        time.sleep(interval)
        idle1, total1 = snapshot()
    except (OSError, ValueError, IndexError):
        return math.nan
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


class QuietWaiter:
    """Waits, within a time budget, for other processes to leave the CPUs alone.

    Timings on a shared machine are inflated by whatever else runs; each row records the
    background CPU use it started with, so a reader can tell a slow query from a busy machine.
    """

    def __init__(self, budget, per_row=30, threshold=0.25):
        self.budget, self.per_row, self.threshold = budget, per_row, threshold

    def __call__(self):
        started = time.monotonic()
        busy = cpu_busy()
        while busy >= self.threshold and self.budget > 0 and time.monotonic() - started < self.per_row:
            before = time.monotonic()
            time.sleep(2)
            busy = cpu_busy()
            self.budget -= time.monotonic() - before
        return busy


def run(scenario_list, repeat, *, out=print, warmup=2, wait=None):
    client = Client(raise_request_exception=False)
    wait = wait or QuietWaiter(0)
    # A failing URL is reported in the table; its traceback would bury the progress lines.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    results = []
    for scenario in scenario_list:
        modes = ["cold", "warm"] if scenario.cached else ["-"]
        for mode in modes:
            result = Result(scenario, mode)
            result.busy = wait()
            status = client.get(scenario.url).status_code
            if status != 200:
                result.error = f"HTTP {status}"
                result.times = [math.nan]
                results.append(result)
                out(f"  {scenario.name:<40} {result.error} — not measured")
                break
            for _ in range(warmup - 1):
                _get(client, scenario.url)
            for _ in range(repeat):
                if mode == "cold":
                    cache.clear()
                started = time.perf_counter()
                response = _get(client, scenario.url)
                result.times.append((time.perf_counter() - started) * 1000)
            result.size = len(response.content)
            result.gzip_size = len(gzip.compress(response.content))
            if mode == "cold":
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                _get(client, scenario.url)
            result.queries = len(captured.captured_queries)
            result.slowest = sorted(
                ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True
            )[:3]
            results.append(result)
            out(_line(result))
    return results


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def _line(r):
    label = r.scenario.name + (f" ({r.cache})" if r.cache != "-" else "")
    flag = "ok" if r.ok else "MISSED"
    return (
        f"  {label:<40} p50 {r.p50:7.1f} ms  p95 {r.p95:7.1f} ms  "
        f"{r.size / 1024:7.1f} KB  gzip {r.gzip_size / 1024:6.1f} KB  {r.queries:3d} q  "
        f"busy {r.busy:4.0%}  {flag}"
    )


def explain(sql):
    """The query plan of one captured query (its parameters are already inlined)."""
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(r[0] for r in rows)
    return "\n".join(f"{r[1]:>3} {r[2]:>3}  {r[3]}" for r in rows)

