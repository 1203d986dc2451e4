"""Review: the page where a fiche's authors and its editors talk and decide, and the editors' queue.

Every change is a POST to its own URL; on success the browser is sent back to the review page
(with a message), on a refusal the page is rendered again with what the person typed and the
reason. Who may act is checked here before the workflow runs (403 for the wrong people); the
workflow itself refuses transitions the fiche's state does not allow (TransitionError).
"""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from creative.accounts import permissions
from creative.accounts.permissions import requires
from creative.antispam.ratelimit import rate_limit
from creative.innovations.models import Authorship, Innovation
from creative.territories.models import Territory

from .. import revisions, suggestions, workflow
from ..models import ReviewMessage, Revision, Suggestion
from ..review_forms import MessageForm, QueueFilterForm, SuggestionForm, TransitionForm

State = Innovation.State
AUTHORS, EDITORS = "authors", "editors"
QUEUE_PAGE_SIZE = 20


@dataclass(frozen=True)
class Action:
    """A transition as the review page offers it: who, from which states, with which message."""

    slug: str
    run: object  # callable(fiche, user, message)
    side: str  # AUTHORS or EDITORS
    states: tuple
    button: str
    done: str
    label: str = ""  # the message field's label ("": no message with this action)
    required: str = ""  # the error when the message is missing ("": optional)
    help_text: str = ""

    def form(self, data=None):
        return TransitionForm(
            data, prefix=self.slug, label=self.label, help_text=self.help_text,
            required=bool(self.required), required_message=self.required,
        )

    def allowed(self, user, fiche):
        """Whether `user` is on the side that takes this action (the state is the workflow's business)."""
        if self.side == AUTHORS:
            return permissions.can_contribute(user) and permissions.has_author_rights(user, fiche)
        return permissions.can_review(user, fiche)


ACTIONS = {
    action.slug: action
    for action in (
        Action(
            "soumettre", lambda fiche, user, message: workflow.submit(fiche, user, message), AUTHORS,
            (State.DRAFT, State.CHANGES_REQUESTED), gettext_lazy("Soumettre à relecture"),
            gettext_lazy("La fiche est soumise : les accompagnateurs du territoire sont prévenus."),
            label=gettext_lazy("Un mot pour les accompagnateurs (facultatif)"),
        ),
        Action(
            "retirer", lambda fiche, user, message: workflow.withdraw(fiche, user), AUTHORS, (State.SUBMITTED,),
            gettext_lazy("Retirer la soumission"),
            gettext_lazy("La soumission est retirée : la fiche est de nouveau un brouillon."),
        ),
        Action(
            "demander-modifications", lambda fiche, user, message: workflow.request_changes(fiche, user, message),
            EDITORS, (State.SUBMITTED,), gettext_lazy("Demander des modifications"),
            gettext_lazy("La demande de modifications est envoyée aux auteurs."),
            label=gettext_lazy("Ce qu'il faut changer"),
            required=gettext_lazy("Dites aux auteurs ce qu'il faut changer."),
            help_text=gettext_lazy("Envoyé aux auteurs. Markdown."),
        ),
        Action(
            "publier", lambda fiche, user, message: workflow.publish(fiche, user, message), EDITORS,
            (State.SUBMITTED, State.CHANGES_REQUESTED), gettext_lazy("Publier la fiche"),
            gettext_lazy("La fiche est publiée ; ses auteurs sont prévenus."),
            label=gettext_lazy("Un mot pour les auteurs (facultatif)"),
        ),
        Action(
            "refuser", lambda fiche, user, message: workflow.reject(fiche, user, message), EDITORS,
            (State.SUBMITTED, State.CHANGES_REQUESTED), gettext_lazy("Refuser la fiche"),
            gettext_lazy("La fiche est refusée ; ses auteurs ont reçu le motif."),
            label=gettext_lazy("Motif du refus"),
            required=gettext_lazy("Le motif du refus est obligatoire : il est envoyé aux auteurs."),
            help_text=gettext_lazy("Envoyé aux auteurs. Markdown."),
        ),
        Action(
            "rouvrir", lambda fiche, user, message: workflow.reopen(fiche, user), EDITORS, (State.REJECTED,),
            gettext_lazy("Remettre en brouillon"),
            gettext_lazy("La fiche est de nouveau un brouillon : ses auteurs peuvent la reprendre."),
        ),
        Action(
            "archiver", lambda fiche, user, message: workflow.archive(fiche, user, message), EDITORS,
            (State.PUBLISHED,), gettext_lazy("Archiver la fiche"),
            gettext_lazy("La fiche est archivée : elle n'est plus en ligne."),
            label=gettext_lazy("Raison de l'archivage (facultative)"),
        ),
        Action(
            "desarchiver", lambda fiche, user, message: workflow.unarchive(fiche, user), EDITORS, (State.ARCHIVED,),
            gettext_lazy("Remettre en ligne"), gettext_lazy("La fiche est de nouveau en ligne."),
        ),
    )
}

