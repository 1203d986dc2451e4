"""Harvest another Brest Créative instance through its public API (issue 8 §5).

`harvest(source)` walks the remote `/api/v1/innovations/?updated_since=…` (every page, through the
`next` links), fetches each changed fiche's detail, maps it to the normalised record of
`pipeline.upsert_record` (original id and page address, authors, licence — never relicensed —
places, themes through `source.theme_mapping`, answers by section slug) and upserts it: a copy is
created once, then updated in place (never duplicated). Each harvest is an `ImportRun` (not a dry
run) with its counts and row-by-row report, so the source page shows it like a file import.

Fiches deleted or unpublished at the source: after the walk, the remote list is read once more in
full (list pages only, no detail) to know which fiches are still published there; a copy whose
original is gone is ARCHIVED here (not deleted: its history, its provenance and any link to it
stay; the archive is reversible), with a review-thread note and an audit entry. When the original
comes back, the copy that the harvest archived is put back online; a copy an editor archived here
by hand stays archived.

`source.last_synced_at` moves only after a run without any error, to the time the run STARTED;
the next run asks for what changed since then, minus a small overlap (`OVERLAP`) for clocks that
disagree — re-reading a fiche is harmless, its copy is just "unchanged".

Errors (network, HTTP status, bad JSON, unexpected shape) are reported in the run
(`status=failed`, `error`) and never raised: a view or the command shows them. A `client` may be
injected (tests): a callable `client(url) -> (status_code, body bytes)`.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from creative.audit import record as audit

from .models import ImportRun, ImportSource, Provenance

logger = logging.getLogger(__name__)

TIMEOUT = 20  # seconds, per request
MAX_BYTES = 10 * 1024 * 1024  # per answer
MAX_PAGES = 2000  # a runaway `next` chain stops here
PAGE_SIZE = 100
OVERLAP = timedelta(minutes=10)
REPORT_LIMIT = 1000  # rows kept in the run's report
PROGRESS_EVERY = 10  # rows between two progress saves


class HarvestError(Exception):
    """A remote answer we cannot use: its message is shown to editors (French)."""


def user_agent():
    return f"{settings.SITE_NAME} (moissonneur de fiches; +{settings.SITE_URL})"


def _check_http_url(url):
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise HarvestError(_("Adresse refusée (seuls http et https sont permis) : %(url)s") % {"url": url})


def http_client(url):
    """GET `url` as JSON with a timeout and our User-Agent: (status, body bytes); network errors raise."""
    _check_http_url(url)
    request = urllib.request.Request(  # noqa: S310 — only http(s) (checked above)
        url, headers={"Accept": "application/json", "User-Agent": user_agent()},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 — http(s) only
            return response.status, response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(MAX_BYTES + 1) if exc.fp is not None else b""
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise HarvestError(_("%(url)s ne répond pas : %(reason)s") % {"url": url, "reason": reason}) from exc


def get_json(client, url):
    """The JSON answer of `url` through `client`, or a HarvestError saying what went wrong."""
    try:
        status, body = client(url)
    except HarvestError:
        raise
    except Exception as exc:  # a client's own failure (timeout, refused connection…) is reported
        raise HarvestError(_("%(url)s ne répond pas : %(reason)s") % {"url": url, "reason": exc}) from exc
    if status != 200:
        raise HarvestError(_("%(url)s a répondu %(status)s.") % {"url": url, "status": status})
    if isinstance(body, (dict, list)):  # a test client may hand parsed JSON
        return body
    if len(body or b"") > MAX_BYTES:
        raise HarvestError(_("La réponse de %(url)s est trop volumineuse.") % {"url": url})
    try:
        return json.loads(body)
    except (ValueError, TypeError) as exc:
        raise HarvestError(_("La réponse de %(url)s n'est pas du JSON valide.") % {"url": url}) from exc


# --- The remote API -------------------------------------------------------------------------


def api_root(source):
    base = source.url.strip()
    if not base.endswith("/"):
        base += "/"
    return urljoin(base, "api/v1/")


def _same_site(url, base):
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _items_of(page, url):
    if isinstance(page, list):
        return page, None
    if not isinstance(page, dict):
        raise HarvestError(_("La réponse de %(url)s n'a pas la forme attendue.") % {"url": url})
    items = page.get("items", page.get("results", page.get("data")))
    if not isinstance(items, list):
        raise HarvestError(_("La réponse de %(url)s n'a pas la forme attendue.") % {"url": url})
    nxt = page.get("next")
    if nxt is None and isinstance(page.get("links"), dict):
        nxt = page["links"].get("next")
    return items, nxt


def walk(client, first_url, root):
    """Every item of a paginated list, following `next` links on the same site (at most MAX_PAGES)."""
    url, seen = first_url, set()
    while url:
        if url in seen or len(seen) >= MAX_PAGES:
            raise HarvestError(_("La pagination de %(url)s ne se termine pas.") % {"url": first_url})
        seen.add(url)
        items, nxt = _items_of(get_json(client, url), url)
        for item in items:
            if not isinstance(item, dict):
                raise HarvestError(_("La réponse de %(url)s n'a pas la forme attendue.") % {"url": url})
            yield item
        if nxt:
            nxt = urljoin(url, str(nxt))
            if not _same_site(nxt, root):  # never follow a link to another site
                raise HarvestError(_("Lien « next » vers un autre site refusé : %(url)s") % {"url": nxt})
        url = nxt


def list_url(source, since=None):
    params = {"limit": PAGE_SIZE}
    if since is not None:
        params["updated_since"] = since.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return f"{api_root(source)}innovations/?{urlencode(params)}"


def detail_url(source, slug):
    return urljoin(api_root(source), f"innovations/{slug}/")


# --- Mapping a remote fiche to the pipeline's normalised record ------------------------------


def _slug_of(value, *keys):
    if isinstance(value, dict):
        for key in (*keys, "slug", "code", "value", "id"):
            if value.get(key) not in (None, ""):
                return str(value[key])
        return ""
    return "" if value is None else str(value)


def _text(value):
    return "" if value is None else str(value)


def original_id_of(item):
    """The remote fiche's stable id (its numeric id when the API gives one, else its slug)."""
    if item.get("id") not in (None, ""):
        return str(item["id"])
    return _text(item.get("slug"))


