"""Word and field differences between two snapshots of a fiche (editorial.diff)."""

import itertools

import pytest

from creative.editorial import revisions
from creative.editorial.diff import DELETE, EQUAL, INSERT, diff_snapshots, list_diff, readable, tokens, word_diff
from creative.innovations.models import Section


def old_text(ops):
    return "".join(text for op, text in ops if op != INSERT)


def new_text(ops):
    return "".join(text for op, text in ops if op != DELETE)


# word_diff ---------------------------------------------------------------------------------------

def test_tokens_keep_every_character():
    text = "L'été à Brest : **très** beau, non ?\n\n- un\n- deux"
    assert "".join(tokens(text)) == text
    assert "été" in tokens(text) and "Brest" in tokens(text)


def test_unchanged_text_is_one_equal_part():
    assert word_diff("Un jardin partagé.", "Un jardin partagé.") == [(EQUAL, "Un jardin partagé.")]
    assert word_diff("", "") == []


def test_empty_to_text_is_one_insertion_and_back():
    assert word_diff("", "Bonjour **monde**") == [(INSERT, "Bonjour **monde**")]
    assert word_diff("Bonjour", "") == [(DELETE, "Bonjour")]


def test_changed_words_are_marked_not_the_whole_text():
    ops = word_diff("Les enfants rencontrent les aînés chaque mardi.",
                    "Les enfants rencontrent les aînés chaque jeudi.")
    assert ops == [
        (EQUAL, "Les enfants rencontrent les aînés chaque "), (DELETE, "mardi"), (INSERT, "jeudi"), (EQUAL, "."),
    ]


def test_accented_words_are_whole_tokens():
    ops = word_diff("Un élève à l'école", "Une élève à l'école")
    assert ops == [(DELETE, "Un"), (INSERT, "Une"), (EQUAL, " élève à l'école")]
    ops = word_diff("Intergénération", "Intergénérations")
    assert ops == [(DELETE, "Intergénération"), (INSERT, "Intergénérations")]


def test_markdown_marks_and_punctuation_diff_on_their_own():
    ops = word_diff("Du gras ici.", "Du **gras** ici !")
    assert (INSERT, "**") in ops and (EQUAL, "gras") in ops
    assert old_text(ops) == "Du gras ici." and new_text(ops) == "Du **gras** ici !"
    ops = word_diff("- un\n- deux", "- un\n- deux\n- trois")
    assert ops == [(EQUAL, "- un\n- deux"), (INSERT, "\n- trois")]


def test_neighbouring_changed_words_read_as_one_change():
    assert word_diff("le chat noir dort", "la chienne blanche dort") == [
        (DELETE, "le chat noir"), (INSERT, "la chienne blanche"), (EQUAL, " dort"),
    ]


def test_insertions_alone_keep_spaces_unchanged():
    ops = word_diff("a b c", "a X b Y c")
    assert DELETE not in {op for op, _ in ops}
    assert new_text(ops) == "a X b Y c" and old_text(ops) == "a b c"


def test_reordered_words_give_back_both_texts():
    ops = word_diff("un deux trois", "trois deux un")
    assert old_text(ops) == "un deux trois" and new_text(ops) == "trois deux un"
    assert (EQUAL, " deux ") in ops


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("", "x"),
        ("Texte avec  deux espaces\net une ligne", "Texte avec deux espaces\n\net deux lignes"),
        ("« Guillemets » et apostrophe’s", "“Guillemets” et apostrophe's"),
        ("1 234,56 €", "1 235,00 €"),
    ],
)
def test_any_diff_rebuilds_both_texts(a, b):
    ops = word_diff(a, b)
    assert old_text(ops) == a and new_text(ops) == b
    assert all(op in (EQUAL, INSERT, DELETE) and text for op, text in ops)
    assert all(x[0] != y[0] for x, y in itertools.pairwise(ops))  # neighbours merged


# list_diff ------------------------------------------------------------------------------------------

def test_lists_are_compared_item_by_item():
    assert list_diff(["a", "b"], ["a", "b"]) == [(EQUAL, "a"), (EQUAL, "b")]
    assert list_diff(["a", "b"], ["a", "c"]) == [(EQUAL, "a"), (DELETE, "b"), (INSERT, "c")]
    assert list_diff([], ["a"]) == [(INSERT, "a")]
    reordered = list_diff(["a", "b"], ["b", "a"])
    # One item stays, the other is shown removed from its old place and added at its new one.
    assert len([op for op, _ in reordered if op == EQUAL]) == 1
    assert sorted(op for op, _ in reordered) == [DELETE, EQUAL, INSERT]


# diff_snapshots ---------------------------------------------------------------------------------

def snap(**changes):
    data = revisions.empty_snapshot()
    data.update(changes)
    return data


@pytest.mark.django_db
def test_identical_snapshots_have_no_change():
    data = snap(title="Fablab", sections={"origine": "Né en 2009."}, themes=["numerique"])
    assert diff_snapshots(data, dict(data)) == []


