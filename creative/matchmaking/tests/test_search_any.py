"""The any-word search mode used by matchmaking; the same tests run on SQLite (FTS5) and PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/creative_match_x .venv/bin/pytest <this file>
"""

import datetime

import pytest
from django.utils import timezone

from creative.calls.models import CallForHelp
from creative.innovations import search
from creative.innovations.models import Innovation
from creative.innovations.search import AnyWordQuery, Query
from creative.innovations.services import refresh_innovation
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


def titles(query, queryset=None):
    queryset = queryset if queryset is not None else Innovation.objects.published()
    return [Innovation.objects.get(pk=pk).title for pk in query.ranked_ids(queryset, 0, 50)]


@pytest.fixture
def small(territories):
    common = "Les habitants du quartier se retrouvent chaque semaine."
    return {
        "jardin": InnovationFactory(
            title="Jardin partagé", pitch="Des voisins cultivent ensemble.", description=common, communes=["Brest"]
        ),
        "lavoir": InnovationFactory(
            title="Restauration du lavoir", pitch="Un chantier de bénévoles.", description=common,
            communes=["Plouarzel"],
        ),
        "velo": InnovationFactory(
            title="Atelier vélo", pitch="Réparer son vélo avec des voisins.", description=common,
            communes=["Guipavas"],
        ),
        "ecole": InnovationFactory(
            title="Potager de l'école", pitch="Les enfants jardinent.", description="Un jardin pédagogique.",
            communes=["Brest"],
        ),
        "draft": InnovationFactory(
            title="Jardin partagé des voisins du lavoir", pitch="Brouillon.", communes=["Brest"],
            state=Innovation.State.DRAFT,
        ),
    }


def test_any_word_matches_documents_with_only_some_of_the_words(small):
    found = titles(AnyWordQuery("lavoir vélo"))
    assert set(found) == {"Restauration du lavoir", "Atelier vélo"}
    # All words are required by the default mode: nothing has both.
    assert titles(Query("lavoir vélo")) == []


def test_documents_matching_more_words_come_first(small):
    found = titles(AnyWordQuery("Un jardin partagé entre voisins"))
    assert found[0] == "Jardin partagé"  # jardin, partagé, voisins
    assert set(found) == {"Jardin partagé", "Atelier vélo", "Potager de l'école"}


def test_rarer_words_weigh_more_than_common_ones(small):
    # "habitants" is in three documents, "lavoir" in one: the lavoir fiche comes first, though
    # both words appear in its body or title once.
    found = titles(AnyWordQuery("habitants lavoir"))
    assert found[0] == "Restauration du lavoir"
    assert set(found) == {"Restauration du lavoir", "Jardin partagé", "Atelier vélo"}


def test_title_ranks_above_body(small):
    assert titles(AnyWordQuery("jardin")) == ["Jardin partagé", "Potager de l'école"]


def test_unpublished_fiches_are_left_to_the_queryset(small):
    assert "Jardin partagé des voisins du lavoir" not in titles(AnyWordQuery("jardin partagé voisins lavoir"))


def test_stop_words_and_idea_words_are_not_searched(small):
    query = AnyWordQuery("Nous voulons créer un projet, une idée pour les")
    assert not query
    assert titles(query) == []
    assert AnyWordQuery("").stems == []


def test_words_absent_from_the_index_are_dropped(small):
    query = AnyWordQuery("jardin zorglubesque")
    assert query.words == ["jardin"]
    assert not AnyWordQuery("zorglubesque introuvablement")


def test_number_of_terms_is_capped_keeping_informative_ones(small):
    # "habitants" is in three documents, the others in one or two: with room for three words, the
    # rarer ones are kept; the words found nowhere take no room.
    filler = " ".join(f"motinconnu{i}" for i in range(100))
    query = AnyWordQuery(f"{filler} habitants lavoir vélo jardin", max_terms=3)
    assert set(query.words) == {"lavoir", "vélo", "jardin"}
    assert "Restauration du lavoir" in titles(query)
    long_text = " ".join(f"{w}{i}" for i in range(3000) for w in ("mot",)) + " jardin lavoir"
    assert len(AnyWordQuery(long_text).stems) <= AnyWordQuery.MAX_TERMS


def test_a_long_text_keeps_at_most_max_terms(small):
    words = "jardin partagé voisins lavoir bénévoles chantier vélo atelier réparer enfants potager école habitants"
    query = AnyWordQuery(words, max_terms=5)
    assert len(query.stems) == 5
    assert "habitants" not in query.words  # the most common word goes first


def test_repeated_and_weighted_parts_raise_a_word(small):
    query = AnyWordQuery(("vélo", 3), "lavoir")
    assert query.weights[search.stem("vélo")] > query.weights[search.stem("lavoir")]
    assert query.words[0] == "vélo"


def test_plural_and_accents_match(small):
    assert set(titles(AnyWordQuery("LAVOIRS velos"))) == {"Atelier vélo", "Restauration du lavoir"}


def test_ignored_stems_are_left_out(small):
    query = AnyWordQuery("jardin à Plouarzel", ignore={search.stem("Plouarzel")})
    assert query.words == ["jardin"]
    assert titles(AnyWordQuery("Plouarzel")) == ["Restauration du lavoir"]  # places are indexed


def test_display_words_are_lower_cased_at_sentence_start(small):
    query = AnyWordQuery("Jardin et vélo. Lavoir")
    assert set(query.words) == {"jardin", "vélo", "lavoir"}


