"""The agenda in the admin: kinds (an editable list), series, events, registrations (read-mostly).

Events saved here go through editing.save_event, like the site's forms: their territories stay
right and a change of date, place or state raises their iCalendar sequence. Registrations are
made and cancelled on the site (capacity and waiting list are kept there): here they are read,
and only their attendance mark can be changed.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from . import editing
from .models import Event, EventKind, Registration, Series


@admin.register(EventKind)
class EventKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "event_count"]
    list_editable = ["position"]
    list_display_links = ["name"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_events=Count("events"))

    @admin.display(description=_("événements"), ordering="_events")
    def event_count(self, obj):
        return obj._events


class SeriesEventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ["title", "starts_at", "ends_at", "state"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    ordering = ["starts_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "rule", "date_count", "created_by", "created_at"]
    search_fields = ["title"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["created_by"]
    inlines = [SeriesEventInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by__profile").annotate(_dates=Count("events"))

    @admin.display(description=_("dates"), ordering="_dates")
    def date_count(self, obj):
        return obj._dates


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "kind", "commune", "is_online", "state", "capacity", "confirmed_count",
                    "is_demo"]
    list_filter = ["state", "kind", "is_online", "is_free", "is_demo", "themes"]
    search_fields = ["title", "slug", "description", "address", "commune__name", "organisation__name",
                     "organiser__profile__display_name", "organiser__email"]
    list_select_related = ["kind", "commune"]
    autocomplete_fields = ["commune", "organiser", "organisation", "series", "created_by", "innovations"]
    filter_horizontal = ["themes"]
    readonly_fields = ["slug", "sequence", "created_at", "updated_at"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "description", "state", "rejection_reason"]}),
        (_("Organisation"), {"fields": ["organiser", "organisation", "series", "created_by"]}),
        (_("Date"), {"fields": ["starts_at", "ends_at"]}),
        (_("Lieu"), {"fields": ["is_online", "online_url", "commune", "address", "latitude", "longitude"]}),
        (_("Inscriptions"), {"fields": ["capacity", "registration_opens_at", "registration_closes_at", "is_free",
                                        "price_info", "accessibility"]}),
        (_("Liens"), {"fields": ["themes", "innovations"]}),
        (_("Suivi"), {"fields": ["sequence", "created_at", "updated_at", "is_demo"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _confirmed=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        )

    @admin.display(description=_("inscrits"), ordering="_confirmed")
    def confirmed_count(self, obj):
        return obj._confirmed

    def save_model(self, request, obj, form, change):
        editing.save_event(obj)  # territories and sequence, like the site's forms


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-mostly: seats and waiting lists are managed on the site; attendance may be corrected here."""

    list_display = ["name", "event", "status", "created_at", "confirmed_at", "waiting_since", "attended"]
    list_filter = ["status", "attended"]
    search_fields = ["name", "email", "event__title", "user__profile__display_name"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    fields = ["event", "user", "name", "email", "status", "created_at", "confirmed_at", "waiting_since",
              "cancelled_at", "reminded_at", "attended"]
    readonly_fields = ["event", "user", "name", "email", "status", "created_at", "confirmed_at", "waiting_since",
                       "cancelled_at", "reminded_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
