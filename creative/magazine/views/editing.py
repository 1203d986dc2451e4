"""Writers' and editors' pages: write and edit an article, « Mes articles », the review page and
queue, the history and one revision.

Who sees what: writing needs a verified account (anonymous people go to the login page); an
article a person may not see is a 404 (a draft is not revealed); one they see but may not act on
is a 403 with a French message.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from creative.accounts.permissions import requires
from creative.antispam.links import bind_author
from creative.antispam.ratelimit import rate_limit
from creative.audit import record
from creative.core.images import reencode_image
from creative.core.markdown import render_markdown
from creative.editorial.diff import list_diff, word_diff

from .. import images as article_images
from .. import permissions, workflow
from ..editing import save_article, score_article
from ..forms import ArticleForm, ArticleImageForm, ChangesForm, MessageForm, PublishForm, ReasonForm
from ..models import Article, ArticleImage, ArticleRevision

PAGE_SIZE = 25
HELD_MESSAGE = _lazy("Votre texte sera relu par l'équipe de modération avant toute publication.")
COVER_MAX_SIDE = 1600


def _article_or_404(request, pk, check):
    """The article, when `check(user, article)` passes; 404 if the person may not even see it, else 403."""
    article = get_object_or_404(Article.objects.select_related("category"), pk=pk)
    user = request.user
    if check(user, article):
        return article
    if not user.is_authenticated:
        raise _LoginRequired
    if not permissions.can_view(user, article) and not permissions.can_view_history(user, article):
        raise Http404
    raise PermissionDenied(_("Votre compte ne peut pas faire cela sur cet article."))


class _LoginRequired(Exception):
    pass


def _login_on_refusal(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# Writing ----------------------------------------------------------------------------------------

def _store_cover(form, article):
    """A new cover is stored as a clean copy (oriented, bounded, without metadata); returns the old name."""
    old = form.initial.get("cover")
    old_name = old.name if old else ""
    cover = form.cleaned_data.get("cover")
    if isinstance(cover, UploadedFile):
        article.cover = reencode_image(cover, max_side=COVER_MAX_SIDE, name_prefix="article-")
    if old_name and old_name != (article.cover.name if article.cover else ""):
        storage = Article._meta.get_field("cover").storage
        transaction.on_commit(lambda: storage.delete(old_name))


def _territories_of(form):
    return [*form.cleaned_data.get("territories", []), *form.cleaned_data.get("communes", [])]


def _save_form(request, form, *, is_new):
    user = request.user
    with transaction.atomic():
        article = form.save(commit=False)
        _store_cover(form, article)
        authors = None
        if is_new:
            authors = [user, *[p for p in form.cleaned_data["coauthors"] if p.pk != user.pk]]
        else:
            current = list(article.signatures.select_related("user").values_list("user_id", flat=True))
            keep_me = [user] if user.pk in current or not current else []
            authors = [*keep_me, *form.cleaned_data["coauthors"]]
            if not authors:
                authors = list(workflow.authors_of(article))
        before = {name: getattr(Article.objects.get(pk=article.pk), name) for name in ("title", "lead", "body")} \
            if not is_new else None
        revision = save_article(
            article, user, fiches=form.cleaned_data["fiches"], events=form.cleaned_data["events"],
            territories=_territories_of(form), themes=form.cleaned_data["themes"], authors=authors,
            summary=form.cleaned_data.get("summary", ""),
        )
        text_changed = is_new or any(getattr(article, name) != value for name, value in before.items())
        verdict = score_article(article, user, request) if text_changed else None
        record(user, "magazine.article.created" if is_new else "magazine.article.updated", article,
               revision=revision.number if revision else None, score=verdict.score if verdict else None)
    return article, revision, verdict


def _editor_context(request, form, article=None, preview=None, image_form=None):
    return {
        "form": form,
        "article": article,
        "preview": preview,
        "blockers": workflow.submission_blockers(article) if article is not None else [],
        "can_review": article is not None and permissions.can_review(request.user, article),
        "images": article_images.images_of(article) if article is not None else [],
        "image_form": image_form or ArticleImageForm(auto_id="image_%s"),
        "foreign_images": article_images.foreign_image_sources(article.body) if article is not None else [],
    }


def _image_post(request, article):
    """« Images de l'article » on the edit page: add one (action "add") or remove one ("remove")."""
    action = request.POST.get("image_action")
    if action == "remove":
        image_pk = request.POST.get("image", "")
        if not (image_pk.isdigit() and len(image_pk) < 12):
            raise Http404
        image = get_object_or_404(ArticleImage, pk=int(image_pk), article=article)
        article_images.remove_image(image, request.user)
        messages.success(request, _("Image retirée. Pensez à enlever son code Markdown du texte."))
        return redirect(reverse("magazine:edit", args=[article.pk]) + "#images")
    image_form = ArticleImageForm(request.POST, request.FILES, auto_id="image_%s")
    if action == "add" and image_form.is_valid():
        if not article_images.can_add_more(article):
            image_form.add_error(None, _("Un article compte %(max)s images au plus : retirez-en une d'abord.")
                                 % {"max": article_images.MAX_IMAGES_PER_ARTICLE})
        else:
            data = image_form.cleaned_data
            article_images.add_image(article, request.user, data["file"], alt_text=data["alt_text"],
                                     credit=data["credit"], caption=data.get("caption", ""))
            messages.success(request, _("Image ajoutée : copiez son code Markdown dans le texte, à l'endroit voulu."))
            return redirect(reverse("magazine:edit", args=[article.pk]) + "#images")
    elif action != "add":
        image_form.add_error(None, _("Action inconnue."))
    form = ArticleForm(instance=article, user=request.user)
    return render(request, "magazine/edit/edit.html",
                  _editor_context(request, form, article, image_form=image_form), status=400)