def test_filter_and_count(small):
    assert AnyWordQuery("lavoir vélo").filter(Innovation.objects.published()).count() == 2
    assert AnyWordQuery("zorglub").filter(Innovation.objects.published()).count() == 0


def test_hostile_syntax_is_harmless(small):
    for text in ['"', "jardin OR", "NEAR(", "jardin*", "-jardin", "col:jardin", "' OR 1=1 --", "(((", "AND OR NOT"]:
        titles(AnyWordQuery(text))  # must not raise


def test_document_frequencies_are_counted_per_stem(small):
    frequencies = search.document_frequencies(
        [(search.stem("habitants"), "habitants"), (search.stem("lavoir"), "lavoir")], cap=100
    )
    # The draft is indexed too (the index holds every fiche; querysets pick the visible ones).
    assert frequencies == {search.stem("habitants"): 3, search.stem("lavoir"): 2}
    capped = search.document_frequencies([(search.stem("habitants"), "habitants")], cap=2)
    assert capped == {search.stem("habitants"): 2}


# --- Open calls for help are searchable through their fiche -------------------------------------

def test_open_calls_are_indexed_with_their_fiche(small):
    fiche = small["lavoir"]
    assert titles(Query("bénévoles peintres")) == []
    CallForHelp.objects.create(innovation=fiche, kind=CallForHelp.Kind.SKILLS, title="Deux peintres en bâtiment")
    CallForHelp.objects.create(innovation=small["ecole"], kind=CallForHelp.Kind.VOLUNTEERS, title="Arroser l'été")
    refresh_innovation(fiche)
    refresh_innovation(small["ecole"])
    assert "Deux peintres en bâtiment" in search.document_for(fiche)["keywords"]
    assert titles(Query("peintres")) == ["Restauration du lavoir"]
    assert titles(Query("compétences")) == ["Restauration du lavoir"]  # the kind, as displayed
    # In the lavoir's pitch, in the potager's keywords (its call's kind): pitch ranks higher.
    assert titles(Query("bénévoles")) == ["Restauration du lavoir", "Potager de l'école"]
    assert "Potager de l'école" in titles(AnyWordQuery("des bénévoles pour arroser"))


def test_closed_fulfilled_and_past_calls_are_not_indexed(small):
    fiche = small["jardin"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    CallForHelp.objects.create(innovation=fiche, kind="premises", title="Un cabanon", status=CallForHelp.Status.CLOSED)
    CallForHelp.objects.create(innovation=fiche, kind="materials", title="Une brouette", status="fulfilled")
    CallForHelp.objects.create(innovation=fiche, kind="funding", title="Une serre", ends_on=yesterday)
    refresh_innovation(fiche)
    keywords = search.document_for(fiche)["keywords"]
    assert not {"cabanon", "brouette", "serre"} & set(keywords.split())
    assert titles(AnyWordQuery("cabanon brouette serre")) == []


def test_calls_of_an_unpublished_fiche_are_not_indexed(small):
    draft = small["draft"]
    CallForHelp.objects.create(innovation=draft, kind="volunteers", title="Des jardiniers")
    assert "jardiniers" not in search.document_for(draft)["keywords"]


def test_document_without_calls_is_unchanged(small):
    doc = search.document_for(small["velo"])
    assert doc["keywords"] == doc["keywords"].strip()
    assert doc["keywords"].endswith("Association des amis Association")


# --- Bounds: common words, postings budget, ranking window --------------------------------------

def test_common_words_only_fill_the_search(small, monkeypatch):
    # With a cap of 3 documents, "habitants" and "jardin" (3 documents each) are common.
    monkeypatch.setattr(AnyWordQuery, "FREQUENCY_CAP", 3)
    query = AnyWordQuery("habitants lavoir vélo jardin")
    assert set(query.words) == {"habitants", "lavoir", "vélo", "jardin"}  # all scored…
    assert set(query.weights) == {search.stem(w) for w in ("habitants", "lavoir", "vélo", "jardin")}
    # …but only the rare ones searched, plus one common word to reach MIN_TERMS (3).
    assert len(query.stems) == 3
    assert {search.stem("vélo"), search.stem("lavoir")} < set(query.stems)
    monkeypatch.setattr(AnyWordQuery, "MIN_TERMS", 1)
    query = AnyWordQuery("habitants lavoir vélo jardin")
    assert set(query.stems) == {search.stem("vélo"), search.stem("lavoir")}
    assert set(titles(query)) == {"Atelier vélo", "Restauration du lavoir"}


def test_rare_words_stay_within_the_postings_budget(small, monkeypatch):
    monkeypatch.setattr(AnyWordQuery, "POSTINGS_BUDGET", 2)
    monkeypatch.setattr(AnyWordQuery, "MIN_TERMS", 1)
    # vélo (1 document) then lavoir (2: over budget) — the most informative first.
    query = AnyWordQuery("lavoir vélo")
    assert query.stems == [search.stem("vélo")]
    assert titles(query) == ["Atelier vélo"]


def test_ranking_reads_only_the_most_recent_matches(small, monkeypatch):
    monkeypatch.setattr(AnyWordQuery, "WINDOW", 2)
    # "habitants" matches jardin, lavoir and vélo: only the two most recent are ranked.
    assert set(titles(AnyWordQuery("habitants"))) == {"Restauration du lavoir", "Atelier vélo"}
    monkeypatch.setattr(AnyWordQuery, "WINDOW", 1)
    assert titles(AnyWordQuery("habitants")) == ["Atelier vélo"]
