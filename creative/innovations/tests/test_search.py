"""French full-text search; the same tests run on SQLite (FTS5) and PostgreSQL."""

import pytest

from creative.innovations.filters import InnovationFilters
from creative.innovations.models import Innovation
from creative.innovations.search import Query, stem
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


def search(text, queryset=None):
    query = Query(text)
    queryset = queryset if queryset is not None else Innovation.objects.published()
    return [Innovation.objects.get(pk=pk).title for pk in query.ranked_ids(queryset, 0, 50)]


@pytest.fixture
def corpus(territories):
    return {
        "ess": InnovationFactory(
            title="Épicerie coopérative", pitch="Économie sociale et solidaire au cœur du bourg.",
            communes=["Lesneven"], themes=["economie-sociale-solidaire"],
        ),
        "jardin": InnovationFactory(
            title="Le jardin partagé de Bellevue", pitch="Des habitants cultivent ensemble.",
            communes=["Brest"], themes=["developpement-durable"],
        ),
        "velo": InnovationFactory(
            title="Atelier de réparation", pitch="On répare les vélos ensemble le samedi.",
            communes=["Landerneau"], themes=["mobilite"],
        ),
        "body": InnovationFactory(
            title="Cartes participatives", pitch="Les habitants dessinent leur village.",
            description="Tout a commencé dans un jardin, autour d'un café.", communes=["Plouarzel"],
        ),
        "draft": InnovationFactory(
            title="Jardin secret", pitch="Brouillon.", state=Innovation.State.DRAFT, communes=["Brest"],
        ),
    }


def test_accents_and_case_are_ignored(corpus):
    assert search("economie solidaire") == ["Épicerie coopérative"]
    assert search("ÉCONOMIE") == ["Épicerie coopérative"]


def test_french_stemming_matches_plural_and_agreement(corpus):
    assert "Le jardin partagé de Bellevue" in search("jardins partagés")
    assert search("vélo") == ["Atelier de réparation"]
    assert search("reparer") == ["Atelier de réparation"]


def test_title_ranks_above_body(corpus):
    assert search("jardin") == ["Le jardin partagé de Bellevue", "Cartes participatives"]


def test_drafts_are_never_found(corpus):
    assert "Jardin secret" not in search("jardin secret")


def test_themes_and_places_are_searchable(corpus):
    assert search("mobilité") == ["Atelier de réparation"]
    assert search("Plouarzel") == ["Cartes participatives"]


def test_section_answers_are_searchable(territories):
    InnovationFactory(title="Fablab", communes=["Brest"], answers={"origine": "Né d'une imprimante 3D prêtée."})
    assert search("imprimantes") == ["Fablab"]


def test_index_follows_every_save(corpus):
    fiche = corpus["velo"]
    fiche.title = "Atelier vélo et trottinettes"
    fiche.save()
    assert search("trottinette") == ["Atelier vélo et trottinettes"]
    fiche.places.all().delete()
    assert search("Landerneau") == []
    fiche.delete()
    assert search("trottinette") == []


def test_search_combines_with_facets(corpus):
    filters = InnovationFilters(_params(q="jardin", theme="developpement-durable"))
    found = list(filters.apply(Innovation.objects.published()))
    assert [f.title for f in found] == ["Le jardin partagé de Bellevue"]


def test_query_without_words_matches_nothing_special(corpus):
    assert not Query("  ... !!! ")
    assert not Query("le la les de")


def test_hostile_query_syntax_is_harmless(corpus):
    for text in ['"', "jardin OR", "NEAR(", "jardin*", "-jardin", "col:jardin", "' OR 1=1 --", "((("]:
        search(text)  # must not raise


def test_highlight_marks_matching_words_and_escapes_html():
    query = Query("jardins")
    html = query.highlight("Un <b>jardin</b> partagé, des Jardins.")
    assert html == "Un &lt;b&gt;<mark>jardin</mark>&lt;/b&gt; partagé, des <mark>Jardins</mark>."


def test_highlight_window_keeps_context_around_first_hit():
    words = " ".join(f"mot{i}" for i in range(100)) + " jardin " + " ".join(f"fin{i}" for i in range(100))
    html = Query("jardin").highlight(words, window=12)
    assert "<mark>jardin</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")


def test_search_results_page_shows_snippets(client, corpus):
    response = client.get("/innovations/", {"q": "jardin"})
    content = response.content.decode()
    assert "<mark>jardin</mark>" in content
    assert "2 innovations" in content


def test_stems_merge_singular_and_plural():
    assert stem("vélos") == stem("vélo")
    assert stem("Économie") == stem("economie")


def _params(**values):
    from django.http import QueryDict

    qd = QueryDict(mutable=True)
    for key, value in values.items():
        qd[key] = value
    return qd


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_no_index_row_without_its_fiche():
    """The SQLite FTS table is not a model: a flush (the test runner's, or `manage.py flush`) empties the
    documents, and post_migrate drops the index rows left behind, so word counts never see gone fiches."""
    from django.core.management import call_command
    from django.db import connection

    from creative.innovations.search import FTS_TABLE, is_postgresql

    InnovationFactory(title="Habitat partagé des habitants", state=Innovation.State.PUBLISHED)
    call_command("flush", interactive=False, verbosity=0)
    if is_postgresql():
        return  # the vector is a column of the documents table: flushed with it
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")  # noqa: S608 (a constant)
        assert cursor.fetchone()[0] == 0
