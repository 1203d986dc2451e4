"""The editors' pages of the weekly letter: the list of issues, composing, editing, previewing,
testing, scheduling and sending.

Reserved to `permissions.can_edit_letters` (administrators, editors of the home territory):
visitors are sent to the login page, other accounts get a 403. Every change is a plain POST
form (no JavaScript needed) with a `action` field, and is written to the audit log:
letters.issue.composed, .edited, .scheduled, .sent (queued for sending), .test_sent.
Issues being sent or sent are read-only.

The preview (`letters:preview`) is the email's HTML itself, served with its own Content
Security Policy (inline styles, as emails need them; no script, no form, nothing but images
from the site) and shown in the editing page by a sandboxed <iframe>.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creative.accounts.permissions import requires
from creative.antispam.ratelimit import rate_limit
from creative.audit import record
from creative.territories.models import Territory

from .. import composition
from ..editor_forms import AddFicheForm, AddLinkForm, IssueForm, PreviewAsForm, ScheduleForm
from ..models import Issue, IssueItem, Subscriber
from ..permissions import can_edit_letters
from ..personalise import scopes_of, select

NOT_ALLOWED = gettext_lazy("Seuls les administrateurs et les accompagnateurs de tout le territoire rédigent la lettre.")
SENT_SHOWN = 20

# The preview is an email: inline styles, images, and nothing else. Only the site frames it.
PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", settings.SITE_URL],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
}


def editors_only(view):
    return requires(can_edit_letters, NOT_ALLOWED)(view)


def _issue(number):
    return get_object_or_404(Issue, number=number)


def _progress(issue):
    from ..delivery import progress

    return progress(issue)


# The list ---------------------------------------------------------------------------------------------

@never_cache
@require_GET
@editors_only
def manage(request):
    """Drafts, scheduled letters, letters being sent (with their progress), the last ones sent."""
    issues = Issue.objects.annotate(item_count=Count("items")).select_related("created_by__profile")
    State = Issue.State
    sending = list(issues.filter(state=State.SENDING).order_by("-number"))
    sent = list(issues.filter(state=State.SENT).order_by("-number")[:SENT_SHOWN])
    for issue in (*sending, *sent):
        issue.progress = _progress(issue)
    context = {
        "drafts": list(issues.filter(state=State.DRAFT).order_by("-number")),
        "scheduled": list(issues.filter(state=State.SCHEDULED).order_by("scheduled_at", "number")),
        "sending": sending,
        "sent": sent,
        "sent_total": Issue.objects.filter(state=State.SENT).count(),
        "subscriber_count": Subscriber.objects.active().count(),
    }
    return render(request, "letters/manage/list.html", context)


@require_POST
@editors_only
def compose(request):
    """« Composer maintenant »: this week's draft (the existing one when a draft already covers the week)."""
    now = timezone.now()
    existing = composition.covering_issue(now, states=(Issue.State.DRAFT, Issue.State.SCHEDULED))
    if existing is not None:
        messages.info(request, _("La lettre n° %(number)s couvre déjà cette semaine : la voici.") % {
            "number": existing.number})
        return redirect("letters:edit", existing.number)
    issue = composition.compose_issue(period_end=now, user=request.user)
    count = issue.items.count()
    messages.success(request, ngettext(
        "Le brouillon n° %(number)s est composé avec %(count)s élément.",
        "Le brouillon n° %(number)s est composé avec %(count)s éléments.", count,
    ) % {"number": issue.number, "count": count})
    return redirect("letters:edit", issue.number)


# Whose letter -----------------------------------------------------------------------------------------

@dataclass
class Audience:
    """Whose letter is previewed: everybody's (selection None), or one choice of territories and themes."""

    form: PreviewAsForm
    selection: object = None
    subscriber: object = None
    territories: tuple = ()
    themes: tuple = ()
    error: str = ""

    @property
    def query(self):
        """The preview's querystring for the same audience."""
        if self.selection is None:
            return ""
        data = self.form.cleaned_data
        params = []
        if data.get("email"):
            params.append(("email", data["email"]))
        params += [("territoire", t.slug) for t in data.get("territoire") or ()]
        params += [("theme", t.slug) for t in data.get("theme") or ()]
        return urlencode(params)

    @property
    def item_ids(self):
        return None if self.selection is None else set(self.selection.item_ids)


def audience_of(issue, params):
    keys = ("email", "territoire", "theme")
    form = PreviewAsForm(params if any(key in params for key in keys) else None)
    audience = Audience(form)
    if not form.is_bound or not form.is_valid() or not form.chosen:
        return audience
    data = form.cleaned_data
    if data["email"]:
        subscriber = Subscriber.objects.filter(email=data["email"]).prefetch_related("territories", "themes").first()
        if subscriber is None:
            audience.error = _("Aucune personne abonnée n'a cette adresse : voici la lettre complète.")
            return audience
        audience.subscriber = subscriber
        territories, themes = list(subscriber.territories.all()), list(subscriber.themes.all())
    else:
        territories, themes = list(data["territoire"]), list(data["theme"])
    audience.territories, audience.themes = tuple(territories), tuple(themes)
    audience.selection = select(scopes_of(issue), [t.pk for t in territories], [t.pk for t in themes])
    return audience


