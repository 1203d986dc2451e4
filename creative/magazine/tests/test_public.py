"""The magazine for readers: lists and filters (category, territory at any level, theme, author,
month), scheduled articles invisible before their time, drafts 404, the article page (cards,
dossier list and points, JSON-LD), « Signaler », « Modifier »."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.events import editing as event_editing
from creative.events.models import Event, EventKind
from creative.magazine.editing import refresh_covered_territories, set_authors, set_fiches
from creative.magazine.integrations import register_integrations
from creative.magazine.models import Article, Category
from creative.moderation.models import Visibility
from tests.factories import InnovationFactory, UserFactory, commune

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def category(slug="actualite"):
    return Category.objects.get_or_create(slug=slug, defaults={"name": slug.capitalize()})[0]


def make_article(title="Un article", *, days_ago=1, state=Article.State.PUBLISHED, published_at=None,
                 category_slug="actualite", authors=(), communes=(), themes=(), fiches=(), events=(),
                 is_dossier=False, lead="Un chapeau qui donne envie.", body="Un **texte**.", **extra):
    from creative.innovations.models import Theme

    if published_at is None and state == Article.State.PUBLISHED:
        published_at = NOW - datetime.timedelta(days=days_ago)
    article = Article.objects.create(
        title=title, lead=lead, body=body, category=category(category_slug), state=state,
        published_at=published_at, is_dossier=is_dossier, **extra,
    )
    set_authors(article, authors)
    set_fiches(article, fiches)
    if communes:
        article.territories.set([commune(name) for name in communes])
        refresh_covered_territories(article)
    if themes:
        article.themes.set(Theme.objects.filter(slug__in=themes))
    if events:
        article.events.set(events)
    return article


def author(name="Anne Autrice", public=True):
    user = UserFactory(profile__display_name=name)
    user.profile.is_public = public
    user.profile.save()
    return user


@pytest.fixture(autouse=True)
def _integrations():
    register_integrations()


def titles(response):
    return [article.title for article in response.context["articles"]]


def test_the_index_lists_public_articles_only_newest_first(client, db):
    anne = author("Anne Autrice")
    make_article("Ancien", days_ago=10, authors=[anne])
    make_article("Récent", days_ago=1, authors=[anne, author("Bruno Privé", public=False)])
    make_article("Brouillon", state=Article.State.DRAFT)
    make_article("Soumis", state=Article.State.SUBMITTED)
    make_article("Masqué", visibility=Visibility.HIDDEN)
    make_article("Programmé", published_at=NOW + datetime.timedelta(hours=2))
    response = client.get(reverse("magazine:index"))
    assert response.status_code == 200
    assert titles(response) == ["Récent", "Ancien"]
    html = response.content.decode()
    # Cards: category, date, authors linked to public profiles only, lead.
    assert f'href="{anne.profile.get_absolute_url()}">Anne Autrice</a>' in html
    assert "Bruno Privé" in html and "Bruno Privé</a>" not in html
    assert f'href="{reverse("magazine:category", args=["actualite"])}"' in html
    assert "Un chapeau qui donne envie." in html
    assert "Brouillon" not in html and "Programmé" not in html and "Masqué" not in html


def test_a_scheduled_article_appears_at_its_time(client, db):
    """A controlled clock: the same article before and after its scheduled time."""
    from unittest import mock

    at = NOW + datetime.timedelta(days=2)
    article = make_article("Programmé", published_at=at)
    assert client.get(reverse("magazine:index")).context["articles"] == []
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(reverse("magazine:feed")).content.decode().count("<entry>") == 0
    with mock.patch("django.utils.timezone.now", return_value=at + datetime.timedelta(minutes=1)):
        assert titles(client.get(reverse("magazine:index"))) == ["Programmé"]
        assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get(reverse("magazine:feed")).content.decode().count("<entry>") == 1


def test_filters_category_theme_and_territory_at_any_level(client, territories):
    make_article("Brest portrait", category_slug="portrait", communes=["Brest"], themes=["numerique"])
    make_article("Crozon actu", communes=["Crozon"], themes=["alimentation"])
    make_article("Sans lieu", themes=["numerique"])
    index = reverse("magazine:index")
    assert titles(client.get(index, {"rubrique": "portrait"})) == ["Brest portrait"]
    assert sorted(titles(client.get(index, {"theme": "numerique"}))) == ["Brest portrait", "Sans lieu"]
    brest = commune("Brest")
    assert titles(client.get(index, {"territoire": brest.slug})) == ["Brest portrait"]
    # Higher levels: the EPCI and the pays hold the commune's articles.
    epci, pays = brest.parent, brest.parent.parent
    assert titles(client.get(index, {"territoire": epci.slug})) == ["Brest portrait"]
    assert sorted(titles(client.get(index, {"territoire": pays.slug}))) == ["Brest portrait", "Crozon actu"]
    assert titles(client.get(index, {"territoire": pays.slug, "theme": "alimentation"})) == ["Crozon actu"]
    # The category page.
    response = client.get(reverse("magazine:category", args=["portrait"]))
    assert titles(response) == ["Brest portrait"]
    assert client.get(reverse("magazine:category", args=["inconnue"])).status_code == 404


def test_unknown_filter_values_are_reported_not_errors(client, db):
    make_article("Un article")
    response = client.get(reverse("magazine:index"), {"territoire": "nulle-part", "theme": "<b>x</b>",
                                                     "rubrique": "zzz", "page": "abc"})
    assert response.status_code == 200
    assert titles(response) == ["Un article"]
    html = response.content.decode()
    assert "Territoire inconnu ignoré : « nulle-part »." in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_the_index_is_paginated_and_bounded(client, db, django_assert_max_num_queries):
    people = [author(f"Personne {n}") for n in range(3)]
    for n in range(15):
        make_article(f"Article {n:02d}", days_ago=n + 1, authors=people[: 1 + n % 3])
    with django_assert_max_num_queries(14):
        first = client.get(reverse("magazine:index"))
    assert len(first.context["articles"]) == 12
    second = client.get(reverse("magazine:index"), {"page": 2})
    assert titles(second) == ["Article 12", "Article 13", "Article 14"]


def test_the_author_page(client, db):
    anne, bruno = author("Anne Autrice"), author("Bruno Privé", public=False)
    make_article("Par Anne", authors=[anne])
    make_article("Par les deux", authors=[bruno, anne])
    make_article("Brouillon d'Anne", authors=[anne], state=Article.State.DRAFT)
    response = client.get(reverse("magazine:author", args=[anne.profile.slug]))
    assert sorted(titles(response)) == ["Par Anne", "Par les deux"]
    assert "Les articles de Anne Autrice" in response.content.decode()
    assert titles(client.get(reverse("magazine:author", args=[bruno.profile.slug]))) == ["Par les deux"]
    nobody = author("Sans article")
    assert client.get(reverse("magazine:author", args=[nobody.profile.slug])).status_code == 404
    assert client.get(reverse("magazine:author", args=["inconnu"])).status_code == 404


def test_the_monthly_archive(client, db):
    make_article("Janvier", published_at=datetime.datetime(2026, 1, 15, 10, tzinfo=datetime.UTC))
    make_article("Janvier aussi", published_at=datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC))
    make_article("Février", published_at=datetime.datetime(2026, 2, 3, 10, tzinfo=datetime.UTC))
    response = client.get(reverse("magazine:month", args=[2026, 1]))
    # 31 January 23:30 UTC is 1 February 00:30 in Paris: the archive follows local time.
    assert titles(response) == ["Janvier"]
    assert titles(client.get(reverse("magazine:month", args=[2026, 2]))) == ["Février", "Janvier aussi"]
    months = {(day.year, day.month): n for day, n in response.context["months"]}
    assert months == {(2026, 1): 1, (2026, 2): 2}
    assert f'href="{reverse("magazine:month", args=[2026, 2])}"' in response.content.decode()
    assert client.get(reverse("magazine:month", args=[2026, 13])).status_code == 404
    assert client.get(reverse("magazine:month", args=[1, 1])).status_code == 404


def test_drafts_answer_404_except_to_those_who_may_see_them(client, db):
    writer = UserFactory()
    draft = make_article("Brouillon", state=Article.State.DRAFT, authors=[writer])
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("magazine:dossier_points", args=[draft.slug])).status_code == 404
    client.force_login(writer)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Seule l'équipe le voit" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert "private" in response["Cache-Control"]
    assert f'href="{reverse("magazine:edit", args=[draft.pk])}"' in response.content.decode()
    assert client.get(reverse("magazine:article", args=["inexistant"])).status_code == 404


def test_the_article_page(client, territories):
    anne = author("Anne Autrice")
    fiche = InnovationFactory(title="Le repair café", communes=["Brest"])
    hidden = InnovationFactory(title="Fiche brouillon", state="draft")
    start = NOW + datetime.timedelta(days=5)
    event = event_editing.save_event(Event(
        title="Atelier réparation", description="Un atelier.", kind=EventKind.objects.first(), starts_at=start,
        ends_at=start + datetime.timedelta(hours=2), commune=commune("Brest"), state=Event.State.PUBLISHED,
    )) or Event.objects.get(title="Atelier réparation")
    article = make_article(
        "Réparer ensemble", authors=[anne], fiches=[fiche, hidden], events=[event], communes=["Brest"],
        themes=["numerique"], body="## Un intertitre\n\nDu texte <script>alert(1)</script> [lien](javascript:x).",
        cover_credit="Photo : Anne",
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Réparer ensemble</h1>" in html
    assert f'<a href="{anne.profile.get_absolute_url()}" rel="author">Anne Autrice</a>' in html
    assert "<h3>Un intertitre</h3>" in html and "<script>alert" not in html and 'href="javascript' not in html
    assert 'href="/innovations/' in html and "Le repair café" in html and "Fiche brouillon" not in html
    assert "Atelier réparation" in html and 'class="event-card' in html
    assert f'href="{reverse("moderation:report", args=["magazine.article", article.pk])}"' in html
    assert 'id="commentaires"' in html
    assert reverse("magazine:edit", args=[article.pk]) not in html  # anonymous: no « Modifier »
    assert 'id="dossier-map"' not in html  # not a dossier


def test_json_ld(client, db):
    anne, bruno = author("Anne Autrice"), author("Bruno Privé", public=False)
    article = make_article("Réparer ensemble", authors=[anne, bruno], themes=["numerique"])
    html = client.get(article.get_absolute_url()).content.decode()
    match = re.search(r'<script type="application/ld\+json" nonce="[^"]*">(.*?)</script>', html, re.S)
    assert match
    data = json.loads(match.group(1))
    assert data["@type"] == "Article" and data["headline"] == "Réparer ensemble"
    assert [a["name"] for a in data["author"]] == ["Anne Autrice", "Bruno Privé"]
    assert data["author"][0]["url"].endswith(anne.profile.get_absolute_url()) and "url" not in data["author"][1]
    assert datetime.datetime.fromisoformat(data["datePublished"]) == article.published_at
    assert datetime.datetime.fromisoformat(data["dateModified"])
    assert data["publisher"]["@type"] == "Organization"
    assert data["license"].startswith("https://creativecommons.org/")
    assert data["url"].endswith(article.get_absolute_url())
    assert "example.org" not in json.dumps(data)  # no email address


def test_the_dossier_list_and_its_points(client, territories):
    fiches = [InnovationFactory(title=f"Initiative {n}", communes=["Brest" if n % 2 else "Crozon"]) for n in range(4)]
    unplaced = InnovationFactory(title="Sans lieu")
    draft = InnovationFactory(title="Brouillon", state="draft", communes=["Brest"])
    ordered = [fiches[2], unplaced, fiches[0], draft, fiches[3], fiches[1]]
    article = make_article("25 innovations", is_dossier=True, category_slug="dossier",
                           fiches=[(f, f"Note {f.title}") for f in ordered])
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    listed = re.findall(r'<li id="dossier-(\d+)">\s*<h3><a href="[^"]+">([^<]+)</a>', html)
    assert listed == [("1", "Initiative 2"), ("2", "Sans lieu"), ("3", "Initiative 0"), ("4", "Initiative 3"),
                      ("5", "Initiative 1")]
    assert "Note Initiative 2" in html
    url = reverse("magazine:dossier_points", args=[article.slug])
    assert f'data-points-url="{url}"' in html and "js/dossier-map.js" in html
    points = client.get(url).json()["points"]
    assert [(p["number"], p["title"], p["place"]) for p in points] == [
        (1, "Initiative 2", "Crozon"), (3, "Initiative 0", "Crozon"), (4, "Initiative 3", "Brest"),
        (5, "Initiative 1", "Brest"),
    ]
    assert all(isinstance(p["lat"], float) and p["url"].startswith("/innovations/") for p in points)


def test_editors_see_the_edit_link(client, db):
    article = make_article("Un article")
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{reverse("magazine:edit", args=[article.pk])}"' in html


def test_a_hidden_article_is_gone_and_can_be_reported(client, db):
    from creative.moderation import registry

    article = make_article("Un article")
    kind = registry.for_object(article)
    assert kind is not None and kind.visibility(article) == Visibility.VISIBLE
    kind.set_visibility(article, Visibility.HIDDEN)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(reverse("magazine:index")).context["articles"] == []
