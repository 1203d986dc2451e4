"""mapping.py: columns, dotted JSON paths, tags through the theme mapping, unmapped tags reported."""

from types import SimpleNamespace

from creative.imports import mapping


def source(**kwargs):
    defaults = {
        "column_mapping": {"original_id": "id", "title": "nom", "themes": "tags", "commune": "ville",
                           "address": "adresse", "latitude": "lat", "longitude": "lng",
                           "section.origine": "histoire", "licence": ""},
        "theme_mapping": {"Numérique": "numerique", "solidarité": "solidarites"},
    }
    return SimpleNamespace(**(defaults | kwargs))


def test_columns_and_tags():
    row = {"id": "7", "nom": "Fablab", "tags": "numérique, Solidarité | cuisine; ", "ville": "Brest",
           "adresse": "1 rue X", "lat": "48.4", "lng": "-4.5", "histoire": "Né en 2010", "autre": "ignoré"}
    mapped = mapping.map_row(row, source())
    assert mapped.record == {
        "original_id": "7", "title": "Fablab", "themes": ["numerique", "solidarites"],
        "places": [{"commune": "Brest", "address": "1 rue X", "latitude": "48.4", "longitude": "-4.5"}],
        "answers": {"origine": "Né en 2010"},
    }
    assert mapped.unmapped_tags == ["cuisine"]


def test_unmapped_fields_are_absent_so_updates_keep_them():
    mapped = mapping.map_row({"id": "1", "nom": "A"}, source(column_mapping={"original_id": "id", "title": "nom"}))
    assert mapped.record == {"original_id": "1", "title": "A"}


def test_json_paths_and_lists():
    row = {"id": 3, "nom": "A", "tags": ["Numérique", "inconnu"], "lieu": {"ville": "Brest"}}
    mapped = mapping.map_row(row, source(column_mapping={"original_id": "id", "title": "nom", "themes": "tags",
                                                         "commune": "lieu.ville"}))
    assert mapped.record["original_id"] == "3"
    assert mapped.record["themes"] == ["numerique"] and mapped.unmapped_tags == ["inconnu"]
    assert mapped.record["places"] == [{"commune": "Brest"}]


def test_several_communes_and_empty_commune():
    record = mapping.map_row({"id": "1", "nom": "A", "ville": "Brest; Guipavas"}, source()).record
    assert [p["commune"] for p in record["places"]] == ["Brest", "Guipavas"]
    assert mapping.map_row({"id": "1", "nom": "A", "ville": ""}, source()).record["places"] == []


def test_unreadable_row():
    mapped = mapping.map_row(None, source())
    assert mapped.record is None and mapped.error


def test_theme_mapping_text_round_trip():
    parsed, bad = mapping.parse_theme_mapping("numérique = numerique\n# comment\n\nbad line\nA = B = c\n")
    assert parsed == {"numérique": "numerique", "A = B": "c"}
    assert bad == [4]
    assert mapping.format_theme_mapping({"b": "x", "A": "y"}) == "A = y\nb = x"
