"""The SVG charts: well-formed XML, accessible (role, title, desc), no inline style, values as text."""

import xml.etree.ElementTree as ET

import pytest

from creative.observatory import charts
from creative.observatory.figures import BARS, COLUMNS, LINE, Figure

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))  # noqa: S314 (our own output, in a test)


def figures():
    months = [(f"2026-{m:02d}", m * 3, m) for m in range(1, 13)]
    return {
        LINE: Figure("progression", "Fiches publiées", "Le total.", LINE, ["mois", "total", "du mois"], months,
                     goal=1000),
        BARS: Figure("themes", "Par thème", "Les thèmes.", BARS, ["thème", "fiches"],
                     [("Énergie & climat <script>", 12), ("Solidarités", 1500), ("Vide", 0)]),
        COLUMNS: Figure("activite", "Actifs", "Les gens.", COLUMNS, ["mois", "contributeurs", "accompagnateurs"],
                        [(label, a, b) for label, a, b in months]),
    }


@pytest.mark.parametrize("kind", [LINE, BARS, COLUMNS])
def test_each_chart_is_an_accessible_well_formed_svg(kind):
    figure = figures()[kind]
    root = parse(charts.render(figure))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert title.text == figure.title
    assert figure.description in desc.text
    for element in root.iter():
        assert "style" not in element.attrib  # the CSP has no 'unsafe-inline' for styles
        for name in ("x", "y", "x1", "x2", "y1", "y2", "width", "height", "cx", "cy"):
            if name in element.attrib:
                float(element.attrib[name])  # never a localised "12,5"


def test_bars_carry_their_labels_and_values_as_text_escaped():
    svg = str(charts.render(figures()[BARS]))
    texts = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert "Énergie & climat <script>" in texts
    assert "1\u202f500" in texts  # the value, written next to its bar
    assert "<script>" not in svg  # escaped in the markup


def test_the_line_chart_draws_the_goal_and_scales_to_it():
    root = parse(charts.render(figures()[LINE]))
    goal = root.find(f".//{SVG}line[@class='chart-goal']")
    assert goal is not None
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "objectif : 1\u202f000" in labels
    assert "1\u202f000" in labels  # the y axis reaches the goal
    points = root.findall(f".//{SVG}circle")
    assert len(points) == 12


def test_columns_have_one_rect_per_value_and_a_legend():
    root = parse(charts.render(figures()[COLUMNS]))
    rects = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(rects) == 24
    assert {"contributeurs", "accompagnateurs"} <= {t.text for t in root.iter(f"{SVG}text")}


def test_nice_ceiling():
    assert [charts.nice_ceiling(v) for v in (0, 1, 3, 7, 12, 240, 1000, 1001)] == [1, 1, 5, 10, 20, 250, 1000, 2000]
