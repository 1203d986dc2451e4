"""Finding a commune from what a person types: the JSON endpoint and resolve_commune."""

import pytest
from django.urls import reverse

from creative.territories.lookup import commune_index, fold, resolve_commune, search_communes
from creative.territories.models import Territory

pytestmark = pytest.mark.django_db
URL = reverse("territories:communes")


def names(text, **kwargs):
    return [entry.name for entry in search_communes(text, **kwargs)]


def get(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200, q
    return response.json()


@pytest.fixture
def homonyms(territories):
    """Two Saint-Servais, as in the real file: one in the Finistère, one in the Côtes-d'Armor."""
    departements = {t.code: t for t in Territory.objects.filter(level=Territory.Level.DEPARTEMENT)}
    for code, postal, dep in (("29264", "29400", "29"), ("22322", "22160", "22")):
        Territory.objects.create(
            level=Territory.Level.COMMUNE, code=code, name="Saint-Servais", slug=f"saint-servais-{dep}",
            postal_codes=postal, parent=departements[dep], latitude=48.5, longitude=-4.0,
        )
    return territories


def test_fold_ignores_case_accents_hyphens_and_apostrophes():
    assert fold("PLOUGASTEL-DAOULAS") == fold("plougastel daoulas") == "plougastel daoulas"
    assert fold("L'Hôpital-Camfrout") == "l hopital camfrout"
    assert fold("St-Renan") == fold("Saint Renan") == "saint renan"
    assert fold(" --' ") == ""


def test_endpoint_answers_codes_names_labels_and_coordinates(client, territories):
    data = get(client, "plougastel daoulas")
    assert data["query"] == "plougastel daoulas"
    [first, *_] = data["results"]
    assert first == {
        "code": "29189",
        "name": "Plougastel-Daoulas",
        "label": "Plougastel-Daoulas (29470)",
        "lat": territories["plougastel-daoulas"].latitude,
        "lng": territories["plougastel-daoulas"].longitude,
    }
    assert isinstance(first["lat"], float) and isinstance(first["lng"], float)
    assert [r["name"] for r in get(client, "lesneven")["results"]] == ["Lesneven"]
    assert [r["name"] for r in get(client, "LESNÉVEN")["results"]] == ["Lesneven"]
    assert [r["name"] for r in get(client, "Plougastel  Daoulas")["results"]] == ["Plougastel-Daoulas"]


def test_endpoint_is_cacheable_for_a_short_while(client, territories):
    response = client.get(URL, {"q": "brest"})
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" in cache_control and "max-age=300" in cache_control
    assert response["Content-Type"] == "application/json"


def test_only_communes_are_offered(client, territories):
    # "Brest Métropole" (an EPCI) and the "Pays de Brest" match the text but are not communes.
    assert [r["name"] for r in get(client, "brest")["results"]] == ["Brest"]


def test_exact_then_prefix_then_word_prefix_then_contains(territories):
    assert names("daoulas") == ["Daoulas", "Logonna-Daoulas", "Plougastel-Daoulas"]
    assert names("ren") == ["Rennes", "Saint-Renan", "Le Drennec"]
    # Within a tier, alphabetical with accents ignored ("Brélès" before "Brest").
    assert names("bre") == ["Brélès", "Brest", "Loc-Brévalaire"]


def test_home_territory_communes_come_before_the_others_of_their_tier(territories):
    found = names("saint")
    # Saint-Brieuc starts with "saint" but lies outside the pays de Brest: after the eleven
    # Saint-… of the pays, before Kersaint-Plabennec which only contains the text.
    assert found[-2:] == ["Saint-Brieuc", "Kersaint-Plabennec"]
    assert len(found) == 13 and all(name.startswith("Saint-") for name in found[:11])


def test_at_most_fifteen_results(client, territories):
    assert len(names("plo", limit=None)) > 15
    assert len(get(client, "plo")["results"]) == 15


@pytest.mark.parametrize("q", ["", "b", " b ", "-", "'-'"])
def test_less_than_two_letters_give_nothing(client, territories, q):
    assert get(client, q)["results"] == []


@pytest.mark.parametrize(
    "q", ["%", "_", "' OR 1=1 --", "\x00", "é" * 5000, "🗺️ brest", "(29200)", "Brest (", "\\", "[a-z]*", "٣٤٥"]
)
def test_any_text_is_answered_without_error(client, territories, q):
    assert isinstance(get(client, q)["results"], list)


def test_only_get_is_allowed(client, territories):
    assert client.post(URL, {"q": "brest"}).status_code == 405


def test_works_before_any_territory_is_loaded(client, db):
    assert get(client, "brest")["results"] == []
    assert resolve_commune("Brest") == (None, "Commune introuvable : « Brest ». Vérifiez l'orthographe, ou indiquez "
                                              "son code postal.")


def test_the_index_is_built_once_then_read_from_the_cache(client, territories, django_assert_num_queries):
    with django_assert_num_queries(1):
        get(client, "brest")
    with django_assert_num_queries(0):
        get(client, "landerneau")


def test_label_falls_back_to_the_departement_without_postal_code(client, territories):
    Territory.objects.filter(code="29124", level=Territory.Level.COMMUNE).update(postal_codes="")
    [lesneven] = get(client, "lesneven")["results"]
    assert lesneven["label"] == "Lesneven (29)"
    assert resolve_commune("Lesneven (29)")[0].code == "29124"


# --- resolve_commune: the form path without JavaScript ---------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Lesneven", "29124"),
        ("lesneven", "29124"),
        ("  PLOUGASTEL daoulas ", "29189"),
        ("Plougastel-Daoulas (29470)", "29189"),
        ("plougastel daoulas (29470)", "29189"),
        ("St-Renan", "29260"),
        ("29189", "29189"),  # INSEE code
        ("29200", "29019"),  # Brest's postal code
        ("Rennes (35700)", "35238"),  # any of a commune's postal codes
        ("Rennes (35238)", "35238"),  # or its INSEE code
        ("Brest (29000)", "29019"),  # a wrong qualifier on a unique name: the name decides
        ("plougastel", "29189"),  # only one commune starts with it
        ("Quimper", "29232"),  # outside the home territory
    ],
)
def test_resolve_finds_the_one_commune(territories, text, code):
    commune, message = resolve_commune(text)
    assert message is None and isinstance(commune, Territory)
    assert commune.code == code and commune.level == Territory.Level.COMMUNE


