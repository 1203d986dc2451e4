"""Imports: sources with their mappings, file imports (dry run, progress, apply), harvest, duplicates.

Sources, uploads and runs (helper I8): editors and administrators (imports.permissions.can_import).
A file is first imported as a dry run in the background; its page shows a progress bar then the
report, and « Appliquer » runs it for real (another background run on the same file).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creative.accounts.permissions import requires
from creative.audit import record as audit_record
from creative.core.tasks import enqueue_on_commit

from . import mapping as import_mapping
from .forms import SourceForm, UploadForm
from .models import ImportRun, ImportSource
from .permissions import can_import

REPORT_PAGE_SIZE = 200


@requires(can_import)
def sources(request):
    """The import sources, with their fiches and last run."""
    rows = ImportSource.objects.annotate(fiche_count=Count("provenances", distinct=True)).order_by("name")
    return render(request, "imports/sources.html", {"sources": rows})


@requires(can_import)
def source_create(request):
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = form.save(commit=False)
        source.created_by = request.user
        source.save()
        audit_record(request.user, "imports.source_created", source, kind=source.kind)
        messages.success(request, _("Source enregistrée."))
        return redirect("imports:source_detail", slug=source.slug)
    return render(request, "imports/source_form.html", {"form": form})


@requires(can_import)
def source_detail(request, slug):
    """A source: its runs, its mappings (edited here, reused at every run)."""
    source = get_object_or_404(ImportSource, slug=slug)
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST":
        if form.is_valid():
            source = form.save()
            audit_record(request.user, "imports.source_changed", source)
            messages.success(request, _("Correspondances enregistrées."))
            return redirect("imports:source_detail", slug=source.slug)
        source.refresh_from_db()
    columns = dict(import_mapping.FIELDS)
    column_rows = [
        (columns.get(name, name), column) for name, column in (source.column_mapping or {}).items()
    ]
    return render(request, "imports/source_detail.html", {
        "source": source, "form": form, "runs": source.runs.select_related("created_by__profile")[:30],
        "column_rows": column_rows, "fiche_count": source.provenances.count(),
        "theme_rows": sorted((source.theme_mapping or {}).items(), key=lambda item: item[0].casefold()),
    })


@requires(can_import)
def upload(request, slug):
    """Upload a file: it is imported as a DRY RUN in the background, then shown."""
    source = get_object_or_404(ImportSource, slug=slug)
    if source.kind not in (ImportSource.Kind.CSV, ImportSource.Kind.JSON):
        messages.error(request, _("Cette source se synchronise par son API, pas par un fichier."))
        return redirect("imports:source_detail", slug=source.slug)
    form = UploadForm(request.POST or None, request.FILES or None, source=source)
    if request.method == "POST" and form.is_valid():
        from .tasks import run_import

        upload_file = form.cleaned_data["file"]
        upload_file.name = _private_name(upload_file.name)
        run = ImportRun.objects.create(
            source=source, dry_run=True, file=upload_file, total_rows=len(form.rows),
            created_by=request.user,
        )
        audit_record(request.user, "imports.run_started", source, run=run.pk, dry_run=True)
        enqueue_on_commit(run_import, run.pk)
        return redirect("imports:run", pk=run.pk)
    return render(request, "imports/upload.html", {"source": source, "form": form})


def sync(request, slug):
    """« Synchroniser » (POST): re-harvest an instance source in the background (imports.harvest)."""
    from datetime import timedelta

    from django.contrib import messages
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponseNotAllowed
    from django.shortcuts import get_object_or_404, redirect
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from creative.audit import record as audit_record
    from creative.core.tasks import enqueue_on_commit

    from .harvest import harvest_task
    from .models import ImportRun, ImportSource
    from .permissions import can_import

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_import(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    source = get_object_or_404(ImportSource, slug=slug)
    if source.kind != ImportSource.Kind.INSTANCE or not source.url:
        messages.error(request, _("Seule une autre instance Brest Créative (avec son adresse) se synchronise."))
        return redirect("imports:source_detail", slug=source.slug)
    busy = source.runs.filter(
        dry_run=False, file="", status__in=[ImportRun.Status.PENDING, ImportRun.Status.RUNNING],
        created_at__gte=timezone.now() - timedelta(hours=1),
    ).exists()
    if busy:
        messages.info(request, _("Une synchronisation de cette source est déjà en cours."))
        return redirect("imports:source_detail", slug=source.slug)
    run = ImportRun.objects.create(source=source, dry_run=False, created_by=request.user)
    audit_record(request.user, "imports.harvest.requested", source, run=run.pk)
    enqueue_on_commit(harvest_task, source.pk, full=request.POST.get("full") == "1",
                      user_id=request.user.pk, run_id=run.pk)
    messages.success(request, _("Synchronisation lancée : les fiches de la source seront mises à jour dans "
                                "quelques instants."))
    return redirect("imports:source_detail", slug=source.slug)


@requires(can_import)
def run_detail(request, pk):
    """A run: its progress bar while it works, then its report (what was or would be done, and why)."""
    run = get_object_or_404(ImportRun.objects.select_related("source", "created_by__profile"), pk=pk)
    report = run.report or []
    action = request.GET.get("action", "")
    if action in ("created", "updated", "unchanged", "skipped"):
        report = [line for line in report if isinstance(line, dict) and line.get("action") == action]
    page = Paginator(report, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = run.counts or {}
    return render(request, "imports/run.html", {
        "run": run, "source": run.source, "page": page, "lines": page.object_list, "action": action,
        "counts": counts, "unmapped": sorted((counts.get("unmapped_tags") or {}).items()),
        "working": run.status in (ImportRun.Status.PENDING, ImportRun.Status.RUNNING),
        "can_apply": _can_apply(run), "applied_as": _applied_as(run),
    })


def run_progress(request, pk):
    """JSON polled by static/js/import-progress.js."""
    if not can_import(request.user):
        return JsonResponse({"error": _("Accès réservé à l'équipe éditoriale.")}, status=403)
    run = ImportRun.objects.filter(pk=pk).first()
    if run is None:
        return JsonResponse({"error": _("Import introuvable.")}, status=404)
    counts = {key: value for key, value in (run.counts or {}).items() if isinstance(value, int)}
    return JsonResponse({
        "status": run.status, "status_label": run.get_status_display(), "processed": run.processed_rows,
        "total": run.total_rows, "percent": run.percent, "counts": counts,
        "finished": run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED),
    })


@require_POST
@requires(can_import)
def apply_run(request, pk):
    """« Appliquer » a finished dry run: the same file, for real, in another background run."""
    from .tasks import run_import

    run = get_object_or_404(ImportRun, pk=pk)
    applied = _applied_as(run)
    if applied is not None:
        messages.info(request, _("Cet essai a déjà été appliqué."))
        return redirect("imports:run", pk=applied.pk)
    if not _can_apply(run):
        messages.error(request, _("Seul un essai à blanc terminé peut être appliqué."))
        return redirect("imports:run", pk=run.pk)
    real = ImportRun.objects.create(
        source=run.source, dry_run=False, file=run.file.name, total_rows=run.total_rows, created_by=request.user,
    )
    audit_record(request.user, "imports.run_started", run.source, run=real.pk, dry_run=False, trial=run.pk)
    enqueue_on_commit(run_import, real.pk)
    messages.success(request, _("Import lancé : les fiches sont créées et mises à jour en arrière-plan."))
    return redirect("imports:run", pk=real.pk)


def _private_name(name):
    """An unguessable stored name: imported files may hold data that is never published (emails…)."""
    import secrets
    from pathlib import Path

    return f"{secrets.token_urlsafe(18)}{Path(name).suffix.lower()[:8]}"


def _can_apply(run):
    return run.dry_run and run.status == ImportRun.Status.DONE and bool(run.file)


def _applied_as(run):
    """The real run made from this dry run's file, if any."""
    if not run.dry_run or not run.file:
        return None
    return ImportRun.objects.filter(source=run.source_id, dry_run=False, file=run.file.name).order_by("pk").first()


