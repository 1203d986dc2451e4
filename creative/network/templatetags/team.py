"""`{% fiche_team innovation %}`: the team of a published fiche ("L'équipe"), on its page."""

from django import template

from creative.network import team as services

register = template.Library()


@register.inclusion_tag("network/team/_fiche_team.html", takes_context=True)
def fiche_team(context, innovation):
    """Carriers and partners with their role; nothing when the fiche is not published or has no team."""
    if innovation is None or not innovation.is_published:
        return {"show": False}
    carriers, partners = services.public_team(innovation)
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "show": bool(carriers or partners),
        "innovation": innovation,
        "carriers": carriers,
        "partners": partners,
        "may_manage": user is not None and services.may_manage_team(user, innovation),
    }
