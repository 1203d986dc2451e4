import pytest
from django.db import IntegrityError

from creative.innovations.models import Answer, Innovation, Place, Section, SlugRedirect
from tests.factories import InnovationFactory, commune

pytestmark = pytest.mark.django_db


def test_slug_comes_from_title_and_is_unique(territories):
    first = InnovationFactory(title="Café des Âges")
    second = InnovationFactory(title="Café des âges")
    assert first.slug == "cafe-des-ages"
    assert second.slug == "cafe-des-ages-2"


def test_renamed_fiche_keeps_answering_at_its_old_url(client, territories):
    fiche = InnovationFactory(title="Repair café", communes=["Brest"])
    fiche.slug = "repair-cafe-de-brest"
    fiche.save()
    response = client.get("/innovations/repair-cafe/")
    assert response.status_code == 301
    assert response["Location"] == "/innovations/repair-cafe-de-brest/"
    # Renaming twice: both old addresses lead to the current one.
    fiche.slug = "repair-cafe-bellevue"
    fiche.save()
    assert client.get("/innovations/repair-cafe/")["Location"] == "/innovations/repair-cafe-bellevue/"
    assert client.get("/innovations/repair-cafe-de-brest/")["Location"] == "/innovations/repair-cafe-bellevue/"
    # A new fiche cannot take an old address.
    assert InnovationFactory(title="Repair café").slug == "repair-cafe-2"
    # Going back to an old slug removes its redirect.
    fiche.slug = "repair-cafe"
    fiche.save()
    assert not SlugRedirect.objects.filter(old_slug="repair-cafe").exists()


def test_published_query_method(territories):
    InnovationFactory(title="Visible")
    for state in ("draft", "submitted", "changes", "rejected", "archived"):
        InnovationFactory(title=state, state=state)
    assert [i.title for i in Innovation.objects.published()] == ["Visible"]


def test_publishing_sets_the_date_once(territories):
    fiche = InnovationFactory(state=Innovation.State.DRAFT)
    assert fiche.published_at is None
    fiche.state = Innovation.State.PUBLISHED
    fiche.save()
    first = fiche.published_at
    fiche.save()
    assert first is not None and fiche.published_at == first


def test_place_without_point_uses_the_commune_point(territories):
    fiche = InnovationFactory()
    place = Place.objects.create(innovation=fiche, commune=commune("Plouarzel"))
    assert (place.map_lat, place.map_lng) == (place.commune.latitude, place.commune.longitude)
    precise = Place.objects.create(innovation=fiche, commune=commune("Brest"), latitude=48.39, longitude=-4.49)
    assert (precise.map_lat, precise.map_lng) == (48.39, -4.49)


def test_half_a_point_is_refused(territories):
    fiche = InnovationFactory()
    with pytest.raises(IntegrityError):
        Place.objects.create(innovation=fiche, commune=commune("Brest"), latitude=48.39)


def test_territories_follow_places_at_every_level(territories):
    fiche = InnovationFactory(communes=["Plouarzel"])
    assert set(fiche.territories.values_list("slug", flat=True)) == {
        "plouarzel", "cc-du-pays-diroise", "pays-de-brest", "finistere", "bretagne",
    }
    fiche.places.all().delete()
    assert not fiche.territories.exists()


def test_sections_are_data_an_instance_can_change(client, territories):
    """A new question needs no migration and shows on every fiche."""
    Section.objects.create(title="Et demain ?", slug="demain", position=99)
    fiche = InnovationFactory(communes=["Brest"])
    Answer.objects.create(innovation=fiche, section=Section.objects.get(slug="demain"), body="On continue.")
    content = client.get(fiche.get_absolute_url()).content.decode()
    assert "Et demain ?" in content and "On continue." in content
    assert content.index("Comment est-ce né ?") < content.index("Et demain ?")


def test_one_answer_per_section(territories):
    fiche = InnovationFactory(answers={"origine": "Une fois."})
    with pytest.raises(IntegrityError):
        Answer.objects.create(innovation=fiche, section=Section.objects.get(slug="origine"), body="Deux fois.")


def test_default_licence_is_cc_by_sa(territories):
    fiche = InnovationFactory()
    assert fiche.licence == "CC-BY-SA-4.0"
    assert "by-sa/4.0" in fiche.licence_url


def test_seeded_taxonomy():
    from creative.innovations.models import CarrierKind, Theme

    assert Theme.objects.filter(name="Économie sociale et solidaire").exists()
    assert Theme.objects.count() >= 12
    assert CarrierKind.objects.filter(slug="collectif-habitants").exists()
    assert list(Section.objects.values_list("slug", flat=True)) == [
        "origine", "fonctionnement", "moyens", "partenaires", "difficultes", "reproduire", "conseils",
    ]


def test_a_fiche_never_takes_a_reserved_slug(db):
    from creative.innovations.models import Innovation

    assert Innovation.unique_slug("Flux") == "flux-2"
