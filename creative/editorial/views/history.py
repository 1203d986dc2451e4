"""A fiche's history, like a wiki's: its versions, what changed between two of them, one version's
content, going back to an earlier version (editors), and the page where editors decide on a
proposal (an edit of a published fiche waiting for them).

The history of a published fiche, or of one merged into another, is public; the history of any
other fiche is seen only by the people who may see the fiche (404 for others: a draft is not
revealed). Proposals
that are not online are seen by the fiche's editors and by the person who made them.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from creative.accounts.permissions import can_review, can_view_history, can_view_unpublished
from creative.innovations.models import Innovation, SlugRedirect

from .. import revisions
from ..diff import Vocabulary, diff_snapshots, readable
from ..models import Revision

PAGE_SIZE = 25

State = Revision.State


# Helpers --------------------------------------------------------------------------------------

def with_fiche(view):
    """Resolve the fiche of a history URL; old addresses redirect, hidden histories are a 404."""

    @wraps(view)
    def wrapped(request, slug, **kwargs):
        fiche = Innovation.objects.filter(slug=slug).first()
        if fiche is None:
            moved = SlugRedirect.objects.select_related("innovation").filter(old_slug=slug).first()
            if moved is None or request.method != "GET":
                raise Http404
            url = reverse(request.resolver_match.view_name, kwargs={**kwargs, "slug": moved.innovation.slug})
            query = request.GET.urlencode()
            return redirect(f"{url}?{query}" if query else url, permanent=True)
        if not can_view_history(request.user, fiche):
            raise Http404
        return view(request, fiche, **kwargs)

    return wrapped


def visible_revisions(user, fiche):
    """The versions `user` may open: those that went online, plus proposals for editors and their authors."""
    all_revisions = fiche.revisions.all()
    if can_review(user, fiche):
        return all_revisions
    mine = Q(author=user) if user.is_authenticated else Q(pk__in=[])
    return all_revisions.filter(Q(state=State.APPLIED) | mine)


def name_of(revision_or_user, *, kind=None):
    """A public name (never an email address) for a revision's author or a decider."""
    if revision_or_user is None:
        return _("avant l'historique") if kind == Revision.Kind.BASELINE else _("compte supprimé")
    return str(revision_or_user.display_name)


def with_names(revision_list):
    for revision in revision_list:
        revision.author_name = name_of(revision.author, kind=revision.kind)
    return revision_list


def previous_applied(fiche, number):
    """The number of the version online before `number`, or None for the first one."""
    return (
        fiche.revisions.applied().filter(number__lt=number).order_by("-number").values_list("number", flat=True).first()
    )


def fiche_is_visible(user, fiche):
    return fiche.is_published or can_view_unpublished(user, fiche)


