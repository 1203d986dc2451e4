"""The open calls page: the home territory by default, filters, stemmed search, order, pages, bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.calls.models import CallForHelp
from creative.innovations.models import Innovation
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db
Kind = CallForHelp.Kind
URL = "/appels/"


@pytest.fixture
def calls(territories):
    today = timezone.localdate()
    brest = InnovationFactory(title="Repair café", communes=["Brest"], themes=["numerique"])
    plouarzel = InnovationFactory(title="Jardin partagé", communes=["Plouarzel"], themes=["developpement-durable"])
    quimper = InnovationFactory(title="Vélo-école", communes=["Quimper"], themes=["mobilite"])
    draft = InnovationFactory(title="Brouillon", communes=["Brest"], state=Innovation.State.DRAFT)
    made = {}
    for key, fiche, kind, title, description, ends in [
        ("benevoles", brest, Kind.VOLUNTEERS, "Des bénévoles pour l'accueil", "Le samedi matin.", None),
        ("local", brest, Kind.PREMISES, "Un local pour stocker les vélos", "Vingt mètres carrés.",
         today + timedelta(days=40)),
        ("outils", plouarzel, Kind.MATERIALS, "Des outils de jardin", "Bêches, râteaux.", today + timedelta(days=5)),
        ("quimper", quimper, Kind.VOLUNTEERS, "Bénévole mécanicien", "Réparer des vélos.", None),
        ("brouillon", draft, Kind.FUNDING, "Financement", "", None),
    ]:
        made[key] = CallForHelp.objects.create(innovation=fiche, kind=kind, title=title, description=description,
                                               ends_on=ends)
    return made


def titles(response):
    assert response.status_code == 200
    return [c.title for c in response.context["page"].object_list]


def test_the_page_lists_the_open_calls_of_the_home_territory(client, calls):
    response = client.get(URL)
    assert reverse("calls:list") == URL
    assert sorted(titles(response)) == ["Des bénévoles pour l'accueil", "Des outils de jardin",
                                        "Un local pour stocker les vélos"]
    content = response.content.decode()
    # Each call with its fiche: a link to it and its commune.
    assert f'href="{calls["outils"].innovation.get_absolute_url()}"' in content and "Plouarzel" in content


def test_calls_everywhere_and_per_territory(client, calls):
    assert "Bénévole mécanicien" in titles(client.get(URL, {"territoire": "partout"}))
    assert "Financement" not in titles(client.get(URL, {"territoire": "partout"}))
    assert titles(client.get(URL, {"territoire": "quimper"})) == ["Bénévole mécanicien"]
    assert sorted(titles(client.get(URL, {"territoire": "brest-metropole"}))) == [
        "Des bénévoles pour l'accueil", "Un local pour stocker les vélos"]


def test_filter_by_theme_and_kind(client, calls):
    assert titles(client.get(URL, {"theme": "developpement-durable"})) == ["Des outils de jardin"]
    assert titles(client.get(URL, {"besoin": "premises"})) == ["Un local pour stocker les vélos"]
    assert sorted(titles(client.get(URL, {"besoin": ["premises", "materials"]}))) == [
        "Des outils de jardin", "Un local pour stocker les vélos"]
    assert titles(client.get(URL, {"besoin": "volunteers", "theme": "numerique"})) == [
        "Des bénévoles pour l'accueil"]


def test_search_is_stemmed_accent_blind_and_matches_every_word(client, calls):
    assert titles(client.get(URL, {"q": "bénévole"})) == ["Des bénévoles pour l'accueil"]
    assert sorted(titles(client.get(URL, {"q": "BENEVOLES", "territoire": "partout"}))) == [
        "Bénévole mécanicien", "Des bénévoles pour l'accueil"]
    assert titles(client.get(URL, {"q": "vélo"})) == ["Un local pour stocker les vélos"]
    # Every word must match: "vélo" and "jardin" are never in the same call.
    assert titles(client.get(URL, {"q": "vélo jardin"})) == []
    assert titles(client.get(URL, {"q": "local vélos"})) == ["Un local pour stocker les vélos"]
    # The kind's label is searchable too; the description as well.
    assert titles(client.get(URL, {"q": "matériel"})) == ["Des outils de jardin"]
    assert titles(client.get(URL, {"q": "samedi"})) == ["Des bénévoles pour l'accueil"]


def test_search_matches_whole_words_only(client, calls, territories):
    fiche = InnovationFactory(communes=["Brest"])
    CallForHelp.objects.create(innovation=fiche, kind=Kind.SKILLS, title="Animer le vélodrome")
    assert "Animer le vélodrome" not in titles(client.get(URL, {"q": "vélo"}))
    assert titles(client.get(URL, {"q": "vélodrome"})) == ["Animer le vélodrome"]


def test_order_newest_or_ending_soonest(client, calls):
    now = timezone.now()
    for age, key in enumerate(["outils", "local", "benevoles"]):
        CallForHelp.objects.filter(pk=calls[key].pk).update(created_at=now - timedelta(days=age))
    assert titles(client.get(URL)) == ["Des outils de jardin", "Un local pour stocker les vélos",
                                       "Des bénévoles pour l'accueil"]
    assert titles(client.get(URL, {"tri": "echeance"})) == [
        "Des outils de jardin", "Un local pour stocker les vélos", "Des bénévoles pour l'accueil"]
    CallForHelp.objects.filter(pk=calls["outils"].pk).update(created_at=now - timedelta(days=9))
    assert titles(client.get(URL))[0] == "Un local pour stocker les vélos"
    assert titles(client.get(URL, {"tri": "echeance"}))[0] == "Des outils de jardin"


def test_pages_of_twenty(client, territories):
    fiche = InnovationFactory(communes=["Brest"])
    CallForHelp.objects.bulk_create(
        CallForHelp(innovation=fiche, kind=Kind.SKILLS, title=f"Appel {n}", search_text=f"appel {n}")
        for n in range(25)
    )
    first = client.get(URL)
    assert len(titles(first)) == 20 and first.context["page"].paginator.count == 25
    assert len(titles(client.get(URL, {"page": 2}))) == 5


def test_bad_input_is_reported_never_fatal(client, calls):
    response = client.get(URL, {"territoire": "atlantide", "theme": "licornes", "besoin": "dragons", "tri": "hasard",
                                "page": "zz", "q": "x" * 5000})
    assert response.status_code == 200
    content = response.content.decode()
    for word in ("atlantide", "licornes", "dragons", "hasard"):
        assert word in content
    response = client.get(URL, {"q": "'); DROP TABLE --  % _ \\", "page": "-1"})
    assert response.status_code == 200 and titles(response) == []


def test_the_filters_form_keeps_what_was_chosen(client, calls):
    content = client.get(URL, {"territoire": "brest", "besoin": "premises", "tri": "echeance", "q": "local"}).content
    content = content.decode()
    assert '<option value="brest" selected>' in content
    assert 'id="besoin-premises" name="besoin" value="premises" checked' in content
    assert '<option value="echeance" selected>' in content and 'value="local"' in content
