"""Benchmark Brest Créative on a generated corpus: `python -m bench --help`.

Builds (or reuses) a separate database filled with a realistic corpus of fiches,
times the pages and the map endpoint in-process, prints a table and records it in
docs/benchmarks.md. See docs/benchmarks.md for the targets and the findings.
"""

import argparse
import os
import shlex
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = "sqlite:///var/bench.sqlite3"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--fiches", type=int, default=100_000, help="corpus size (default: 100000)")
    parser.add_argument(
        "--database-url", default=DEFAULT_DB,
        help="benchmark database, e.g. postgres://postgres@127.0.0.1:5432/brest_creative_bench "
             f"(default: {DEFAULT_DB}); its name must contain 'bench', it is wiped",
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per scenario (default: 30)")
    parser.add_argument("--reuse", action="store_true", help="keep an existing corpus of the same size")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the corpus (default: 1)")
    parser.add_argument(
        "--only", default="",
        help="measure only scenarios whose name contains this text; --only letters runs only the weekly "
             "letter case (no fiche corpus needed)",
    )
    parser.add_argument(
        "--subscribers", type=int, default=100_000,
        help="subscribers of the weekly letter case (default: 100000; 0 skips the case)",
    )
    parser.add_argument("--explain", action="store_true",
                        help="print the plan of the slowest queries of every row that misses its target")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument(
        "--quiet-wait", type=float, default=120,
        help="seconds, in all, to spend waiting for other processes to leave the CPUs before rows (default: 120)",
    )
    args = parser.parse_args(argv)
    if args.fiches < 1 or args.repeat < 1 or args.subscribers < 0:
        parser.error("--fiches and --repeat must be positive, --subscribers not negative")
    return args


# --- The benchmark database ----------------------------------------------------------------


def sqlite_path(url):
    """dj-database-url reads sqlite:///var/x as a relative path and sqlite:////abs as absolute."""
    path = Path(urlsplit(url).path[1:])
    return path if path.is_absolute() else BASE_DIR / path


def database_name(url):
    if url.startswith("sqlite:"):
        return sqlite_path(url).name
    return urlsplit(url).path.lstrip("/")


def reset_database(url, *, keep):
    """Create the benchmark database, emptied unless `keep`."""
    if url.startswith("sqlite:"):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not keep:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def configure(url):
    if url.startswith("sqlite:") and not url.startswith("sqlite:////"):
        url = f"sqlite:///{sqlite_path(url)}"  # absolute, whatever the working directory
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = "bench-insecure-secret-key"
    os.environ["STATIC_MANIFEST"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)  # the per-process cache, as a single-server install has
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def corpus_ready(fiches):
    from creative.innovations.models import Innovation, SearchDocument
    from creative.territories.models import Territory

    return (
        Territory.objects.communes().exists()
        and Innovation.objects.count() == fiches
        and SearchDocument.objects.count() == fiches
    )


def corpus_description(generated_in):
    from creative.innovations.models import Answer, Innovation, Place
    from creative.territories.models import Territory

    published = Innovation.objects.published().count()
    total = Innovation.objects.count()
    places = Place.objects.count()
    precise = Place.objects.filter(latitude__isnull=False).count()
    links = Innovation.territories.through.objects.count()
    themes = Innovation.themes.through.objects.count()
    answers = Answer.objects.count()
    communes = Territory.objects.communes().count()
    text = (
        f"{total:,} fiches ({published:,} published), {places:,} places ({precise:,} with a precise point) "
        f"over {communes:,} communes, {themes:,} theme links, {answers:,} answers, "
        f"{links:,} fiche–territory links"
    )
    if generated_in is not None:
        text += f"; generated in {generated_in:.0f} s"
    return text


def main(argv=None):
    args = parse_args(argv)
    if "bench" not in database_name(args.database_url):
        sys.exit(f"Refusing to use {args.database_url!r}: the benchmark database name must contain 'bench'.")
    reset_database(args.database_url, keep=args.reuse)
    configure(args.database_url)

    from django.core.management import call_command
    from django.db import connection

    from . import corpus, letters, measure, report

    print(f"Database: {connection.vendor} ({database_name(args.database_url)})")
    call_command("migrate", verbosity=0, interactive=False)
    only = args.only.lower()
    run_letters = args.subscribers > 0 and only in letters.NAME.lower()
    if only and run_letters:
        # The letter case alone: territories and subscribers, no fiche corpus, no page scenarios.
        from creative.territories.models import Territory

        if not Territory.objects.communes().exists():
            call_command("load_territories", verbosity=0)
        letters.run(args.subscribers, seed=args.seed)
        return
    generated_in = None
    if args.reuse and corpus_ready(args.fiches):
        print(f"Reusing the existing corpus of {args.fiches:,} fiches.")
    else:
        if args.reuse:
            print("No corpus of that size to reuse: building a new one.")
            connection.close()
            reset_database(args.database_url, keep=False)
            call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        call_command("load_territories", verbosity=0)
        print(f"Territories loaded ({time.perf_counter() - started:.1f} s). Generating {args.fiches:,} fiches…")
        corpus.generate(args.fiches, seed=args.seed)
        generated_in = time.perf_counter() - started
        corpus.check()
        print(f"Corpus ready in {generated_in:.0f} s; search documents and territories match the services.")
    description = corpus_description(generated_in)
    print("Corpus:", description)

    scenarios = [s for s in measure.scenarios() if args.only.lower() in s.name.lower()]
    load = report.load_average()
    print(f"Measuring {len(scenarios)} scenarios, {args.repeat} requests each (load average {' '.join(load)}):")
    try:
        if float(load[0]) > 0.5 * (os.cpu_count() or 1):
            print("  warning: the machine is busy, timings will be inflated")
    except ValueError:
        pass
    results = measure.run(scenarios, args.repeat, wait=measure.QuietWaiter(args.quiet_wait))
    print()
    print(report.table(results))
    if run_letters:
        print()
        print(letters.table(letters.run(args.subscribers, seed=args.seed)))

    if args.explain:
        for r in results:
            if r.ok:
                continue
            print(f"\n=== {r.scenario.name} ({r.cache}): slowest queries")
            for ms, sql in r.slowest[:2]:
                print(f"--- {ms:.1f} ms\n{sql}\n{measure.explain(sql)}")

    if not args.no_write and not args.only:
        command = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
        path = report.write(results, description, args.repeat, command.strip(), load)
        print(f"\nResults written to {path.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