# Editing ----------------------------------------------------------------------------------------------

ACTIONS = ("save", "up", "down", "remove", "add_fiche", "add_link", "schedule", "unschedule")


def _items(issue):
    return list(
        issue.items.order_by("position", "pk").prefetch_related(
            Prefetch("territories", queryset=Territory.objects.order_by("depth", "name")), "themes",
        )
    )


def _edit_context(request, issue, **forms):
    audience = audience_of(issue, request.GET)
    items = _items(issue)
    for item in items:
        item.chosen = audience.item_ids is None or item.pk in audience.item_ids
    preview_url = reverse("letters:preview", args=[issue.number])
    if audience.query:
        preview_url += "?" + audience.query
    context = {
        "issue": issue,
        "items": items,
        "audience": audience,
        "preview_url": preview_url,
        "text_preview_url": preview_url + ("&" if audience.query else "?") + "format=texte",
        "subscriber_count": Subscriber.objects.active().count(),
        "issue_form": forms.get("issue_form") or IssueForm(instance=issue),
        "fiche_form": forms.get("fiche_form") or AddFicheForm(),
        "link_form": forms.get("link_form") or AddLinkForm(),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(
            initial={"scheduled_at": timezone.localtime(issue.scheduled_at) if issue.scheduled_at else None}
        ),
        "candidates": forms.get("candidates") or [],
        "kinds": IssueItem.Kind,
    }
    if not issue.is_editable:
        context["progress"] = _progress(issue)
    return context


@never_cache
@require_http_methods(["GET", "POST"])
@editors_only
@rate_limit("letter_edit")
def edit(request, number):
    issue = _issue(number)
    if request.method == "GET":
        return render(request, "letters/manage/edit.html", _edit_context(request, issue))
    action = request.POST.get("action")
    if action not in ACTIONS:
        return HttpResponseBadRequest(_("Action inconnue."))
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if not issue.is_editable:
            messages.error(request, _("Cette lettre est envoyée ou en cours d'envoi : elle ne peut plus changer."))
            return redirect("letters:edit", issue.number)
        response = ACTION_VIEWS[action](request, issue)
    return response or redirect(reverse("letters:edit", args=[issue.number]) + "#elements")


def _invalid(request, issue, **forms):
    return render(request, "letters/manage/edit.html", _edit_context(request, issue, **forms), status=400)


def _save(request, issue):
    form = IssueForm(request.POST, instance=issue)
    if not form.is_valid():
        return _invalid(request, issue, issue_form=form)
    if not form.has_changed():
        messages.info(request, _("Rien n'a changé."))
        return redirect("letters:edit", issue.number)
    form.save()
    record(request.user, "letters.issue.edited", issue, change="text", fields=sorted(form.changed_data))
    messages.success(request, _("L'objet et l'éditorial sont enregistrés."))
    return redirect("letters:edit", issue.number)


def _item_of(request, issue):
    try:
        pk = int(request.POST.get("item", ""))
    except ValueError:
        pk = None
    item = issue.items.filter(pk=pk).first() if pk else None
    if item is None:
        messages.error(request, _("Cet élément n'est plus dans la lettre."))
    return item


def _move(offset):
    def move(request, issue):
        item = _item_of(request, issue)
        if item is not None:
            composition.move_item(issue, item, offset, user=request.user)
            return redirect(reverse("letters:edit", args=[issue.number]) + f"#element-{item.pk}")
        return None

    return move


def _remove(request, issue):
    item = _item_of(request, issue)
    if item is not None:
        composition.remove_item(issue, item, user=request.user)
        messages.success(request, _("« %(title)s » est retiré de la lettre.") % {"title": item.title})


def _add(request, issue, draft):
    try:
        composition.add_item(issue, draft, user=request.user)
    except composition.DuplicateItem:
        messages.info(request, _("« %(title)s » est déjà dans la lettre.") % {"title": draft.title})
    else:
        messages.success(request, _("« %(title)s » est ajouté à la fin de la lettre.") % {"title": draft.title})


def _add_fiche(request, issue):
    form = AddFicheForm(request.POST)
    if not form.is_valid():
        return _invalid(request, issue, fiche_form=form)
    found = composition.find_fiches(form.cleaned_data["fiche"])
    if not found:
        form.add_error("fiche", _("Aucune fiche publiée ne correspond : vérifiez l'adresse ou le titre."))
        return _invalid(request, issue, fiche_form=form)
    if len(found) > 1:
        return render(request, "letters/manage/edit.html",
                      _edit_context(request, issue, fiche_form=form, candidates=found))
    _add(request, issue, composition.fiche_draft(found[0]))
    return None


