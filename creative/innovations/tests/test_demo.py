import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creative.innovations.demo import demo_entries
from creative.innovations.models import Innovation, Section
from creative.territories.models import Territory
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


def test_demo_files_are_realistic_and_in_the_pays_de_brest():
    entries = demo_entries()
    assert len(entries) >= 40
    assert len({e["slug"] for e in entries}) == len(entries)
    sections = {"origine", "fonctionnement", "moyens", "partenaires", "difficultes", "reproduire", "conseils"}
    assert sum(set(e["answers"]) == sections for e in entries) >= 30
    assert all(len(e["pitch"]) <= 280 for e in entries)
    assert len({p["insee"] for e in entries for p in e["places"]}) >= 25


def test_load_demo_is_idempotent_and_removable(territories, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo", "--no-images")
    count = Innovation.objects.demo().count()
    assert count == len(demo_entries()) and count == Innovation.objects.published().count()
    assert "password" in capsys.readouterr().out  # the console prints the demo admin login
    call_command("load_demo", "--no-images")
    assert Innovation.objects.demo().count() == count
    fiche = Innovation.objects.demo().first()
    assert fiche.answers.count() >= 5 and fiche.places.exists()
    assert fiche.territories.filter(slug="pays-de-brest").exists()
    real = InnovationFactory(title="Une vraie fiche")
    call_command("remove_demo")
    assert list(Innovation.objects.all()) == [real]


def test_demo_refuses_to_overwrite_a_real_fiche(territories, settings):
    settings.DEBUG = True
    InnovationFactory(title="x", slug=demo_entries()[0]["slug"])
    with pytest.raises(CommandError, match="real fiche"):
        call_command("load_demo", "--no-images", "--no-admin")


def test_demo_is_refused_in_production(territories, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")


def test_demo_needs_territories(db, settings):
    settings.DEBUG = True
    assert not Territory.objects.exists() and Section.objects.exists()
    with pytest.raises(CommandError, match="load_territories"):
        call_command("load_demo", "--no-images")
