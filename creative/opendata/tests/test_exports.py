"""Exports of the list's fiches: CSV, GeoJSON (validated against a schema), JSON-LD (expanded)."""

import csv
import io
import json

import jsonschema
import pytest
from django.utils import timezone
from pyld import jsonld

from creative.innovations.models import Authorship, Innovation, Licence, Place, Section
from tests.factories import InnovationFactory, UserFactory, commune

pytestmark = pytest.mark.django_db

CONTACT = "contact-secret@asso.example"


def make_fiches():
    """Published fiches with authors, answers and places; a draft; an imported ODbL fiche."""
    from creative.imports.models import ImportSource, Provenance

    anne = UserFactory(email="anne.secret@example.org", profile__display_name="Anne Le Gall")
    bruno = UserFactory(email="bruno.secret@example.org", profile__display_name="Bruno Kerjean")
    fablab = InnovationFactory(
        title="Fablab des Capucins", communes=["Brest", "Guipavas"], themes=["numerique"], status="en-cours",
        contact_email=CONTACT, website="https://fablab.example/", start_year=2015,
        answers={"origine": "=HYPERLINK(\"http://evil.example\")", "fonctionnement": "Chaque mardi.\nEt le jeudi."},
    )
    Authorship.objects.create(innovation=fablab, user=anne, is_creator=True)
    Authorship.objects.create(innovation=fablab, user=bruno)
    jardin = InnovationFactory(
        title="-Jardin partagé", communes=["Plouarzel"], themes=["developpement-durable"], status="terminee",
        contact_email=CONTACT,
    )
    Authorship.objects.create(innovation=jardin, user=bruno, is_creator=True)
    # A precise point, different from the commune's.
    Place.objects.create(innovation=jardin, commune=commune("Plouarzel"), address="Route du phare",
                         latitude=48.37, longitude=-4.79)
    draft = InnovationFactory(title="Brouillon secret", communes=["Brest"], themes=["numerique"],
                              state=Innovation.State.DRAFT)
    osm = InnovationFactory(title="Données cartographiques", communes=["Landerneau"], licence=Licence.ODBL_1,
                            themes=["numerique"])
    source = ImportSource.objects.create(name="Carto libre", slug="carto-libre", kind="csv")
    Provenance.objects.create(innovation=osm, source=source, original_id="42",
                              original_url="https://carto.example/42",
                              original_authors="Contributeurs de Carto, someone@carto.example")
    # An inactive section: no column.
    Section.objects.filter(slug="conseils").update(is_active=False)
    return {"fablab": fablab, "jardin": jardin, "draft": draft, "osm": osm, "anne": anne, "bruno": bruno}


@pytest.fixture
def fiches(territories):
    return make_fiches()


