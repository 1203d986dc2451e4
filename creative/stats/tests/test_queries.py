"""« Les plus lus » (periods, territory, theme, demo counts, public objects only) and the
searches that found nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from creative.events.models import Event
from creative.innovations.models import Innovation
from creative.innovations.services import refresh_innovation
from creative.magazine.models import Article, Category
from creative.stats.models import SearchMiss, ViewCount
from creative.stats.queries import most_read, public_objects, top_misses
from creative.stats.search import normalise, record_miss
from creative.territories.models import Territory
from tests.factories import InnovationFactory, ThemeFactory, commune

pytestmark = pytest.mark.django_db


def counts(kind, obj, *days_and_views, demo=False, clock):
    for days_ago, views in days_and_views:
        ViewCount.objects.create(
            kind=kind, object_id=obj.pk, day=clock.day - timedelta(days=days_ago), views=views, is_demo=demo,
        )


@pytest.fixture
def fiches(territories, clock):
    theme = ThemeFactory(slug="numerique", name="Numérique")
    brest = InnovationFactory(title="Brest", communes=["Brest"], themes=["numerique"])
    plouarzel = InnovationFactory(title="Plouarzel", communes=["Plouarzel"])
    quimper = InnovationFactory(title="Quimper", communes=["Quimper"], themes=["numerique"])
    draft = InnovationFactory(title="Brouillon", communes=["Brest"], state=Innovation.State.DRAFT)
    for fiche in (brest, plouarzel, quimper, draft):
        refresh_innovation(fiche)
    counts("innovation", brest, (0, 5), (10, 50), (100, 500), (400, 5000), clock=clock)
    counts("innovation", plouarzel, (1, 8), (20, 8), (200, 8), clock=clock)
    counts("innovation", quimper, (2, 3), clock=clock)
    counts("innovation", draft, (0, 999), clock=clock)
    return {"brest": brest, "plouarzel": plouarzel, "quimper": quimper, "draft": draft, "theme": theme}


def titles(rows):
    return [(obj.title, views) for obj, views in rows]


@pytest.mark.parametrize(("period", "expected"), [
    ("week", [("Plouarzel", 8), ("Brest", 5), ("Quimper", 3)]),
    ("month", [("Brest", 55), ("Plouarzel", 16), ("Quimper", 3)]),
    ("year", [("Brest", 555), ("Plouarzel", 24), ("Quimper", 3)]),
    ("all", [("Brest", 5555), ("Plouarzel", 24), ("Quimper", 3)]),
])
def test_most_read_periods_leave_drafts_out(fiches, period, expected):
    assert titles(most_read("innovation", period=period)) == expected


def test_most_read_is_two_queries(fiches, django_assert_num_queries):
    brest = commune("Brest")
    with django_assert_num_queries(2):
        rows = most_read("innovation", period="all", territory=brest, theme=fiches["theme"])
    assert titles(rows) == [("Brest", 5555)]


def test_most_read_per_territory_and_theme(fiches):
    pays = Territory.objects.get(level=Territory.Level.PAYS, slug="pays-de-brest")
    assert titles(most_read("innovation", period="all", territory=pays)) == [("Brest", 5555), ("Plouarzel", 24)]
    assert titles(most_read("innovation", period="all", territory=commune("Quimper").pk)) == [("Quimper", 3)]
    assert titles(most_read("innovation", period="all", theme=fiches["theme"])) == [("Brest", 5555), ("Quimper", 3)]
    assert titles(most_read("innovation", period="all", limit=1)) == [("Brest", 5555)]
    assert most_read("innovation", period="all", limit=0) == []


def test_most_read_with_or_without_the_demo_counts(fiches, clock):
    counts("innovation", fiches["quimper"], (0, 10_000), demo=True, clock=clock)
    assert titles(most_read("innovation"))[0] == ("Quimper", 10_003)
    assert titles(most_read("innovation", include_demo=False))[0] == ("Plouarzel", 8)


def test_most_read_rejects_an_unknown_period_or_kind(fiches):
    with pytest.raises(ValueError, match="period"):
        most_read("innovation", period="decade")
    with pytest.raises(ValueError, match="kind"):
        most_read("newsletter")


def test_most_read_events_only_public_ones(territories, clock):
    start = timezone.now() + timedelta(days=3)
    brest, quimper = commune("Brest"), commune("Quimper")

    def event(title, where, state=Event.State.PUBLISHED):
        item = Event.objects.create(title=title, starts_at=start, ends_at=start + timedelta(hours=2), state=state,
                                    commune=where)
        item.territories.set([where, *where.ancestors])
        return item

    public, cancelled = event("Atelier", brest), event("Annulé", brest, Event.State.CANCELLED)
    proposed, elsewhere = event("Proposé", brest, Event.State.PROPOSED), event("Quimper", quimper)
    for item, n in ((public, 3), (cancelled, 2), (proposed, 50), (elsewhere, 1)):
        counts("event", item, (0, n), clock=clock)
    assert titles(most_read("event")) == [("Atelier", 3), ("Annulé", 2), ("Quimper", 1)]
    assert titles(most_read("event", territory=brest)) == [("Atelier", 3), ("Annulé", 2)]


def test_most_read_articles_only_public_ones(territories, clock):
    category, _ = Category.objects.get_or_create(slug="portrait", defaults={"name": "Portrait"})
    theme = ThemeFactory(slug="numerique")
    now = timezone.now()

    def article(title, **fields):
        item = Article.objects.create(title=title, lead="…", category=category, **fields)
        return item

    public = article("Public", state=Article.State.PUBLISHED, published_at=now - timedelta(days=1))
    public.covered_territories.set([commune("Brest"), commune("Brest").parent])
    public.themes.set([theme])
    other = article("Autre", state=Article.State.PUBLISHED, published_at=now - timedelta(days=1))
    scheduled = article("Programmé", state=Article.State.PUBLISHED, published_at=now + timedelta(days=1))
    draft = article("Brouillon")
    for item, n in ((public, 4), (other, 2), (scheduled, 40), (draft, 30)):
        counts("article", item, (0, n), clock=clock)
    assert titles(most_read("article")) == [("Public", 4), ("Autre", 2)]
    assert titles(most_read("article", territory=commune("Brest").parent)) == [("Public", 4)]
    assert titles(most_read("article", theme=theme)) == [("Public", 4)]


def test_most_read_territories_under_a_territory(territories, clock):
    brest, quimper = commune("Brest"), commune("Quimper")
    pays = Territory.objects.get(level=Territory.Level.PAYS, slug="pays-de-brest")
    counts("territory", brest, (0, 7), clock=clock)
    counts("territory", quimper, (0, 9), clock=clock)
    counts("territory", pays, (0, 2), clock=clock)
    assert [t.name for t, _ in most_read("territory")] == ["Quimper", "Brest", pays.name]
    assert [(t.name, n) for t, n in most_read("territory", territory=pays)] == [("Brest", 7), (pays.name, 2)]
    assert public_objects("territory", territory=pays).filter(pk=brest.pk).exists()


def test_normalise_keeps_the_query_readable():
    assert normalise("  Jardin   PARTAGÉ\n à Brest ") == "jardin partagé à brest"
    assert normalise("x" * 500) == "x" * 200
    assert normalise("\x00\x07  ") == ""


def test_record_miss_counts_per_day_and_territory(territories, clock, visit):
    brest = commune("Brest")
    assert record_miss("Ferme urbaine", brest)
    assert record_miss("ferme   urbaine", brest)
    assert record_miss("FERME URBAINE")
    assert record_miss("ferme urbaine")
    assert not record_miss("   ")
    assert not record_miss("ferme urbaine", request=visit(ua="Googlebot/2.1"))
    assert SearchMiss.objects.get(territory=brest).count == 2
    assert SearchMiss.objects.get(territory=None).count == 2
    clock.next_day()
    record_miss("ferme urbaine", brest)
    assert SearchMiss.objects.count() == 3


def test_top_misses(territories, clock):
    brest, quimper = commune("Brest"), commune("Quimper")
    pays = Territory.objects.get(level=Territory.Level.PAYS, slug="pays-de-brest")
    for query, territory, n in (("tiers-lieu", brest, 3), ("épicerie", pays, 2), ("épicerie", None, 4),
                                ("voile", quimper, 9)):
        for _ in range(n):
            record_miss(query, territory)
    clock.next_day(40)
    record_miss("recent", brest)
    assert top_misses(days=30) == [("recent", 1)]
    clock.day -= timedelta(days=40)
    assert top_misses() == [("voile", 9), ("épicerie", 6), ("tiers-lieu", 3)]
    assert top_misses(territory=pays) == [("tiers-lieu", 3), ("épicerie", 2)]
    assert top_misses(territory=brest.pk, limit=1) == [("tiers-lieu", 3)]


def test_most_read_template_tag(fiches):
    from django.template import Context, Template

    template = Template(
        '{% load stats_tags %}{% most_read "innovation" period=period limit=2 as rows %}'
        "{% for fiche, views in rows %}{{ fiche.title }}={{ views }};{% endfor %}"
    )
    assert template.render(Context({"period": "all"})) == "Brest=5555;Plouarzel=24;"
    assert template.render(Context({"period": "decade"})) == ""
