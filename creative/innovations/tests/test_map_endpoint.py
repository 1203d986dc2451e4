import gzip

import pytest

from creative.innovations.mapdata import BadMapRequest, BBox
from creative.innovations.models import Innovation, Place
from tests.factories import InnovationFactory, commune

pytestmark = pytest.mark.django_db

PAYS_DE_BREST = "-5.2,48.1,-3.9,48.7"


def get(client, **params):
    return client.get("/carte/points.json", params)


@pytest.fixture
def fiches(territories):
    made = [
        InnovationFactory(title=f"Brest {n}", communes=["Brest"], themes=["numerique"]) for n in range(3)
    ]
    made.append(InnovationFactory(title="Plouarzel", communes=["Plouarzel"], themes=["patrimoine"]))
    made.append(InnovationFactory(title="Quimper", communes=["Quimper"]))
    made.append(InnovationFactory(title="Brouillon", communes=["Brest"], state=Innovation.State.DRAFT))
    return made


def test_markers_in_bbox(client, fiches):
    data = get(client, bbox=PAYS_DE_BREST, zoom=10).json()
    assert data["total"] == 4 and data["clusters"] == []
    titles = sorted(m["title"] for m in data["markers"])
    assert titles == ["Brest 0", "Brest 1", "Brest 2", "Plouarzel"]  # no Quimper (outside), no draft
    marker = next(m for m in data["markers"] if m["title"] == "Plouarzel")
    assert marker["url"] == "/innovations/plouarzel/"
    assert marker["pitch"] and set(marker) == {"lat", "lng", "id", "url", "title", "pitch"}


def test_filters_apply_to_the_map(client, fiches):
    data = get(client, bbox=PAYS_DE_BREST, zoom=10, theme="patrimoine").json()
    assert [m["title"] for m in data["markers"]] == ["Plouarzel"]
    data = get(client, bbox=PAYS_DE_BREST, zoom=10, territoire="brest").json()
    assert data["total"] == 3
    data = get(client, bbox=PAYS_DE_BREST, zoom=10, q="plouarzel").json()
    assert data["total"] == 1


def test_clusters_above_the_marker_limit(client, fiches, settings):
    settings.MAP_MARKER_LIMIT = 2
    data = get(client, bbox=PAYS_DE_BREST, zoom=8).json()
    # The three Brest fiches share a point: one cluster; Plouarzel is alone in its cell.
    assert data["total"] == 4
    assert [c[2] for c in data["clusters"]] == [3]
    assert [m["title"] for m in data["markers"]] == ["Plouarzel"]


def test_zoomed_view_only_has_what_it_shows(client, fiches):
    # Around Plouarzel only.
    data = get(client, bbox="-4.80,48.40,-4.70,48.46", zoom=14).json()
    assert [m["title"] for m in data["markers"]] == ["Plouarzel"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"bbox": PAYS_DE_BREST},
        {"bbox": "a,b,c,d", "zoom": 10},
        {"bbox": "1,2,3", "zoom": 10},
        {"bbox": "nan,1,2,3", "zoom": 10},
        {"bbox": "-5,49,-4,48", "zoom": 10},  # south above north
        {"bbox": PAYS_DE_BREST, "zoom": "x"},
        {"bbox": PAYS_DE_BREST, "zoom": 99},
    ],
)
def test_bad_input_is_a_clear_400(client, db, params):
    response = get(client, **params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_unknown_filter_values_are_warnings(client, fiches):
    data = get(client, bbox=PAYS_DE_BREST, zoom=10, theme="licornes").json()
    assert data["total"] == 4 and "licornes" in data["warnings"][0]


def test_world_wide_bbox_is_clamped():
    box = BBox.parse("-400,-100,400,100")
    assert (box.west, box.south, box.east, box.north) == (-180, -90, 180, 90)
    with pytest.raises(BadMapRequest):
        BBox.parse("inf,1,2,3")


def test_payload_stays_small_with_many_places(client, territories, settings):
    """However many fiches, a view carries at most MAP_MARKER_LIMIT markers or clusters."""
    settings.MAP_MARKER_LIMIT = 50
    fiche = InnovationFactory(title="Beaucoup de lieux", pitch="x" * 280)
    brest = commune("Brest")
    Place.objects.bulk_create(
        Place(innovation=fiche, commune=brest, latitude=48.0 + i / 300, longitude=-5.0 + i / 200,
              map_lat=48.0 + i / 300, map_lng=-5.0 + i / 200)
        for i in range(300)
    )
    response = get(client, bbox="-5.3,47.9,-3.4,49.1", zoom=9)
    data = response.json()
    assert data["total"] == 300 and data["clusters"]
    assert len(data["clusters"]) + len(data["markers"]) <= 300
    assert len(gzip.compress(response.content)) < 200_000
