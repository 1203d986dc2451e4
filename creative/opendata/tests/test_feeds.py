"""The Atom and RSS feeds of new and updated fiches, and feed autodiscovery in every page's head."""

import re
from datetime import UTC, timedelta

import feedparser
import pytest
from django.utils import timezone

from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db

ATOM, RSS = "/innovations/flux/", "/innovations/flux/rss/"
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def age(fiche, days):
    """Pretend `fiche` was last changed `days` ago (auto_now is bypassed by update())."""
    Innovation.objects.filter(pk=fiche.pk).update(updated_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def fiches(territories):
    author = UserFactory(email="secret.author@example.org", profile__display_name="Anne Autrice")
    fablab = InnovationFactory(title="Fablab", communes=["Brest"], themes=["numerique"], status="en-cours",
                               contact_email="contact.fablab@example.org")
    Authorship.objects.create(innovation=fablab, user=author, is_creator=True)
    webcoffee = InnovationFactory(title="Webcoffee", communes=["Landerneau"], themes=["numerique"],
                                  status="terminee")
    jardin = InnovationFactory(title="Jardin partagé", communes=["Plouarzel"], themes=["developpement-durable"],
                               carrier_kind=None, pitch="Des potagers au pied des immeubles.")
    draft = InnovationFactory(title="Brouillon secret", communes=["Brest"], themes=["numerique"],
                              state=Innovation.State.DRAFT)
    for fiche, days in ((fablab, 3), (webcoffee, 2), (jardin, 1), (draft, 0)):
        age(fiche, days)
    return {"fablab": fablab, "webcoffee": webcoffee, "jardin": jardin, "draft": draft}


def parse(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return response, feed


def titles(feed):
    return [entry.title for entry in feed.entries]


@pytest.mark.parametrize("url", [ATOM, RSS])
def test_feeds_parse_with_entries_newest_change_first(client, fiches, url):
    response, feed = parse(client, url)
    assert response["Content-Type"].startswith(
        "application/atom+xml" if url == ATOM else "application/rss+xml"
    )
    assert "public" in response["Cache-Control"]
    assert feed.version == ("atom10" if url == ATOM else "rss20")
    assert titles(feed) == ["Jardin partagé", "Webcoffee", "Fablab"]
    assert "Les innovations de" in feed.feed.title
    jardin = feed.entries[0]
    assert jardin.link.startswith("http") and jardin.link.endswith(fiches["jardin"].get_absolute_url())
    assert jardin.summary == "Des potagers au pied des immeubles."
    assert [tag.term for tag in jardin.tags] == ["Développement durable"]
    assert jardin.id.startswith("tag:") and jardin.id.endswith(f":fiche:{fiches['jardin'].pk}")
    # Atom: the entry's updated date; RSS (no such element): its pubDate is the last change.
    stamp = jardin.updated_parsed if url == ATOM else jardin.published_parsed
    jardin_updated = Innovation.objects.get(pk=fiches["jardin"].pk).updated_at.astimezone(UTC)
    assert stamp[:5] == jardin_updated.timetuple()[:5]


def test_atom_entries_have_stable_ids_updated_dates_and_public_authors(client, fiches):
    _, feed = parse(client, ATOM)
    fablab = next(e for e in feed.entries if e.title == "Fablab")
    assert fablab.id.endswith(f":fiche:{fiches['fablab'].pk}") and fablab.id.startswith("tag:")
    assert fablab.author == "Anne Autrice"
    updated = fiches["fablab"]
    updated.refresh_from_db()
    assert fablab.updated_parsed[:5] == updated.updated_at.astimezone(UTC).timetuple()[:5]
    assert fablab.published_parsed is not None
    # An unsigned fiche is credited to its carrier.
    webcoffee = next(e for e in feed.entries if e.title == "Webcoffee")
    assert webcoffee.author == "Association des amis"
    # A renamed fiche keeps its entry id.
    fiche = fiches["fablab"]
    fiche.title = "Fablab de Brest"
    fiche.slug = ""
    fiche.save()
    _, feed = parse(client, ATOM)
    assert feed.entries[0].title == "Fablab de Brest"
    assert feed.entries[0].id == fablab.id


@pytest.mark.parametrize("url", [ATOM, RSS])
def test_no_email_address_in_feeds(client, fiches, url):
    response, _ = parse(client, url)
    content = response.content.decode()
    assert "secret.author@example.org" not in content
    assert "contact.fablab@example.org" not in content
    assert not EMAIL_RE.search(content), EMAIL_RE.search(content)


@pytest.mark.parametrize("url", [ATOM, RSS])
def test_drafts_and_other_states_never_in_feeds(client, fiches, url):
    for state in Innovation.State.values:
        if state != Innovation.State.PUBLISHED:
            InnovationFactory(title=f"Fiche {state}", state=state, themes=["numerique"])
    for params in ({}, {"theme": "numerique"}, {"territoire": "brest"}, {"q": "secret"}, {"q": "fiche"}):
        _, feed = parse(client, url, params)
        assert not [t for t in titles(feed) if t.startswith("Fiche ") or t == "Brouillon secret"], params


@pytest.mark.parametrize("url", [ATOM, RSS])
def test_filters_are_the_lists(client, fiches, url):
    _, feed = parse(client, url, {"theme": "numerique"})
    assert titles(feed) == ["Webcoffee", "Fablab"]
    assert "thème : Numérique" in feed.feed.title
    _, feed = parse(client, url, {"territoire": "brest"})
    assert titles(feed) == ["Fablab"]
    assert "territoire : Brest" in feed.feed.title
    _, feed = parse(client, url, {"territoire": "pays-de-brest"})
    assert len(feed.entries) == 3
    _, feed = parse(client, url, {"porteur": "association"})
    assert titles(feed) == ["Webcoffee", "Fablab"]
    assert "porteur" in feed.feed.title
    _, feed = parse(client, url, {"statut": "terminee"})
    assert titles(feed) == ["Webcoffee"]
    assert "avancement : terminée" in feed.feed.title.lower()
    _, feed = parse(client, url, {"q": "potagers"})
    assert titles(feed) == ["Jardin partagé"]
    assert "recherche : « potagers »" in feed.feed.title
    _, feed = parse(client, url, {"theme": "numerique", "statut": "en-cours"})
    assert titles(feed) == ["Fablab"]
    # The feed's link is the list with the same filters.
    assert feed.feed.link.endswith("/innovations/?theme=numerique&statut=en-cours")


@pytest.mark.parametrize("url", [ATOM, RSS])
def test_unknown_or_odd_filters_never_fail(client, fiches, url):
    for params in ({"theme": "inconnu"}, {"territoire": "x" * 500}, {"statut": "nimporte"}, {"q": '"*) OR (' * 30},
                   {"porteur": ["a"] * 50}, {"q": "é\u00a0😀"}, {"q": "a\x00b", "theme": "\x00"},
                   {"tri": "az", "page": "zz"}):
        _, feed = parse(client, url, params)
        assert "Les innovations de" in feed.feed.title


def test_an_update_moves_a_fiche_to_the_top(client, fiches):
    from creative.editorial.revisions import save_edit, snapshot

    _, feed = parse(client, ATOM)
    assert titles(feed)[0] == "Jardin partagé"
    fablab = Innovation.objects.get(pk=fiches["fablab"].pk)
    editor = UserFactory(profile__display_name="Élise Éditrice")
    data = snapshot(fablab)
    data["pitch"] = "Un atelier ouvert à tous, rénové."
    result = save_edit(fablab, editor, data, base_number=fablab.revision_number, force_live=True)
    assert result.live
    for url in (ATOM, RSS):
        _, feed = parse(client, url)
        assert titles(feed) == ["Fablab", "Jardin partagé", "Webcoffee"]
        assert feed.entries[0].summary == "Un atelier ouvert à tous, rénové."


def test_feed_addresses_are_not_shadowed_by_fiche_pages():
    """`innovations/<slug>/` must not swallow `innovations/flux/` (urls order in config/urls.py)."""
    from django.urls import resolve

    assert resolve(ATOM).url_name == "feed" and resolve(ATOM).namespace == "opendata"
    assert resolve(RSS).url_name == "feed_rss"


def test_feed_self_link_keeps_the_filters(client, fiches):
    _, feed = parse(client, ATOM, {"theme": "numerique"})
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links and self_links[0].endswith("/innovations/flux/?theme=numerique")


# --- Autodiscovery ---------------------------------------------------------------------------------

LINK_RE = re.compile(r'<link rel="alternate" type="(application/(?:atom|rss)\+xml|text/calendar)" '
                     r'title="([^"]*)" href="([^"]*)">')


def alternates(response):
    assert response.status_code == 200
    head = response.content.decode().split("</head>", 1)[0]
    return [(kind, href.replace("&amp;", "&")) for kind, _, href in LINK_RE.findall(head)]


def has_site_feed(links):
    return ("application/atom+xml", ATOM) in links and ("application/rss+xml", RSS) in links


def test_home_and_fiche_advertise_the_site_feed(client, fiches):
    for url in ("/", fiches["fablab"].get_absolute_url(), "/innovations/?page=2", "/magazine/"):
        links = alternates(client.get(url))
        assert has_site_feed(links), url


def test_list_and_map_advertise_their_current_filters(client, fiches):
    for page in ("/innovations/", "/carte/"):
        response = client.get(page, {"theme": "numerique", "territoire": "brest", "tri": "az"})
        links = alternates(response)
        assert links[0] == ("application/atom+xml", ATOM + "?theme=numerique&territoire=brest"), page
        assert links[1] == ("application/rss+xml", RSS + "?theme=numerique&territoire=brest"), page
        assert has_site_feed(links)
        # The advertised feed answers, filtered.
        _, feed = parse(client, ATOM, {"theme": "numerique", "territoire": "brest"})
        assert titles(feed) == ["Fablab"]
        # Without filters, just the site feed, once.
        links = alternates(client.get(page))
        assert links.count(("application/atom+xml", ATOM)) == 1


def test_territory_page_advertises_its_feed(client, fiches):
    links = alternates(client.get("/territoires/brest/"))
    assert ("application/atom+xml", ATOM + "?territoire=brest") in links
    assert ("application/rss+xml", RSS + "?territoire=brest") in links
    assert has_site_feed(links)


def test_agenda_magazine_and_letters_advertise_their_feeds(client, fiches):
    links = alternates(client.get("/agenda/"))
    assert any(kind == "text/calendar" and href.startswith("/agenda.ics") for kind, href in links)
    assert has_site_feed(links)
    links = alternates(client.get("/magazine/"))
    assert ("application/atom+xml", "/magazine/flux/") in links
    assert ("application/rss+xml", "/magazine/flux/rss/") in links
    assert has_site_feed(links)
    links = alternates(client.get("/lettre/"))
    assert ("application/atom+xml", "/lettre/flux/") in links
    assert ("application/rss+xml", "/lettre/flux/rss/") in links
    assert has_site_feed(links)


def test_views_may_add_feeds_through_the_context():
    from django.template import Context, Template

    html = Template("{% load feeds %}{% feed_links %}").render(
        Context({"feeds": [("Un flux <x>", "/un/flux/", "atom"), ("iCal", "/a.ics", "text/calendar")]})
    )
    assert html.index("/un/flux/") < html.index(ATOM)
    assert 'type="application/atom+xml" title="Un flux &lt;x&gt;" href="/un/flux/"' in html
    assert 'type="text/calendar" title="iCal" href="/a.ics"' in html


@pytest.mark.parametrize("url", [ATOM, RSS])
def test_control_characters_in_content_never_break_a_feed(client, fiches, url):
    # (No NUL: PostgreSQL refuses it in any text, and forms refuse it; the other controls get through.)
    InnovationFactory(title="Cloche\x07 fêlée", pitch="Un\x0b texte importé\x1b.", themes=["numerique"])
    _, feed = parse(client, url)
    assert feed.entries[0].title == "Cloche fêlée"
    assert feed.entries[0].summary == "Un texte importé."


def test_error_pages_render_with_the_site_feed(client, db):
    response = client.get("/innovations/cette-fiche-n-existe-pas/")
    assert response.status_code == 404
    assert f'type="application/atom+xml" title="Les innovations nouvelles et mises à jour (Atom)" href="{ATOM}"' \
        in response.content.decode()