def body(response):
    assert response.status_code == 200, response
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def assert_no_email(text):
    for address in (CONTACT, "anne.secret@example.org", "bruno.secret@example.org", "someone@carto.example"):
        assert address not in text
    assert "@example.org" not in text


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_has_bom_columns_and_one_column_per_active_section(client, fiches):
    response = client.get("/innovations/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="innovations-{today}.csv"'
    text = body(response)
    header = next(csv.reader(io.StringIO(text[1:])))
    assert header[:4] == ["id", "titre", "url", "en_bref"]
    sections = [c for c in header if c.startswith("section_")]
    assert sections == ["section_origine", "section_fonctionnement", "section_moyens", "section_partenaires",
                        "section_difficultes", "section_reproduire"]
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 3  # the draft is not exported
    fablab = next(r for r in rows if r["id"] == str(fiches["fablab"].pk))
    assert fablab["titre"] == "Fablab des Capucins"
    assert fablab["url"] == f"http://testserver/innovations/{fiches['fablab'].slug}/"
    assert fablab["themes"] == "Numérique"
    assert fablab["type_porteur"] == "Association"
    assert fablab["communes"] == "Brest | Guipavas"
    assert fablab["auteurs"] == "Anne Le Gall | Bruno Kerjean"
    assert fablab["licence"] == "CC-BY-SA-4.0"
    assert fablab["licence_url"].startswith("https://creativecommons.org/licenses/by-sa/4.0/")
    assert fablab["annee_demarrage"] == "2015"
    assert fablab["section_fonctionnement"] == "Chaque mardi.\nEt le jeudi."
    assert fablab["section_moyens"] == ""
    brest = commune("Brest")
    assert float(fablab["latitude"]) == pytest.approx(brest.latitude)
    assert float(fablab["longitude"]) == pytest.approx(brest.longitude)
    assert fablab["publiee_le"].startswith(str(fiches["fablab"].published_at.year))


def test_csv_cells_are_never_formulas_but_numbers_stay_numbers(client, fiches):
    rows = {r["id"]: r for r in csv_rows(client.get("/innovations/export.csv"))}
    fablab, jardin = rows[str(fiches["fablab"].pk)], rows[str(fiches["jardin"].pk)]
    assert fablab["section_origine"] == "'=HYPERLINK(\"http://evil.example\")"
    assert jardin["titre"] == "'-Jardin partagé"
    # A longitude west of Greenwich is a negative number, not an escaped text.
    assert float(jardin["longitude"]) < 0 and not jardin["longitude"].startswith("'")


def test_csv_applies_the_list_filters(client, fiches):
    def ids(params):
        return {r["id"] for r in csv_rows(client.get("/innovations/export.csv", params))}

    fablab, jardin, osm = (str(fiches[k].pk) for k in ("fablab", "jardin", "osm"))
    assert ids({"theme": "numerique"}) == {fablab, osm}
    assert ids({"territoire": "plouarzel"}) == {jardin}
    assert ids({"statut": "terminee"}) == {jardin}
    assert ids({"q": "capucins"}) == {fablab}
    # Unknown values are ignored, as on the list: never an error.
    assert ids({"theme": "inconnu", "territoire": "nulle-part"}) == {fablab, jardin, osm}
    response = client.get("/innovations/export.csv", {"theme": "numerique"})
    assert "innovations-selection-" in response["Content-Disposition"]


def test_imported_fiche_keeps_its_licence_source_and_original_authors_without_email(client, fiches):
    rows = {r["id"]: r for r in csv_rows(client.get("/innovations/export.csv"))}
    osm = rows[str(fiches["osm"].pk)]
    assert osm["licence"] == "ODbL-1.0"
    assert osm["source"] == "https://carto.example/42"
    assert osm["auteurs"] == "Contributeurs de Carto"


def test_no_email_and_no_draft_in_any_export(client, fiches):
    for url in ("/innovations/export.csv", "/innovations/export.geojson", "/innovations/export.jsonld"):
        text = body(client.get(url))
        assert_no_email(text)
        assert "Brouillon secret" not in text
        assert "Fablab des Capucins" in text


def test_exports_refuse_other_methods(client, fiches):
    assert client.post("/innovations/export.csv").status_code == 405


# --- GeoJSON -----------------------------------------------------------------------------------

POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
BBOX = {"type": "array", "minItems": 4, "items": {"type": "number"}}
# A compact JSON Schema of RFC 7946 for what the export uses: FeatureCollection, Feature, Point.
GEOJSON_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "bbox": BBOX,
        "features": {"type": "array", "items": {"$ref": "#/$defs/feature"}},
    },
    # RFC 7946 §4: no "crs" member.
    "not": {"required": ["crs"]},
    "$defs": {
        "feature": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": ["string", "number"]},
                "bbox": BBOX,
                "properties": {"type": ["object", "null"]},
                "geometry": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/point"}]},
            },
            "not": {"required": ["crs"]},
        },
        "point": {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {
                "type": {"const": "Point"},
                "coordinates": {
                    **POSITION,
                    "prefixItems": [
                        {"type": "number", "minimum": -180, "maximum": 180},
                        {"type": "number", "minimum": -90, "maximum": 90},
                    ],
                },
                "bbox": BBOX,
            },
        },
    },
}


def test_geojson_is_valid_rfc7946_with_one_feature_per_place(client, fiches):
    response = client.get("/innovations/export.geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"].endswith('.geojson"')
    data = json.loads(body(response))
    jsonschema.validate(data, GEOJSON_SCHEMA)
    assert "crs" not in data
    by_fiche = {}
    for feature in data["features"]:
        by_fiche.setdefault(feature["properties"]["id"], []).append(feature)
    assert len(by_fiche[fiches["fablab"].pk]) == 2  # Brest and Guipavas
    assert len(by_fiche[fiches["jardin"].pk]) == 2  # the commune, and the lighthouse road
    assert fiches["draft"].pk not in by_fiche
    precise = next(f for f in by_fiche[fiches["jardin"].pk] if f["properties"]["precise"])
    assert precise["geometry"]["coordinates"] == [-4.79, 48.37]  # [longitude, latitude]
    props = by_fiche[fiches["fablab"].pk][0]["properties"]
    assert props["title"] == "Fablab des Capucins"
    assert props["url"].endswith(f"/innovations/{fiches['fablab'].slug}/")
    assert props["themes"] == ["Numérique"] and props["licence"] == "CC-BY-SA-4.0"
    assert {f["properties"]["commune"] for f in by_fiche[fiches["fablab"].pk]} == {"Brest", "Guipavas"}


