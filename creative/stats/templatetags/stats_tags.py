"""{% load stats_tags %} {% most_read "article" period="month" territory=territory limit=5 as rows %}

`rows` is a list of (object, views), most read first (see creative/stats/queries.most_read); an
unknown kind or period gives an empty list rather than an error page.
"""

from django import template

from creative.stats import queries

register = template.Library()


@register.simple_tag
def most_read(kind, period="week", territory=None, theme=None, limit=5, include_demo=True):
    try:
        return queries.most_read(
            kind, period=period, territory=territory, theme=theme, limit=limit, include_demo=include_demo,
        )
    except (ValueError, TypeError):
        return []