def _author_names(detail):
    provenance = detail.get("provenance") if isinstance(detail.get("provenance"), dict) else {}
    own = detail.get("original_authors") or provenance.get("original_authors")
    if isinstance(own, str) and own.strip():  # the remote copy of a fiche imported there: its real authors
        return own.strip()
    names = []
    for author in detail.get("authors") or ():
        name = author.get("name") or author.get("display_name") if isinstance(author, dict) else author
        if name:
            names.append(str(name).strip())
    return ", ".join(n for n in names if n)


def _point(place):
    for lat_key, lng_key in (("latitude", "longitude"), ("lat", "lng"), ("lat", "lon")):
        if place.get(lat_key) is not None and place.get(lng_key) is not None:
            return place[lat_key], place[lng_key]
    point = place.get("point")
    if isinstance(point, dict):
        coords = point.get("coordinates")
        if isinstance(coords, list) and len(coords) == 2:  # GeoJSON: [longitude, latitude]
            return coords[1], coords[0]
        return _point(point)
    return None, None


def _places(detail):
    places = []
    for place in detail.get("places") or ():
        if not isinstance(place, dict):
            continue
        commune = place.get("commune")
        if isinstance(commune, dict):
            commune = commune.get("insee") or commune.get("code") or commune.get("name") or ""
        precise = place.get("precise", place.get("has_point", True))
        latitude, longitude = _point(place) if precise else (None, None)
        places.append({
            "commune": _text(commune), "address": _text(place.get("address")),
            "latitude": latitude, "longitude": longitude,
        })
    return places


def _answers(detail):
    answers = detail.get("answers", detail.get("sections"))
    if isinstance(answers, dict):
        return {str(k): _text(v) for k, v in answers.items() if v}
    result = {}
    for answer in answers or ():
        if not isinstance(answer, dict):
            continue
        section = _slug_of(answer.get("section", answer.get("slug")))
        body = answer.get("body", answer.get("text", answer.get("answer")))
        if section and body:
            result[section] = _text(body)
    return result


def _themes(source, detail):
    mapping = source.theme_mapping or {}
    slugs = []
    for theme in detail.get("themes") or ():
        slug = _slug_of(theme)
        name = theme.get("name") if isinstance(theme, dict) else None
        mapped = mapping.get(slug) or (mapping.get(name) if name else None) or slug
        if mapped and mapped not in slugs:
            slugs.append(mapped)
    return slugs


def _page_url(source, detail):
    for key in ("url", "page_url", "html_url", "web_url"):
        value = detail.get(key)
        if isinstance(value, str) and value and "/api/" not in value:
            return urljoin(source.url if source.url.endswith("/") else source.url + "/", value)
    return urljoin(source.url, f"/innovations/{detail.get('slug')}/")


def comes_from_here(detail):
    """Whether the remote fiche is itself a copy of one of ours (two instances harvesting each other)."""
    provenance = detail.get("provenance")
    original = provenance.get("original_url") if isinstance(provenance, dict) else None
    return bool(original) and _same_site(str(original), settings.SITE_URL + "/")


