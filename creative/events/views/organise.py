"""Organisers' and editors' pages: propose an event (or a series), validate proposals, edit or cancel
an event, and the attendee tools (list, check-in, CSV export, a message to everybody).

Who may do what is in ..permissions; the writes themselves in ..editing. Every form works
without JavaScript; refused input is shown again with its errors (status 400).
"""

import csv
import io

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creative.accounts.permissions import can_contribute, editor_scope_ids, is_administrator, requires
from creative.antispam.ratelimit import rate_limit
from creative.moderation.models import ModerationItem

from .. import editing
from ..forms import AttendeeMessageForm, CancelForm, CheckInForm, DecisionForm, EventForm
from ..models import Event, Registration
from ..permissions import can_edit_event, can_manage_event, can_propose, can_use_event_queue, can_validate

QUEUE_PAGE_SIZE = 20
NOT_YOURS = gettext_lazy("Seules les personnes qui organisent cet événement, et les accompagnateurs de son territoire, "
              "peuvent faire cela.")


def _event(slug):
    return get_object_or_404(
        Event.objects.select_related("kind", "commune__parent__parent__parent", "organisation", "series"), slug=slug,
    )


def _managed(request, slug):
    event = _event(slug)
    if not can_manage_event(request.user, event):
        raise PermissionDenied(NOT_YOURS)
    return event


# Proposing --------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@requires(can_propose)
@rate_limit("contribution")
def propose(request):
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            events = editing.propose(form, request.user, request=request)
            messages.success(request, _proposal_message(events))
            return redirect(events[0].get_absolute_url())
        return render(request, "events/propose.html", {"form": form}, status=400)
    return render(request, "events/propose.html", {"form": form})


def _proposal_message(events):
    count = len(events)
    if events[0].state == Event.State.PUBLISHED:
        return ngettext(
            "L'événement est publié dans l'agenda.",
            "Les %(count)s dates sont publiées dans l'agenda.", count,
        ) % {"count": count}
    return ngettext(
        "L'événement est proposé : les accompagnateurs du territoire le publieront après relecture. "
        "Vous recevrez un courriel.",
        "Les %(count)s dates sont proposées : les accompagnateurs du territoire les publieront après relecture. "
        "Vous recevrez un courriel.", count,
    ) % {"count": count}


# Validation -------------------------------------------------------------------------------------

def events_in_scope(user, queryset):
    """The events of `queryset` that `user` validates: those of their territories, online ones without a
    commune (every editor's), everything for administrators."""
    if is_administrator(user):
        return queryset
    scope = editor_scope_ids(user)
    inside = Event.territories.through.objects.filter(territory_id__in=scope).values("event_id")
    return queryset.filter(Q(commune__isnull=True) | Q(pk__in=inside))


@require_GET
@requires(can_use_event_queue)
def review_queue(request):
    """Proposed events, oldest proposals first; a series shows once, with its number of proposed dates."""
    proposed = Event.objects.filter(state=Event.State.PROPOSED)
    siblings = Event.objects.filter(series=OuterRef("series"), state=Event.State.PROPOSED)
    listed = (
        events_in_scope(request.user, proposed)
        .annotate(
            first_of_series=Subquery(siblings.order_by("starts_at", "pk").values("pk")[:1]),
            series_count=Coalesce(
                Subquery(siblings.order_by().values("series").annotate(n=Count("pk")).values("n")[:1]), 1,
            ),
        )
        .filter(Q(series__isnull=True) | Q(pk=F("first_of_series")))
        .select_related("kind", "commune", "organisation", "organiser__profile", "created_by__profile")
        .order_by("created_at", "starts_at", "pk")
    )
    page = Paginator(listed, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    events = list(page.object_list)
    suspected = _suspected_ids(events)
    for event in events:
        event.suspected = event.pk in suspected
        event.series_dates = []
    _attach_series_dates(events)
    context = {
        "page": page,
        "events": events,
        "has_scope": is_administrator(request.user) or bool(editor_scope_ids(request.user)),
    }
    return render(request, "events/review_queue.html", context)


def _suspected_ids(events):
    """Ids of the events an open moderation item holds as suspected spam."""
    if not events:
        return set()
    ids = ModerationItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Event), object_id__in=[str(e.pk) for e in events],
        status=ModerationItem.Status.OPEN, cause=ModerationItem.Cause.SPAM,
    ).values_list("object_id", flat=True)
    return {int(pk) for pk in ids}


