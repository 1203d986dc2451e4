"""The fiche's ambassadors block: `{% load ambassadors %}{% fiche_ambassadors innovation %}`."""

from django import template

from creative.accounts.permissions import has_author_rights

from .. import ambassadors as services
from ..models import Ambassador

register = template.Library()


@register.inclusion_tag("network/ambassadors/_fiche_block.html", takes_context=True)
def fiche_ambassadors(context, innovation):
    """The people who offer their know-how about `innovation` (published fiches), and, for the
    people with author rights, the link to offer theirs. Renders nothing when there is neither."""
    request = context.get("request")
    user = getattr(request, "user", None)
    ambassadors = list(services.shown_on(innovation)) if innovation.is_published else []
    own, hidden = None, []
    may_declare = bool(user is not None and user.is_authenticated and has_author_rights(user, innovation))
    if may_declare:
        own = Ambassador.objects.filter(innovation=innovation, user=user).select_related("innovation").first()
        hidden = services.hidden_reasons(own) if own is not None else []
    return {
        "innovation": innovation,
        "ambassadors": ambassadors,
        "may_declare": may_declare,
        "own": own,
        "own_hidden": hidden,
        "user": user,
    }