def to_record(source, detail):
    """The pipeline's normalised record for one remote fiche's detail."""
    if not isinstance(detail, dict) or not detail.get("slug") or not detail.get("title"):
        raise HarvestError(_("Fiche distante sans slug ni titre."))
    return {
        "original_id": original_id_of(detail),
        "title": _text(detail.get("title")),
        "pitch": _text(detail.get("pitch")),
        "description": _text(detail.get("description")),
        "themes": _themes(source, detail),
        "carrier_kind": _slug_of(detail.get("carrier_kind", detail.get("kind"))),
        "status": _slug_of(detail.get("status")),
        "website": _text(detail.get("website")),
        "places": _places(detail),
        "answers": _answers(detail),
        "original_url": _page_url(source, detail),
        "original_authors": _author_names(detail),
        "licence": _slug_of(detail.get("licence"), "code") or source.default_licence,
    }


# --- The run --------------------------------------------------------------------------------


@dataclass
class _Tally:
    counts: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0,
                                                  "archived": 0, "restored": 0, "errors": 0})
    report: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def add(self, action, title="", reason="", row=None, original_id=""):
        self.counts[action] = self.counts.get(action, 0) + 1
        if len(self.report) < REPORT_LIMIT:
            self.report.append({"row": row, "action": action, "title": title, "reason": str(reason),
                                "original_id": original_id})

    def count(self, action, line):
        self.counts[action] = self.counts.get(action, 0) + 1
        if len(self.report) < REPORT_LIMIT:
            self.report.append(line)

    def error(self, message, **kwargs):
        self.errors.append(str(message))
        self.add("errors", reason=message, **kwargs)


def harvest(source, *, since=None, full=False, client=None, user=None, run=None):
    """Re-synchronise the copies of an INSTANCE source; returns the (finished) ImportRun.

    `since`: only fiches changed since then (default: `source.last_synced_at`); `full=True`: all.
    Never raises for a remote problem: the run says `failed` and why.
    """
    client = client or http_client
    started = timezone.now()
    if run is None:
        run = ImportRun.objects.create(source=source, dry_run=False, created_by=user)
    run.status, run.started_at, run.error = ImportRun.Status.RUNNING, started, ""
    run.save(update_fields=["status", "started_at", "error"])
    tally = _Tally()
    try:
        if source.kind != ImportSource.Kind.INSTANCE or not source.url:
            raise HarvestError(_("Cette source n'est pas une instance Brest Créative avec une adresse."))
        _check_http_url(source.url)
        if not full and since is None:
            since = source.last_synced_at
        root = api_root(source)
        items = list(walk(client, list_url(source, since - OVERLAP if since else None), root))
        run.total_rows = len(items)
        run.save(update_fields=["total_rows"])
        for row, item in enumerate(items, start=1):
            _harvest_one(source, item, row, client, tally, user)
            run.processed_rows = row
            if row % PROGRESS_EVERY == 0:
                run.counts = tally.counts
                run.save(update_fields=["processed_rows", "counts"])
        live = {original_id_of(i) for i in items} if since is None else {
            original_id_of(i) for i in walk(client, list_url(source), root)
        }
        _archive_gone(source, live, tally, user)
    except HarvestError as exc:
        tally.errors.insert(0, str(exc))
        run.status = ImportRun.Status.FAILED
    except Exception as exc:  # a bug must not leave the run "running" forever; it is logged in full
        logger.exception("Harvest of %s failed", source)
        tally.errors.insert(0, _("Erreur interne : %(error)s") % {"error": exc.__class__.__name__})
        run.status = ImportRun.Status.FAILED
    else:
        run.status = ImportRun.Status.DONE
        if not tally.errors:
            source.last_synced_at = started
            source.save(update_fields=["last_synced_at"])
    run.counts, run.report = tally.counts, tally.report
    run.error = "\n".join(tally.errors)
    run.finished_at = timezone.now()
    run.save()
    audit(user, "imports.harvest.done" if run.status == ImportRun.Status.DONE and not tally.errors
          else "imports.harvest.failed", source, run=run.pk, counts=tally.counts, error=run.error[:500])
    return run


