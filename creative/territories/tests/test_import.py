import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creative.territories.importer import TerritoryFileError, import_territories
from creative.territories.models import Territory

pytestmark = pytest.mark.django_db
Level = Territory.Level


@pytest.fixture(scope="module")
def full_file():
    from django.conf import settings

    return settings.BASE_DIR / "data" / "communes-bretagne.csv"


def test_full_file_builds_one_hierarchy(full_file):
    import_territories(full_file)
    counts = {level: Territory.objects.filter(level=level).count() for level in Level.values}
    assert counts == {"region": 1, "departement": 4, "pays": 1, "epci": 61, "commune": 1202}
    brest = Territory.objects.get(level=Level.COMMUNE, code="29019")
    assert [t.name for t in brest.ancestors] == ["Bretagne", "Finistère", "Pays de Brest", "Brest Métropole"]
    assert brest.depth == 4 and brest.population > 100_000
    pays = Territory.objects.get(slug="pays-de-brest")
    assert pays.children.count() == 7
    assert Territory.objects.descendants_of(pays, level=Level.COMMUNE).count() == 103
    # An EPCI outside any pays hangs from its département.
    quimper = Territory.objects.get(level=Level.COMMUNE, code="29232")
    assert quimper.parent.parent.slug == "finistere"
    # Bounding boxes contain their communes.
    assert pays.south <= brest.latitude <= pays.north and pays.west <= brest.longitude <= pays.east


def test_communes_without_epci_hang_from_their_departement(full_file, client):
    import_territories(full_file)
    ouessant = Territory.objects.get(level=Level.COMMUNE, code="29155")
    assert ouessant.parent.slug == "finistere"
    assert not Territory.objects.filter(code="").exists()
    assert client.get("/territoires/finistere/").status_code == 200
    assert client.get("/territoires/ouessant/").status_code == 200


def test_territories_gone_from_the_file_are_removed_when_unused(full_file, tmp_path):
    import_territories(full_file)
    smaller = tmp_path / "communes.csv"
    lines = full_file.read_text(encoding="utf-8").splitlines()
    smaller.write_text("\n".join(line for line in lines if not line.startswith("22")) + "\n")
    report = import_territories(smaller)
    assert not Territory.objects.filter(slug="cotes-darmor").exists()
    assert report.deleted > 300


def test_every_territory_page_of_the_region_answers(full_file, client):
    import_territories(full_file)
    for territory in Territory.objects.exclude(level=Level.COMMUNE):
        assert client.get(territory.get_absolute_url()).status_code == 200, territory.slug


def test_import_is_idempotent_and_updates_changes(full_file, tmp_path):
    import_territories(full_file)
    report = import_territories(full_file)
    assert sum(report.created.values()) == 0 and sum(report.updated.values()) == 0
    changed = tmp_path / "communes.csv"
    changed.write_text(full_file.read_text(encoding="utf-8").replace(",Brest,29,", ",Brest (test),29,"))
    report = import_territories(changed)
    assert report.updated["commune"] == 1
    brest = Territory.objects.get(level=Level.COMMUNE, code="29019")
    assert brest.name == "Brest (test)" and brest.slug == "brest"  # slugs are stable


def test_homonym_communes_get_distinct_slugs(full_file):
    import_territories(full_file)
    slugs = list(Territory.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))


def test_bad_files_are_refused_with_a_clear_message(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(TerritoryFileError, match="no such file"):
        import_territories(missing)
    bad = tmp_path / "bad.csv"
    bad.write_text("insee,nom\n29019,Brest\n")
    with pytest.raises(TerritoryFileError, match="missing columns"):
        import_territories(bad)
    bad.write_text(
        "insee,nom,departement,epci_siren,epci_nom,pays,codes_postaux,population,lat,lng\n"
        "29019,Brest,29,242900314,Brest Métropole,Pays de Brest,29200,139000,north,-4.48\n"
    )
    with pytest.raises(TerritoryFileError, match="line 2"):
        import_territories(bad)
    assert not Territory.objects.exists()  # nothing half-imported


def test_command_reports_errors_without_traceback(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_territories", str(tmp_path / "nope.csv"))


def test_another_territory_file_serves_another_home(tmp_path, settings, client):
    """A different data file and HOME_TERRITORY give another instance, no code change."""
    path = tmp_path / "cornouaille.csv"
    path.write_text(
        "insee,nom,departement,epci_siren,epci_nom,pays,codes_postaux,population,lat,lng\n"
        "29232,Quimper,29,242900793,Quimper Bretagne Occidentale,Pays de Cornouaille,29000,63000,47.99,-4.1\n"
        "29103,Landudal,29,242900793,Quimper Bretagne Occidentale,Pays de Cornouaille,29510,900,48.06,-3.98\n"
    )
    import_territories(path)
    settings.HOME_TERRITORY = "pays-de-cornouaille"
    response = client.get("/territoires/")
    assert response.status_code == 302 and response["Location"] == "/territoires/pays-de-cornouaille/"
    assert "Pays de Cornouaille" in client.get("/").content.decode()