# What happens next, for the fiche's authors and for its editors.
NEXT_STEP = {
    (State.DRAFT, AUTHORS): gettext_lazy(
        "La fiche est un brouillon. Complétez-la, puis soumettez-la : les accompagnateurs du territoire "
        "la reliront avant sa publication."),
    (State.DRAFT, EDITORS): gettext_lazy(
        "Les auteurs écrivent encore. La fiche arrivera dans votre file de relecture quand ils la soumettront."),
    (State.SUBMITTED, AUTHORS): gettext_lazy(
        "Les accompagnateurs du territoire vont relire la fiche : ils la publieront ou vous demanderont des "
        "modifications ici. Vous pouvez retirer la soumission pour continuer à écrire."),
    (State.SUBMITTED, EDITORS): gettext_lazy(
        "La fiche attend votre relecture : publiez-la, demandez des modifications aux auteurs ou refusez-la."),
    (State.CHANGES_REQUESTED, AUTHORS): gettext_lazy(
        "Les accompagnateurs vous demandent des modifications (voyez la conversation). Modifiez la fiche, "
        "puis soumettez-la à nouveau."),
    (State.CHANGES_REQUESTED, EDITORS): gettext_lazy(
        "Les auteurs reprennent la fiche après votre demande. Vous pouvez aussi la publier ou la refuser en l'état."),
    (State.REJECTED, AUTHORS): gettext_lazy(
        "La fiche a été refusée ; le motif est ci-dessous. Un accompagnateur peut la remettre en brouillon "
        "si vous souhaitez la reprendre : écrivez-lui dans la conversation."),
    (State.REJECTED, EDITORS): gettext_lazy(
        "La fiche est refusée. Vous pouvez la remettre en brouillon pour que ses auteurs la reprennent."),
    (State.PUBLISHED, AUTHORS): gettext_lazy(
        "La fiche est en ligne. Vos modifications y sont publiées directement si vous êtes en contribution de "
        "confiance ; sinon elles attendent la relecture d'un accompagnateur."),
    (State.PUBLISHED, EDITORS): gettext_lazy(
        "La fiche est en ligne. Les modifications proposées par les contributeurs attendent votre relecture."),
    (State.ARCHIVED, AUTHORS): gettext_lazy(
        "La fiche est archivée : elle n'est plus en ligne. Un accompagnateur peut la remettre en ligne."),
    (State.ARCHIVED, EDITORS): gettext_lazy(
        "La fiche est archivée : elle n'est plus en ligne. Vous pouvez la remettre en ligne."),
}

SUGGESTION_DECISIONS = {"accepter": suggestions.accept, "refuser": suggestions.decline}


def _fiche(pk):
    return get_object_or_404(Innovation, pk=pk)


def _readable(request, pk):
    fiche = _fiche(pk)
    if not permissions.can_read_review(request.user, fiche):
        raise PermissionDenied(_("Cette conversation est réservée aux auteurs de la fiche et aux accompagnateurs "
                                 "de son territoire."))
    return fiche


# The page ---------------------------------------------------------------------------------------

@require_GET
@requires(permissions.can_contribute)
def review(request, pk):
    return _render_page(request, _readable(request, pk))


