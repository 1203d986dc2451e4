"""`{% fiche_calls innovation %}`: the « Cette initiative a besoin de… » block of a fiche;
`innovation|call_needs`: the kinds of help a fiche asks for, for its card.

    {% load calls %}
    {% fiche_calls innovation %}
"""

from django import template
from django.contrib.auth.models import AnonymousUser

from creative.calls.models import CallForHelp
from creative.calls.services import may_manage_calls, open_call_kinds

register = template.Library()


@register.inclusion_tag("calls/_fiche_calls.html", takes_context=True)
def fiche_calls(context, innovation):
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    calls = list(CallForHelp.objects.open().filter(innovation=innovation)) if innovation.is_published else []
    may_manage = user.is_authenticated and may_manage_calls(user, innovation)
    return {
        "innovation": innovation,
        "calls": calls,
        "may_manage": may_manage,
        "show": bool(calls) or may_manage,
    }


@register.filter
def call_needs(innovation):
    """["bénévoles", "local"]: the kinds of the fiche's open calls, each once."""
    return open_call_kinds(innovation)
