import re
from urllib.parse import parse_qs, urlsplit

import pytest

from creative.innovations.models import Authorship, Image, Innovation
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fiche(territories):
    fiche = InnovationFactory(
        title="Cartes participatives", pitch="Le village dessiné par ses habitants.",
        communes=["Plouarzel", "Brest"], themes=["citoyennete-participation"],
        contact_email="secret@example.org",
    )
    user = UserFactory(email="anne.secret@example.org", profile__display_name="Anne Le Gall")
    Authorship.objects.create(innovation=fiche, user=user, is_creator=True)
    Image.objects.create(innovation=fiche, file="innovations/x.png", alt_text="Une carte dessinée", author="Anne",
                         is_cover=True)
    return fiche


def csp(response):
    """The Content-Security-Policy header as {directive: its values}."""
    directives = (part.strip().partition(" ") for part in response["Content-Security-Policy"].split(";"))
    return {name: values for name, _, values in directives}


def assert_no_email(response):
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", response.content.decode()), "an email address leaked"


# --- The compact card -------------------------------------------------------------------


def test_card_shows_the_fiche_without_site_chrome(client, fiche):
    response = client.get(f"/innovations/{fiche.slug}/integrer/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Cartes participatives" in content and "Le village dessiné par ses habitants." in content
    assert 'alt="Une carte dessinée"' in content and "/media/innovations/x.png" in content
    assert "Plouarzel, Brest" in content and "Citoyenneté" in content
    assert re.search(r'<a href="http://testserver/innovations/cartes-participatives/" target="_blank" '
                     r'rel="noopener">Voir sur Brest Créative</a>', content)
    assert "Anne Le Gall" in content and 'rel="license"' in content and "CC BY-SA 4.0" in content
    assert "css/embed.css" in content and "css/site.css" not in content and "site-header" not in content
    assert "<script" not in content
    assert_no_email(response)


def test_card_is_for_published_fiches_only(client, fiche):
    fiche.state = Innovation.State.DRAFT
    fiche.save()
    editor = UserFactory(roles=["editor"])
    client.force_login(editor)
    assert client.get(f"/innovations/{fiche.slug}/integrer/").status_code == 404
    assert client.get("/innovations/nexiste-pas/integrer/").status_code == 404


def test_card_follows_a_renamed_fiche(client, fiche):
    old = fiche.slug
    fiche.slug = "cartes-du-village"
    fiche.save()
    response = client.get(f"/innovations/{old}/integrer/")
    assert response.status_code == 301 and response["Location"] == "/innovations/cartes-du-village/integrer/"


# --- Framing ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/innovations/{slug}/integrer/", "/carte/integrer/?theme=numerique"])
def test_embeds_may_be_framed_by_any_site(client, fiche, url):
    response = client.get(url.format(slug=fiche.slug))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = csp(response)
    assert policy["frame-ancestors"] == "*"
    # The rest of the strict policy is kept.
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["script-src"].startswith("'self'") and policy["img-src"].startswith("'self'")


@pytest.mark.parametrize("url", ["/innovations/{slug}/", "/carte/", "/innovations/", "/oembed/?url=x"])
def test_everything_else_is_never_framed(client, fiche, url):
    response = client.get(url.format(slug=fiche.slug))
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == "'none'"


# --- oEmbed -------------------------------------------------------------------------------


def test_oembed_answers_rich_json_for_a_fiche(client, fiche):
    response = client.get("/oembed/", {"url": f"http://testserver/innovations/{fiche.slug}/", "format": "json"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["title"] == "Cartes participatives"
    assert data["author_name"] == "Anne Le Gall"
    assert data["provider_name"] == "Brest Créative" and data["provider_url"] == "http://testserver/"
    assert (data["width"], data["height"]) == (480, 360)
    src = re.search(r'<iframe src="([^"]+)"', data["html"]).group(1)
    assert src == f"http://testserver/innovations/{fiche.slug}/integrer/"
    assert 'width="480" height="360"' in data["html"]
    assert_no_email(response)


def test_oembed_respects_maxwidth_and_maxheight(client, fiche):
    url = f"http://testserver/innovations/{fiche.slug}/"
    data = client.get("/oembed/", {"url": url, "maxwidth": "300", "maxheight": "9999"}).json()
    assert (data["width"], data["height"]) == (300, 360)
    response = client.get("/oembed/", {"url": url, "maxwidth": "abc"})
    assert response.status_code == 400 and "maxwidth" in response.json()["error"]


def test_oembed_accepts_the_card_address_too(client, fiche):
    response = client.get("/oembed/", {"url": f"http://testserver/innovations/{fiche.slug}/integrer/"})
    assert response.status_code == 200


def test_oembed_xml_is_not_implemented(client, fiche):
    response = client.get("/oembed/", {"url": f"http://testserver/innovations/{fiche.slug}/", "format": "xml"})
    assert response.status_code == 501 and "json" in response.json()["error"]


@pytest.mark.parametrize("url", [
    "https://ailleurs.example.net/innovations/{slug}/",  # another site
    "http://testserver/innovations/nexiste-pas/",  # no such fiche
    "http://testserver/carte/",  # not a fiche
    "javascript:alert(1)",
    "http://[::1",  # not even a URL
    "http://testserver/" + "x" * 3000,
])
def test_oembed_unknown_or_foreign_url_is_a_json_404(client, fiche, url):
    response = client.get("/oembed/", {"url": url.format(slug=fiche.slug)})
    assert response.status_code == 404 and response.json()["error"]


def test_oembed_ignores_drafts_and_needs_a_url(client, fiche):
    fiche.state = Innovation.State.DRAFT
    fiche.save()
    assert client.get("/oembed/", {"url": f"http://testserver/innovations/{fiche.slug}/"}).status_code == 404
    response = client.get("/oembed/")
    assert response.status_code == 400 and "url" in response.json()["error"]


# --- The fiche page: « Réutiliser » and oEmbed discovery -------------------------------------


def test_fiche_page_offers_the_reuse_kit_and_oembed_discovery(client, fiche):
    response = client.get(fiche.get_absolute_url())
    content = response.content.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', content)
    assert link
    discovered = urlsplit(link.group(1).replace("&amp;", "&"))
    assert discovered.path == "/oembed/"
    assert parse_qs(discovered.query) == {"url": [f"http://testserver/innovations/{fiche.slug}/"], "format": ["json"]}
    assert client.get(f"{discovered.path}?{discovered.query}").status_code == 200
    # The licence in plain words, the attribution as HTML (shown as text) and Markdown, the embed code.
    assert "à condition de citer ses auteurs" in content
    html = re.search(r'<textarea id="attribution-html"[^>]*>(.*?)</textarea>', content, re.S).group(1)
    assert "&lt;a href=&quot;http://testserver/innovations/cartes-participatives/&quot;&gt;" in html
    markdown = re.search(r'<textarea id="attribution-markdown"[^>]*>(.*?)</textarea>', content, re.S).group(1)
    assert "[Cartes participatives](http://testserver/innovations/cartes-participatives/)" in markdown
    embed = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', content, re.S).group(1)
    assert "&lt;iframe src=&quot;http://testserver/innovations/cartes-participatives/integrer/&quot;" in embed
    assert re.search(r'<script type="module" src="/static/js/reuse-copy.js" nonce="[^"]+"', content)
    assert "secret@example.org" not in content and "anne.secret@example.org" not in content


def test_draft_fiche_page_has_no_embed_nor_discovery(client, fiche):
    fiche.state = Innovation.State.DRAFT
    fiche.save()
    client.force_login(fiche.authors.get())  # its author still sees it
    content = client.get(fiche.get_absolute_url()).content.decode()
    assert "application/json+oembed" not in content and 'id="embed-code"' not in content
    assert 'id="attribution-markdown"' in content


# --- The map widget -----------------------------------------------------------------------


def test_map_widget_keeps_the_filters(client, fiche):
    InnovationFactory(title="Ailleurs", communes=["Brest"], themes=["numerique"])
    response = client.get("/carte/integrer/", {"theme": "citoyennete-participation", "territoire": "brest",
                                               "inconnu": "x"})
    content = response.content.decode()
    assert response.status_code == 200
    config = response.context["map_config"]
    assert config["endpoint"] == "/carte/points.json"
    assert parse_qs(config["query"]) == {"theme": ["citoyennete-participation"], "territoire": ["brest"]}
    assert config["bounds"]
    assert "http://testserver/innovations/?theme=citoyennete-participation&amp;territoire=brest" in content
    assert "js/innovation-map.js" in content and 'id="map"' in content and "site-header" not in content
    assert '<base target="_blank">' in content
    # The widget's own endpoint answers with the same filters.
    points = client.get(f"{config['endpoint']}?{config['query']}&bbox=-5.2,48.1,-3.9,48.7&zoom=10")
    assert points.status_code == 200
    assert {m["title"] for m in points.json()["markers"]} == {"Cartes participatives"}
    assert_no_email(response)


def test_map_widget_survives_bad_filters(client, territories):
    response = client.get("/carte/integrer/", {"territoire": "nulle-part", "statut": "<x>"})
    assert response.status_code == 200


def test_map_page_gives_the_embed_code_with_the_current_filters(client, fiche):
    response = client.get("/carte/", {"theme": "citoyennete-participation"})
    content = response.content.decode()
    assert "Intégrer cette carte" in content
    code = re.search(r'<textarea id="map-embed-code"[^>]*>(.*?)</textarea>', content, re.S).group(1)
    assert "&lt;iframe src=&quot;http://testserver/carte/integrer/?theme=citoyennete-participation&quot;" in code
