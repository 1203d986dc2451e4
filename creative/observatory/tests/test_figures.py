"""The observatory's figures against a known fixture: exact numbers, month by month."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from creative.editorial.models import ReviewMessage, Revision
from creative.events.models import Event, Registration
from creative.innovations.models import Innovation
from creative.letters.models import Subscriber
from creative.observatory import figures
from creative.reuse.models import Reproduction
from tests.factories import UserFactory

from .conftest import TODAY, at, fiche


@pytest.fixture
def known(taxonomy_and_territories):
    """Four published fiches (one outside the pays de Brest), one draft; people, events, links, subscribers."""
    a = fiche("A", at(2026, 1), communes=["Brest"], themes=["numerique"])
    b = fiche("B", at(2026, 3), communes=["Guipavas"], themes=["solidarites"])
    c = fiche("C", at(2026, 3, 20), communes=["Landerneau"], themes=["numerique", "solidarites"], carrier_kind=None)
    fiche("D", None, communes=["Brest"], themes=["numerique"], state=Innovation.State.DRAFT)
    fiche("E", at(2025, 12, 5), communes=["Quimper"], themes=["numerique"])

    writer, other_writer, editor, other_editor = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    Revision.objects.all().delete()
    ReviewMessage.objects.all().delete()
    for number, (innovation, author, when) in enumerate([
        (a, writer, at(2026, 5, 2)), (a, writer, at(2026, 5, 20)), (a, other_writer, at(2026, 5, 21)),
        (b, writer, at(2026, 6, 1)),
    ], start=1):
        Revision.objects.create(innovation=innovation, number=number, author=author, created_at=when, snapshot={})
    Revision.objects.create(
        innovation=c, number=1, author=other_writer, created_at=at(2026, 4, 28), snapshot={},
        state=Revision.State.APPROVED, decided_by=editor, decided_at=at(2026, 5, 5),
    )
    ReviewMessage.objects.create(innovation=a, author=editor, kind=ReviewMessage.Kind.PUBLISHED,
                                 created_at=at(2026, 5, 3))
    ReviewMessage.objects.create(innovation=a, author=other_editor, kind=ReviewMessage.Kind.COMMENT,
                                 created_at=at(2026, 5, 4))  # a message is not a decision
    ReviewMessage.objects.create(innovation=b, author=other_editor, kind=ReviewMessage.Kind.CHANGES_REQUESTED,
                                 created_at=at(2026, 6, 2))

    def event(title, starts_at, state=Event.State.PUBLISHED):
        return Event.objects.create(title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
                                    state=state, address="Brest")

    held = event("Atelier", at(2026, 5, 10))
    event("Forum", at(2026, 7, 1))  # next month: shown (the window reaches the last event)
    event("Proposé", at(2026, 5, 12), state=Event.State.PROPOSED)
    for email, when, status in [("a@example.org", at(2026, 4, 20), Registration.Status.CONFIRMED),
                                ("b@example.org", at(2026, 5, 1), Registration.Status.CANCELLED),
                                ("c@example.org", at(2026, 5, 2), Registration.Status.PENDING)]:
        Registration.objects.create(event=held, name=email, email=email, created_at=when, status=status)

    Reproduction.objects.create(original=a, derived=b, declared_at=at(2026, 2, 10))
    Reproduction.objects.create(original=a, derived=c, declared_at=at(2026, 3, 1), status=Reproduction.Status.DECLINED)
    Reproduction.objects.create(original=b, derived=c, declared_at=at(2026, 6, 1))

    for email, state, confirmed, left in [
        ("s1@example.org", "active", at(2026, 2, 10), None),
        ("s2@example.org", "unsubscribed", at(2026, 2, 15), at(2026, 4, 1)),
        ("s3@example.org", "active", at(2026, 5, 1), None),
        ("s4@example.org", "pending", None, None),
    ]:
        Subscriber.objects.create(email=email, state=state, confirmed_at=confirmed, unsubscribed_at=left)
    return {"a": a, "b": b, "c": c}


@pytest.fixture
def taxonomy_and_territories(territories):
    return territories


def test_progress_is_cumulative_per_month_against_the_goal(known, settings):
    settings.INNOVATIONS_GOAL = 250
    figure = figures.progress(TODAY)
    assert figure.rows == [
        ("2025-12", 1, 1), ("2026-01", 2, 1), ("2026-02", 2, 0), ("2026-03", 4, 2),
        ("2026-04", 4, 0), ("2026-05", 4, 0), ("2026-06", 4, 0),
    ]
    assert figure.goal == 250
    assert "250" in figure.description


def test_the_window_keeps_the_last_months_and_counts_what_came_before(known, monkeypatch):
    monkeypatch.setattr(figures, "MONTHS_SHOWN", 3)
    assert figures.progress(TODAY).rows == [("2026-04", 4, 0), ("2026-05", 4, 0), ("2026-06", 4, 0)]
    assert figures.subscribers(TODAY).rows == [("2026-04", 1), ("2026-05", 2), ("2026-06", 2)]


def test_fiches_per_theme_and_per_carrier_kind(known):
    themes = dict(figures.per_theme().rows)
    assert themes["Numérique"] == 3 and themes["Solidarités"] == 2
    assert sum(themes.values()) == 5  # the draft counts nowhere
    carriers = dict(figures.per_carrier_kind().rows)
    assert carriers["Association"] == 3
    assert carriers["non renseigné"] == 1
    assert sum(carriers.values()) == 4


def test_fiches_per_epci_of_the_home_territory(known):
    rows = dict(figures.per_territory().rows)
    assert len(rows) == 7  # every EPCI of the pays de Brest, even without fiche
    assert rows["Brest Métropole"] == 2
    assert rows["CA du Pays de Landerneau-Daoulas"] == 1
    assert sum(rows.values()) == 3  # Quimper is outside


def test_coverage_by_commune_and_its_map_points(known):
    assert figures.coverage().rows == [("Brest", 1), ("Guipavas", 1), ("Landerneau", 1), ("Quimper", 1)]
    fiche("F", at(2026, 4), communes=["Guipavas"])
    cache.clear()
    assert figures.coverage().rows[0] == ("Guipavas", 2)
    points = {p["name"]: p for p in figures.coverage_points()}
    assert points["Guipavas"]["count"] == 2
    assert points["Brest"]["url"] == "/territoires/brest/"
    assert isinstance(points["Brest"]["lat"], float)


def test_contributors_and_editors_active_per_month(known):
    assert figures.activity(TODAY).rows == [("2026-04", 1, 0), ("2026-05", 2, 1), ("2026-06", 1, 1)]


def test_events_and_registrations_per_month(known):
    assert figures.events(TODAY).rows == [
        ("2026-04", 0, 1), ("2026-05", 1, 1), ("2026-06", 0, 0), ("2026-07", 1, 0),
    ]


def test_reproductions_declared_per_month(known):
    assert figures.reproductions(TODAY).rows == [
        ("2026-02", 1), ("2026-03", 0), ("2026-04", 0), ("2026-05", 0), ("2026-06", 1),
    ]


def test_letter_subscribers_over_time(known):
    assert figures.subscribers(TODAY).rows == [
        ("2026-02", 2), ("2026-03", 2), ("2026-04", 1), ("2026-05", 2), ("2026-06", 2),
    ]


def test_empty_figures_have_no_rows(db):
    assert figures.progress(TODAY).rows == []
    assert figures.activity(TODAY).is_empty


def test_the_figures_take_a_bounded_number_of_queries(known, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        figures.all_figures(TODAY)
    for n in range(5):
        fiche(f"G{n}", at(2026, 2), communes=["Brest"])
    with django_assert_max_num_queries(25):
        figures.all_figures(TODAY)


def test_the_figures_are_cached_for_ten_minutes(known):
    first = figures.cached_figures()
    fiche("H", at(2026, 4), communes=["Brest"])
    assert figures.cached_figures()["figures"][0].rows == first["figures"][0].rows
    cache.delete(figures.CACHE_KEY)
    assert figures.cached_figures()["figures"][0].rows[-1][1] == first["figures"][0].rows[-1][1] + 1