def test_every_label_and_code_offered_resolves_back_to_its_commune(territories):
    for entry in commune_index():
        assert resolve_commune(entry.label)[0].pk == entry.pk, entry.label
        assert resolve_commune(entry.code)[0].pk == entry.pk, entry.code


def test_homonyms_are_ambiguous_until_the_postal_code_says_which(homonyms):
    commune, message = resolve_commune("saint servais")
    assert commune is None
    assert message == (
        "Plusieurs communes correspondent à « saint servais » : Saint-Servais (22160), Saint-Servais (29400). "
        "Précisez laquelle avec son code postal, par exemple « Saint-Servais (22160) »."
    )
    assert resolve_commune("Saint-Servais (22160)")[0].code == "22322"
    assert resolve_commune("Saint-Servais (22)")[0].code == "22322"  # or the département
    assert resolve_commune("saint-servais (29400)")[0].code == "29264"
    assert [r.code for r in search_communes("saint servais")] == ["22322", "29264"]


def test_ambiguous_text_lists_five_candidates_and_counts_the_others(territories):
    commune, message = resolve_commune("29460")  # a postal code shared by seven communes
    assert commune is None
    assert message.startswith(
        "Plusieurs communes correspondent à « 29460 » : Daoulas (29460), Dirinon (29460), Hanvec (29460), "
        "Hôpital-Camfrout (29460), Irvillac (29460) et 2 autres."
    )
    commune, message = resolve_commune("plou")
    assert commune is None and message.count("(29") == 6  # five candidates and the example
    assert "Plouarzel (29810)" in message and "et 13 autres" in message


def test_resolve_says_when_nothing_matches(territories):
    assert resolve_commune("Atlantide") == (
        None, "Commune introuvable : « Atlantide ». Vérifiez l'orthographe, ou indiquez son code postal."
    )
    assert resolve_commune("99999")[1].startswith("Commune introuvable")
    assert resolve_commune("") == (None, "Indiquez le nom d'une commune.")
    assert resolve_commune("  - ")[0] is None
    assert resolve_commune(None)[0] is None


def test_a_commune_deleted_after_the_index_was_cached_is_not_returned(territories):
    resolve_commune("Cast")  # builds and caches the index
    Territory.objects.filter(level=Territory.Level.COMMUNE, name="Cast").delete()
    commune, message = resolve_commune("Cast")
    assert commune is None and message.startswith("Commune introuvable")
