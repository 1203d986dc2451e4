"""The open data page: licence in plain words, the dump's files, exports, API, feeds; footer link."""

import pytest
from django.template.defaultfilters import filesizeformat

from creative.opendata.dumps import write_dump

from .test_exports import make_fiches

pytestmark = pytest.mark.django_db


def test_page_without_dump_says_so_and_links_exports_api_and_feeds(client, settings, tmp_path):
    settings.OPEN_DATA_DIR = str(tmp_path / "none")
    response = client.get("/donnees-ouvertes/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "ne sont pas encore disponibles" in content
    assert "Vous pouvez copier, modifier et republier" in content  # the licence in plain words
    assert "Incompatible avec CC BY-SA" in content  # ODbL is labelled
    for url in ("/innovations/export.csv", "/innovations/export.geojson", "/innovations/export.jsonld",
                "/donnees-ouvertes/api/", "/innovations/flux/", "/carte/integrer/"):
        assert f'href="{url}"' in content, url


def test_page_lists_the_dump_files_with_date_and_size(client, territories, settings, tmp_path):
    settings.OPEN_DATA_DIR = str(tmp_path)
    make_fiches()
    manifest = write_dump()
    content = client.get("/donnees-ouvertes/").content.decode()
    assert "3 fiches publiées" in content
    assert manifest["date"] in content
    for entry in manifest["files"]:
        assert f'href="/donnees-ouvertes/telechargements/{entry["name"]}"' in content
    assert 'href="/donnees-ouvertes/telechargements/manifest.json"' in content
    sizes = [filesizeformat(entry["size"]) for entry in manifest["files"]]
    assert all(f"({size})" in content for size in sizes), sizes
    assert "@example.org" not in content


def test_page_ignores_a_broken_manifest(client, settings, tmp_path):
    settings.OPEN_DATA_DIR = str(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    assert client.get("/donnees-ouvertes/").status_code == 200
    (tmp_path / "manifest.json").write_text('{"files": [{"name": "../../etc/passwd", "size": 1}]}')
    content = client.get("/donnees-ouvertes/").content.decode()
    assert "passwd" not in content
    assert client.get("/donnees-ouvertes/telechargements/passwd").status_code == 404


def test_footer_links_to_the_open_data_page(client, db):
    content = client.get("/donnees-ouvertes/").content.decode()
    footer = content.split('<footer class="site-footer">')[1]
    assert 'href="/donnees-ouvertes/"' in footer and "Données ouvertes" in footer
