"""Moderation pages: « Signaler » for anyone, the moderators' queue, an item and its decisions, blocked accounts.

Reporting is open to visitors (traps and a rate limit keep robots out); only registered
content that everybody can see now may be reported, anything else is a 404. Every decision
is a POST to its own URL that goes through services.py (and so into the audit log); on
success the moderator is sent back to the queue with a message, on a refusal the item's page
is shown again with what they typed and the reason.
"""

from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creative.accounts.permissions import can_moderate, requires
from creative.antispam.ratelimit import rate_limit
from creative.audit.views import object_label

from . import registry, services
from .forms import CAUSES, DEFAULT_ORDER, ORDERS, BlockForm, NoteForm, QueueFilterForm, ReportForm
from .models import AccountBlock, ModerationItem, Report, ReportReason, Visibility

QUEUE_PAGE_SIZE = 20
BLOCKS_PAGE_SIZE = 50
REPORT_EXCERPT = 600  # characters of the content shown above the report form
QUEUE_EXCERPT = 280
MAX_PK_LENGTH = 64  # ModerationItem.object_id: anything longer names nothing

# How the report page names what is reported, by model; other kinds use the registry's label.
REPORT_TITLES = {
    "comments.comment": gettext_lazy("Signaler un commentaire"),
    "innovations.innovation": gettext_lazy("Signaler une fiche"),
}


# Reporting --------------------------------------------------------------------------------------

def _registered(label, pk):
    """(kind, object) named by a URL's "app_label.model" and primary key; 404 for anything else."""
    label = label.lower()
    kind = next((k for k in registry.registered() if k.model._meta.label_lower == label), None)
    if kind is None or not pk or len(pk) > MAX_PK_LENGTH:
        raise Http404
    try:
        value = kind.model._meta.pk.to_python(pk)
    except (ValidationError, ValueError, TypeError):
        raise Http404 from None
    try:
        obj = kind.model._default_manager.filter(pk=value).first()
    except (ValueError, OverflowError):  # a number no database column holds
        obj = None
    if obj is None:
        raise Http404
    return kind, obj


def _about_field(obj):
    return any(field.name == "content_object" for field in obj._meta.private_fields)


def _about(obj):
    """What `obj` is attached to (a comment's fiche), or None."""
    return obj.content_object if _about_field(obj) else None


def _already_reported(obj, fingerprint):
    """Whether this person's report of `obj` is still waiting for a decision."""
    return Report.objects.filter(
        item__in=ModerationItem.objects.open().for_object(obj), fingerprint=fingerprint,
        created_at__gte=F("item__opened_at"),
    ).exists()


def _description(kind, obj):
    """« Commentaire de Camille, sur « Repair café » »: what is reported, who wrote it, where."""
    author = kind.author(obj)
    text = capfirst(kind.label)
    if author is not None:
        text = _("%(kind)s de %(name)s") % {"kind": text, "name": author.display_name}
    about = _about(obj)
    if about is not None:
        text = _("%(what)s, sur « %(about)s »") % {"what": text, "about": about}
    return text


@require_http_methods(["GET", "POST"])
@rate_limit("report")
def report(request, label, pk):
    kind, obj = _registered(label, pk)
    if not services.is_public(obj):
        raise Http404
    form = ReportForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        services.report(
            obj, reason=form.cleaned_data["reason"], text=form.cleaned_data["text"], reporter=request.user,
            fingerprint=services.visitor_fingerprint(request),
        )
        # Already reported by this person: the same thanks, nothing counted twice (services.report).
        return redirect("moderation:report_thanks", label=obj._meta.label_lower, pk=obj.pk)
    context = {
        "form": form,
        "already_reported": _already_reported(obj, services.visitor_fingerprint(request)),
        "title": REPORT_TITLES.get(obj._meta.label_lower) or _("Signaler un contenu"),
        "description": _description(kind, obj),
        "obj": obj,
        "excerpt": kind.text(obj) or "",
        "excerpt_length": REPORT_EXCERPT,
    }
    return render(request, "moderation/report.html", context, status=400 if form.is_bound else 200)