def test_geojson_schema_catches_swapped_or_invalid_documents():
    bad = {"type": "FeatureCollection", "crs": {"type": "name"}, "features": []}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, GEOJSON_SCHEMA)
    swapped = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [48.4, -200]}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(swapped, GEOJSON_SCHEMA)


def test_geojson_filtered_by_territory(client, fiches):
    data = json.loads(body(client.get("/innovations/export.geojson", {"territoire": "guipavas"})))
    assert {f["properties"]["id"] for f in data["features"]} == {fiches["fablab"].pk}


# --- JSON-LD -----------------------------------------------------------------------------------

SCHEMA_ORG = "https://schema.org/"
# A minimal local copy of the schema.org context: the terms the export uses, no network.
SCHEMA_CONTEXT = {
    "@context": {
        "@vocab": SCHEMA_ORG,
        "schema": SCHEMA_ORG,
        "url": {"@id": "schema:url", "@type": "@id"},
        "license": {"@id": "schema:license", "@type": "@id"},
        "sameAs": {"@id": "schema:sameAs", "@type": "@id"},
        "datePublished": {"@id": "schema:datePublished", "@type": "schema:DateTime"},
        "dateModified": {"@id": "schema:dateModified", "@type": "schema:DateTime"},
    }
}


def local_loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": SCHEMA_CONTEXT}
    raise AssertionError(f"no network in tests: {url}")


def values(node, prop):
    return [v.get("@value", v.get("@id")) for v in node.get(SCHEMA_ORG + prop, [])]


def test_jsonld_expands_to_schema_org_creative_works(client, fiches):
    response = client.get("/innovations/export.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    document = json.loads(body(response))
    expanded = jsonld.expand(document, {"documentLoader": local_loader})
    works = {values(n, "identifier")[0]: n for n in expanded if SCHEMA_ORG + "CreativeWork" in n.get("@type", [])}
    assert set(works) == {str(fiches[k].pk) for k in ("fablab", "jardin", "osm")}
    fablab = works[str(fiches["fablab"].pk)]
    url = f"http://testserver/innovations/{fiches['fablab'].slug}/"
    assert fablab["@id"] == url
    assert values(fablab, "name") == ["Fablab des Capucins"]
    assert values(fablab, "url") == [url]
    assert values(fablab, "license")[0].startswith("https://creativecommons.org/licenses/by-sa/4.0/")
    assert values(fablab, "description") == ["Une description en **Markdown**."]
    authors = fablab[SCHEMA_ORG + "author"]
    assert [values(a, "name")[0] for a in authors] == ["Anne Le Gall", "Bruno Kerjean"]
    assert all(SCHEMA_ORG + "Person" in a["@type"] for a in authors)
    places = fablab[SCHEMA_ORG + "spatialCoverage"]
    assert {values(p, "name")[0] for p in places} == {"Brest", "Guipavas"}
    geo = places[0][SCHEMA_ORG + "geo"][0]
    assert SCHEMA_ORG + "GeoCoordinates" in geo["@type"]
    assert isinstance(values(geo, "latitude")[0], float)
    osm = works[str(fiches["osm"].pk)]
    assert values(osm, "license") == ["https://opendatacommons.org/licenses/odbl/1-0/"]


def test_jsonld_filtered_and_empty(client, fiches):
    document = json.loads(body(client.get("/innovations/export.jsonld", {"statut": "terminee"})))
    assert [item["name"] for item in document["@graph"]] == ["-Jardin partagé"]
    document = json.loads(body(client.get("/innovations/export.jsonld", {"q": "introuvablezzz"})))
    assert document["@graph"] == []
    assert jsonld.expand(document, {"documentLoader": local_loader}) == []


def test_list_and_map_link_to_exports_with_the_current_filters(client, fiches):
    content = client.get("/innovations/", {"theme": "numerique"}).content.decode()
    assert 'href="/innovations/export.csv?theme=numerique"' in content
    assert 'href="/innovations/export.geojson?theme=numerique"' in content
    content = client.get("/carte/", {"territoire": "brest", "statut": "en-cours"}).content.decode()
    assert 'href="/innovations/export.jsonld?territoire=brest&amp;statut=en-cours"' in content


def test_export_queries_do_not_grow_with_the_number_of_fiches(client, fiches, django_assert_max_num_queries):
    for n in range(30):
        InnovationFactory(title=f"Fiche {n}", communes=["Brest"], themes=["numerique"])
    for url in ("/innovations/export.csv", "/innovations/export.geojson", "/innovations/export.jsonld"):
        with django_assert_max_num_queries(15):
            text = body(client.get(url))
        assert "Fiche 29" in text