def _refuse(request, message):
    """Visitors are asked to sign in; signed-in people without the right get a 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(message)


# History --------------------------------------------------------------------------------------

@require_GET
@with_fiche
def history(request, fiche):
    applied = (
        fiche.revisions.applied().select_related("author__profile").defer("snapshot", "decision_note")
        .order_by("-number")
    )
    page = Paginator(applied, PAGE_SIZE).get_page(request.GET.get("page"))
    revision_list = with_names(list(page.object_list))
    proposals = with_names(list(
        visible_revisions(request.user, fiche).exclude(state=State.APPLIED)
        .select_related("author__profile").defer("snapshot").order_by("-number")
    ))
    numbers = [r.number for r in revision_list]
    context = {
        "fiche": fiche,
        "fiche_visible": fiche_is_visible(request.user, fiche),
        "page": page,
        "revisions": revision_list,
        "proposals": proposals,
        "default_to": numbers[0] if numbers else None,
        "default_from": numbers[1] if len(numbers) > 1 else None,
    }
    return render(request, "editorial/history/history.html", context)


# Comparing two versions ---------------------------------------------------------------------------

class BadComparison(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def _number(raw):
    """A version number from the query string; None when absent, BadComparison when not a number."""
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise BadComparison(_("« %(value)s » n'est pas un numéro de version.") % {"value": raw[:30]}, 400)
    return int(raw)


def _pick(visible, number):
    revision = visible.select_related("author__profile").filter(number=number).first()
    if revision is None:
        raise BadComparison(
            _("La version n° %(number)s n'existe pas dans l'historique de cette fiche.") % {"number": number}, 404
        )
    revision.author_name = name_of(revision.author, kind=revision.kind)
    return revision


@require_GET
@with_fiche
def compare(request, fiche):
    """Differences between the versions ?de=N and ?a=M, word by word.

    Only ?a=M: M against the version before it. Only ?de=N: N against the version online.
    The older version is always shown first.
    """
    context = {"fiche": fiche, "fiche_visible": fiche_is_visible(request.user, fiche),
               "raw_from": request.GET.get("de", ""), "raw_to": request.GET.get("a", "")}
    try:
        old_number, new_number = _number(request.GET.get("de")), _number(request.GET.get("a"))
        if old_number is None and new_number is None:
            if "de" in request.GET or "a" in request.GET:
                raise BadComparison(_("Choisissez les deux versions à comparer."), 400)
            return render(request, "editorial/history/diff.html", context)
        visible = visible_revisions(request.user, fiche)
        if new_number is None:
            new_number = fiche.revision_number
        new = _pick(visible, new_number)
        if old_number is None:
            # A proposal is compared with the version it was made on; a version online with the one before it.
            is_proposal = new.state != State.APPLIED and new.base_number
            old_number = new.base_number if is_proposal else previous_applied(fiche, new.number)
        old = _pick(visible, old_number) if old_number is not None else None
    except BadComparison as error:
        context["error"] = str(error)
        return render(request, "editorial/history/diff.html", context, status=error.status)
    if old is not None and old.number > new.number:
        old, new = new, old
    context.update(
        old=old, new=new,
        changes=diff_snapshots(old.snapshot if old else revisions.empty_snapshot(), new.snapshot),
        raw_from=str(old.number) if old else "", raw_to=str(new.number),
    )
    return render(request, "editorial/history/diff.html", context)


# One version --------------------------------------------------------------------------------------

@require_GET
@with_fiche
def revision_detail(request, fiche, number):
    revision = (
        visible_revisions(request.user, fiche).select_related("author__profile", "decided_by__profile")
        .filter(number=number).first()
    )
    if revision is None:
        raise Http404(_("Cette version n'existe pas."))
    revision.author_name = name_of(revision.author, kind=revision.kind)
    is_applied = revision.state == State.APPLIED
    newer = fiche.revisions.applied().filter(number__gt=number).order_by("number").values_list("number", flat=True)
    context = {
        "fiche": fiche,
        "fiche_visible": fiche_is_visible(request.user, fiche),
        "revision": revision,
        "content": readable(revision.snapshot),
        "is_applied": is_applied,
        "is_live": is_applied and revision.number == fiche.revision_number,
        "previous_number": previous_applied(fiche, number) if is_applied else None,
        "next_number": newer.first() if is_applied else None,
        "can_revert": is_applied and revision.number != fiche.revision_number and can_review(request.user, fiche),
    }
    return render(request, "editorial/history/revision.html", context)


@require_http_methods(["GET", "POST"])
@with_fiche
def revert(request, fiche, number):
    """Editors bring back an earlier version: a confirmation page, then a POST (a new version)."""
    if not can_review(request.user, fiche):
        return _refuse(request, _("Seuls les accompagnateurs de cette fiche peuvent la ramener à une version "
                                  "précédente."))
    target = fiche.revisions.applied().select_related("author__profile").filter(number=number).first()
    if target is None:
        raise Http404(_("Cette version n'existe pas."))
    if target.number == fiche.revision_number:
        messages.info(request, _("Cette version est déjà celle qui est en ligne."))
        return redirect("editorial:revision", fiche.slug, number)
    if request.method == "POST":
        result = revisions.revert(fiche, request.user, number)
        if result.unchanged:
            messages.info(request, _("Le contenu en ligne est déjà celui de la version %(number)s : rien n'a changé.")
                          % {"number": number})
        else:
            messages.success(request, _("La fiche a retrouvé le contenu de la version %(number)s ; ce retour est "
                                        "enregistré comme la version %(new)s.")
                             % {"number": number, "new": result.revision.number})
        return redirect("editorial:history", fiche.slug)
    target.author_name = name_of(target.author, kind=target.kind)
    context = {
        "fiche": fiche,
        "fiche_visible": fiche_is_visible(request.user, fiche),
        "target": target,
        "changes": diff_snapshots(revisions.snapshot(fiche), target.snapshot),
    }
    return render(request, "editorial/history/revert_confirm.html", context)


# Proposals ---------------------------------------------------------------------------------------

class ApproveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Message pour l'auteur (facultatif)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Motif du refus"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Envoyé à l'auteur de la proposition : dites-lui ce qui ne va pas."),
        error_messages={"required": gettext_lazy("Le motif du refus est obligatoire : il est envoyé à l'auteur.")},
    )


@require_http_methods(["GET", "POST"])
def proposal(request, pk):
    revision = get_object_or_404(
        Revision.objects.select_related("innovation", "author__profile", "decided_by__profile"), pk=pk
    )
    if revision.state == State.APPLIED:
        raise Http404(_("Cette version n'est pas une proposition."))
    fiche, user = revision.innovation, request.user
    is_editor = can_review(user, fiche)
    if not is_editor and not (user.is_authenticated and revision.author_id == user.pk):
        return _refuse(request, _("Cette proposition n'est visible que de son auteur et des accompagnateurs de "
                                  "la fiche."))
    approve_form, decline_form = ApproveForm(prefix="accepter"), DeclineForm(prefix="refuser")
    status, conflict = 200, None
    if request.method == "POST":
        if not is_editor:
            raise PermissionDenied(_("Seuls les accompagnateurs de cette fiche décident des propositions."))
        if not revision.is_pending:
            messages.error(request, _("Cette proposition a déjà été traitée."))
            return redirect("editorial:proposal", revision.pk)
        action = request.POST.get("action")
        if action in ("approve", "force"):
            approve_form = ApproveForm(request.POST, prefix="accepter")
            if approve_form.is_valid():
                try:
                    saved = revisions.approve_revision(
                        revision, user, note=approve_form.cleaned_data["note"], force=action == "force"
                    )
                except revisions.EditConflict as error:
                    conflict, status = error, 409
                except ValueError as error:
                    messages.error(request, str(error))
                    return redirect("editorial:proposal", revision.pk)
                else:
                    if saved.revision is None:
                        messages.success(request, _("Proposition acceptée : la fiche avait déjà ce contenu."))
                    else:
                        messages.success(request, _("Proposition acceptée : elle est en ligne (version %(number)s).")
                                         % {"number": saved.revision.number})
                    return redirect("editorial:proposal", revision.pk)
            else:
                status = 400
        elif action == "decline":
            decline_form = DeclineForm(request.POST, prefix="refuser")
            if decline_form.is_valid():
                try:
                    revisions.decline_revision(revision, user, note=decline_form.cleaned_data["note"])
                except ValueError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, _("Proposition refusée ; son auteur en est informé."))
                return redirect("editorial:proposal", revision.pk)
            status = 400
        else:
            messages.error(request, _("Choisissez d'accepter ou de refuser la proposition."))
            return redirect("editorial:proposal", revision.pk)
    context = proposal_context(revision, fiche, conflict)
    context.update(
        is_editor=is_editor, approve_form=approve_form, decline_form=decline_form,
        fiche_visible=fiche_is_visible(user, fiche),
    )
    return render(request, "editorial/history/proposal.html", context, status=status)


def proposal_context(revision, fiche, conflict=None):
    """What a proposal changes from the version it was made on and, while pending, on the version online now."""
    revision.author_name = name_of(revision.author, kind=revision.kind)
    vocabulary = Vocabulary()
    base = revisions.revision_snapshot(fiche, revision.base_number) if revision.base_number else None
    context = {
        "fiche": fiche,
        "proposal": revision,
        "decided_by_name": name_of(revision.decided_by) if revision.decided_at else "",
        "proposed_changes": diff_snapshots(base, revision.snapshot, vocabulary=vocabulary) if base is not None else [],
        "base_known": base is not None,
        "moved_on": False,
    }
    if not revision.is_pending:
        return context
    current = revisions.snapshot(fiche)
    merged = revisions.merge(base or current, revision.snapshot, current)
    conflicts = conflict.conflicts if conflict is not None else merged.conflicts
    context.update(
        moved_on=fiche.revision_number != revision.base_number,
        live_number=fiche.revision_number,
        # What accepting changes on the fiche as it is online now (the proposal wins on conflicts).
        live_changes=diff_snapshots(current, merged.data, vocabulary=vocabulary),
        conflicts=diff_snapshots(current, revision.snapshot, keys=set(conflicts), vocabulary=vocabulary),
        conflict_raised=conflict is not None,
    )
    if base is None:
        context["proposed_changes"] = diff_snapshots(current, revision.snapshot, vocabulary=vocabulary)
    return context


urlpatterns = [
    path("innovations/<slug:slug>/historique/", history, name="history"),
    path("innovations/<slug:slug>/historique/comparer/", compare, name="diff"),
    path("innovations/<slug:slug>/historique/<int:number>/", revision_detail, name="revision"),
    path("innovations/<slug:slug>/historique/<int:number>/retablir/", revert, name="revert"),
    path("relecture/propositions/<int:pk>/", proposal, name="proposal"),
]
