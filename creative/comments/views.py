"""Comment pages: post (or reply), edit within the allowed minutes, delete. Each works without JavaScript.

Comments are shown on their object's page by the `comments_section` tag; these views only
write. A form with a problem is shown again on its own page with the message and the text
as it was typed (status 400, or 409 when the comment changed meanwhile).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from creative.antispam.links import bind_author
from creative.antispam.ratelimit import rate_limit
from creative.moderation.models import Visibility

from . import services, targets
from .forms import CommentEditForm, CommentForm, reply_problem
from .models import Comment

PUBLISHED = gettext_lazy("Votre commentaire est publié.")
HELD = gettext_lazy("Merci ! Votre commentaire sera visible après relecture par l'équipe de modération. En attendant, "
         "vous seul le voyez.")
HELD_AFTER_EDIT = gettext_lazy("Votre commentaire est modifié ; il sera visible après relecture par l'équipe de "
                               "modération.")


def poster_required(view):
    """Visitors are sent to log in (and come back to the form); accounts that may not post get a 403 saying why."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        refusal = services.posting_refusal(request.user)
        if refusal:
            raise PermissionDenied(refusal)
        return view(request, *args, **kwargs)

    return wrapped


def _target_or_404(label, object_pk):
    target = targets.public_object(label, object_pk)
    if target is None:
        raise Http404(_("Cette page ne reçoit pas de commentaires."))
    return target, targets.for_object(target)


def _page(request, template, target, kind, status=200, **context):
    return render(request, template, {
        "target": target,
        "noun": kind.noun,
        "title": kind.title(target),
        "target_url": target.get_absolute_url(),
        **context,
    }, status=status)


@require_http_methods(["GET", "POST"])
@poster_required
@rate_limit("comment")
def post(request, target_label, object_pk):
    """POST: a new comment, or a reply with `parent`. GET: the same form on its own page (`?reponse=<pk>`)."""
    target, kind = _target_or_404(target_label, object_pk)
    parent = None
    if request.method == "POST":
        form = CommentForm(request.POST, target=target)
        bind_author(request.user, form)
        if form.is_valid():
            try:
                comment = services.post_comment(
                    target, request.user, form.cleaned_data["body"], parent=form.parent_comment, request=request,
                )
            except services.CommentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, PUBLISHED if comment.visibility == Visibility.VISIBLE else HELD)
                return redirect(comment.get_absolute_url())
        parent = form.parent_comment
        status = 400
    else:
        form = CommentForm(target=target)
        status = 200
        wanted = request.GET.get("reponse")
        if wanted:
            problem, parent = reply_problem(target, wanted)
            if problem:
                messages.warning(request, problem)
            else:
                form = CommentForm(target=target, initial={"parent": parent.pk})
    if parent is not None:
        form.fields["body"].label = _("Votre réponse")
    return _page(request, "comments/form.html", target, kind, status=status, form=form, parent=parent,
                 action=request.path, editing=None)


def _own_comment(request, pk):
    """The comment `pk` and its public target; 404 when either is gone or the target is not public."""
    comment = get_object_or_404(Comment.objects.select_related("author__profile"), pk=pk)
    target = comment.content_object
    kind = targets.for_object(target)
    if kind is None or not kind.is_public(target):
        raise Http404
    return comment, target, kind


@require_http_methods(["GET", "POST"])
@poster_required
@rate_limit("comment")
def edit(request, pk):
    comment, target, kind = _own_comment(request, pk)
    refusal = services.edit_refusal(request.user, comment)
    if request.method == "GET":
        if refusal:
            raise PermissionDenied(refusal)
        form = CommentEditForm(initial={"body": comment.body})
        return _page(request, "comments/form.html", target, kind, form=form, editing=comment, action=request.path)
    if refusal and comment.author_id != request.user.pk:
        raise PermissionDenied(refusal)
    form = CommentEditForm(request.POST)
    bind_author(request.user, form)
    status = 400
    if form.is_valid():
        try:
            comment = services.edit_comment(comment, request.user, form.cleaned_data["body"], request=request)
        except services.CommentError as exc:
            # The minutes ran out while the person was writing: say so, keep their text.
            form.add_error(None, str(exc))
            status = 409
        else:
            if comment.visibility == Visibility.HELD:
                messages.success(request, HELD_AFTER_EDIT)
            else:
                messages.success(request, _("Votre commentaire est modifié."))
            return redirect(comment.get_absolute_url())
    return _page(request, "comments/form.html", target, kind, status=status, form=form, editing=comment,
                 action=request.path)


@require_http_methods(["GET", "POST"])
@poster_required
def delete(request, pk):
    """GET: « Supprimer ce commentaire ? » with its text; POST: delete it."""
    comment, target, kind = _own_comment(request, pk)
    refusal = services.delete_refusal(request.user, comment)
    if refusal:
        raise PermissionDenied(refusal)
    if request.method == "POST":
        services.delete_comment(comment, request.user)
        messages.success(request, _("Votre commentaire est supprimé."))
        return redirect(comment.get_absolute_url())
    return _page(request, "comments/delete.html", target, kind, comment=comment)
