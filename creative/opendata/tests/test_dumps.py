"""The daily dump: `export_open_data` writes the files and their manifest; dump_file serves only those."""

import csv
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.http import Http404

from creative.opendata import dumps

from .test_exports import CONTACT, make_fiches

pytestmark = pytest.mark.django_db

FILES = {"innovations.csv", "innovations.geojson", "innovations.jsonld", "referentiels.json",
         "LICENCE.txt", "AUTHORS.txt", "README.txt"}


@pytest.fixture
def dump(territories, settings, tmp_path):
    settings.OPEN_DATA_DIR = str(tmp_path)
    settings.SITE_URL = "https://brest-creative.example"
    fiches = make_fiches()
    out = io.StringIO()
    call_command("export_open_data", stdout=out)
    assert "3 fiches" in out.getvalue()
    return {"dir": tmp_path, "fiches": fiches, "manifest": json.loads((tmp_path / "manifest.json").read_text())}


def test_command_writes_every_file_and_a_manifest(dump):
    directory, manifest = dump["dir"], dump["manifest"]
    assert {entry["name"] for entry in manifest["files"]} == FILES
    assert {p.name for p in directory.iterdir()} == FILES | {"manifest.json"}  # no temporary file left
    for entry in manifest["files"]:
        data = (directory / entry["name"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["media_type"] and entry["description"]
    assert manifest["counts"]["innovations"] == 3
    assert manifest["counts"]["places"] == 5
    assert manifest["counts"]["by_licence"] == {"CC-BY-SA-4.0": 2, "ODbL-1.0": 1}
    assert manifest["counts"]["incompatible_with_cc_by_sa"] == 1
    assert manifest["date"] and manifest["generated_at"]


def test_dump_contents_use_site_url_and_hold_no_email_nor_draft(dump):
    directory = dump["dir"]
    for name in FILES:
        text = (directory / name).read_text(encoding="utf-8")
        for address in (CONTACT, "anne.secret@example.org", "bruno.secret@example.org", "someone@carto.example"):
            assert address not in text, name
        assert "Brouillon secret" not in text, name
    rows = list(csv.DictReader(io.StringIO((directory / "innovations.csv").read_text(encoding="utf-8")[1:])))
    assert len(rows) == 3
    assert all(r["url"].startswith("https://brest-creative.example/innovations/") for r in rows)
    assert json.loads((directory / "innovations.geojson").read_text())["type"] == "FeatureCollection"
    assert len(json.loads((directory / "innovations.jsonld").read_text())["@graph"]) == 3


def test_licence_lists_incompatible_content_separately_and_authors_are_public_names(dump):
    licence = (dump["dir"] / "LICENCE.txt").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0 — 2" in licence and "ODbL 1.0 — 1" in licence
    incompatible = licence.split("# Contenus sous une licence incompatible avec CC BY-SA")[1]
    assert "[ODbL 1.0]" in incompatible and "Données cartographiques" in incompatible
    assert "https://carto.example/42" in incompatible
    assert "Fablab des Capucins" not in incompatible  # CC BY-SA content is not listed there
    authors = (dump["dir"] / "AUTHORS.txt").read_text(encoding="utf-8")
    assert "Anne Le Gall" in authors and "Bruno Kerjean" in authors
    assert authors.count("Bruno Kerjean") == 1
    assert "Contributeurs de Carto" in authors
    referentials = json.loads((dump["dir"] / "referentiels.json").read_text())
    assert {"territories", "themes", "carrier_kinds", "sections", "licences"} <= set(referentials)
    odbl = next(x for x in referentials["licences"] if x["code"] == "ODbL-1.0")
    assert odbl["shareable_as_cc_by_sa"] is False
    readme = (dump["dir"] / "README.txt").read_text(encoding="utf-8")
    assert "section_origine : Comment est-ce né ?" in readme


def test_rewrite_replaces_files_atomically(dump):
    dump["fiches"]["jardin"].delete()
    manifest = dumps.write_dump()
    assert manifest["counts"]["innovations"] == 2
    assert {p.name for p in dump["dir"].iterdir()} == FILES | {"manifest.json"}


def test_dump_file_serves_manifest_names_only(client, dump):
    response = client.get("/donnees-ouvertes/telechargements/innovations.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'innovations-{dump["manifest"]["date"]}.csv' in response["Content-Disposition"]
    assert response["Access-Control-Allow-Origin"] == "*"
    data = b"".join(response.streaming_content)
    assert data == (dump["dir"] / "innovations.csv").read_bytes()
    entry = next(e for e in dump["manifest"]["files"] if e["name"] == "innovations.csv")
    assert response["ETag"] == f'"{entry["sha256"]}"'
    again = client.get("/donnees-ouvertes/telechargements/innovations.csv", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get("/donnees-ouvertes/telechargements/manifest.json").status_code == 200
    assert client.get("/donnees-ouvertes/telechargements/LICENCE.txt").status_code == 200
    assert client.post("/donnees-ouvertes/telechargements/LICENCE.txt").status_code == 405


def test_dump_file_refuses_unknown_names_and_traversal(client, rf, dump):
    from creative.opendata.views.pages import dump_file

    (dump["dir"] / "secret.txt").write_text("not listed")
    for name in ("secret.txt", "nope.csv", ".innovations.csv.tmp", "..", "...", "%2e%2e%2fsettings.py"):
        assert client.get(f"/donnees-ouvertes/telechargements/{name}").status_code == 404, name
    assert client.get("/donnees-ouvertes/telechargements/..%2Fconfig%2Fsettings.py").status_code == 404
    assert client.get("/donnees-ouvertes/telechargements/../../config/settings.py").status_code == 404
    # Even called directly with a path, the view serves nothing outside the manifest.
    for name in ("../manifest.json", "/etc/passwd", "sub/innovations.csv", "innovations.csv/"):
        with pytest.raises(Http404):
            dump_file(rf.get("/"), name)


def test_dump_file_404_without_a_dump(client, settings, tmp_path):
    settings.OPEN_DATA_DIR = str(tmp_path / "empty")
    assert client.get("/donnees-ouvertes/telechargements/manifest.json").status_code == 404
    assert client.get("/donnees-ouvertes/telechargements/innovations.csv").status_code == 404
