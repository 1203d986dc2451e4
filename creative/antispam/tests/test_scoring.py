"""Content scoring: the 2013 spam is held, what people of the pays de Brest write is not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from creative.accounts.roles import Role
from creative.antispam.scoring import Verdict, assess, author_state, remember
from tests.factories import UserFactory

from . import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    """An account created today: not trusted, its links weigh double."""
    return UserFactory()


@pytest.fixture
def regular(db):
    user = UserFactory()
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=90))
    user.refresh_from_db()
    return user


@pytest.fixture
def trusted(db):
    return UserFactory(roles=[Role.TRUSTED])


def test_the_2013_spam_is_held_as_a_comment_whoever_posts_it(newcomer, regular):
    for author in (None, newcomer, regular):
        verdict = assess(corpus.SEED_SPAM, author=author, kind="comment")
        assert verdict.held, verdict
        assert "vocabulary" in verdict.codes
    code, explanation, weight = assess(corpus.SEED_SPAM).reasons[0]
    assert code == "vocabulary" and "coffre-fort" in explanation and weight >= 5


def test_the_2013_spam_is_held_inside_a_fiche_among_honest_sections(newcomer):
    pieces = [corpus.ORDINARY_TEXTS[14], corpus.SEED_SPAM, corpus.ORDINARY_TEXTS[4]]
    assert assess(pieces, author=newcomer, kind="fiche").held


@pytest.mark.parametrize("index", range(len(corpus.ORDINARY_TEXTS)))
def test_ordinary_texts_pass_even_from_a_new_account(newcomer, index):
    verdict = assess(corpus.ORDINARY_TEXTS[index], author=newcomer, kind="comment")
    assert not verdict.held, verdict
    assert verdict.score < 5


def test_the_corpus_has_enough_texts_some_with_links():
    from creative.antispam.links import find_links

    assert len(corpus.ORDINARY_TEXTS) >= 15
    assert {len(find_links(text)) for text in corpus.ORDINARY_TEXTS} >= {0, 1, 2}


def test_all_ordinary_texts_as_one_fiche_pass_for_a_regular_account(regular):
    assert not assess(corpus.ORDINARY_TEXTS, author=regular, kind="fiche").held


def test_a_social_innovation_named_coffre_fort_numerique_is_not_vocabulary():
    assert "vocabulary" not in assess(corpus.ORDINARY_TEXTS[12]).codes


def test_vocabulary_ignores_case_accents_hyphens_and_plurals():
    verdict = assess("Nos COFFRES FORTS et nos Crédits Rapides")
    assert verdict.codes == ["vocabulary"]
    assert "coffre-fort" in verdict.reasons[0][1] and "crédit rapide" in verdict.reasons[0][1]


def test_a_spam_word_in_a_web_address_counts_too():
    assert "vocabulary" in assess("Voir https://casino-en-ligne.example/bonus").codes


def test_the_word_list_can_be_replaced(settings, tmp_path):
    words = tmp_path / "mots.txt"
    words.write_text("# local list\n3 tracteur*\n", encoding="utf-8")
    settings.ANTISPAM_WORDS_FILE = words
    verdict = assess("Vends tracteurs et tracteur-tondeuse")
    assert verdict.codes == ["vocabulary"] and verdict.score == 3 * 1.5
    assert "vocabulary" not in assess(corpus.SEED_SPAM).codes


# Language -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [corpus.GERMAN_SPAM, corpus.POLISH_SPAM, corpus.RUSSIAN_SPAM])
def test_text_in_another_language_is_flagged(text, newcomer):
    verdict = assess(text, author=newcomer)
    assert "language" in verdict.codes
    with_link = assess(f"{text} https://tresor.example", author=newcomer)
    assert with_link.held, with_link


@pytest.mark.parametrize("text", [corpus.BRETON_TEXT, corpus.ENGLISH_TEXT, *corpus.ORDINARY_TEXTS])
def test_french_breton_and_english_are_languages_of_the_site(text):
    assert "language" not in assess(text).codes


def test_short_texts_are_not_judged_on_language():
    assert "language" not in assess("Danke schön!").codes


# Repetition ---------------------------------------------------------------------------------------

def test_the_same_text_posted_again_is_noticed():
    text = corpus.ORDINARY_TEXTS[0]
    assert "repeated" not in assess(text).codes
    remember(text)
    assert "repeated" in assess(text).codes
    assert "repeated" in assess(text.upper().replace(",", " ;")).codes  # case and punctuation do not matter


def test_a_nearly_identical_text_is_noticed_a_different_one_is_not():
    remember(corpus.ORDINARY_TEXTS[14])
    varied = corpus.ORDINARY_TEXTS[14].replace("trois mères", "quatre mères").replace("2012", "2013")
    verdict = assess(varied)
    assert "repeated" in verdict.codes
    assert "presque identique" in {code: text for code, text, _weight in verdict.reasons}["repeated"]
    assert "repeated" not in assess(corpus.ORDINARY_TEXTS[4]).codes


def test_texts_of_the_same_scope_are_not_compared_together():
    remember(corpus.ORDINARY_TEXTS[14], scope="innovation:7")
    assert "repeated" not in assess(corpus.ORDINARY_TEXTS[14], scope="innovation:7").codes
    assert "repeated" in assess(corpus.ORDINARY_TEXTS[14], scope="innovation:8").codes


def test_short_texts_are_not_compared():
    remember("Merci beaucoup !")
    assert "repeated" not in assess("Merci beaucoup !").codes


def test_repetition_check_can_be_turned_off(settings):
    settings.ANTISPAM_REPEAT_HOURS = 0
    remember(corpus.ORDINARY_TEXTS[0])
    assert "repeated" not in assess(corpus.ORDINARY_TEXTS[0]).codes


def test_a_repeated_text_with_a_link_from_a_new_account_is_held(newcomer):
    text = corpus.ORDINARY_TEXTS[6]  # one link
    remember(text)
    assert assess(text, author=newcomer).held


# Shouting, links, the author ----------------------------------------------------------------------

def test_shouting_and_punctuation_runs_count():
    verdict = assess("OFFRE EXCEPTIONNELLE POUR TOUS LES HABITANTS DU QUARTIER !!! VENEZ VITE $$$")
    assert {"shouting", "punctuation"} <= set(verdict.codes)
    assert "shouting" not in assess(corpus.ORDINARY_TEXTS[11]).codes  # a few acronyms are not shouting


def test_links_weigh_more_for_new_accounts_and_less_for_trusted_ones(newcomer, regular, trusted):
    text = corpus.ORDINARY_TEXTS[13]  # two links
    scores = {state: assess(text, author=user).score
              for state, user in (("new", newcomer), ("regular", regular), ("trusted", trusted))}
    assert scores == {"new": 3.0, "regular": 1.5, "trusted": 0.75}
    assert assess(text, author=None).score == 3.0  # anonymous people count as new
    explanation = {c: e for c, e, _w in assess(text, author=newcomer).reasons}["links"]
    assert explanation.startswith("2 liens externes, ") and explanation.endswith(
        " pour 100 mots (1,5 point chacun, compte de moins de 7 jours : chaque lien compte double)")


def test_a_link_or_two_in_a_long_text_weigh_less_many_links_more(newcomer):
    long_text = " ".join(corpus.ORDINARY_TEXTS[:6])  # about 300 words, 3 links
    links = {c: w for c, _e, w in assess(long_text, author=newcomer).reasons}["links"]
    assert 0 < links < 3 * 1.5
    many = "Nos partenaires : " + ", ".join(f"https://partenaire{n}.example" for n in range(7))
    assert "many_links" in assess(many, author=newcomer).codes


def test_author_states(newcomer, regular, trusted):
    editor = UserFactory(roles=[Role.EDITOR])
    assert [author_state(u) for u in (None, newcomer, regular, trusted, editor)] == [
        "anonymous", "new", "established", "trusted", "trusted"]


def test_a_text_made_of_links_and_shorteners_is_held(newcomer):
    verdict = assess("Super https://bit.ly/abc et https://tinyurl.com/xyz et https://example.org", author=newcomer)
    assert {"links", "link_heavy", "link_shortener"} <= set(verdict.codes) and verdict.held


def test_markdown_links_count_once():
    assert assess("[https://a.example](https://a.example)").reasons[0][1].startswith("1 lien externe")


def test_the_verdict_lists_reasons_with_weights_and_follows_the_threshold(settings):
    verdict = assess(corpus.SEED_SPAM)
    assert isinstance(verdict, Verdict) and verdict.score == sum(w for _c, _e, w in verdict.reasons)
    assert all(isinstance(c, str) and isinstance(e, str) and isinstance(w, float) for c, e, w in verdict.reasons)
    settings.ANTISPAM_HOLD_SCORE = 50
    assert not assess(corpus.SEED_SPAM).held
    assert assess("") == Verdict(0.0, [], False)
