"""`{% fiche_matches innovation %}`: "Innovations proches" and "Qui peut vous aider" at the bottom of a fiche."""

from django import template

from creative.matchmaking import services

register = template.Library()


@register.inclusion_tag("matchmaking/_fiche_matches.html")
def fiche_matches(innovation, limit=6):
    """Only for published fiches; renders nothing when nothing is close."""
    if innovation is None or not innovation.is_published:
        return {"similar": [], "helpers": []}
    return {
        "similar": services.similar_innovations(innovation, limit=limit),
        "helpers": services.helpers_for(innovation, limit=limit),
    }
