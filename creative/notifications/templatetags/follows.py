"""The follow button.

    {% load follows %}
    {% follow_button innovation %}             « Suivre » / « Ne plus suivre » (a plain POST form)
    {% follow_button territory count=True %}   … with the number of followers

Takes a fiche, a territory, a theme, a person (an account or its Profile) or an organisation.
Nothing is shown for a target that cannot be followed (a draft fiche, a private profile, one's own
person) unless the person already follows it (they may always stop). Visitors see « Suivre »: the
form sends them to the login page, then back to the page.
"""

from django import template

from creative.notifications import services

register = template.Library()


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_button(context, obj, count=False):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    target = services.target_of(obj) if obj is not None else None
    if target is None:
        return {"shown": False}
    kind, pk = target
    following = bool(user is not None and user.is_authenticated and services.is_following(user, kind, pk))
    own = kind == services.Target.PERSON and user is not None and user.is_authenticated and user.pk == pk
    if not following and (own or services.followable(kind, pk) is None):
        return {"shown": False}
    target_obj = obj.user if kind == services.Target.PERSON and hasattr(obj, "user_id") else obj
    return {
        "shown": True,
        "kind": kind,
        "pk": pk,
        "following": following,
        "name": services.name_of(kind, target_obj),
        "count": services.follower_count(kind, pk) if count else None,
        "next": request.get_full_path() if request is not None else "",
    }
