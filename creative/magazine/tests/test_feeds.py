"""The magazine's Atom and RSS feeds (filters passed through) and the alternate links."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from creative.magazine.models import Article

from .test_public import NOW, author, commune, make_article

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    return ET.fromstring(response.content)  # noqa: S314 (our own feed, in a test)


@pytest.fixture
def articles(territories):
    anne = author("Anne Autrice")
    return {
        "brest": make_article("À Brest", days_ago=2, communes=["Brest"], themes=["numerique"], authors=[anne],
                              category_slug="portrait", lead="Le chapeau <b>brestois</b>."),
        "crozon": make_article("À Crozon", days_ago=1, communes=["Crozon"], themes=["alimentation"]),
        "draft": make_article("Brouillon", state=Article.State.DRAFT),
        "scheduled": make_article("Programmé", published_at=NOW + datetime.timedelta(days=1)),
    }


def test_the_atom_feed(client, articles):
    response = client.get(reverse("magazine:feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = parse(response)
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["À Crozon", "À Brest"]
    brest = entries[1]
    assert brest.find(f"{ATOM}link").get("href").endswith(articles["brest"].get_absolute_url())
    assert brest.findtext(f"{ATOM}author/{ATOM}name") == "Anne Autrice"
    assert brest.findtext(f"{ATOM}summary") == "Le chapeau <b>brestois</b>."
    assert brest.find(f"{ATOM}category").get("term") == "Portrait"
    assert "example.org" not in response.content.decode()


def test_the_rss_feed_and_its_filters(client, articles):
    response = client.get(reverse("magazine:feed_rss"), {"territoire": commune("Brest").slug})
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse(response).find("channel")
    assert [i.findtext("title") for i in channel.findall("item")] == ["À Brest"]
    assert "Brest" in channel.findtext("title")
    themed = parse(client.get(reverse("magazine:feed_rss"), {"theme": "alimentation"}))
    assert [i.findtext("title") for i in themed.find("channel").findall("item")] == ["À Crozon"]
    by_category = parse(client.get(reverse("magazine:feed"), {"rubrique": "portrait"}))
    assert [e.findtext(f"{ATOM}title") for e in by_category.findall(f"{ATOM}entry")] == ["À Brest"]
    # Unknown values: ignored, never an error.
    assert client.get(reverse("magazine:feed"), {"territoire": "nulle-part"}).status_code == 200


def test_magazine_pages_link_to_their_feeds(client, articles):
    slug = commune("Brest").slug
    html = client.get(reverse("magazine:index"), {"territoire": slug}).content.decode()
    assert (f'<link rel="alternate" type="application/atom+xml" title="Le magazine (Atom)" '
            f'href="{reverse("magazine:feed")}?territoire={slug}">') in html
    rss = reverse("magazine:feed_rss")
    assert f'type="application/rss+xml" title="Le magazine (RSS)" href="{rss}?territoire={slug}"' in html
    article_html = client.get(articles["brest"].get_absolute_url()).content.decode()
    assert f'rel="alternate" type="application/atom+xml" title="Le magazine (Atom)" href="{reverse("magazine:feed")}"' \
        in article_html