def _render_page(request, fiche, *, failed=None, anchor="", errors=(), status=200):
    """The review page. `failed` is a bound form (key, form) to show again with its errors and text."""
    user = request.user
    is_editor = permissions.can_review(user, fiche)
    is_author = permissions.can_contribute(user) and permissions.has_author_rights(user, fiche)
    failed_key, failed_form = failed or (None, None)

    authorships = list(fiche.authorships.select_related("user__profile"))
    author_ids = {a.user_id for a in authorships}
    thread = list(fiche.review_messages.select_related("author__profile"))
    for message in thread:
        message.from_author = message.author_id in author_ids

    # A refused action stays on the page with what was typed, even when the state no longer offers it.
    sides = {AUTHORS: is_author, EDITORS: is_editor}
    actions = [
        (action, failed_form if failed_key == action.slug else action.form())
        for action in ACTIONS.values()
        if sides[action.side] and (fiche.state in action.states or failed_key == action.slug)
    ]
    trust_candidates = []
    if is_editor and permissions.can_mark_trusted(user):
        trust_candidates = [
            a.user for a in authorships
            if a.user.is_active and a.user_id != user.pk
            and permissions.is_verified(a.user) and not permissions.is_trusted(a.user)
        ]

    writable = fiche.state in suggestions.OPEN_STATES
    suggestion_form = None
    if is_editor and writable:
        suggestion_form = failed_form if failed_key == "suggestion" else SuggestionForm(
            prefix="suggestion", innovation=fiche)
    context = {
        "fiche": fiche,
        "is_editor": is_editor,
        "is_author": is_author,
        "next_step": NEXT_STEP[(fiche.state, AUTHORS if is_author else EDITORS)],
        "blockers": (workflow.submission_blockers(fiche)
                     if fiche.state in (State.DRAFT, State.SUBMITTED, State.CHANGES_REQUESTED) else []),
        "authors": [a.user for a in authorships],
        "thread": thread,
        "message_form": failed_form if failed_key == "message" else MessageForm(prefix="message"),
        "actions": actions,
        "trust_candidates": trust_candidates,
        "suggestion_form": suggestion_form,
        "can_decide_suggestions": is_author and writable,
        "pending_revisions": list(fiche.revisions.pending().select_related("author__profile").order_by("created_at"))
        if is_editor else [],
        "edit_url": (reverse("editorial:edit", args=[fiche.pk, "identite"])
                     if permissions.can_edit_innovation(user, fiche) else ""),
        "history_url": reverse("editorial:history", args=[fiche.slug]),
        "can_use_queue": permissions.can_use_review_queue(user),
        "failure_anchor": anchor,
        "failure_errors": list(errors) or _form_errors(failed_form),
    }
    context["open_suggestions"], context["decided_suggestions"] = _suggestions(fiche)
    return render(request, "editorial/review/page.html", context, status=status)


def _suggestions(fiche):
    """(open, decided) suggestions of `fiche`; open ones carry their word diff and whether the text moved on."""
    open_, decided = [], []
    labels, current = dict(suggestions.targets(fiche)), None
    for suggestion in fiche.suggestions.select_related("author__profile", "decided_by__profile"):
        suggestion.label = labels.get(suggestion.target) or suggestions.target_label(suggestion.target)
        if suggestion.state != Suggestion.State.OPEN:
            decided.append(suggestion)
            continue
        if current is None:
            current = revisions.flatten(revisions.snapshot(fiche))
        suggestion.changed_since = (current.get(suggestion.target) or "").strip() != suggestion.original.strip()
        suggestion.comparison = suggestions.comparison(suggestion.original, suggestion.proposed)
        open_.append(suggestion)
    return open_, decided


def _form_errors(form):
    if form is None:
        return []
    return [error for errors in form.errors.values() for error in errors]


# Changes ----------------------------------------------------------------------------------------