def _preview_of(form):
    body = form.data.get("body", "")
    return render_markdown(body.replace("\r\n", "\n")) if body.strip() else ""


@requires(permissions.can_write)
@rate_limit("contribution", counts=lambda request: "preview" not in request.POST)
@require_http_methods(["GET", "POST"])
def create(request):
    """« Écrire un article »."""
    if request.method == "POST":
        form = ArticleForm(request.POST, request.FILES, user=request.user)
        bind_author(request.user, form)
        if "preview" in request.POST:
            form.is_valid()
            return render(request, "magazine/edit/edit.html", _editor_context(request, form, preview=_preview_of(form)))
        if form.is_valid():
            article, _revision, verdict = _save_form(request, form, is_new=True)
            messages.success(request, _("Votre article est enregistré comme brouillon. Soumettez-le à relecture "
                                        "quand il est prêt."))
            if verdict is not None and verdict.held:
                messages.warning(request, HELD_MESSAGE)
            return redirect("magazine:edit", pk=article.pk)
    else:
        form = ArticleForm(user=request.user)
    return render(request, "magazine/edit/edit.html", _editor_context(request, form))


@_login_on_refusal
@rate_limit("contribution", counts=lambda request: "preview" not in request.POST)
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    article = _article_or_404(request, pk, permissions.can_edit)
    if request.method == "POST" and "image_action" in request.POST:
        return _image_post(request, article)
    if request.method == "POST":
        form = ArticleForm(request.POST, request.FILES, instance=article, user=request.user)
        bind_author(request.user, form)
        if "preview" in request.POST:
            form.is_valid()
            return render(request, "magazine/edit/edit.html",
                          _editor_context(request, form, article, preview=_preview_of(form)))
        if form.is_valid():
            article, revision, verdict = _save_form(request, form, is_new=False)
            if revision is None:
                messages.info(request, _("Rien n'a changé : aucune nouvelle version."))
            else:
                messages.success(request, _("Article enregistré (version %(number)s).") % {"number": revision.number})
            if verdict is not None and verdict.held:
                messages.warning(request, HELD_MESSAGE)
            return redirect("magazine:edit", pk=article.pk)
        article.refresh_from_db()
    else:
        form = ArticleForm(instance=article, user=request.user)
    return render(request, "magazine/edit/edit.html", _editor_context(request, form, article))


@requires(permissions.can_write)
@require_GET
def mine(request):
    """« Mes articles »: those the person signs or created, every state."""
    user = request.user
    articles = (
        Article.objects.filter(Q(signatures__user=user) | Q(created_by=user)).distinct()
        .select_related("category").order_by("-updated_at")
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "magazine/edit/mine.html", {"page": page, "articles": page.object_list})