def _harvest_one(source, item, row, client, tally, user):
    from . import pipeline

    slug = _text(item.get("slug"))
    original_id = original_id_of(item)
    title = _text(item.get("title"))
    if not slug:
        tally.error(_("Fiche distante sans slug."), row=row, title=title)
        return
    url = item.get("api_url")
    if not (isinstance(url, str) and url.startswith(("http://", "https://")) and _same_site(url, api_root(source))):
        url = detail_url(source, slug)
    try:
        detail = get_json(client, url)
        record = to_record(source, detail)
    except HarvestError as exc:
        tally.error(exc, row=row, title=title, original_id=original_id)
        return
    if comes_from_here(detail):
        tally.add("skipped", title=record["title"], row=row, original_id=original_id,
                  reason=_("Copie d'une fiche de ce site : elle n'est pas réimportée."))
        return
    try:
        with transaction.atomic():
            # The source's sync runs with the system's rights (user=None): the source was set up by
            # an editor or an administrator and is re-synchronised by the scheduler anyway; whoever
            # pressed « Synchroniser » is recorded on the run and in the audit log.
            outcome = pipeline.upsert_record(source, record, user=None)
    except Exception as exc:  # one bad fiche must not stop the others; logged in full
        logger.exception("Harvest of %s: fiche %s failed", source, slug)
        tally.error(_("Erreur interne : %(error)s") % {"error": exc.__class__.__name__},
                    row=row, title=record["title"], original_id=original_id)
        return
    tally.count(outcome.action, {**outcome.as_report(row), "original_id": original_id})
    if outcome.innovation is not None:
        _restore_if_archived_by_us(source, outcome.innovation, tally, user)


# --- Copies whose original is gone ----------------------------------------------------------


ARCHIVED_BY_HARVEST = "harvest"


def _archived_by_harvest(innovation):
    from creative.audit.models import AuditEntry

    last = (
        AuditEntry.objects.filter(
            action__in=["innovation.archived", "innovation.unarchived"], target_id=str(innovation.pk),
            target_type__model="innovation",
        ).order_by("-pk").first()
    )
    return last is not None and last.action == "innovation.archived" and ARCHIVED_BY_HARVEST in (last.data or {})


def _set_state(innovation, state, action, body, user, source):
    from creative.editorial.models import ReviewMessage
    from creative.innovations.models import Innovation

    with transaction.atomic():
        fiche = Innovation.objects.select_for_update().get(pk=innovation.pk)
        fiche.state = state
        if state == Innovation.State.PUBLISHED:
            fiche.published_at = fiche.published_at or timezone.now()
        fiche.save()
        ReviewMessage.objects.create(innovation=fiche, author=None, kind=ReviewMessage.Kind.EVENT, body=body)
        audit(user, action, fiche, **{ARCHIVED_BY_HARVEST: source.slug})


def _archive_gone(source, live, tally, user):
    from creative.innovations.models import Innovation

    copies = Provenance.objects.filter(source=source).select_related("innovation")
    if not live and copies.exists():
        # An empty list from the remote is more likely a fault there than every fiche deleted at once.
        tally.add("skipped", reason=_("La source ne publie plus aucune fiche : rien n'est archivé par prudence."))
        return
    for provenance in copies.exclude(original_id__in=live):
        fiche = provenance.innovation
        if fiche.state != Innovation.State.PUBLISHED:
            continue
        _set_state(fiche, Innovation.State.ARCHIVED, "innovation.archived",
                   _("Fiche archivée : elle n'est plus publiée à la source (%(source)s).") % {"source": source.name},
                   user, source)
        tally.add("archived", title=fiche.title, original_id=provenance.original_id,
                  reason=_("n'est plus publiée à la source"))
    # A copy archived by an earlier harvest whose original is back (published again).
    for provenance in copies.filter(original_id__in=live, innovation__state=Innovation.State.ARCHIVED):
        _restore_if_archived_by_us(source, provenance.innovation, tally, user)


def _restore_if_archived_by_us(source, innovation, tally, user):
    from creative.innovations.models import Innovation

    innovation.refresh_from_db(fields=["state"])
    if innovation.state != Innovation.State.ARCHIVED or not _archived_by_harvest(innovation):
        return
    _set_state(innovation, Innovation.State.PUBLISHED, "innovation.unarchived",
               _("Fiche remise en ligne : elle est de nouveau publiée à la source (%(source)s).")
               % {"source": source.name}, user, source)
    tally.add("restored", title=innovation.title, reason=_("de nouveau publiée à la source"))


# --- Background task and the scheduled re-synchronisation -----------------------------------


@task
def harvest_task(source_id, full=False, user_id=None, run_id=None):
    """Harvest one source in the background (the « Synchroniser » button); returns the run's id."""
    from django.contrib.auth import get_user_model

    source = ImportSource.objects.filter(pk=source_id).first()
    if source is None:
        return None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = ImportRun.objects.filter(pk=run_id).first() if run_id else None
    return harvest(source, full=full, user=user, run=run).pk


def instance_sources(slugs=()):
    sources = ImportSource.objects.filter(kind=ImportSource.Kind.INSTANCE).exclude(url="")
    return sources.filter(slug__in=slugs) if slugs else sources