@require_POST
@requires(permissions.can_contribute)
def transition(request, pk, action):
    action = ACTIONS.get(action)
    if action is None:
        raise Http404
    fiche = _readable(request, pk)
    if not action.allowed(request.user, fiche):
        raise PermissionDenied(
            _("Seuls les auteurs de la fiche peuvent faire cela.") if action.side == AUTHORS
            else workflow.NOT_YOUR_TERRITORY
        )
    form = action.form(request.POST)
    anchor = f"action-{action.slug}"
    if not form.is_valid():
        return _render_page(request, fiche, failed=(action.slug, form), anchor=anchor, status=400)
    try:
        action.run(fiche, request.user, form.cleaned_data["message"])
    except workflow.TransitionError as exc:
        form.add_error(None, str(exc))
        return _render_page(request, fiche, failed=(action.slug, form), anchor=anchor, status=409)
    messages.success(request, action.done)
    return redirect("editorial:review", pk=fiche.pk)


@require_POST
@requires(permissions.can_contribute)
@rate_limit("comment")
def comment(request, pk):
    fiche = _readable(request, pk)
    form = MessageForm(request.POST, prefix="message")
    if not form.is_valid():
        return _render_page(request, fiche, failed=("message", form), anchor="nouveau-message", status=400)
    try:
        message = workflow.comment(fiche, request.user, form.cleaned_data["body"])
    except workflow.TransitionError as exc:
        form.add_error(None, str(exc))
        return _render_page(request, fiche, failed=("message", form), anchor="nouveau-message", status=409)
    messages.success(request, _("Votre message est envoyé."))
    return redirect(reverse("editorial:review", args=[fiche.pk]) + f"#message-{message.pk}")


@require_POST
@requires(permissions.can_contribute)
@rate_limit("comment")
def suggest(request, pk):
    fiche = _readable(request, pk)
    if not permissions.can_review(request.user, fiche):
        raise PermissionDenied(workflow.NOT_YOUR_TERRITORY)
    form = SuggestionForm(request.POST, prefix="suggestion", innovation=fiche)
    render_failure = partial(_render_page, request, fiche, failed=("suggestion", form), anchor="suggerer")
    if not form.is_valid():
        return render_failure(status=400)
    data = form.cleaned_data
    try:
        suggestion = suggestions.make(fiche, request.user, data["target"], data["proposed"], data["note"])
    except suggestions.SuggestionError as exc:
        form.add_error(None, str(exc))
        return render_failure(status=409)
    messages.success(request, _("Votre suggestion est envoyée aux auteurs."))
    return redirect(reverse("editorial:review", args=[fiche.pk]) + f"#suggestion-{suggestion.pk}")


@require_POST
@requires(permissions.can_contribute)
def suggestion_decision(request, pk, suggestion_pk, decision):
    decide = SUGGESTION_DECISIONS.get(decision)
    if decide is None:
        raise Http404
    fiche = _readable(request, pk)
    suggestion = get_object_or_404(Suggestion, pk=suggestion_pk, innovation=fiche)
    if not permissions.has_author_rights(request.user, fiche):
        raise PermissionDenied(_("Seuls les auteurs de la fiche acceptent ou refusent une suggestion."))
    try:
        result = decide(suggestion, request.user)
    except suggestions.SuggestionError as exc:
        return _render_page(request, fiche, anchor=f"suggestion-{suggestion.pk}", errors=[str(exc)], status=409)
    label = suggestions.target_label(suggestion.target)
    if decide is suggestions.decline:
        messages.success(request, _("Suggestion refusée : le texte « %(part)s » reste tel quel.") % {"part": label})
    elif result.text_had_changed:
        messages.warning(request, _(
            "La suggestion est appliquée. Le texte « %(part)s » avait été modifié depuis qu'elle a été faite : "
            "relisez-le pour vérifier que rien d'important n'a été perdu.") % {"part": label})
    else:
        messages.success(request, _("La suggestion est appliquée au texte « %(part)s ».") % {"part": label})
    return redirect("editorial:review", pk=fiche.pk)


