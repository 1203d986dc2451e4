# PLACEHOLDER (integration in progress): replaced by the real inclusion tag.
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def fiche_matches(context, innovation):
    return ""
