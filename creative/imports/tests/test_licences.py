"""Imported content keeps its licence, is labelled, shows its provenance; read-only copies are not edited here."""

import pytest
from django.urls import reverse

from creative.accounts.permissions import can_edit_innovation
from creative.accounts.roles import Role
from creative.imports import pipeline
from creative.imports.models import Provenance
from creative.innovations.models import Innovation
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db


def imported(source, admin, **overrides):
    record = {
        "original_id": "osm-1", "title": "Boîte à livres", "pitch": "Des livres en libre service.",
        "places": [{"commune": "Brest"}], "original_url": "https://source.example.org/osm-1",
        "original_authors": "Contributeurs OpenStreetMap <contact@osm.example.org>", "licence": "ODbL-1.0",
    }
    return pipeline.upsert_record(source, record | overrides, user=admin).innovation


def test_licence_is_kept_never_relicensed(source, territories, admin):
    fiche = imported(source, admin)
    assert fiche.licence == "ODbL-1.0" and fiche.provenance.original_licence == "ODbL-1.0"
    # A re-import keeps it; a record without licence falls back to the source's default, never CC BY-SA.
    fiche = imported(source, admin, title="Boîte à livres du port")
    assert fiche.licence == "ODbL-1.0"
    source.default_licence = ""
    source.save()
    assert pipeline.upsert_record(source, {"original_id": "2", "title": "X", "places": [{"commune": "Brest"}]},
                                  user=admin).action == "skipped"


def test_fiche_page_labels_the_licence_and_shows_provenance(client, source, territories, admin):
    fiche = imported(source, admin)
    page = client.get(fiche.get_absolute_url()).content.decode()
    assert "Contenu sous licence ODbL 1.0, importé de « Tiers-lieux du Finistère » : il n&#x27;est pas republié " \
           "sous CC BY-SA." in page or "il n'est pas republié sous CC BY-SA" in page
    assert "Provenance" in page and "https://source.example.org/osm-1" in page
    assert "Contributeurs OpenStreetMap" in page
    assert "contact@osm.example.org" not in page  # no email address, ever
    assert "lecture seule" in page


def test_regular_fiche_has_no_label_nor_provenance(client, territories):
    fiche = InnovationFactory(communes=["Brest"])
    page = client.get(fiche.get_absolute_url()).content.decode()
    assert "pas republié sous CC BY-SA" not in page and "Fiche importée de" not in page


def test_read_only_import_cannot_be_edited_here(client, source, territories, admin):
    fiche = imported(source, admin)
    editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])
    for user in (admin, editor, UserFactory(roles=[Role.TRUSTED])):
        assert not can_edit_innovation(user, fiche)
    client.force_login(editor)
    assert client.get(reverse("editorial:edit", args=[fiche.pk, "identite"])).status_code == 403


def test_editable_import_and_plain_fiche(source, territories, admin):
    source.read_only = False
    source.save()
    fiche = imported(source, admin)
    assert not fiche.provenance.read_only
    assert can_edit_innovation(admin, Innovation.objects.get(pk=fiche.pk))
    # No provenance row: the reverse OneToOne's DoesNotExist is handled.
    plain = InnovationFactory(communes=["Brest"])
    assert not Provenance.objects.filter(innovation=plain).exists()
    assert can_edit_innovation(admin, Innovation.objects.get(pk=plain.pk))


def test_provenance_read_only_toggle_per_fiche(source, territories, admin):
    fiche = imported(source, admin)
    Provenance.objects.filter(innovation=fiche).update(read_only=False)
    assert can_edit_innovation(admin, Innovation.objects.get(pk=fiche.pk))
