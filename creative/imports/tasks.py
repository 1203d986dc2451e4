"""Running an import: read the run's file, map each row, upsert it, record progress and the report.

`process_run(run)` does the work (the background task and the `import_fiches` command share it);
`run_import` is the task, enqueued with creative.core.tasks.enqueue_on_commit.
"""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from creative.audit import record as audit

from . import mapping, pipeline, readers
from .models import ImportRun

logger = logging.getLogger(__name__)

# Progress is saved every PROGRESS_EVERY rows (and at the end).
PROGRESS_EVERY = 20
# Report lines kept per run (counts stay exact beyond).
MAX_REPORT_LINES = 5000
ACTIONS = (pipeline.CREATED, pipeline.UPDATED, pipeline.UNCHANGED, pipeline.SKIPPED)


def process_run(run, *, progress=None):
    """Process `run` (dry or real) to the end. `progress(processed, total)` is called as rows go.

    Never raises for bad data: a file that cannot be read marks the run FAILED with the reason.
    """
    source = run.source
    run.status, run.started_at = ImportRun.Status.RUNNING, timezone.now()
    run.processed_rows, run.error = 0, ""
    run.save(update_fields=["status", "started_at", "processed_rows", "error"])
    try:
        rows = readers.read_file(source.kind, run.file)
    except readers.ReaderError as error:
        return _fail(run, str(error))
    run.total_rows = len(rows)
    run.save(update_fields=["total_rows"])
    counts = dict.fromkeys(ACTIONS, 0) | {"duplicates": 0}
    unmapped, report, seen = {}, [], set()
    user = run.created_by
    try:
        first_line = 2 if source.kind == "csv" else 1  # a CSV's first line holds the column names
        for index, row in enumerate(rows):
            number, processed = first_line + index, index + 1
            outcome = _one(source, row, seen, dry_run=run.dry_run, user=user, unmapped=unmapped)
            counts[outcome.action] += 1
            counts["duplicates"] += outcome.duplicates
            if len(report) < MAX_REPORT_LINES:
                report.append(outcome.as_report(row=number))
            if processed % PROGRESS_EVERY == 0:
                ImportRun.objects.filter(pk=run.pk).update(processed_rows=processed)
                if progress:
                    progress(processed, run.total_rows)
    except Exception as error:  # a bug must not leave the run "running" for ever
        logger.exception("Import run %s failed", run.pk)
        run.counts, run.report = {**counts, "unmapped_tags": unmapped}, report
        run.save(update_fields=["counts", "report"])
        return _fail(run, _("Erreur inattendue : %(error)s") % {"error": type(error).__name__})
    run.processed_rows = run.total_rows
    run.counts = {**counts, "unmapped_tags": unmapped}
    run.report = report
    run.status, run.finished_at = ImportRun.Status.DONE, timezone.now()
    run.save(update_fields=["processed_rows", "counts", "report", "status", "finished_at"])
    if not run.dry_run:
        source.last_synced_at = run.finished_at
        source.save(update_fields=["last_synced_at"])
    if progress:
        progress(run.total_rows, run.total_rows)
    audit(user, "imports.run_done", source, run=run.pk, dry_run=run.dry_run,
          **{key: counts[key] for key in ACTIONS})
    return run


def _one(source, row, seen, *, dry_run, user, unmapped):
    mapped = mapping.map_row(row, source)
    if mapped.record is None:
        return pipeline.Outcome(pipeline.SKIPPED, reason=mapped.error)
    for tag in mapped.unmapped_tags:
        unmapped[tag] = unmapped.get(tag, 0) + 1
    original_id = (mapped.record.get("original_id") or "").strip()
    if original_id and original_id in seen:
        return pipeline.Outcome(pipeline.SKIPPED, reason=_("Identifiant « %(id)s » déjà vu plus haut dans le fichier.")
                                % {"id": original_id[:100]}, title=(mapped.record.get("title") or "")[:150])
    seen.add(original_id)
    try:
        with transaction.atomic():
            outcome = pipeline.upsert_record(source, mapped.record, dry_run=dry_run, user=user)
    except Exception as error:  # one broken row never stops the run
        logger.exception("Import of row %s of source %s failed", original_id, source.pk)
        return pipeline.Outcome(pipeline.SKIPPED, reason=_("Erreur inattendue : %(error)s") % {
            "error": type(error).__name__}, title=(mapped.record.get("title") or "")[:150])
    if mapped.unmapped_tags:
        outcome.warnings.append(_("Catégories sans correspondance : %(tags)s.") % {
            "tags": ", ".join(mapped.unmapped_tags)[:200]})
    return outcome


def _fail(run, message):
    run.status, run.error, run.finished_at = ImportRun.Status.FAILED, message, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run


@task
def run_import(run_id):
    """Process ImportRun `run_id` (pending ones only: a task run twice does nothing the second time)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id, status=ImportRun.Status.PENDING).first()
        if run is None:
            return None
        run.status = ImportRun.Status.RUNNING
        run.save(update_fields=["status"])
    process_run(run)
    return run.pk
