"""`{% comments_section obj %}`: the « Commentaires » section of any commentable page.

    {% load comments %}
    {% comments_section innovation %}

Renders nothing for an object that does not take comments (not registered in targets.py, or
not public: a draft fiche seen by its authors).
"""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _

from creative.comments import targets
from creative.comments.forms import CommentForm
from creative.comments.markup import render_comment_markdown
from creative.comments.thread import thread_for

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comments_section(context, target):
    kind = targets.for_object(target)
    if kind is None or not kind.is_public(target):
        return {"enabled": False}
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    thread = thread_for(target, user)
    from creative.comments.services import posting_refusal
    from creative.moderation.services import is_blocked

    refusal = posting_refusal(user)
    may_post = user.is_authenticated and refusal is None
    if may_post:
        for item in thread.comments:
            if item.can_reply:
                item.reply_form = CommentForm(target=target, auto_id=f"reponse-{item.pk}-%s",
                                              initial={"parent": item.pk})
                item.reply_form.fields["body"].label = _("Votre réponse")
    return {
        "enabled": True,
        "target": target,
        "thread": thread,
        "user": user,
        "refusal": refusal,
        "needs_verification": bool(refusal) and not is_blocked(user),
        "form": CommentForm(target=target, auto_id="commentaire-nouveau-%s") if may_post else None,
        "post_url": reverse("comments:post", args=[kind.label, target.pk]),
        "login_next": f"{target.get_absolute_url()}#commentaires",
    }


@register.filter
def comment_markdown(text):
    return render_comment_markdown(text)