@requires(permissions.can_use_queue, _("La file de relecture du magazine est réservée aux accompagnateurs."))
@require_GET
def queue(request):
    """Submitted articles in the reviewer's scope, oldest first; then the scheduled ones."""
    user = request.user
    scoped = permissions.articles_in_scope(user, Article.objects.select_related("category"))
    submitted = scoped.filter(state=Article.State.SUBMITTED).order_by("submitted_at", "pk")
    scheduled = scoped.filter(state=Article.State.PUBLISHED, published_at__gt=timezone.now()).order_by("published_at")
    page = Paginator(submitted, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "magazine/edit/queue.html", {
        "page": page, "submitted": page.object_list, "scheduled": scheduled[:100],
    })


# Review -----------------------------------------------------------------------------------------

ACTION_LABELS = {
    "submit": _lazy("Soumettre à relecture"),
    "withdraw": _lazy("Retirer la soumission"),
    "request_changes": _lazy("Demander des modifications"),
    "publish": _lazy("Publier"),
    "unpublish": _lazy("Dépublier"),
    "archive": _lazy("Archiver"),
    "back_to_draft": _lazy("Remettre en brouillon"),
}


def _run_action(request, article, action):
    """Run a posted transition; returns (ok, bound forms with errors to show again)."""
    user, data = request.user, request.POST
    forms = {}
    if action == "submit":
        workflow.submit(article, user, data.get("message", "")[:5000])
        return _("Article soumis à relecture : les accompagnateurs sont prévenus."), forms
    if action == "withdraw":
        workflow.withdraw(article, user)
        return _("Soumission retirée : l'article est de nouveau un brouillon."), forms
    if action == "request_changes":
        form = forms["changes_form"] = ChangesForm(data, auto_id="changes_%s")
        if not form.is_valid():
            return None, forms
        workflow.request_changes(article, user, form.cleaned_data["message"])
        return _("Demande de modifications envoyée aux auteurs."), forms
    if action == "publish":
        form = forms["publish_form"] = PublishForm(data, auto_id="publish_%s")
        if not form.is_valid():
            return None, forms
        workflow.publish(article, user, at=form.at, message=form.cleaned_data.get("message", ""))
        if form.at is not None:
            return _("Publication programmée le %(when)s.") % {"when": workflow.describe_local(form.at)}, forms
        return _("Article publié."), forms
    if action in ("unpublish", "archive"):
        form = forms["reason_form"] = ReasonForm(data, auto_id="reason_%s")
        if not form.is_valid():
            return None, forms
        getattr(workflow, action)(article, user, form.cleaned_data.get("reason", ""))
        return (_("Article dépublié.") if action == "unpublish" else _("Article archivé.")), forms
    if action == "back_to_draft":
        workflow.back_to_draft(article, user)
        return _("Article remis en brouillon."), forms
    if action == "comment":
        form = forms["message_form"] = MessageForm(data, auto_id="thread_%s")
        if not form.is_valid():
            return None, forms
        workflow.comment(article, user, form.cleaned_data["body"])
        return _("Message envoyé."), forms
    raise workflow.TransitionError(_("Action inconnue."))


@_login_on_refusal
@rate_limit("contribution", counts=lambda request: request.POST.get("action") == "comment")
@require_http_methods(["GET", "POST"])
def review(request, pk):
    """The review page: state, what is missing, the thread, and the actions this person may take."""
    article = _article_or_404(request, pk, permissions.can_read_review)
    user = request.user
    forms, errors = {}, []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done, forms = _run_action(request, article, action)
        except workflow.TransitionError as error:
            done = None
            errors.append(str(error))
        if done:
            messages.success(request, done)
            return redirect("magazine:review", pk=article.pk)
        if not errors and not any(form.errors for form in forms.values()):
            errors.append(_("Votre action n'a pas abouti."))
        article.refresh_from_db()
    actions = workflow.available_actions(user, article)
    context = {
        "article": article,
        "actions": actions,
        "action_labels": ACTION_LABELS,
        "thread": article.review_messages.select_related("author"),
        "authors": workflow.authors_of(article),
        "blockers": workflow.submission_blockers(article),
        "failure_errors": errors,
        "can_edit": permissions.can_edit(user, article),
        "can_use_queue": permissions.can_use_queue(user),
        "publish_form": forms.get("publish_form") or PublishForm(auto_id="publish_%s"),
        "changes_form": forms.get("changes_form") or ChangesForm(auto_id="changes_%s"),
        "reason_form": forms.get("reason_form") or ReasonForm(auto_id="reason_%s"),
        "message_form": forms.get("message_form") or MessageForm(auto_id="thread_%s"),
        "scheduled_for": workflow.describe_local(article.published_at) if article.is_scheduled else "",
    }
    return render(request, "magazine/edit/review.html", context, status=400 if errors or forms else 200)