def _add_link(request, issue):
    form = AddLinkForm(request.POST)
    if not form.is_valid():
        return _invalid(request, issue, link_form=form)
    data = form.cleaned_data
    _add(request, issue, composition.link_draft(data["title"], data["url"], data["summary"]))
    return None


def _schedule(request, issue):
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return _invalid(request, issue, schedule_form=form)
    if not issue.items.exists():
        messages.error(request, _("La lettre ne contient aucun élément : ajoutez-en avant de la programmer."))
        return redirect("letters:edit", issue.number)
    issue.state, issue.scheduled_at = Issue.State.SCHEDULED, form.cleaned_data["scheduled_at"]
    issue.save(update_fields=["state", "scheduled_at", "updated_at"])
    record(request.user, "letters.issue.scheduled", issue, scheduled_at=issue.scheduled_at.isoformat())
    messages.success(request, _("La lettre partira le %(when)s.") % {
        "when": date_format(timezone.localtime(issue.scheduled_at), r"l j F Y \à H:i")})
    return redirect("letters:edit", issue.number)


def _unschedule(request, issue):
    if issue.state != Issue.State.SCHEDULED:
        messages.info(request, _("Cette lettre n'était pas programmée."))
        return redirect("letters:edit", issue.number)
    issue.state, issue.scheduled_at = Issue.State.DRAFT, None
    issue.save(update_fields=["state", "scheduled_at", "updated_at"])
    record(request.user, "letters.issue.edited", issue, change="unscheduled")
    messages.success(request, _("L'envoi programmé est annulé : la lettre redevient un brouillon."))
    return redirect("letters:edit", issue.number)


ACTION_VIEWS = {
    "save": _save,
    "up": _move(-1),
    "down": _move(+1),
    "remove": _remove,
    "add_fiche": _add_fiche,
    "add_link": _add_link,
    "schedule": _schedule,
    "unschedule": _unschedule,
}


# Preview, test, send ----------------------------------------------------------------------------------

@never_cache
@require_GET
@editors_only
@csp_override(PREVIEW_CSP)
@xframe_options_sameorigin
def preview(request, number):
    """The letter as mailed (HTML, or its text part with ?format=texte), for everybody or one audience."""
    from ..rendering import render_letter

    issue = _issue(number)
    audience = audience_of(issue, request.GET)
    selection = audience.selection
    mail = render_letter(
        issue,
        item_ids=None if selection is None else list(selection.item_ids),
        is_fallback=bool(selection and selection.is_fallback),
    )
    if request.GET.get("format") == "texte":
        response = HttpResponse(mail.text, content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(mail.html, content_type="text/html; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@editors_only
@rate_limit("letter_test")
def send_test(request, number):
    """Send the whole letter, subject marked [TEST], to the editor's own address."""
    from ..delivery import send_test as deliver_test

    issue = _issue(number)
    address = request.user.email
    if not address:
        messages.error(request, _("Votre compte n'a pas d'adresse électronique."))
        return redirect("letters:edit", issue.number)
    deliver_test(issue, address)
    record(request.user, "letters.issue.test_sent", issue)
    messages.success(request, _("Un test a été envoyé à votre adresse (%(address)s).") % {"address": address})
    return redirect("letters:edit", issue.number)


@never_cache
@require_http_methods(["GET", "POST"])
@editors_only
def send(request, number):
    """Send now: a confirmation page with the number of recipients (GET), then the sending (POST)."""
    issue = _issue(number)
    count = Subscriber.objects.active().count()
    if request.method == "GET" or request.POST.get("confirm") != "oui":
        if not issue.is_editable:
            messages.info(request, _("Cette lettre est déjà envoyée ou en cours d'envoi."))
            return redirect("letters:edit", issue.number)
        return render(request, "letters/manage/send.html", {
            "issue": issue, "subscriber_count": count, "item_count": issue.items.count(),
        })
    from ..delivery import queue_issue

    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if not issue.is_editable:
            messages.info(request, _("Cette lettre est déjà envoyée ou en cours d'envoi."))
            return redirect("letters:edit", issue.number)
        if not issue.items.exists():
            messages.error(request, _("La lettre ne contient aucun élément : ajoutez-en avant de l'envoyer."))
            return redirect("letters:edit", issue.number)
        if not count:
            messages.error(request, _("Personne n'est abonné à la lettre pour l'instant : il n'y a rien à envoyer."))
            return redirect("letters:edit", issue.number)
        queued = queue_issue(issue)
        record(request.user, "letters.issue.sent", issue, recipients=queued)
    messages.success(request, ngettext(
        "La lettre part vers %(count)s personne : suivez l'envoi ci-dessous.",
        "La lettre part vers %(count)s personnes : suivez l'envoi ci-dessous.", queued,
    ) % {"count": queued})
    return redirect("letters:edit", issue.number)
