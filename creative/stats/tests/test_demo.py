"""Synthetic demo view counts: for public demo objects only, labelled, deterministic, idempotent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from creative.events.models import Event
from creative.innovations.models import Innovation
from creative.innovations.services import refresh_innovation
from creative.magazine.models import Article, Category
from creative.stats.demo import DEMO_DAYS, load_demo_views, remove_demo_views
from creative.stats.models import ViewCount
from creative.stats.queries import most_read
from tests.factories import InnovationFactory, commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(territories, clock):
    clock.day = timezone.localdate()  # the demo objects are published now
    fiches = [InnovationFactory(communes=["Brest"], is_demo=True, slug=f"demo-{n}") for n in range(3)]
    for fiche in fiches:
        refresh_innovation(fiche)
    draft = InnovationFactory(is_demo=True, state=Innovation.State.DRAFT, slug="demo-draft")
    real = InnovationFactory(slug="real")
    start = timezone.now() + timedelta(days=2)
    event = Event.objects.create(title="Démo", starts_at=start, ends_at=start + timedelta(hours=1), is_demo=True,
                                 state=Event.State.PUBLISHED, commune=commune("Brest"), slug="demo-event")
    category, _ = Category.objects.get_or_create(slug="portrait", defaults={"name": "Portrait"})
    article = Article.objects.create(title="Démo", lead="…", category=category, is_demo=True, slug="demo-article",
                                     state=Article.State.PUBLISHED, published_at=timezone.now() - timedelta(days=10))
    ViewCount.objects.create(kind="innovation", object_id=real.pk, day=clock.day, views=3)
    return {"fiches": fiches, "draft": draft, "real": real, "event": event, "article": article}


def rows():
    return sorted(ViewCount.objects.filter(is_demo=True).values_list("kind", "object_id", "day", "views"))


def test_demo_views_for_public_demo_objects_only(demo, clock):
    result = load_demo_views()
    assert result["rows"] == ViewCount.objects.filter(is_demo=True).count() > 0
    demo_rows = ViewCount.objects.filter(is_demo=True)
    assert set(demo_rows.values_list("kind", flat=True)) == {"innovation", "event", "article", "territory"}
    fiche_ids = set(demo_rows.filter(kind="innovation").values_list("object_id", flat=True))
    assert fiche_ids <= {f.pk for f in demo["fiches"]}
    assert demo["draft"].pk not in fiche_ids and demo["real"].pk not in fiche_ids
    territory_ids = set(demo_rows.filter(kind="territory").values_list("object_id", flat=True))
    demo_territories = Innovation.territories.through.objects.filter(innovation__in=demo["fiches"])
    assert commune("Brest").pk in territory_ids
    assert territory_ids <= set(demo_territories.values_list("territory_id", flat=True))
    assert min(demo_rows.values_list("day", flat=True)) >= clock.day - timedelta(days=DEMO_DAYS - 1)
    assert max(demo_rows.values_list("day", flat=True)) <= clock.day
    # The article was published 10 days ago: no view before that.
    article_days = demo_rows.filter(kind="article").values_list("day", flat=True)
    assert min(article_days) >= timezone.localdate(demo["article"].published_at)
    assert most_read("innovation", period="year")
    assert most_read("innovation", include_demo=False) == [(demo["real"], 3)]


def test_demo_views_are_deterministic_and_idempotent(demo):
    load_demo_views()
    first = rows()
    load_demo_views()
    assert rows() == first


def test_remove_demo_views_keeps_real_counts(demo):
    load_demo_views()
    assert remove_demo_views() > 0
    assert list(ViewCount.objects.values_list("object_id", "views")) == [(demo["real"].pk, 3)]
    load_demo_views()
    call_command("remove_demo", stdout=StringIO())
    assert not ViewCount.objects.filter(is_demo=True).exists()
    assert ViewCount.objects.filter(is_demo=False).count() == 1