@require_POST
@requires(permissions.can_mark_trusted)
def trust(request, pk, user_pk):
    fiche = _fiche(pk)
    if not permissions.can_review(request.user, fiche):
        raise PermissionDenied(workflow.NOT_YOUR_TERRITORY)
    authorship = get_object_or_404(Authorship.objects.select_related("user__profile"), innovation=fiche,
                                   user_id=user_pk, user__is_active=True)
    person = authorship.user
    name = person.display_name
    if permissions.is_trusted(person):
        messages.info(request, _("%(name)s est déjà en contribution de confiance.") % {"name": name})
    elif not permissions.is_verified(person):
        messages.error(request, _("%(name)s n'a pas encore confirmé son adresse électronique.") % {"name": name})
    else:
        workflow.mark_trusted(person, by=request.user,
                              reason=_("décision d'un accompagnateur (fiche « %(title)s »)") % {"title": fiche.title})
        ReviewMessage.objects.create(
            innovation=fiche, author=request.user, kind=ReviewMessage.Kind.EVENT,
            body=_("%(name)s passe en contribution de confiance : ses modifications des fiches publiées sont "
                   "en ligne sans attendre de relecture.") % {"name": name},
        )
        messages.success(request, _("%(name)s est désormais en contribution de confiance.") % {"name": name})
    return redirect("editorial:review", pk=fiche.pk)


# The queue --------------------------------------------------------------------------------------

@require_GET
@requires(permissions.can_use_review_queue)
def queue(request):
    user = request.user
    form = QueueFilterForm(request.GET or None, territories=queue_territories(user))
    territory = form.territory
    fiches = permissions.innovations_in_scope(user, Innovation.objects.all())
    if territory is not None:
        fiches = fiches.filter(territories=territory)
    listed = fiches.prefetch_related(
        "places__commune", Prefetch("authorships", queryset=Authorship.objects.select_related("user__profile")),
    ).order_by(F("submitted_at").asc(nulls_first=True), "created_at", "pk")
    proposals = (
        Revision.objects.pending().filter(innovation__in=fiches)
        .select_related("innovation", "author__profile").order_by("created_at", "pk")
    )
    context = {
        "form": form,
        "territory": territory,
        "has_scope": permissions.is_administrator(user) or bool(permissions.editor_scope_ids(user)),
        "submitted": _page(request, listed.filter(state=State.SUBMITTED), "page", "soumises"),
        "changes": _page(request, listed.filter(state=State.CHANGES_REQUESTED), "page_modifications", "modifications"),
        "proposals": _page(request, proposals, "page_propositions", "propositions"),
    }
    return render(request, "editorial/review/queue.html", context)


def queue_territories(user):
    """The territories an editor may filter the queue by: theirs, and the EPCI and pays inside them."""
    wanted = (Territory.Level.PAYS, Territory.Level.EPCI)
    if permissions.is_administrator(user):
        return list(Territory.objects.exclude(level=Territory.Level.COMMUNE).order_by("depth", "name"))
    found = {}
    for scope in Territory.objects.filter(pk__in=permissions.editor_scope_ids(user)).order_by("depth", "name"):
        found.setdefault(scope.pk, scope)
        for child in Territory.objects.descendants_of(scope).filter(level__in=wanted).order_by("depth", "name"):
            found.setdefault(child.pk, child)
    return list(found.values())


def _page(request, queryset, param, anchor):
    """One page of a queue list; each list pages on its own parameter, keeping the others."""
    page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get(param))

    def url(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}#{anchor}"

    page.previous_url = url(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = url(page.next_page_number()) if page.has_next() else ""
    return page


urlpatterns = [
    path("relecture/", queue, name="queue"),
    path("relecture/<int:pk>/", review, name="review"),
    path("relecture/<int:pk>/message/", comment, name="comment"),
    path("relecture/<int:pk>/suggestions/", suggest, name="suggest"),
    path("relecture/<int:pk>/suggestions/<int:suggestion_pk>/<slug:decision>/", suggestion_decision,
         name="suggestion_decision"),
    path("relecture/<int:pk>/confiance/<int:user_pk>/", trust, name="trust"),
    # Last: its <action> would also match the words above.
    path("relecture/<int:pk>/<slug:action>/", transition, name="transition"),
]
