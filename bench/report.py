"""The results table, on the terminal and in docs/benchmarks.md."""

import datetime
import os
import platform
import re
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from .measure import TARGET_GZIP_KB

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(os.cpu_count())
    return {"nproc": nproc, "cpu": cpu, "ram": ram}


def database_version():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0].split()[0]
    return "SQLite " + sqlite3.sqlite_version


def load_average():
    try:
        return Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        return ["?"] * 3


def environment(corpus, load=None):
    import django

    info = machine()
    load = load or load_average()
    return (
        f"- Date: {datetime.date.today().isoformat()}\n"
        f"- Machine: {info['nproc']} CPU ({info['cpu']}), {info['ram']} RAM; "
        f"load average before measuring: {' '.join(load)}\n"
        f"- Software: Python {platform.python_version()}, Django {django.get_version()}, {database_version()}\n"
        f"- Corpus: {corpus}\n"
    )


def _fmt_row(r):
    target = f"< {r.target_ms} ms"
    if r.error:
        return f"| {r.scenario.name} | {r.cache} | – | – | – | – | – | – | {target} | **{r.error}** |"
    verdict = "ok" if r.ok else ("**missed**: " + ", ".join(
        ([f"p95 ×{r.p95 / r.target_ms:.{2 if r.p95 < 1.1 * r.target_ms else 1}f}"] if not r.ok_time else [])
        + ([f"gzip {r.gzip_size / 1024:.0f} KB"] if not r.ok_size else [])
    ))
    return (
        f"| {r.scenario.name} | {r.cache} | {r.p50:.1f} | {r.p95:.1f} | {r.size / 1024:.1f} | "
        f"{r.gzip_size / 1024:.1f} | {r.queries} | {r.busy:.0%} | {target} | {verdict} |"
    )


def table(results):
    lines = [
        "| Scenario | cache | p50 ms | p95 ms | size KB | gzip KB | queries | busy | target p95 | result |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    lines += [_fmt_row(r) for r in results]
    return "\n".join(lines)


def urls(results):
    seen, lines = set(), []
    for r in results:
        if r.scenario.name not in seen:
            seen.add(r.scenario.name)
            lines.append(f"| {r.scenario.name} | `{r.scenario.url}` |")
    return "| Scenario | URL |\n|---|---|\n" + "\n".join(lines)


def section(results, corpus, repeat, command, load=None):
    missed = [r for r in results if not r.ok]
    body = [
        environment(corpus, load),
        f"Command: `{command}` — {repeat} timed requests per row after 2 warm-up requests; "
        f"sizes are the HTML/JSON body, raw and `gzip.compress`ed; every response must stay "
        f"under {TARGET_GZIP_KB} KB gzipped. *cold*: the cache is cleared before each request; "
        f"*warm*: it holds the facet counts, result ids or map payload. *busy*: CPU used by other "
        f"processes just before the row (timings on a busy machine are inflated).\n",
        table(results),
        "",
        f"{len(results) - len(missed)} of {len(results)} rows meet their target."
        + (" Missed: " + "; ".join(f"{r.scenario.name}{' (' + r.cache + ')' if r.cache != '-' else ''}" for r in missed)
           + "." if missed else ""),
        "",
        "<details><summary>URLs</summary>\n\n" + urls(results) + "\n\n</details>",
    ]
    return "\n".join(body)


def write(results, corpus, repeat, command, load=None, path=DOC):
    vendor = connection.vendor
    begin, end = f"<!-- bench:{vendor}:begin -->", f"<!-- bench:{vendor}:end -->"
    block = f"{begin}\n{section(results, corpus, repeat, command, load)}\n{end}"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + f"\n\n## Results: {TITLES.get(vendor, vendor)}\n\n{block}\n"
    path.write_text(text, encoding="utf-8")
    return path