def duplicates(request):
    """Editors: the pending pairs of possible duplicates in their territories (helper D8)."""
    from django.core.paginator import Paginator
    from django.db.models import Prefetch
    from django.shortcuts import render

    from creative.accounts.permissions import can_use_review_queue
    from creative.innovations.models import Place

    from .duplicates import pending_for_user

    denied = _duplicate_reviewer_denied(request, can_use_review_queue)
    if denied is not None:
        return denied
    places = Prefetch("places", queryset=Place.objects.select_related("commune"))
    pairs = pending_for_user(request.user).prefetch_related(
        Prefetch("first__places", queryset=places.queryset), Prefetch("second__places", queryset=places.queryset),
    )
    page = Paginator(pairs, 25).get_page(request.GET.get("page"))
    return render(request, "imports/duplicates.html", {"page": page, "pairs": page.object_list})


def duplicate_detail(request, pk):
    """Editors: compare two fiches side by side, then merge them or say they are not duplicates (helper D8).

    GET shows the pair; POST `action=merge` with `keep=<pk of one fiche>` (and an optional `note`)
    or `action=dismiss`. Editors see the pairs with at least one fiche in their territories; a merge
    archives a fiche, so it needs both fiches in their territories.
    """
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404, redirect, render
    from django.utils.translation import gettext as _

    from creative.accounts.permissions import can_review, can_use_review_queue
    from creative.editorial.people import authors_and_contributors

    from .merging import MergeError, dismiss, merge
    from .models import DuplicateCandidate, Provenance

    denied = _duplicate_reviewer_denied(request, can_use_review_queue)
    if denied is not None:
        return denied
    if request.method not in ("GET", "HEAD", "POST"):
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["GET", "POST"])
    pair = get_object_or_404(DuplicateCandidate.objects.select_related("first", "second"), pk=pk)
    user = request.user
    reviews_first, reviews_second = can_review(user, pair.first), can_review(user, pair.second)
    if not (reviews_first or reviews_second):
        raise Http404
    can_merge = reviews_first and reviews_second
    pending = pair.status == DuplicateCandidate.Status.PENDING

    if request.method == "POST":
        action = request.POST.get("action")
        if not pending:
            messages.error(request, _("Cette paire a déjà été traitée."))
            return redirect("imports:duplicate", pk=pair.pk)
        if action == "dismiss":
            try:
                dismiss(pair, user)
            except MergeError as error:
                messages.error(request, str(error))
                return redirect("imports:duplicate", pk=pair.pk)
            messages.success(request, _("C'est noté : ces deux fiches ne seront plus proposées comme doublons."))
            return redirect("imports:duplicates")
        if action == "merge":
            if not can_merge:
                raise PermissionDenied(
                    _("Fusionner archive l'une des deux fiches : il faut accompagner les territoires des deux fiches.")
                )
            keep = request.POST.get("keep", "")
            if keep not in (str(pair.first_id), str(pair.second_id)):
                messages.error(request, _("Choisissez la fiche à garder."))
                return redirect("imports:duplicate", pk=pair.pk)
            kept, merged = (pair.first, pair.second) if keep == str(pair.first_id) else (pair.second, pair.first)
            note = (request.POST.get("note") or "").strip()[:2000]
            try:
                merge(kept, merged, user, note=note)
            except MergeError as error:
                messages.error(request, str(error))
                return redirect("imports:duplicate", pk=pair.pk)
            messages.success(request, _("Fiches fusionnées : « %(merged)s » mène désormais à « %(kept)s ».") % {
                "merged": merged.title, "kept": kept.title})
            return redirect(kept)
        messages.error(request, _("Action inconnue."))
        return redirect("imports:duplicate", pk=pair.pk)

    def side(fiche):
        authors, _contributors = authors_and_contributors(fiche)
        return {
            "fiche": fiche,
            "places": list(fiche.places.select_related("commune")),
            "themes": list(fiche.themes.all()),
            "authors": [person.name for person in authors],
            "provenance": Provenance.objects.select_related("source").filter(innovation=fiche).first(),
            "revision_count": fiche.revisions.count(),
        }

    context = {
        "pair": pair,
        "sides": [side(pair.first), side(pair.second)],
        "pending": pending,
        "can_merge": can_merge,
    }
    return render(request, "imports/duplicate_detail.html", context)


def _duplicate_reviewer_denied(request, check):
    """The login page for visitors, a 403 for signed-in people who are not editors, else None."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not check(request.user):
        raise PermissionDenied(_("Votre compte n'a pas accès à cette page."))
    return None
