"""pipeline.upsert_record: create, update, unchanged, skipped; provenance, history, licence, scope."""

import pytest

from creative.editorial.models import Revision
from creative.imports import pipeline
from creative.imports.models import Provenance
from creative.innovations.models import Innovation, Licence
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def rec(**overrides):
    record = {
        "original_id": "42",
        "title": "Repair café de Recouvrance",
        "pitch": "On répare ensemble les objets du quotidien.",
        "description": "Chaque samedi, des bénévoles.",
        "themes": ["developpement-durable", "solidarites"],
        "carrier_kind": "association",
        "status": "en-cours",
        "website": "https://repair.example.org/",
        "places": [{"commune": "Brest", "address": "1 rue de la Porte", "latitude": "48,38", "longitude": -4.5}],
        "answers": {"origine": "Une idée de voisins.", "inconnue": "x"},
        "original_url": "https://source.example.org/fiches/42",
        "original_authors": "Collectif Zéro Déchet",
        "licence": "ODbL-1.0",
    }
    record.update(overrides)
    return record


def test_dry_run_writes_nothing(source, territories, admin):
    outcome = pipeline.upsert_record(source, rec(), dry_run=True, user=admin)
    assert outcome.action == "created"
    assert outcome.innovation is None
    assert not Innovation.objects.exists()
    assert not Provenance.objects.exists()


def test_create_publishes_with_provenance_history_and_licence(source, territories, admin):
    outcome = pipeline.upsert_record(source, rec(), user=admin)
    assert outcome.action == "created", outcome.reason
    fiche = outcome.innovation
    fiche.refresh_from_db()
    assert fiche.state == Innovation.State.PUBLISHED and fiche.published_at
    assert fiche.licence == Licence.ODBL_1
    assert sorted(fiche.themes.values_list("slug", flat=True)) == ["developpement-durable", "solidarites"]
    place = fiche.places.get()
    assert place.commune.name == "Brest" and place.latitude == 48.38
    assert fiche.answers.get().section.slug == "origine"
    assert any("inconnues" in str(w) for w in outcome.warnings)
    provenance = fiche.provenance
    assert provenance.source == source and provenance.original_id == "42"
    assert provenance.original_licence == "ODbL-1.0" and provenance.read_only
    assert provenance.original_authors == "Collectif Zéro Déchet"
    revision = fiche.revisions.get()
    assert revision.kind == Revision.Kind.ADMIN and revision.number == 1 == fiche.revision_number
    assert revision.author == admin
    assert fiche.territories.filter(slug="pays-de-brest").exists()


def test_same_record_again_is_unchanged_and_no_duplicate(source, territories, admin):
    first = pipeline.upsert_record(source, rec(), user=admin).innovation
    again = pipeline.upsert_record(source, rec(), user=admin)
    assert again.action == "unchanged"
    assert again.innovation == first
    assert Innovation.objects.count() == 1 and Provenance.objects.count() == 1


def test_changed_record_updates_with_a_new_revision(source, territories, admin):
    fiche = pipeline.upsert_record(source, rec(), user=admin).innovation
    dry = pipeline.upsert_record(source, rec(title="Repair café de Brest"), dry_run=True, user=admin)
    assert dry.action == "updated" and "titre" in dry.reason
    assert Innovation.objects.get().title == "Repair café de Recouvrance"
    outcome = pipeline.upsert_record(source, rec(title="Repair café de Brest"), user=admin)
    assert outcome.action == "updated" and outcome.changes == ["title"]
    fiche.refresh_from_db()
    assert fiche.title == "Repair café de Brest"
    assert list(fiche.revisions.values_list("number", "kind")) == [(2, "admin"), (1, "admin")]
    assert Innovation.objects.count() == 1


def test_provenance_only_change_is_an_update_without_revision(source, territories, admin):
    fiche = pipeline.upsert_record(source, rec(), user=admin).innovation
    outcome = pipeline.upsert_record(source, rec(original_authors="Autre collectif"), user=admin)
    assert outcome.action == "updated"
    assert fiche.revisions.count() == 1
    assert Provenance.objects.get().original_authors == "Autre collectif"


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"title": "  "}, "Titre manquant"),
    ({"original_id": ""}, "Identifiant d'origine manquant"),
    ({"places": [{"commune": "Atlantis"}]}, "Commune inconnue"),
    ({"licence": "GPL"}, "Licence non reconnue"),
])
def test_bad_records_are_skipped_with_a_reason(source, territories, admin, overrides, reason):
    outcome = pipeline.upsert_record(source, rec(**overrides), user=admin)
    assert outcome.action == "skipped"
    assert reason in outcome.reason
    assert not Innovation.objects.exists()


def test_no_licence_anywhere_is_skipped(source, territories, admin):
    source.default_licence = ""
    outcome = pipeline.upsert_record(source, rec(licence=""), user=admin)
    assert outcome.action == "skipped" and "Licence inconnue" in outcome.reason


def test_default_licence_and_label_aliases(source, territories, admin):
    assert pipeline.upsert_record(source, rec(licence=""), user=admin).innovation.licence == "ODbL-1.0"
    assert pipeline.normalise_licence("cc by-sa 4.0") == "CC-BY-SA-4.0"
    assert pipeline.normalise_licence("Licence Ouverte") == "etalab-2.0"


def test_commune_by_insee_code(source, territories, admin):
    outcome = pipeline.upsert_record(source, rec(places=[{"commune": "29019"}]), user=admin)
    assert outcome.innovation.places.get().commune.name == "Brest"


def test_editor_imports_only_into_their_territories(source, territories, brest_editor):
    outside = pipeline.upsert_record(source, rec(places=[{"commune": "Rennes"}]), user=brest_editor)
    assert outside.action == "skipped" and "territoires" in outside.reason
    no_place = pipeline.upsert_record(source, rec(places=[]), user=brest_editor)
    assert no_place.action == "skipped"
    inside = pipeline.upsert_record(source, rec(), user=brest_editor)
    assert inside.action == "created"


def test_editor_cannot_update_a_fiche_outside_their_scope(source, territories, admin):
    pipeline.upsert_record(source, rec(places=[{"commune": "Rennes"}]), user=admin)
    quimper = UserFactory(roles=["editor"], scopes=["quimper"])
    outcome = pipeline.upsert_record(source, rec(title="Autre", places=[{"commune": "Quimper"}]), user=quimper)
    assert outcome.action == "skipped"
    assert Innovation.objects.get().title == "Repair café de Recouvrance"


def test_contributor_cannot_import(source, territories):
    outcome = pipeline.upsert_record(source, rec(), user=UserFactory())
    assert outcome.action == "skipped"


def test_system_run_without_user(source, territories):
    outcome = pipeline.upsert_record(source, rec(), user=None)
    assert outcome.action == "created"
    assert outcome.innovation.revisions.get().author is None


def test_report_line(source, territories, admin):
    line = pipeline.upsert_record(source, rec(), user=admin).as_report(row=3)
    assert line["row"] == 3 and line["action"] == "created" and line["slug"]


def test_duplicate_candidates_are_looked_for_on_import(source, territories, admin):
    from creative.imports.models import DuplicateCandidate

    pipeline.upsert_record(source, rec(), user=admin)
    twin = pipeline.upsert_record(source, rec(original_id="43", title="Le Repair Café de Recouvrance"), user=admin)
    assert twin.action == "created"
    assert twin.duplicates == 1
    assert DuplicateCandidate.objects.count() == 1
