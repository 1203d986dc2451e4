"""The weekly letter in the admin: subscribers (read-mostly), issues with their items, the outbox (read-only).

Letters are written on the site (`/lettre/redaction/`), where every change is audited; the admin
is for looking things up and mending by hand. A subscriber's consent (its date and wording) is
never edited; addresses are added only by the double opt-in of the subscription page.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Issue, IssueItem, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "state", "created_at", "confirmed_at", "unsubscribed_at", "hard_bounces", "is_demo"]
    list_filter = ["state", "is_demo", "themes"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = ["email", "state", "territories", "themes", "consent_text", "consent_at", "confirmed_at",
              "unsubscribed_at", "hard_bounces", "last_bounce_at", "created_at", "is_demo"]
    readonly_fields = ["email", "territories", "themes", "consent_text", "consent_at", "confirmed_at",
                       "unsubscribed_at", "hard_bounces", "last_bounce_at", "created_at", "is_demo"]

    def has_add_permission(self, request):
        return False


class IssueItemInline(admin.TabularInline):
    model = IssueItem
    extra = 0
    fields = ["position", "kind", "title", "summary", "url", "when", "source_key"]
    readonly_fields = ["source_key"]
    ordering = ["position", "pk"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return self.fields
        return self.readonly_fields

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.is_editable

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.is_editable


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["number", "subject", "state", "period_end", "scheduled_at", "sent_at", "item_count", "is_demo"]
    list_display_links = ["number", "subject"]
    list_filter = ["state", "is_demo"]
    search_fields = ["subject", "editorial"]
    date_hierarchy = "period_end"
    fields = ["number", "subject", "editorial", "state", "period_start", "period_end", "scheduled_at",
              "sending_started_at", "sent_at", "created_by", "created_at", "updated_at", "is_demo"]
    readonly_fields = ["number", "state", "period_start", "period_end", "sending_started_at", "sent_at",
                       "created_by", "created_at", "updated_at", "is_demo"]
    inlines = [IssueItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_items=Count("items"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return self.fields
        return self.readonly_fields

    def has_add_permission(self, request):
        return False  # composed on the site (or by `manage.py compose_weekly_letter`)

    @admin.display(description=_("éléments"), ordering="_items")
    def item_count(self, obj):
        return obj._items


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber", "state", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["state", "is_fallback"]
    search_fields = ["subscriber__email"]
    list_select_related = ["issue", "subscriber"]
    fields = ["issue", "subscriber", "state", "item_ids", "is_fallback", "attempts", "next_attempt_at", "claimed_by",
              "lease_until", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
