"""The import pages: sources, mappings, upload → dry run in the background → report → apply."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creative.imports.models import ImportRun, ImportSource, Provenance
from creative.innovations.models import Innovation
from tests.factories import UserFactory

from .conftest import CSV

pytestmark = pytest.mark.django_db


def upload(client, source, content=CSV, name="fiches.csv"):
    return client.post(reverse("imports:upload", args=[source.slug]),
                       {"file": SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")})


def test_pages_are_for_editors_and_admins(client, source, territories, brest_editor):
    for name, args in [("sources", []), ("source_create", []), ("source_detail", [source.slug]),
                       ("upload", [source.slug])]:
        url = reverse(f"imports:{name}", args=args)
        assert client.get(url).status_code == 302  # the login page
        client.force_login(UserFactory())
        assert client.get(url).status_code == 403
        client.force_login(brest_editor)
        assert client.get(url).status_code == 200
        client.logout()


def test_create_a_source_with_its_mappings(client, admin, territories):
    client.force_login(admin)
    response = client.post(reverse("imports:source_create"), {
        "name": "Annuaire ESS", "kind": "csv", "default_licence": "etalab-2.0", "read_only": "on",
        "col_original_id": "id", "col_title": "nom", "col_themes": "tags", "col_section.origine": "histoire",
        "theme_mapping_text": "numérique = numerique\nsolidarité = solidarites\n",
    })
    source = ImportSource.objects.get(name="Annuaire ESS")
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:source_detail", args=["annuaire-ess"])
    assert source.column_mapping == {"original_id": "id", "title": "nom", "themes": "tags",
                                     "section.origine": "histoire"}
    assert source.theme_mapping == {"numérique": "numerique", "solidarité": "solidarites"}
    assert source.default_licence == "etalab-2.0" and source.created_by == admin
    page = client.get(reverse("imports:source_detail", args=[source.slug])).content.decode()
    assert "histoire" in page and "numérique" in page


def test_source_form_errors(client, admin, territories):
    client.force_login(admin)
    response = client.post(reverse("imports:source_create"), {
        "name": "X", "kind": "csv", "theme_mapping_text": "tag = pas-un-theme\nligne sans égal",
    })
    assert response.status_code == 200
    text = response.content.decode()
    assert "Lignes mal écrites" in text and "Indiquez la colonne" in text
    assert not ImportSource.objects.exists()


def test_upload_dry_run_then_apply(client, source, territories, brest_editor, tasks_now,
                                   django_capture_on_commit_callbacks):
    client.force_login(brest_editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, source)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[run.pk])
    run.refresh_from_db()
    assert run.dry_run and run.status == ImportRun.Status.DONE
    assert run.total_rows == run.processed_rows == 4
    assert run.counts["created"] == 2 and run.counts["skipped"] == 2, run.report
    assert run.counts["unmapped_tags"] == {"potager": 1}
    assert not Innovation.objects.exists()  # a dry run changes nothing
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "serait créée" in page and "Titre manquant" in page and "Commune inconnue" in page
    assert "potager" in page and "Appliquer" in page

    progress = client.get(reverse("imports:run_progress", args=[run.pk])).json()
    assert progress == {"status": "done", "status_label": "terminé", "processed": 4, "total": 4, "percent": 100,
                        "counts": {"created": 2, "updated": 0, "unchanged": 0, "skipped": 2, "duplicates": 0},
                        "finished": True}

    assert client.get(reverse("imports:apply_run", args=[run.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:apply_run", args=[run.pk]))
    real = ImportRun.objects.get(dry_run=False)
    assert response["Location"] == reverse("imports:run", args=[real.pk])
    real.refresh_from_db()
    assert real.status == ImportRun.Status.DONE and real.counts["created"] == 2
    assert Innovation.objects.published().count() == 2
    assert Provenance.objects.filter(source=source).count() == 2
    fiche = Innovation.objects.get(title="Repair café")
    assert fiche.licence == "ODbL-1.0" and list(fiche.themes.values_list("slug", flat=True)) == ["numerique"]
    assert fiche.provenance.original_url == "https://source.example.org/1"
    source.refresh_from_db()
    assert source.last_synced_at is not None

    # Applying twice leads to the first real run, never a second import.
    response = client.post(reverse("imports:apply_run", args=[run.pk]))
    assert response["Location"] == reverse("imports:run", args=[real.pk])
    assert ImportRun.objects.filter(dry_run=False).count() == 1

    # The same file again: all unchanged, no duplicates.
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, source)
    again = ImportRun.objects.order_by("-pk").first()
    assert again.counts["unchanged"] == 2 and again.counts["created"] == 0


def test_changed_row_is_updated(client, source, territories, admin, tasks_now, django_capture_on_commit_callbacks):
    client.force_login(admin)
    for content in (CSV, CSV.replace("On répare ensemble.", "On répare tout, ensemble.")):
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, source, content)
        trial = ImportRun.objects.order_by("-pk").first()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("imports:apply_run", args=[trial.pk]))
    last = ImportRun.objects.order_by("-pk").first()
    assert last.counts["updated"] == 1 and last.counts["unchanged"] == 1
    fiche = Innovation.objects.get(title="Repair café")
    assert fiche.pitch == "On répare tout, ensemble."
    assert fiche.revisions.count() == 2
    assert Innovation.objects.count() == 2


def test_progress_numbers_while_running(client, source, admin, territories):
    run = ImportRun.objects.create(source=source, total_rows=200, processed_rows=50, status="running")
    client.force_login(admin)
    data = client.get(reverse("imports:run_progress", args=[run.pk])).json()
    assert (data["processed"], data["total"], data["percent"], data["finished"]) == (50, 200, 25, False)
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert '<progress max="200" value="50"' in page
    assert "js/import-progress.js" in page and "Actualiser" in page  # works with or without JS
    assert "Appliquer" not in page


def test_progress_json_refuses_outsiders(client, source):
    run = ImportRun.objects.create(source=source)
    assert client.get(reverse("imports:run_progress", args=[run.pk])).status_code == 403
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("imports:run_progress", args=[run.pk + 1])).status_code == 404


def test_progress_is_saved_every_n_rows(source, territories, tasks_now, monkeypatch):
    from django.core.files.base import ContentFile

    from creative.imports import tasks

    monkeypatch.setattr(tasks, "PROGRESS_EVERY", 2)
    run = ImportRun(source=source, dry_run=True)
    run.file.save("f.csv", ContentFile(CSV.encode()), save=True)
    seen = []
    tasks.process_run(run, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 4), (4, 4), (4, 4)]


def test_bad_uploads(client, source, admin, territories, tasks_now):
    client.force_login(admin)
    response = upload(client, source, "x", name="fiches.json")
    assert "attend un fichier" in response.content.decode()
    response = upload(client, source, "id;nom\n", name="vide.csv")
    assert "aucune ligne" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_unreadable_file_fails_the_run_cleanly(source, territories, tasks_now):
    from django.core.files.base import ContentFile

    from creative.imports.tasks import process_run

    json_source = ImportSource.objects.create(name="J", slug="j", kind="json", column_mapping={"title": "t"})
    run = ImportRun(source=json_source)
    run.file.save("f.json", ContentFile(b"{oops"), save=True)
    process_run(run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "JSON illisible" in run.error


def test_duplicate_ids_in_one_file(source, territories, tasks_now):
    from django.core.files.base import ContentFile

    from creative.imports.tasks import process_run

    run = ImportRun(source=source, dry_run=False)
    run.file.save("f.csv", ContentFile(b"id;nom;commune\n1;A;Brest\n1;B;Brest\n"), save=True)
    process_run(run)
    run.refresh_from_db()
    assert run.counts["created"] == 1 and run.counts["skipped"] == 1
    assert "déjà vu" in run.report[1]["reason"]
