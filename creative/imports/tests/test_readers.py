"""Readers: encodings, delimiters, JSON shapes, errors."""

import pytest

from creative.imports import readers


def test_csv_utf8_semicolons():
    rows = readers.read_csv("id;nom;commune\n1;Café des âges;Brest\n\n2;Fablab;Plouzané\n".encode())
    assert rows == [{"id": "1", "nom": "Café des âges", "commune": "Brest"},
                    {"id": "2", "nom": "Fablab", "commune": "Plouzané"}]


def test_csv_utf8_bom_commas_and_quotes():
    data = '\ufeffid,nom,tags\n1,"Repair, café","numérique;solidarité"\n'.encode()
    rows = readers.read_csv(data)
    assert list(rows[0]) == ["id", "nom", "tags"]
    assert rows[0]["nom"] == "Repair, café" and rows[0]["tags"] == "numérique;solidarité"


def test_csv_latin1():
    rows = readers.read_csv("id;nom\n1;Épicerie solidaire à Brest\n".encode("latin-1"))
    assert rows[0]["nom"] == "Épicerie solidaire à Brest"


def test_csv_windows_1252_quotes():
    rows = readers.read_csv("id;nom\n1;L’atelier – vélo\n".encode("cp1252"))
    assert rows[0]["nom"] == "L’atelier – vélo"


def test_csv_tabs():
    assert readers.read_csv(b"id\tnom\n1\tA\n") == [{"id": "1", "nom": "A"}]


def test_csv_empty_is_an_error():
    with pytest.raises(readers.ReaderError):
        readers.read_csv(b"   \n")


@pytest.mark.parametrize("payload", [
    b'[{"id": 1, "nom": "A"}]',
    b'{"items": [{"id": 1, "nom": "A"}], "next": null}',
    b'{"results": [{"id": 1, "nom": "A"}]}',
    '\ufeff[{"id": 1, "nom": "A"}]'.encode(),
])
def test_json_shapes(payload):
    assert readers.read_json(payload) == [{"id": 1, "nom": "A"}]


def test_json_non_objects_become_none():
    assert readers.read_json(b'[{"id": 1}, 3, "x"]') == [{"id": 1}, None, None]


@pytest.mark.parametrize("payload", [b"{not json", b'{"foo": 1}', b'"text"', b"[" * 100000])
def test_json_errors(payload):
    with pytest.raises(readers.ReaderError):
        readers.read_json(payload)


def test_read_dispatch():
    assert readers.read("json", b"[]") == []
    with pytest.raises(readers.ReaderError):
        readers.read("instance", b"")
