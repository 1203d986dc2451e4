"""Where the magazine shows up elsewhere: fiche and territory pages list the articles that mention
them (public ones only, bounded), comments are open on public articles, and the weekly letter
picks up the week's articles."""

import datetime

import pytest

from creative.comments import targets
from creative.letters import composition
from creative.letters.models import IssueItem
from creative.magazine.integrations import register_integrations
from creative.magazine.letter_source import articles_of_week
from creative.magazine.models import Article
from tests.factories import InnovationFactory

from .test_public import NOW, author, commune, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _integrations():
    register_integrations()


def test_a_fiche_page_lists_the_articles_citing_it(client, territories):
    fiche = InnovationFactory(title="Le repair café", communes=["Brest"])
    other = InnovationFactory(title="Autre fiche")
    make_article("Il parle du repair café", fiches=[fiche], authors=[author("Anne Autrice")])
    make_article("Brouillon qui en parle", fiches=[fiche], state=Article.State.DRAFT)
    make_article("Programmé qui en parle", fiches=[fiche], published_at=NOW + datetime.timedelta(days=1))
    make_article("Sur autre chose", fiches=[other])
    html = client.get(fiche.get_absolute_url()).content.decode()
    assert "Dans le magazine" in html and "Il parle du repair café" in html
    assert "Brouillon qui en parle" not in html and "Programmé qui en parle" not in html
    assert "Sur autre chose" not in html
    assert "Dans le magazine" not in client.get(InnovationFactory(title="Seule").get_absolute_url()).content.decode()


def test_the_fiche_block_is_bounded(client, territories, django_assert_max_num_queries):
    from creative.magazine.templatetags.magazine import ON_FICHE, articles_about

    fiche = InnovationFactory(title="Très citée")
    people = [author(f"Personne {n}") for n in range(3)]
    for n in range(ON_FICHE + 3):
        make_article(f"Article {n}", days_ago=n + 1, fiches=[fiche], authors=people)
    with django_assert_max_num_queries(3):
        context = articles_about(fiche)
    assert [a.title for a in context["articles"]] == [f"Article {n}" for n in range(ON_FICHE)]


def test_a_territory_page_lists_articles_at_every_level(client, territories):
    make_article("À Brest", communes=["Brest"], days_ago=2)
    make_article("À Crozon", communes=["Crozon"], days_ago=1)
    make_article("Masqué à Brest", communes=["Brest"], state=Article.State.SUBMITTED)
    brest = commune("Brest")
    html = client.get(brest.get_absolute_url()).content.decode()
    assert "Dans le magazine" in html and "À Brest" in html and "À Crozon" not in html
    assert "Masqué à Brest" not in html
    pays = brest.parent.parent
    html = client.get(pays.get_absolute_url()).content.decode()
    assert html.index("À Crozon") < html.index("À Brest")  # newest first
    assert "Dans le magazine" not in client.get(commune("Plouguerneau").get_absolute_url()).content.decode()


def test_public_articles_take_comments(client, db):
    article = make_article("Un article", authors=[author("Anne Autrice")])
    draft = make_article("Un brouillon", state=Article.State.DRAFT)
    assert targets.public_object("magazine.article", article.pk) == article
    assert targets.public_object("magazine.article", draft.pk) is None
    kind = targets.for_object(article)
    assert [u.profile.display_name for u in kind.authors(article)] == ["Anne Autrice"]


def test_the_letter_picks_up_the_week_articles(territories):
    end = NOW
    make_article("Cette semaine", published_at=end - datetime.timedelta(days=2), communes=["Brest"],
                 themes=["numerique"], authors=[author("Anne Autrice")], category_slug="portrait")
    make_article("La semaine dernière", published_at=end - datetime.timedelta(days=9))
    make_article("Programmé après", published_at=end + datetime.timedelta(hours=1))
    make_article("Brouillon", state=Article.State.DRAFT)
    drafts = articles_of_week(end - composition.PERIOD, end)
    assert [d.title for d in drafts] == ["Cette semaine"]
    item = drafts[0]
    article = Article.objects.get(title="Cette semaine")
    assert item.kind == IssueItem.Kind.ARTICLE and item.url == article.get_absolute_url()
    assert item.source_key == f"magazine.article:{article.pk}"
    brest = commune("Brest")
    assert {brest.pk, brest.parent.pk, brest.parent.parent.pk} <= item.territory_ids
    assert len(item.theme_ids) == 1 and "Anne Autrice" in item.when and item.summary
    # Through the composer: the registered source, at its place.
    issue = composition.compose_issue(period_end=end)
    assert [i.title for i in issue.items.filter(kind=IssueItem.Kind.ARTICLE)] == ["Cette semaine"]