def _attach_series_dates(events):
    """The proposed dates of each listed series (one query for the page)."""
    series_ids = [e.series_id for e in events if e.series_id and e.series_count > 1]
    if not series_ids:
        return
    dates = {}
    for sibling in Event.objects.filter(series__in=series_ids, state=Event.State.PROPOSED).order_by("starts_at"):
        dates.setdefault(sibling.series_id, []).append(sibling.starts_at)
    for event in events:
        event.series_dates = dates.get(event.series_id, [])


@require_POST
@requires(can_contribute)
def decide(request, slug):
    event = _event(slug)
    if not can_validate(request.user, event):
        raise PermissionDenied(_("Seuls les accompagnateurs du territoire de l'événement le publient ou le refusent."))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return render(request, "events/organise/decide.html", {"event": event, "form": form}, status=400)
    events = [event]
    if form.cleaned_data["whole_series"] and event.series_id:
        events = [e for e in event.series.events.filter(state=Event.State.PROPOSED).select_related("commune")
                  if can_validate(request.user, e)] or [event]
    try:
        if form.cleaned_data["decision"] == DecisionForm.PUBLISH:
            decided = editing.publish(events, request.user)
            text = ngettext("« %(title)s » est publié ; la personne qui organise est prévenue.",
                            "%(count)s dates de « %(title)s » sont publiées ; la personne qui organise est prévenue.",
                            len(decided))
        else:
            decided = editing.reject(events, request.user, form.cleaned_data["reason"])
            text = ngettext(
                "« %(title)s » est refusé ; la personne qui organise a reçu le motif.",
                "%(count)s dates de « %(title)s » sont refusées ; la personne qui organise a reçu le motif.",
                len(decided))
    except editing.DecisionError as exc:
        messages.error(request, str(exc))
        return redirect("events:review_queue")
    messages.success(request, text % {"title": event.title, "count": len(decided)})
    return redirect("events:review_queue")


# Editing ------------------------------------------------------------------------------------------

def _refuse_closed(request, event):
    messages.error(request, _("Cet événement est %(state)s : il ne peut plus être modifié.")
                   % {"state": event.get_state_display()})
    return redirect(event.get_absolute_url())


@require_http_methods(["GET", "POST"])
@requires(can_contribute)
@rate_limit("contribution")
def edit(request, slug):
    event = _managed(request, slug)
    if not can_edit_event(request.user, event):
        return _refuse_closed(request, event)
    form = EventForm(request.POST or None, user=request.user, event=event)
    if request.method == "POST":
        if form.is_valid():
            aspects = editing.update(event, form, request.user, request=request)
            messages.success(request, _("Les modifications sont enregistrées."))
            if event.state == Event.State.PUBLISHED and aspects & {"date", "place"}:
                messages.info(request, _("Les personnes inscrites sont prévenues du changement par courriel."))
            return redirect(event.get_absolute_url())
        return render(request, "events/edit.html", {"form": form, "event": event}, status=400)
    return render(request, "events/edit.html", {"form": form, "event": event})


@require_http_methods(["GET", "POST"])
@requires(can_contribute)
def cancel_event(request, slug):
    event = _managed(request, slug)
    if not can_edit_event(request.user, event):
        return _refuse_closed(request, event)
    form = CancelForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                editing.cancel(event, request.user, form.cleaned_data["message"])
            except editing.DecisionError as exc:
                messages.error(request, str(exc))
                return redirect(event.get_absolute_url())
            messages.success(request, _("L'événement est annulé ; les personnes inscrites sont prévenues."))
            return redirect(event.get_absolute_url())
        return render(request, "events/organise/cancel.html", {"form": form, "event": event}, status=400)
    return render(request, "events/organise/cancel.html", {"form": form, "event": event})