@require_GET
def report_thanks(request, label, pk):
    _kind, obj = _registered(label, pk)
    about = _about(obj)
    if services.is_public(obj):
        back = obj.get_absolute_url()
    elif about is not None and services.is_public(about) and hasattr(about, "get_absolute_url"):
        back = about.get_absolute_url()
    else:  # hidden meanwhile (or never public: this page tells nothing about it)
        back = ""
    return render(request, "moderation/report_thanks.html", {"back": back, "about": about})


# The queue ---------------------------------------------------------------------------------------

def _reason_label(reason):
    """A spam reason as stored by services.hold: [code, explanation, weight], or a bare code."""
    if isinstance(reason, (list, tuple)):
        return str(reason[1] if len(reason) > 1 and reason[1] else reason[0]) if reason else ""
    return str(reason)


@dataclass
class Row:
    """One open item as the queue (and the item's page) shows it."""

    item: ModerationItem
    kind: registry.Moderatable | None
    obj: object
    reasons: list  # [(label, count)], most frequent first, reports of the current opening only

    @property
    def kind_label(self):
        return self.kind.label if self.kind else self.item.content_type.name

    @property
    def url(self):
        if self.obj is None or not hasattr(self.obj, "get_absolute_url"):
            return ""
        return self.obj.get_absolute_url()

    @property
    def visibility(self):
        if self.obj is None or self.kind is None:
            return None
        return Visibility(self.kind.visibility(self.obj))

    @property
    def spam_reasons(self):
        return [label for label in map(_reason_label, self.item.spam_reasons or []) if label]

    @property
    def log_filter(self):
        return object_label(self.item.content_type, self.item.object_id)


def _rows(items):
    items = list(items)
    prefetch_related_objects(items, "content_object")
    # What comments are about (their links go to the fiche): one query per kind, not per row.
    by_model = {}
    for item in items:
        if item.content_object is not None and _about_field(item.content_object):
            by_model.setdefault(type(item.content_object), []).append(item.content_object)
    for objects in by_model.values():
        prefetch_related_objects(objects, "content_object")
    counts = {item.pk: Counter() for item in items}
    opened = {item.pk: item.opened_at for item in items}
    for item_id, reason, created_at in Report.objects.filter(item__in=items).values_list(
        "item_id", "reason", "created_at"
    ):
        if created_at >= opened[item_id]:
            counts[item_id][reason] += 1
    labels = dict(ReportReason.choices)
    return [
        Row(
            item=item,
            kind=registry.for_model(item.content_type.model_class()) if item.content_type.model_class() else None,
            obj=item.content_object,
            reasons=[(labels.get(reason, reason), n) for reason, n in counts[item.pk].most_common()],
        )
        for item in items
    ]


@require_GET
@requires(can_moderate)
def queue(request):
    form = QueueFilterForm(request.GET)
    form.is_valid()  # bad values are listed in a notice and left out
    open_items = ModerationItem.objects.open()
    items = form.filter(open_items.select_related("content_type", "author__profile"))
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    by_cause = dict(open_items.order_by().values_list("cause").annotate(n=Count("pk")))
    motif = form.cleaned_data.get("motif") or ""
    context = {
        "form": form,
        "page": page,
        "rows": _rows(page.object_list),
        "motif": motif,
        "tri": form.cleaned_data.get("tri") or DEFAULT_ORDER,
        "causes": [
            (key, label, sum(by_cause.get(cause, 0) for cause in causes)) for key, (label, causes) in CAUSES.items()
        ],
        "orders": [(key, label) for key, (label, _fields) in ORDERS.items()],
        "open_count": sum(by_cause.values()),
        "blocked_count": AccountBlock.objects.active().count(),
    }
    return render(request, "moderation/queue.html", context)


