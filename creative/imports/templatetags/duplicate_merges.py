"""`{% merged_histories fiche %}`: on a fiche's history page, the fiches merged into it and the fiche it was
merged into, each with a link to its own history (both histories stay reachable)."""

from django import template

register = template.Library()


@register.inclusion_tag("imports/duplicates_merges.html", takes_context=True)
def merged_histories(context, fiche):
    from creative.accounts.permissions import can_view_history

    from ..models import Merge

    request = context.get("request")
    user = getattr(request, "user", None)

    def visible(other):
        return user is not None and can_view_history(user, other)

    received = [
        m for m in Merge.objects.filter(kept=fiche).select_related("merged").order_by("merged_at", "pk")
        if visible(m.merged)
    ]
    into = Merge.objects.filter(merged=fiche).select_related("kept").first()
    return {"received": received, "into": into if into is not None and visible(into.kept) else None}
