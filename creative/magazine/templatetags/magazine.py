"""Magazine template helpers: the articles that mention a fiche or a territory.

    {% load magazine %}
    {% articles_about innovation %}   « Dans le magazine » on a fiche page
    {% articles_in territory %}       « Dans le magazine » on a territory page

Bounded (three queries, a few articles), public articles only; nothing when none.
"""

from django import template

from creative.magazine import queries

register = template.Library()

ON_FICHE = 5
ON_TERRITORY = 6


@register.inclusion_tag("magazine/_fiche_articles.html")
def articles_about(innovation):
    articles = []
    if innovation.pk and getattr(innovation, "is_published", False):
        articles = queries.articles_mentioning(innovation, ON_FICHE)
    return {"innovation": innovation, "articles": articles}


@register.inclusion_tag("magazine/_territory_articles.html")
def articles_in(territory):
    articles = queries.articles_in_territory(territory, ON_TERRITORY) if territory.pk else []
    return {"territory": territory, "articles": articles, "more": len(articles) >= ON_TERRITORY}