# An item and its decisions --------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """A decision as the item's page offers it: its URL slug, the service, the button and the message."""

    slug: str
    run: object  # services.dismiss, approve… (item, moderator, note)
    button: str
    help_text: str
    done: str
    danger: bool = False

    def offered(self, row):
        if self.slug == "ecarter":
            return row.item.status == ModerationItem.Status.OPEN and (
                row.item.cause == ModerationItem.Cause.REPORTS or row.obj is None
            )
        visibility = row.visibility
        return visibility is not None and visibility in services.DECIDABLE_FROM[DECISION_OF[self.slug]]

    def form(self, data=None):
        return NoteForm(data, prefix=self.slug)


DECISION_OF = {
    "publier": ModerationItem.Decision.APPROVED,
    "masquer": ModerationItem.Decision.HIDDEN,
    "retablir": ModerationItem.Decision.RESTORED,
    "supprimer": ModerationItem.Decision.DELETED,
}

DECISIONS = {
    decision.slug: decision
    for decision in (
        Decision(
            "publier", services.approve, gettext_lazy("Publier"),
            gettext_lazy("Le contenu devient visible de tous. Son auteur n'est plus en pré-modération."),
            gettext_lazy("Le contenu est publié ; son auteur n'est plus en pré-modération."),
        ),
        Decision(
            "ecarter", services.dismiss, gettext_lazy("Écarter les signalements"),
            gettext_lazy("Les signalements ne sont pas fondés : le dossier est clos et le contenu, s'il avait été "
                         "masqué automatiquement, est de nouveau visible."),
            gettext_lazy("Les signalements sont écartés."),
        ),
        Decision(
            "retablir", services.restore, gettext_lazy("Rétablir"),
            gettext_lazy("Le contenu est de nouveau visible de tous."),
            gettext_lazy("Le contenu est rétabli : il est de nouveau visible."),
        ),
        Decision(
            "masquer", services.hide, gettext_lazy("Masquer"),
            gettext_lazy("Le contenu n'est plus visible du public ; il reste conservé et peut être rétabli."),
            gettext_lazy("Le contenu est masqué."), danger=True,
        ),
        Decision(
            "supprimer", services.delete_spam, gettext_lazy("Supprimer comme indésirable"),
            gettext_lazy("Publicité ou message de robot : le contenu est retiré comme indésirable."),
            gettext_lazy("Le contenu est supprimé comme indésirable."), danger=True,
        ),
    )
}


def _item(pk):
    return get_object_or_404(
        ModerationItem.objects.select_related("content_type", "author__profile", "closed_by__profile"), pk=pk,
    )


def _render_item(request, item, *, failed=None, status=200):
    """The item's page. `failed` is (slug, bound form) to show again with its errors and the note typed."""
    row = _rows([item])[0]
    failed_slug, failed_form = failed or (None, None)
    decisions = [
        (decision, failed_form if failed_slug == decision.slug else decision.form())
        for decision in DECISIONS.values()
        if decision.offered(row) or failed_slug == decision.slug
    ]
    author = item.author
    blocked = services.is_blocked(author) if author is not None else False
    active_block = None
    if author is not None:
        if blocked:
            blocks = AccountBlock.objects.active().filter(user=author)
            active_block = blocks.select_related("blocked_by__profile").first()
        block_form = failed_form if failed_slug == "bloquer" else BlockForm(prefix="bloquer")
        unblock_form = failed_form if failed_slug == "debloquer" else NoteForm(prefix="debloquer")
    else:
        block_form = unblock_form = None
    current_text = row.kind.text(row.obj) if row.obj is not None and row.kind else None
    context = {
        "row": row,
        "item": item,
        "reports": item.reports.select_related("reporter__profile"),
        "decisions": decisions,
        "author": author,
        "author_blocked": blocked,
        "active_block": active_block,  # not "block": {% block %} sets that name
        "block_form": block_form,
        "unblock_form": unblock_form,
        "current_text": current_text,
        "text_changed": current_text is not None and current_text[: services.EXCERPT_LENGTH] != item.excerpt,
        "failed_slug": failed_slug,
        "failure_errors": [e for errors in failed_form.errors.values() for e in errors] if failed_form else [],
    }
    return render(request, "moderation/item.html", context, status=status)