# History ---------------------------------------------------------------------------------------

FIELD_LABELS = {
    "title": _lazy("Titre"), "lead": _lazy("Chapeau"), "body": _lazy("Texte"),
    "cover_alt": _lazy("Description de l'image"),
    "cover_credit": _lazy("Crédit de l'image"), "category": _lazy("Rubrique"), "is_dossier": _lazy("Dossier"),
    "territories": _lazy("Territoires"), "themes": _lazy("Thèmes"), "events": _lazy("Événements liés"),
    "fiches": _lazy("Fiches citées"), "authors": _lazy("Signataires"),
}
PROSE = ("title", "lead", "body", "cover_alt", "cover_credit")
LISTS = ("territories", "themes", "events", "fiches", "authors")


def _display_item(key, item, names):
    if key == "fiches":
        return f"{item.get('title') or item.get('slug')}" + (f" — {item['note']}" if item.get("note") else "")
    if key == "authors":
        return names.get(item, _("compte supprimé"))
    return str(item)


def _author_names(*snapshots):
    from django.contrib.auth import get_user_model

    ids = {pk for snap in snapshots if snap for pk in snap.get("authors", [])}
    return {user.pk: str(user.display_name) for user in get_user_model().objects.filter(pk__in=ids)}


def diff_article_snapshots(old, new):
    """[{label, kind, diff | old/new, is_markdown}] for the parts that changed (the editorial template's shape)."""
    old = old or {}
    names = _author_names(old, new)
    changes = []
    for key, label in FIELD_LABELS.items():
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key in PROSE:
            changes.append({"label": label, "kind": "text", "diff": word_diff(before or "", after or ""),
                            "is_markdown": key == "body"})
        elif key in LISTS:
            changes.append({"label": label, "kind": "list", "diff": [
                (op, _display_item(key, item, names)) for op, item in
                list_diff([_key(key, i) for i in before or []], [_key(key, i) for i in after or []])
            ]})
        else:
            changes.append({"label": label, "kind": "value", "old": _value(before), "new": _value(after)})
    return changes


def _key(key, item):
    # dicts are not hashable for difflib: compare fiches as tuples, then give them back as dicts.
    return _Item(item) if isinstance(item, dict) else item


class _Item(dict):
    def __hash__(self):
        return hash(tuple(sorted(self.items())))


def _value(value):
    if value is True:
        return _("oui")
    if value is False:
        return _("non")
    return "" if value is None else str(value)


@_login_on_refusal
@require_GET
def history(request, pk):
    article = _article_or_404(request, pk, permissions.can_view_history)
    revisions = list(article.revisions.select_related("author").order_by("-number")[:200])
    return render(request, "magazine/edit/history.html", {"article": article, "revisions": revisions})


@_login_on_refusal
@require_GET
def revision(request, pk, number):
    article = _article_or_404(request, pk, permissions.can_view_history)
    current = get_object_or_404(ArticleRevision.objects.select_related("author"), article=article, number=number)
    previous = article.revisions.filter(number__lt=number).order_by("-number").first()
    changes = diff_article_snapshots(previous.snapshot if previous else {}, current.snapshot)
    snap = current.snapshot
    names = _author_names(snap)
    return render(request, "magazine/edit/revision.html", {
        "article": article,
        "revision": current,
        "previous": previous,
        "changes": changes,
        "snapshot": snap,
        "body_html": render_markdown(snap.get("body") or ""),
        "fiches": [_display_item("fiches", item, names) for item in snap.get("fiches", [])],
        "signers": [_display_item("authors", item, names) for item in snap.get("authors", [])],
        "edit_url": reverse("magazine:edit", args=[article.pk]) if permissions.can_edit(request.user, article) else "",
    })

