"""Matchmaking on a fixed corpus: the relevant fiche, ambassador and call come first, with their reasons."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creative.calls.models import CallForHelp
from creative.innovations.models import Innovation, Theme
from creative.innovations.search import terms
from creative.innovations.services import bump_content_version
from creative.matchmaking import services
from creative.matchmaking.services import ExtraItem, infer_themes, match_project, similar_innovations
from tests.factories import InnovationFactory, commune

from .conftest import make_ambassador

pytestmark = pytest.mark.django_db


def keys_of(matches, corpus):
    by_pk = {fiche.pk: key for key, fiche in corpus.items()}
    return [by_pk.get(m.pk, m.pk) for m in matches]


def names_of(helpers):
    return [h.ambassador.user.profile.display_name for h in helpers]


# --- "J'ai un projet": fiches ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "commune_name", "expected"),
    [
        ("Nous voulons créer un jardin partagé entre voisins à Plouzané", "Plouzané", "jardin"),
        ("Réparer plutôt que jeter : organiser un repair café avec des bricoleurs bénévoles", "Landerneau", "repair"),
        ("Ouvrir une épicerie solidaire pour une alimentation de qualité à petit prix", "Saint-Renan", "epicerie"),
        ("Un lieu avec des imprimantes 3D et une découpe laser pour fabriquer des objets", None, "fablab"),
        ("Faire dessiner par les habitants une carte des chemins et du patrimoine", "Plouzané", "carto"),
        ("Loger des étudiants chez des personnes âgées isolées, en échange de services", "Brest", "habitat"),
        ("Un journal local écrit par ses lecteurs, en coopérative", "Brest", "media"),
        ("Apprendre aux habitants à réparer leur vélo soi-même", "Brest", "velo"),
    ],
)
def test_the_relevant_fiche_comes_first(corpus, text, commune_name, expected):
    results = match_project(text, commune(commune_name) if commune_name else None)
    assert keys_of(results.fiches, corpus)[0] == expected
    assert "draft" not in keys_of(results.fiches, corpus)


def test_jardin_idea_explains_words_and_distance(corpus, ambassadors):
    results = match_project("Nous voulons créer un jardin partagé entre voisins à Plouzané", commune("Plouzané"))
    first = results.fiches[0]
    assert first.innovation == corpus["jardin"]
    assert set(first.words) == {"jardin", "partagé", "voisins"}
    assert "Mots en commun : jardin, partagé, voisins" in first.reasons
    assert "à 8 km" in first.reasons
    # The commune's name was not searched as a word: it is the distance's business.
    assert "Plouzané" not in results.words
    # An unpublished fiche with the very same words is never suggested.
    assert corpus["draft"].pk not in [m.pk for m in results.fiches]


def test_shared_themes_are_explained(corpus):
    results = match_project("Ouvrir une épicerie solidaire pour une alimentation de qualité à petit prix",
                            commune("Saint-Renan"))
    first = results.fiches[0]
    assert first.innovation == corpus["epicerie"]
    assert set(results.themes) == {"Alimentation", "Solidarités"}
    assert set(first.themes) == {"Alimentation", "Solidarités"}
    assert any(r.startswith("Thèmes en commun : ") and "Alimentation" in r for r in first.reasons)
    assert any(r.startswith("Mots en commun : ") and "épicerie" in r for r in first.reasons)
    assert "à moins d'un kilomètre" in first.reasons
    # Fiches sharing only a theme are suggested too, after it, with that theme as their reason.
    cantine = next(m for m in results.fiches if m.pk == corpus["cantine"].pk)
    assert cantine.themes == ["Alimentation"]


def test_without_a_commune_there_is_no_distance(corpus):
    results = match_project("Nous voulons créer un jardin partagé entre voisins", None)
    assert results.fiches[0].innovation == corpus["jardin"]
    assert all(m.distance_km is None for m in results.fiches)
    assert not any("km" in reason for m in results.fiches for reason in m.reasons)


def test_nearer_comes_before_farther_for_equal_relevance(corpus):
    twins = {
        name: InnovationFactory(
            title=f"Ressourcerie de {name}", pitch="Une ressourcerie collecte et revend des objets de seconde main.",
            description="Tri, réemploi, revente.", communes=[name], themes=["developpement-durable"],
        )
        for name in ("Gouesnou", "Lesneven")
    }
    idea = "Créer une ressourcerie pour le réemploi des objets de seconde main"
    near_brest = match_project(idea, commune("Brest")).fiches
    assert [m.innovation for m in near_brest[:2]] == [twins["Gouesnou"], twins["Lesneven"]]
    assert near_brest[0].distance_km < near_brest[1].distance_km
    near_lesneven = match_project(idea, commune("Lesneven")).fiches
    assert [m.innovation for m in near_lesneven[:2]] == [twins["Lesneven"], twins["Gouesnou"]]


def test_an_idea_matching_nothing_gives_nothing(corpus, ambassadors):
    results = match_project("Zorglub quantique interstellaire pour hyperboloïdes", commune("Brest"))
    assert results.is_empty
    assert results.fiches == results.helpers == results.calls == results.extras == []


# --- "J'ai un projet": ambassadors -------------------------------------------------------------

def test_the_ambassador_of_the_matching_fiche_is_suggested_with_reasons(corpus, ambassadors):
    results = match_project("Nous voulons créer un jardin partagé entre voisins à Plouzané", commune("Plouzané"))
    helper = results.helpers[0]
    assert helper.ambassador == ambassadors["gaelle"]
    assert helper.reasons[0] == "Partage son expérience de « Le jardin partagé de Kerinou »"
    assert "Mots en commun : jardin, partagé, voisins" in helper.reasons
    assert "à 8 km" in helper.reasons  # Plouzané – Brest, her commune
    assert "se déplace jusqu'à 20 km : vous êtes dans son rayon" in helper.reasons


def test_inactive_and_private_ambassadors_are_never_suggested(corpus, ambassadors):
    repair = match_project("Réparer plutôt que jeter : un repair café avec des bricoleurs", commune("Landerneau"))
    assert names_of(repair.helpers)[0] == "Yann Réparateur"
    assert "Paul Indisponible" not in names_of(repair.helpers)
    epicerie = match_project("Une épicerie solidaire à petit prix pour les familles", commune("Saint-Renan"))
    assert names_of(epicerie.helpers)[0] == "Nolwenn Épicière"
    assert "Anne Discrète" not in names_of(epicerie.helpers)


def test_ambassadors_of_unpublished_fiches_are_never_suggested(corpus, ambassadors):
    make_ambassador(corpus["draft"], "Brouillon Ambassadeur", commune_name="Plouzané", travel_km=50)
    results = match_project("Nous voulons créer un jardin partagé entre voisins", commune("Plouzané"))
    assert "Brouillon Ambassadeur" not in names_of(results.helpers)


def test_ambassadors_are_nearest_first(corpus, ambassadors):
    # Both the jardin and the repair café match "outils partagés … réparer": from Landerneau, Yann
    # (Landerneau) comes before Gaëlle (Brest); from Plouzané, the other way round.
    idea = "Des outils partagés pour réparer et jardiner entre voisins, un repair café au jardin partagé"
    from_landerneau = names_of(match_project(idea, commune("Landerneau")).helpers)
    from_plouzane = names_of(match_project(idea, commune("Plouzané")).helpers)
    assert from_landerneau.index("Yann Réparateur") < from_landerneau.index("Gaëlle Jardinière")
    assert from_plouzane.index("Gaëlle Jardinière") < from_plouzane.index("Yann Réparateur")
    distances = [h.distance_km for h in match_project(idea, commune("Plouzané")).helpers]
    assert distances == sorted(distances)


def test_an_ambassador_without_commune_is_placed_at_their_fiche(corpus, ambassadors):
    results = match_project("Apprendre aux habitants à réparer leur vélo soi-même", commune("Guipavas"))
    soazig = next(h for h in results.helpers if h.ambassador == ambassadors["soazig"])
    assert soazig.distance_km < 1  # her fiche is in Guipavas
    assert "se déplace jusqu'à 10 km : vous êtes dans son rayon" in soazig.reasons


def test_ambassadors_near_the_commune_on_the_idea_themes(corpus, ambassadors):
    # "alimentation" names a theme: the ambassadors of fiches on it nearby are suggested, even
    # through a fiche that shares no word with the idea.
    cantine_ambassador = make_ambassador(corpus["cantine"], "Erwan Cuisinier", commune_name="Plougastel-Daoulas")
    results = match_project("Tout sur l'alimentation des tout-petits", commune("Brest"))
    assert "Alimentation" in results.themes
    erwan = next(h for h in results.helpers if h.ambassador == cantine_ambassador)
    assert "Thèmes en commun : Alimentation" in erwan.reasons
    assert "ne se déplace pas" in erwan.reasons
    assert "Loïc Composteur" not in names_of(results.helpers)  # Quimper, no alimentation theme


def test_travel_radius_is_told(corpus, ambassadors):
    results = match_project("Un repair café pour réparer au lieu de jeter", commune("Brest"))
    yann = next(h for h in results.helpers if h.ambassador == ambassadors["yann"])
    assert yann.within_reach is True
    results = match_project("Un repair café pour réparer au lieu de jeter", commune("Quimper"))
    yann = next(h for h in results.helpers if h.ambassador == ambassadors["yann"])
    assert yann.within_reach is False
    assert "se déplace jusqu'à 30 km : vous êtes au-delà de son rayon" in yann.reasons


# --- "J'ai un projet": open calls for help -----------------------------------------------------

def test_open_calls_nearby_on_the_idea(corpus):
    call = CallForHelp.objects.create(
        innovation=corpus["epicerie"], kind=CallForHelp.Kind.VOLUNTEERS, title="Des bénévoles pour la distribution",
    )
    CallForHelp.objects.create(
        innovation=corpus["epicerie"], kind=CallForHelp.Kind.PREMISES, title="Un local", status="closed",
    )
    far = CallForHelp.objects.create(
        innovation=corpus["compost"], kind=CallForHelp.Kind.MATERIALS, title="Des bacs à compost",
    )
    results = match_project("Une épicerie solidaire avec des bénévoles, pour une alimentation à petit prix",
                            commune("Plouzané"))
    assert [m.call for m in results.calls] == [call]
    reasons = results.calls[0].reasons
    assert reasons[0] == "Sur une innovation proche de votre idée"
    assert any("bénévoles" in r for r in reasons if r.startswith("Mots en commun"))
    assert any(r.startswith("Thèmes en commun") for r in reasons)
    assert "à 6 km" in reasons
    # Far away (Quimper, 56 km), a call on the idea's theme is left out; without a commune it is not.
    compost = match_project("Des bacs à compost pour le développement durable", commune("Plouzané"))
    assert far not in [m.call for m in compost.calls]
    compost = match_project("Des bacs à compost pour le développement durable", None)
    assert far in [m.call for m in compost.calls]


# --- Providers (open workshops…) ---------------------------------------------------------------

@pytest.fixture
def provider():
    seen = []

    def workshops(request):
        seen.append(request)
        return [ExtraItem(title="Atelier semis", url="/ateliers/semis/", reasons=["à 3 km"])]

    services.register_provider("test-workshops", workshops, title="Ateliers ouverts")
    yield seen
    services.unregister_provider("test-workshops")


def test_no_provider_no_extra_section(corpus):
    assert "test-workshops" not in services.registered_providers()
    assert match_project("Nous voulons créer un jardin partagé entre voisins", None).extras == []


def test_a_registered_provider_adds_a_section(corpus, provider):
    results = match_project("Nous voulons créer un jardin partagé entre voisins", commune("Plouzané"))
    [section] = results.extras
    assert (section.title, [i.title for i in section.items]) == ("Ateliers ouverts", ["Atelier semis"])
    [request] = provider
    assert request.commune == commune("Plouzané")
    assert set(request.words) == {"jardin", "partagé", "voisins"}


def test_a_failing_provider_is_skipped(corpus, provider):
    def broken(request):
        raise RuntimeError("down")

    services.register_provider("test-broken", broken, title="Cassé")
    try:
        results = match_project("Nous voulons créer un jardin partagé entre voisins", None)
    finally:
        services.unregister_provider("test-broken")
    assert [s.title for s in results.extras] == ["Ateliers ouverts"]


# --- Themes read in an idea -------------------------------------------------------------------

def test_themes_are_read_from_names_and_descriptions(territories):
    def inferred(text):
        return set(infer_themes(terms(text)).values())

    assert inferred("une épicerie solidaire") == {"Solidarités"}  # not "Solidarité internationale"
    assert inferred("une coopérative de l'économie solidaire") == {"Solidarités", "Économie sociale et solidaire"}
    assert inferred("bien manger : alimentation locale") == {"Alimentation"}
    assert inferred("un jardin entre voisins") == set()
    assert inferred("avec les habitants") == set()  # one word of three says too little
    assert inferred("la participation des habitants") == {"Citoyenneté et participation des habitants"}
    mobility = Theme.objects.get(slug="mobilite")
    mobility.description = "Vélo, covoiturage, transports à la demande."
    mobility.save()
    bump_content_version()  # theme words are cached per content version, as any fiche save bumps it
    assert inferred("du covoiturage et des vélos") == {"Mobilité"}
    assert inferred("des vélos") == set()  # one word of a description is not enough


# --- Innovations proches ------------------------------------------------------------------------

def test_similar_innovations_put_same_theme_and_words_first(corpus):
    similar = similar_innovations(corpus["jardin"])
    keys = keys_of(similar, corpus)
    assert keys[0] == "velo"  # Développement durable, "outils partagés", 8 km
    assert {"velo", "compost", "epicerie"} <= set(keys)
    first = similar[0]
    assert "Thèmes en commun : Développement durable" in first.reasons
    assert any(r.startswith("Mots en commun : ") and "partagé" in r for r in first.reasons)
    assert "à 8 km" in first.reasons
    assert keys_of(similar_innovations(corpus["repair"]), corpus)[0] == "velo"
    assert keys_of(similar_innovations(corpus["fablab"]), corpus)[0] == "permanence"  # Numérique


def test_similar_innovations_exclude_itself_and_unpublished(corpus):
    archived = InnovationFactory(
        title="Jardin partagé des Capucins", pitch="Des voisins cultivent ensemble un jardin partagé.",
        communes=["Brest"], themes=["developpement-durable", "alimentation"], state=Innovation.State.ARCHIVED,
    )
    keys = keys_of(similar_innovations(corpus["jardin"]), corpus)
    assert "jardin" not in keys
    assert "draft" not in keys
    assert archived.pk not in keys


def test_similar_innovations_follow_changes(corpus):
    before = similar_innovations(corpus["habitat"])
    twin = InnovationFactory(
        title="Colocation intergénérationnelle", pitch="Des étudiants et des personnes âgées partagent un logement.",
        communes=["Brest"], themes=["intergeneration", "solidarites"],
    )
    after = similar_innovations(corpus["habitat"])
    assert twin not in [m.innovation for m in before]
    assert after[0].innovation == twin
    assert "Thèmes en commun : Solidarités, Intergénération" in after[0].reasons  # in the themes' order
    twin.state = Innovation.State.ARCHIVED
    twin.save()
    assert twin not in [m.innovation for m in similar_innovations(corpus["habitat"])]


def test_similar_innovations_are_cached(corpus):
    with CaptureQueriesContext(connection) as first:
        similar_innovations(corpus["jardin"])
    with CaptureQueriesContext(connection) as again:
        similar = similar_innovations(corpus["jardin"])
    assert similar
    searched = [q for q in first if "search" in q["sql"]]
    assert searched  # computed from the index the first time…
    assert not [q for q in again if "search" in q["sql"]]  # …and only the fiches are read again
    assert len(again) <= 4  # fiches, their themes, places and communes


def test_helpers_of_a_fiche_are_those_of_similar_fiches_nearest_first(corpus, ambassadors):
    helpers = services.helpers_for(corpus["jardin"])
    assert names_of(helpers) == ["Soazig Mécano", "Nolwenn Épicière", "Loïc Composteur"]
    distances = [h.distance_km for h in helpers]
    assert distances == sorted(distances)
    assert "Gaëlle Jardinière" not in names_of(helpers)  # the fiche's own ambassador: shown elsewhere
    assert helpers[0].reasons[0] == "Partage son expérience de « Atelier vélo participatif »"
    assert "se déplace jusqu'à 10 km : vous êtes dans son rayon" in helpers[0].reasons


def test_cost_does_not_grow_with_the_corpus(corpus, ambassadors):
    def count_queries():
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            match_project("Nous voulons créer un jardin partagé entre voisins", commune("Plouzané"))
            similar_innovations(corpus["jardin"])
            services.helpers_for(corpus["jardin"])
        return len(queries)

    before = count_queries()
    for i in range(10):
        fiche = InnovationFactory(
            title=f"Jardin partagé numéro {i}", pitch="Un jardin partagé entre voisins.",
            communes=["Brest"], themes=["developpement-durable", "alimentation"],
        )
        make_ambassador(fiche, f"Jardinier {i}", commune_name="Brest", travel_km=5)
    assert count_queries() == before


def test_matching_writes_nothing(corpus, ambassadors):
    with CaptureQueriesContext(connection) as queries:
        match_project("Nous voulons créer un jardin partagé entre voisins", commune("Plouzané"))
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