# Attendees ---------------------------------------------------------------------------------------

def _registrations(event):
    base = event.registrations.select_related("user__profile")
    return {
        "confirmed": list(base.filter(status=Registration.Status.CONFIRMED).order_by("confirmed_at", "created_at",
                                                                                     "pk")),
        "waiting": list(base.filter(status=Registration.Status.WAITING).order_by("waiting_since", "pk")),
        "pending": list(base.filter(status=Registration.Status.PENDING).order_by("created_at", "pk")),
    }


def _decorate(registrations):
    for registration in registrations:
        registration.display_name = editing.attendee_name(registration)
        registration.address = editing.attendee_email(registration)
    return registrations


@require_GET
@requires(can_contribute)
def attendees(request, slug):
    event = _managed(request, slug)
    lists = {key: _decorate(value) for key, value in _registrations(event).items()}
    context = {
        "event": event,
        **lists,
        "present_count": sum(1 for r in lists["confirmed"] if r.attended),
    }
    response = render(request, "events/attendees.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@requires(can_contribute)
def checkin(request, slug, pk):
    event = _managed(request, slug)
    registration = get_object_or_404(event.registrations.exclude(status=Registration.Status.CANCELLED), pk=pk)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choix de présence invalide."), status=400, content_type="text/plain; charset=utf-8")
    editing.set_attendance(registration, request.user, form.cleaned_data["attended"])
    return redirect(reverse("events:attendees", args=[event.slug]) + f"#inscription-{registration.pk}")


CSV_INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A spreadsheet cell that is never read as a formula."""
    value = str(value)
    return f"'{value}" if value.startswith(CSV_INJECTION_PREFIXES) else value


@require_GET
@requires(can_contribute)
def attendees_csv(request, slug):
    event = _managed(request, slug)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("nom"), _("adresse"), _("état"), _("inscrit le"), _("présent")])
    presence = {True: _("oui"), False: _("non"), None: ""}
    for registrations in _registrations(event).values():
        for registration in registrations:
            writer.writerow([
                _cell(editing.attendee_name(registration)),
                _cell(editing.attendee_email(registration)),
                registration.get_status_display(),
                timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
                presence[registration.attended],
            ])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-inscrits.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@requires(can_contribute)
@rate_limit("contact")
def write(request, slug):
    event = _managed(request, slug)
    form = AttendeeMessageForm(request.POST or None)
    counts = {
        "confirmed": event.registrations.filter(status=Registration.Status.CONFIRMED).count(),
        "waiting": event.registrations.filter(status=Registration.Status.WAITING).count(),
    }
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            sent = editing.write_to_attendees(
                event, request.user, data["subject"], data["message"], include_waiting=data["include_waiting"],
            )
            if sent:
                messages.success(request, ngettext(
                    "Votre message part vers %(count)s personne.", "Votre message part vers %(count)s personnes.",
                    sent) % {"count": sent})
                return redirect("events:attendees", slug=event.slug)
            form.add_error(None, _("Personne n'est inscrit pour l'instant : le message n'a pas été envoyé."))
        return render(request, "events/write.html", {"form": form, "event": event, **counts}, status=400)
    return render(request, "events/write.html", {"form": form, "event": event, **counts})


urlpatterns = [
    path("agenda/proposer/", propose, name="propose"),
    path("agenda/a-valider/", review_queue, name="review_queue"),
    path("agenda/<slug:slug>/decision/", decide, name="decide"),
    path("agenda/<slug:slug>/modifier/", edit, name="edit"),
    path("agenda/<slug:slug>/annuler/", cancel_event, name="cancel_event"),
    path("agenda/<slug:slug>/inscrits/", attendees, name="attendees"),
    path("agenda/<slug:slug>/inscrits.csv", attendees_csv, name="attendees_csv"),
    path("agenda/<slug:slug>/inscrits/<int:pk>/presence/", checkin, name="checkin"),
    path("agenda/<slug:slug>/ecrire/", write, name="write"),
]