@pytest.mark.django_db
def test_changes_come_in_display_order_with_french_labels():
    old = snap(title="Fablab", pitch="Un atelier.", themes=["numerique"],
               sections={"origine": "Né en 2009.", "conseils": "Commencez petit."})
    new = snap(title="Fablab des Capucins", pitch="Un atelier.", status="terminee", start_year=2009,
               themes=["numerique", "solidarites"],
               sections={"origine": "Né en 2010.", "conseils": "Commencez petit."},
               links=[{"label": "Site", "url": "https://example.org"}])
    changes = diff_snapshots(old, new)
    assert [c.key for c in changes] == ["title", "status", "start_year", "sections.origine", "themes", "links"]
    labels = {c.key: c.label for c in changes}
    assert labels["title"] == "Titre" and labels["status"] == "Avancement"
    assert labels["start_year"] == "Année de démarrage"
    assert labels["sections.origine"] == Section.objects.get(slug="origine").title == "Comment est-ce né ?"
    assert labels["themes"] == "Thèmes" and labels["links"] == "Liens"
    by_key = {c.key: c for c in changes}
    assert by_key["title"].kind == "text"
    assert by_key["title"].diff == [(EQUAL, "Fablab"), (INSERT, " des Capucins")]
    assert by_key["status"].kind == "value"
    assert (by_key["status"].old, by_key["status"].new) == ("en cours", "terminée")
    assert (by_key["start_year"].old, by_key["start_year"].new) == ("", "2009")
    assert by_key["themes"].diff == [(EQUAL, "Numérique"), (INSERT, "Solidarités")]
    assert by_key["links"].diff == [(INSERT, "Site — https://example.org")]
    assert by_key["sections.origine"].is_markdown and not by_key["title"].is_markdown


@pytest.mark.django_db
def test_empty_section_and_missing_section_are_the_same():
    assert diff_snapshots(snap(sections={"origine": ""}), snap(sections={})) == []
    [change] = diff_snapshots(snap(sections={}), snap(sections={"moyens": "Deux salariées."}))
    assert change.key == "sections.moyens" and change.diff == [(INSERT, "Deux salariées.")]


@pytest.mark.django_db
def test_themes_are_a_set_but_links_keep_their_order():
    assert diff_snapshots(snap(themes=["numerique", "insertion"]), snap(themes=["insertion", "numerique"])) == []
    a, b = {"label": "A", "url": "https://a.org"}, {"label": "B", "url": "https://b.org"}
    [change] = diff_snapshots(snap(links=[a, b]), snap(links=[b, a]))
    assert change.key == "links" and change.kind == "list"
    assert {op for op, _ in change.diff} == {EQUAL, INSERT, DELETE}


@pytest.mark.django_db
def test_places_show_commune_address_and_point():
    brest = {"commune": "29019", "commune_name": "Brest", "address": "", "latitude": None, "longitude": None}
    precise = {**brest, "address": "1 rue de Siam", "latitude": 48.39, "longitude": -4.49}
    [change] = diff_snapshots(snap(places=[brest]), snap(places=[precise]))
    assert change.diff == [(DELETE, "Brest"), (INSERT, "Brest — 1 rue de Siam (point 48.39000, -4.49000)")]


@pytest.mark.django_db
def test_restricting_to_keys_and_unknown_values_do_not_break():
    old = snap(title="A", pitch="B", carrier_kind="association", sections={"ancienne-section": "texte"})
    new = snap(title="A2", pitch="B2", carrier_kind="inconnu", licence="CC0-1.0", themes=["disparu"])
    assert [c.key for c in diff_snapshots(old, new, keys={"pitch"})] == ["pitch"]
    by_key = {c.key: c for c in diff_snapshots(old, new)}
    assert (by_key["carrier_kind"].old, by_key["carrier_kind"].new) == ("Association", "inconnu")
    assert by_key["licence"].new == "CC0 1.0"
    assert by_key["sections.ancienne-section"].label == "ancienne-section"
    assert by_key["themes"].diff == [(INSERT, "disparu")]


@pytest.mark.django_db
def test_readable_lays_a_snapshot_out_like_the_fiche():
    data = snap(title="Fablab", pitch="Un atelier.", carrier_name="Les Petits Débrouillards", start_year=2012,
                themes=["numerique"], sections={"conseils": "Commencez *petit*."},
                links=[{"label": "Site", "url": "https://example.org"}])
    content = readable(data)
    assert content.title == "Fablab"
    facts = {part.key: part.value for part in content.facts}
    assert facts["carrier_name"] == "Les Petits Débrouillards" and facts["start_year"] == "2012"
    assert facts["themes"] == ["Numérique"] and "website" not in facts
    sections = {part.key: part.value for part in content.sections}
    assert sections["sections.conseils"] == "Commencez *petit*." and sections["sections.origine"] == ""
    assert content.sections[0].key == "sections.origine"  # in the order of the sections
    assert content.links == ["Site — https://example.org"]
