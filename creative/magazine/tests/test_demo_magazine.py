"""The magazine demo: about fifteen signed articles per category linked to demo fiches, one
dossier of (up to) 25 ordered fiches; idempotent, removable, refusing to take over a real
article, wired into load_demo and remove_demo. A small fixture, not the whole demo."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from creative.innovations.demo import DemoDataError
from creative.magazine.demo import DOSSIER_SLUG, PER_CATEGORY, load_magazine_demo, remove_magazine_demo
from creative.magazine.models import Article, ArticleAuthor, ArticleFiche, Category
from tests.factories import InnovationFactory, UserFactory

from .test_public import make_article

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def content(territories):
    fiches = [
        InnovationFactory(title=f"Fiche de démo {n}", is_demo=True, communes=["Brest" if n % 2 else "Crozon"],
                          themes=["numerique" if n % 2 else "alimentation"])
        for n in range(6)
    ]
    real = InnovationFactory(title="Une vraie fiche", communes=["Brest"])
    people = [UserFactory(email=f"demo-personne-{n}@example.org", profile__display_name=f"Personne {n} (démo)")
              for n in range(3)]
    return {"fiches": fiches, "real": real, "people": people}


def test_load_then_load_again(content, client):
    counts = load_magazine_demo(now=NOW)
    categories = Category.objects.count()
    assert categories >= 4
    assert counts["articles"] == categories * PER_CATEGORY + 1 and counts["created"] == counts["articles"]
    demo_articles = Article.objects.filter(is_demo=True)
    assert demo_articles.count() == counts["articles"]
    for category in Category.objects.all():
        assert demo_articles.filter(category=category).count() >= PER_CATEGORY
    # Signed by demo people, linked to demo fiches only, published over the last months.
    assert not ArticleAuthor.objects.filter(article__in=demo_articles).exclude(
        user__in=content["people"]).exists()
    assert not ArticleFiche.objects.filter(article__in=demo_articles, innovation=content["real"]).exists()
    assert not demo_articles.filter(signatures=None).exists() and not demo_articles.filter(fiche_links=None).exists()
    assert Article.objects.published(NOW).filter(is_demo=True).count() == counts["articles"]
    oldest = demo_articles.order_by("published_at").first().published_at
    assert NOW - datetime.timedelta(days=200) < oldest < NOW - datetime.timedelta(days=60)
    # Territories: covered at every level, so the pays page finds them.
    assert demo_articles.filter(covered_territories__level="pays").exists()
    # The dossier: the demo fiches in order.
    dossier = Article.objects.get(slug=DOSSIER_SLUG)
    assert dossier.is_dossier and dossier.title == "25 innovations sociales au pays de Brest"
    assert [link.innovation for link in dossier.fiche_links.all()] == content["fiches"]
    points = client.get(reverse("magazine:dossier_points", args=[dossier.slug])).json()["points"]
    assert [p["number"] for p in points] == [1, 2, 3, 4, 5, 6]
    # Again: nothing created, nothing changed.
    snapshot = list(demo_articles.order_by("pk").values_list("pk", "title", "published_at", "updated_at"))
    again = load_magazine_demo(now=NOW + datetime.timedelta(days=3))
    assert again["created"] == 0 and again["updated"] == 0 and again["articles"] == counts["articles"]
    assert list(demo_articles.order_by("pk").values_list("pk", "title", "published_at", "updated_at")) == snapshot


def test_a_changed_demo_article_is_put_back(content):
    load_magazine_demo(now=NOW)
    article = Article.objects.filter(is_demo=True).exclude(slug=DOSSIER_SLUG).first()
    title = article.title
    Article.objects.filter(pk=article.pk).update(title="Changé")
    article.signatures.all().delete()
    counts = load_magazine_demo(now=NOW)
    article.refresh_from_db()
    assert counts["updated"] == 1 and article.title == title and article.signatures.exists()


def test_a_real_article_is_never_taken_over(content):
    make_article("Un vrai article", slug=DOSSIER_SLUG)
    with pytest.raises(DemoDataError):
        load_magazine_demo(now=NOW)
    assert not Article.objects.filter(is_demo=True).exists()


def test_it_needs_demo_fiches_and_people(territories):
    with pytest.raises(DemoDataError):
        load_magazine_demo(now=NOW)


def test_remove_keeps_real_articles(content):
    real = make_article("Un vrai article", fiches=[content["fiches"][0]])
    load_magazine_demo(now=NOW)
    assert remove_magazine_demo()["articles"] == Category.objects.count() * PER_CATEGORY + 1
    assert list(Article.objects.all()) == [real]


def test_wired_into_the_demo_commands(content, monkeypatch, settings):
    """load_demo and remove_demo call the magazine's loader and remover (the others are stubbed)."""
    from creative.innovations.management.commands import load_demo, remove_demo

    calls = []
    for module, names in ((load_demo, ("load_demo", "load_network_demo", "load_events_demo", "load_letters_demo")),
                          (remove_demo, ("remove_demo", "remove_network_demo", "remove_events_demo",
                                         "remove_letters_demo"))):
        for name in names:
            monkeypatch.setattr(module, name, lambda *a, _n=name, **k: calls.append(_n) or _stub(_n))
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", "--no-admin", "--no-images", stdout=out)
    assert "Demo magazine:" in out.getvalue() and Article.objects.filter(is_demo=True).exists()
    call_command("remove_demo", stdout=out)
    assert "Demo articles removed:" in out.getvalue() and not Article.objects.filter(is_demo=True).exists()


class _Counts(dict):
    def __missing__(self, key):
        return 0


def _stub(name):
    if name == "load_demo":
        return (0, 0)
    if name == "remove_demo":
        return 0
    return _Counts()