@require_GET
@requires(can_moderate)
def item_page(request, pk):
    return _render_item(request, _item(pk))


@require_POST
@requires(can_moderate)
def decide(request, pk, action):
    decision = DECISIONS.get(action)
    if decision is None:
        raise Http404
    item = _item(pk)
    form = decision.form(request.POST)
    if not form.is_valid():
        return _render_item(request, item, failed=(decision.slug, form), status=400)
    try:
        decision.run(item, request.user, form.cleaned_data["note"])
    except services.ModerationError as exc:
        form.add_error(None, str(exc))
        return _render_item(request, item, failed=(decision.slug, form), status=409)
    messages.success(request, decision.done)
    return redirect("moderation:queue")


def _author_or_refusal(item, form):
    if item.author is None:
        form.add_error(None, _("L'auteur de ce contenu n'est pas connu (compte supprimé) : il n'y a rien à bloquer."))
        return None
    return item.author


@require_POST
@requires(can_moderate)
def block_author(request, pk):
    item = _item(pk)
    form = BlockForm(request.POST, prefix="bloquer")
    if not form.is_valid():
        return _render_item(request, item, failed=("bloquer", form), status=400)
    author = _author_or_refusal(item, form)
    try:
        if author is not None:
            services.block(author, request.user, form.cleaned_data["reason"])
    except services.ModerationError as exc:
        form.add_error(None, str(exc))
    if form.errors:
        return _render_item(request, item, failed=("bloquer", form), status=409)
    messages.success(request, _(
        "Le compte de %(name)s est bloqué : il ne peut plus rien publier, et ce qu'il avait en attente de "
        "modération est supprimé.") % {"name": author.display_name})
    return redirect("moderation:queue")


@require_POST
@requires(can_moderate)
def unblock_author(request, pk):
    item = _item(pk)
    form = NoteForm(request.POST, prefix="debloquer")
    if not form.is_valid():
        return _render_item(request, item, failed=("debloquer", form), status=400)
    author = _author_or_refusal(item, form)
    try:
        if author is not None:
            services.unblock(author, request.user, form.cleaned_data["note"])
    except services.ModerationError as exc:
        form.add_error(None, str(exc))
    if form.errors:
        return _render_item(request, item, failed=("debloquer", form), status=409)
    messages.success(request, _("Le compte de %(name)s est débloqué : il retrouve ses droits.")
                     % {"name": author.display_name})
    return redirect("moderation:queue")


# Blocked accounts ----------------------------------------------------------------------------------

@require_GET
@requires(can_moderate)
def blocked_accounts(request):
    people = ("user__profile", "blocked_by__profile", "lifted_by__profile")
    lifted = AccountBlock.objects.filter(lifted_at__isnull=False).select_related(*people).order_by("-lifted_at", "-pk")
    context = {
        "active": AccountBlock.objects.active().select_related(*people).order_by("-created_at", "-pk"),
        "lifted": Paginator(lifted, BLOCKS_PAGE_SIZE).get_page(request.GET.get("page")),
        "form": NoteForm(),
    }
    return render(request, "moderation/blocked.html", context)


@require_POST
@requires(can_moderate)
def unblock(request, user_pk):
    person = get_object_or_404(get_user_model().objects.select_related("profile"), pk=user_pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            services.unblock(person, request.user, form.cleaned_data["note"])
        except services.ModerationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Le compte de %(name)s est débloqué : il retrouve ses droits.")
                             % {"name": person.display_name})
    return redirect(reverse("moderation:blocked"))
