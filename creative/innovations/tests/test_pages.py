import json
import re

import pytest

from creative.innovations.filters import daily_factor
from creative.innovations.models import Image, Innovation, Place
from tests.factories import InnovationFactory, commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def fiches(territories):
    return [
        InnovationFactory(title="Fablab", communes=["Brest"], themes=["numerique"], status="en-cours"),
        InnovationFactory(title="Webcoffee", communes=["Landerneau"], themes=["numerique"], status="terminee"),
        InnovationFactory(title="Jardin", communes=["Plouarzel"], themes=["developpement-durable"],
                          carrier_kind=None),
        InnovationFactory(title="Brouillon", communes=["Brest"], state=Innovation.State.DRAFT),
    ]


def titles(response):
    return [i.title for i in response.context["page"].object_list]


def test_home_shows_counter_latest_map_and_themes(client, fiches, settings):
    settings.INNOVATIONS_GOAL = 1000
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<progress max="1000" value="3"' in content
    assert re.search(r"<strong[^>]*>3</strong> innovations publiées", content)
    assert "Brouillon" not in content
    assert 'id="map"' in content and "Numérique" in content


def test_list_shows_published_fiches_only(client, fiches):
    response = client.get("/innovations/")
    assert sorted(titles(response)) == ["Fablab", "Jardin", "Webcoffee"]


def test_facets_have_counts_and_combine(client, fiches):
    response = client.get("/innovations/", {"theme": "numerique"})
    assert sorted(titles(response)) == ["Fablab", "Webcoffee"]
    facets = response.context["facets"]
    # Each facet is counted with the other filters applied, not its own.
    assert ("numerique", "Numérique", 2) in facets["themes"]
    assert ("developpement-durable", "Développement durable", 1) in facets["themes"]
    assert ("en-cours", "en cours", 1) in facets["statuses"]
    response = client.get("/innovations/", {"theme": "numerique", "statut": "terminee"})
    assert titles(response) == ["Webcoffee"]


def test_territory_filter_at_any_level(client, fiches):
    assert sorted(titles(client.get("/innovations/", {"territoire": "brest"}))) == ["Fablab"]
    assert sorted(titles(client.get("/innovations/", {"territoire": "cc-du-pays-diroise"}))) == ["Jardin"]
    response = client.get("/innovations/", {"territoire": "pays-de-brest"})
    assert len(titles(response)) == 3
    assert ("brest-metropole", "Brest Métropole", 1) in response.context["facets"]["territories"]


def test_commune_picker_lists_home_communes_with_fiches(client, fiches):
    response = client.get("/innovations/")
    assert [name for _, name in response.context["home_communes"]] == ["Brest", "Landerneau", "Plouarzel"]
    assert 'id="filter-territoire"' in response.content.decode()


def test_bad_filter_values_are_reported_not_fatal(client, fiches):
    response = client.get(
        "/innovations/", {"theme": "licornes", "territoire": "atlantide", "statut": "x", "tri": "hasard", "page": "zz"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "licornes" in content and "atlantide" in content and "hasard" in content
    assert len(titles(response)) == 3


def test_filters_are_kept_in_pagination_links(client, territories):
    for n in range(25):
        InnovationFactory(title=f"Atelier {n}", communes=["Brest"], themes=["numerique"])
    response = client.get("/innovations/", {"theme": "numerique", "tri": "az"})
    assert len(titles(response)) == 20
    assert "?theme=numerique&amp;tri=az&amp;page=2" in response.content.decode()
    assert len(titles(client.get("/innovations/", {"theme": "numerique", "tri": "az", "page": 2}))) == 5


def test_orders(client, fiches):
    assert titles(client.get("/innovations/", {"tri": "az"})) == ["Fablab", "Jardin", "Webcoffee"]
    newest = fiches[2]
    newest.published_at = newest.published_at.replace(year=2100)
    newest.save()
    assert titles(client.get("/innovations/", {"tri": "recentes"}))[0] == "Jardin"


def test_discover_order_is_stable_within_a_day_and_changes_across_days(client, territories, monkeypatch):
    import datetime

    for n in range(30):
        InnovationFactory(title=f"Initiative {n:02d}")
    first = titles(client.get("/innovations/"))
    assert titles(client.get("/innovations/")) == first
    assert first != sorted(first)
    assert daily_factor(datetime.date(2026, 1, 1)) != daily_factor(datetime.date(2026, 1, 2))
    monkeypatch.setattr("creative.innovations.filters.daily_factor", lambda: daily_factor(datetime.date(2030, 5, 5)))
    assert titles(client.get("/innovations/")) != first


def test_fiche_page_shows_everything(client, territories):
    fiche = InnovationFactory(
        title="Cartes participatives", pitch="Le village dessiné par ses habitants.",
        description="Du **gras** et <script>alert(1)</script>", communes=["Plouarzel"],
        themes=["citoyennete-participation"], answers={"origine": "Une *balade* en 2009."},
        contact_email="secret@example.org", website="https://example.org/cartes",
    )
    Place.objects.create(innovation=fiche, commune=commune("Brest"), address="1 rue de Siam",
                         latitude=48.39, longitude=-4.49)
    Image.objects.create(innovation=fiche, file="innovations/x.png", alt_text="Une carte", author="Anne",
                         licence="CC BY-SA 4.0", source="Archives", is_cover=True)
    response = client.get(fiche.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>gras</strong>" in content and "<script>alert" not in content
    assert "<em>balade</em>" in content
    assert "Comment est-ce né ?" in content and "Pas encore renseigné." in content
    assert "secret@example.org" not in content  # never shown
    assert "© Anne — CC BY-SA 4.0 — Archives" in content
    assert "Réutiliser cette fiche" in content and "CC BY-SA 4.0" in content
    assert "Pays d&#x27;Iroise" in content or "Pays d’Iroise" in content or "Pays d'Iroise" in content
    assert "1 rue de Siam" in content
    attribution = response.context["attribution"]
    assert "Cartes participatives" in attribution
    assert "http://testserver/innovations/cartes-participatives/" in attribution
    jsonld = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', content, re.S).group(1)
    data = json.loads(jsonld)
    assert data["@type"] == "CreativeWork" and data["name"] == "Cartes participatives"
    assert data["license"].startswith("https://creativecommons.org/licenses/by-sa/4.0")
    assert len(data["spatialCoverage"]) == 2
    points = json.loads(re.search(r'id="fiche-map-points"[^>]*>(.*?)</script>', content, re.S).group(1))
    assert {p["precise"] for p in points} == {True, False}


def test_unpublished_fiche_is_404_for_visitors_and_visible_to_staff(client, admin_client, territories):
    draft = InnovationFactory(title="Pas encore", state=Innovation.State.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200 and "pas publiée" in response.content.decode()


def test_unknown_pages_get_the_404_page(client, db):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert client.get("/innovations/inconnue/").status_code == 404


def test_map_page_shares_the_list_filters(client, fiches):
    response = client.get("/carte/", {"theme": "numerique"})
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["map_config"]["query"] == "theme=numerique"
    assert 'href="/innovations/?theme=numerique"' in content  # the accessible alternative


def test_pages_send_a_strict_csp(client, fiches):
    response = client.get("/carte/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    for tag in re.findall(r"<script[^>]*>", response.content.decode()):
        assert f'nonce="{nonce}"' in tag or 'type="application/json"' in tag
    assert " on" not in "".join(re.findall(r"<[a-z]+ [^>]*\bon[a-z]+=", response.content.decode()))


def test_robots_txt(client, db):
    assert "Disallow: /admin/" in client.get("/robots.txt").content.decode()
