"""manage.py import_fiches <source> <file> [--apply]."""

import pytest
from django.core.management import CommandError, call_command

from creative.imports.models import ImportRun
from creative.innovations.models import Innovation

from .conftest import CSV

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_fiches", *args, stdout=out)
    return out.getvalue()


def test_dry_run_then_apply_then_again(source, territories, tasks_now, tmp_path):
    path = tmp_path / "fiches.csv"
    path.write_text(CSV, encoding="latin-1", errors="replace")
    out = run(source.slug, str(path))
    assert "[##############################] 100 % (4/4)" in out
    assert "DRY RUN" in out and "2 created" in out and "2 skipped" in out
    assert "Titre manquant" in out and "Commune inconnue" in out and "'potager'" in out
    assert not Innovation.objects.exists()

    out = run(source.slug, str(path), "--apply")
    assert "Applied: 2 created" in out
    fiche = Innovation.objects.get(title="Repair café")
    assert fiche.is_published and fiche.revisions.get().author is None
    assert ImportRun.objects.filter(dry_run=False).count() == 1

    out = run(source.slug, str(path), "--apply")
    assert "0 created, 0 updated, 2 unchanged" in out
    assert Innovation.objects.count() == 2


def test_errors(source, territories, tasks_now, tmp_path):
    with pytest.raises(CommandError):
        run("nope", "x.csv")
    with pytest.raises(CommandError):
        run(source.slug, str(tmp_path / "missing.csv"))
