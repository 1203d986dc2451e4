"""`{% fiche_lineage innovation %}`: the « Essaimage » block of a fiche — where it was reproduced or
inspired others (a list and a diffusion map), what it comes from, and the button to declare a link;
`innovation|reuse_counts`: the number of reproductions and inspirations, for its card.

    {% load reuse %}
    {% fiche_lineage innovation %}
"""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from creative.accounts.permissions import can_contribute, can_review, has_author_rights
from creative.reuse import services

register = template.Library()


def _tree(fiche, links):
    """The links below `fiche` as nested nodes: [{"link": …, "children": [...]}]."""
    children = {}
    for _depth, link in links:
        children.setdefault(link.original_id, []).append(link)

    def nodes(parent_id):
        return [{"link": link, "children": nodes(link.derived_id)} for link in children.pop(parent_id, [])]

    return nodes(fiche.pk)


@register.inclusion_tag("reuse/_fiche_lineage.html", takes_context=True)
def fiche_lineage(context, innovation):
    if not innovation.is_published:
        return {"show": False}
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    links = services.descendance(innovation)
    chains = services.ancestry(innovation)
    team = user.is_authenticated and can_contribute(user) and has_author_rights(user, innovation)
    may_decide = team or (user.is_authenticated and can_contribute(user) and can_review(user, innovation))
    data = services.map_data(innovation, links)
    has_points = bool(data["original"]["places"]) or any(d["places"] for d in data["descendants"])
    direct = [link for depth, link in links if depth == 1]
    return {
        "show": True,
        "innovation": innovation,
        "tree": _tree(innovation, links),
        "direct": direct,
        "counts": services.reuse_counts_of(direct),
        "chains": chains,
        "may_decide": may_decide,
        "may_withdraw": team,
        "declare_url": reverse("reuse:declare", args=[innovation.slug]),
        "map_data": data if links and has_points else None,
        "csp_nonce": context.get("csp_nonce"),
    }


@register.filter
def reuse_counts(innovation):
    """{"reproductions": n, "inspirations": m} for a fiche's card."""
    return services.reuse_counts(innovation)
