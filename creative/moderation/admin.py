"""Moderation in the admin: read-only, for moderators and administrators.

Every decision (hide, restore, block…) goes through the site's moderation pages, which use
services.py and so write the audit log; an edit here would not. The admin is for looking
things up: all items (open and closed), every report, blocks and approved accounts.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from creative.accounts.permissions import can_moderate

from .models import AccountBlock, ModerationItem, Report, Standing


class ReadOnlyForModerators(admin.ModelAdmin):
    """Visible to moderators and administrators; nobody adds, changes or deletes here."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_module_permission(self, request):
        return can_moderate(request.user)

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportInline(admin.TabularInline):
    model = Report
    fields = ["created_at", "reason", "text", "reporter"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ModerationItem)
class ModerationItemAdmin(ReadOnlyForModerators):
    list_display = ["__str__", "status", "cause", "report_count", "auto_hidden", "decision", "opened_at", "site_page"]
    list_filter = ["status", "cause", "decision", "auto_hidden", "content_type"]
    search_fields = ["excerpt", "note", "object_id"]
    list_select_related = ["content_type"]
    date_hierarchy = "opened_at"
    inlines = [ReportInline]

    @admin.display(description=_("page de modération"))
    def site_page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("moderation:item", args=[obj.pk]), _("décider"))


@admin.register(Report)
class ReportAdmin(ReadOnlyForModerators):
    list_display = ["created_at", "reason", "item", "reporter"]
    list_filter = ["reason"]
    search_fields = ["text"]
    list_select_related = ["item__content_type", "reporter__profile"]
    date_hierarchy = "created_at"


@admin.register(AccountBlock)
class AccountBlockAdmin(ReadOnlyForModerators):
    list_display = ["user", "created_at", "blocked_by", "lifted_at", "lifted_by"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    search_fields = ["reason", "user__email", "user__profile__display_name"]
    list_select_related = ["user__profile", "blocked_by__profile", "lifted_by__profile"]


@admin.register(Standing)
class StandingAdmin(ReadOnlyForModerators):
    list_display = ["user", "approved_at", "approved_by"]
    search_fields = ["user__email", "user__profile__display_name"]
    list_select_related = ["user__profile", "approved_by__profile"]
