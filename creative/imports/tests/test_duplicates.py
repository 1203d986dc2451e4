"""Duplicate detection: similar names AND close places, bounded work, dismissed pairs never again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creative.imports import duplicates
from creative.imports.models import DuplicateCandidate
from creative.innovations.models import Innovation, Place
from tests.factories import InnovationFactory, commune

# Brest, place de la Liberté; ~150 m north; ~5 km east.
BREST = (48.3904, -4.4861)
NORTH_150M = (48.3904 + 150 / 111_320, -4.4861)
EAST_5KM = (48.3904, -4.4861 + 5000 / (111_320 * 0.6644))


def fiche(title, *points, state=Innovation.State.PUBLISHED):
    innovation = InnovationFactory(title=title, state=state)
    for lat, lng in points:
        Place.objects.create(innovation=innovation, commune=commune("Brest"), latitude=lat, longitude=lng)
    return innovation


@pytest.mark.parametrize(("a", "b", "alike"), [
    ("Repair café de Brest", "Le Repair Café Brest", True),
    ("Association Les Jardins du Bourg", "Jardins du bourg", True),
    ("Jardin partagé", "Jardins partagés", True),
    ("L'Épicerie solidaire", "Epicerie solidaire !", True),
    ("Jardin partagé", "Épicerie solidaire", False),
    ("Repair café", "Vélo école", False),
    ("Le", "La", False),  # nothing left after the stop words
])
def test_similarity(a, b, alike):
    assert (duplicates.similarity(a, b) >= duplicates.SIMILARITY_THRESHOLD) is alike


def test_normalise():
    assert duplicates.normalise("L'Asso du Repair-Café !") == "repair cafe"


def test_haversine():
    assert duplicates.haversine_m(*BREST, *NORTH_150M) == pytest.approx(150, abs=1)
    assert duplicates.haversine_m(*BREST, *EAST_5KM) == pytest.approx(5000, rel=0.01)


def test_same_name_150m_apart_is_a_candidate(territories):
    a = fiche("Repair café de Brest", BREST)
    b = fiche("Le Repair Café Brest", NORTH_150M)
    found = duplicates.find_for(b)
    assert len(found) == 1
    pair = found[0]
    assert (pair.first_id, pair.second_id) == (a.pk, b.pk)  # always first < second
    assert pair.status == DuplicateCandidate.Status.PENDING
    assert pair.distance_m == pytest.approx(150, abs=1)
    assert pair.similarity == 1.0
    # Looking again finds nothing new.
    assert duplicates.find_for(a) == []
    assert DuplicateCandidate.objects.count() == 1


def test_same_name_5km_apart_is_not(territories):
    fiche("Repair café de Brest", BREST)
    b = fiche("Repair café de Brest", EAST_5KM)
    assert duplicates.find_for(b) == []
    assert duplicates.find_all() == []


def test_distance_is_configurable(territories, settings):
    fiche("Repair café de Brest", BREST)
    b = fiche("Repair café de Brest", EAST_5KM)
    settings.IMPORTS_DUPLICATE_DISTANCE_M = 6000
    assert len(duplicates.find_for(b)) == 1


def test_different_names_same_place_are_not(territories):
    fiche("Repair café de Brest", BREST)
    b = fiche("Jardin partagé du centre", BREST)
    assert duplicates.find_for(b) == []
    assert duplicates.find_all() == []


def test_any_pair_of_places_counts(territories):
    fiche("Repair café", EAST_5KM, BREST)
    b = fiche("Repair café", NORTH_150M)
    assert len(duplicates.find_for(b)) == 1


def test_fiche_without_place_finds_nothing(territories):
    fiche("Repair café", BREST)
    assert duplicates.find_for(fiche("Repair café")) == []


def test_archived_and_merged_fiches_are_left_out(territories):
    fiche("Repair café", BREST, state=Innovation.State.ARCHIVED)
    b = fiche("Repair café", NORTH_150M)
    assert duplicates.find_for(b) == []
    archived = fiche("Repair café", BREST, state=Innovation.State.ARCHIVED)
    assert duplicates.find_for(archived) == []


def test_dismissed_pair_is_never_proposed_again(territories):
    a = fiche("Repair café", BREST)
    b = fiche("Repair café", NORTH_150M)
    [pair] = duplicates.find_for(a)
    pair.status = DuplicateCandidate.Status.DISMISSED
    pair.save()
    assert duplicates.find_for(a) == []
    assert duplicates.find_for(b) == []
    assert duplicates.find_all() == []
    assert DuplicateCandidate.objects.get().status == DuplicateCandidate.Status.DISMISSED


def test_find_all_finds_each_pair_once(territories):
    a = fiche("Repair café", BREST)
    b = fiche("Repair café de Brest", NORTH_150M)
    fiche("Jardin partagé", BREST)
    fiche("Repair café", EAST_5KM)
    found = duplicates.find_all()
    assert [(p.first_id, p.second_id) for p in found] == [(a.pk, b.pk)]
    assert duplicates.find_all() == []


def test_find_for_is_bounded(territories):
    """Only the places in the bounding box are read: far fiches never reach Python."""
    a = fiche("Repair café", BREST)
    for n in range(30):
        fiche(f"Repair café {n}", (BREST[0] + 0.05 + n * 0.01, BREST[1]))
    with CaptureQueriesContext(connection) as ctx:
        assert duplicates.find_for(a) == []
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "map_lat" in sql and "map_lng" in sql
    assert len(ctx.captured_queries) <= 4


def test_pending_for_user_follows_scope(territories):
    from creative.accounts.roles import Role
    from tests.factories import UserFactory

    a = fiche("Repair café", BREST)
    fiche("Repair café", NORTH_150M)
    duplicates.find_for(a)
    brest_editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])
    elsewhere = UserFactory(roles=[Role.EDITOR], scopes=[_rennes_slug()])
    assert duplicates.pending_for_user(brest_editor).count() == 1
    assert duplicates.pending_for_user(elsewhere).count() == 0


def _rennes_slug():
    from creative.territories.models import Territory

    return Territory.objects.get(level=Territory.Level.COMMUNE, name="Rennes").slug


def test_find_duplicates_command(territories, capsys):
    from django.core.management import call_command

    fiche("Repair café", BREST)
    fiche("Repair café", NORTH_150M)
    call_command("find_duplicates")
    assert DuplicateCandidate.objects.count() == 1
    assert "1" in capsys.readouterr().out
