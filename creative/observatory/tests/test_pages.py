"""The observatory's public pages: figures with tables, CSV downloads, the coverage map's data, « les plus lus »."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse

from creative.innovations.models import Theme
from creative.stats.counting import today
from creative.stats.models import ViewCount
from creative.territories.models import Territory

from .conftest import at, fiche


@pytest.fixture
def published(territories):
    return [
        fiche("Repair café", at(2026, 1), communes=["Brest"], themes=["numerique"]),
        fiche("Épicerie solidaire", at(2026, 3), communes=["Guipavas"], themes=["solidarites"]),
    ]


def test_the_observatory_shows_every_figure_with_its_table_and_csv(client, published):
    response = client.get(reverse("observatory:index"))
    assert response.status_code == 200
    html = response.content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 4  # progress, themes, carriers, EPCIs; the empty monthly figures say so instead
    assert html.count("Pas encore de données.") >= 4
    for svg in svgs:
        ET.fromstring(svg)  # noqa: S314 (our own page, in a test)
    assert html.count("<table") == 9  # eight charts and the coverage map, each with its table
    for name in ("progression", "themes", "porteurs", "territoires", "couverture", "activite", "evenements",
                 "reproductions", "abonnes"):
        assert reverse("observatory:csv", args=[name]) in html
    assert 'id="coverage-map"' in html and reverse("observatory:coverage_points") in html
    assert "2 fiches publiées sur un objectif de 1000" in html
    assert "style=" not in html.split('<main', 1)[1].split("</main>")[0]
    assert f'href="{reverse("observatory:index")}"' in html  # the footer's link


def test_the_csv_has_the_figure_rows(client, published):
    response = client.get(reverse("observatory:csv", args=["couverture"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="observatoire-couverture.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["commune", "fiches"], ["Brest", "1"], ["Guipavas", "1"]]


def test_csv_cells_are_never_formulas(client, published):
    theme = Theme.objects.create(name="=HYPERLINK(\"http://x\")", slug="formule")
    published[0].themes.add(theme)
    Theme.objects.create(name="@SUM(A1)", slug="arobase")
    text = client.get("/observatoire/donnees/themes.csv").content.decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    labels = [row[0] for row in rows]
    assert "'=HYPERLINK(\"http://x\")" in labels
    assert "'@SUM(A1)" in labels
    assert not any(label.startswith(("=", "@", "+", "-")) for label in labels)


def test_an_unknown_dataset_is_a_404(client, db):
    assert client.get("/observatoire/donnees/inconnu.csv").status_code == 404


def test_the_coverage_points(client, published):
    points = client.get(reverse("observatory:coverage_points")).json()["points"]
    assert {(p["name"], p["count"]) for p in points} == {("Brest", 1), ("Guipavas", 1)}
    brest = Territory.objects.get(slug="brest")
    assert next(p for p in points if p["name"] == "Brest")["lat"] == brest.latitude


def test_the_page_is_cached(client, published, django_assert_max_num_queries):
    client.get(reverse("observatory:index"))
    fiche("Troisième", at(2026, 4), communes=["Brest"])
    with django_assert_max_num_queries(3):  # session and the like; no figure recomputed
        response = client.get(reverse("observatory:index"))
    assert "2 fiches publiées" in response.content.decode()


# « Les plus lus » -------------------------------------------------------------------------------

@pytest.fixture
def views(published):
    repair, epicerie = published
    day = today()
    ViewCount.objects.create(kind="innovation", object_id=repair.pk, day=day, views=5)
    ViewCount.objects.create(kind="innovation", object_id=epicerie.pk, day=day, views=9, is_demo=True)
    ViewCount.objects.create(kind="innovation", object_id=repair.pk, day=day - timedelta(days=100), views=50)
    return published


def read_section(html, kind):
    return html.split(f'id="plus-lus-{kind}"', 1)[1].split("</section>", 1)[0]


def test_most_read_by_period_with_demo_counts_labelled(client, views):
    html = client.get(reverse("observatory:most_read"), {"periode": "week"}).content.decode()
    fiches = read_section(html, "innovation")
    assert fiches.index("Épicerie solidaire") < fiches.index("Repair café")
    assert "9 vues" in fiches and "5 vues" in fiches
    assert fiches.count("(démo)") == 1
    assert "(démo)" in fiches.split("Repair café")[0]  # next to the demo row only
    html = client.get(reverse("observatory:most_read"), {"periode": "all"}).content.decode()
    assert "55 vues" in read_section(html, "innovation")


def test_most_read_filtered_by_territory_and_theme(client, views):
    html = client.get(reverse("observatory:most_read"), {"periode": "month", "territoire": "guipavas"}).content.decode()
    assert "Épicerie solidaire" in read_section(html, "innovation")
    assert "Repair café" not in read_section(html, "innovation")
    html = client.get(reverse("observatory:most_read"), {"theme": "numerique"}).content.decode()
    assert "Repair café" in read_section(html, "innovation")
    assert "Épicerie solidaire" not in read_section(html, "innovation")
    assert 'id="plus-lus-territory"' not in html  # a theme does not apply to territory pages


def test_most_read_bad_input_gets_a_french_message(client, views):
    response = client.get(reverse("observatory:most_read"), {"periode": "siecle", "territoire": "atlantide"})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Cette période n'existe pas" in html
    assert "Ce territoire n'existe pas" in html
