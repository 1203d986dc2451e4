"""The audit log in the admin: readable by those who read the log, changed by nobody.

Not even administrators add, change or delete an entry here (the model refuses it too).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from creative.accounts.permissions import can_read_audit_log

from .actions import LABELS
from .models import AuditEntry


class ActionFilter(admin.SimpleListFilter):
    """The known actions, listed without scanning the log (no DISTINCT over the table)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(action, label) for action, label in LABELS.items()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "action_label", "target_type", "target_repr"]
    list_filter = [ActionFilter, ("created_at", admin.DateFieldListFilter), "target_type"]
    search_fields = ["actor_name", "target_repr", "action"]
    list_select_related = ["target_type"]
    show_full_result_count = False  # the log only grows: one COUNT per page is enough
    fields = ["created_at", "actor", "actor_name", "action", "target_type", "target_id", "target_repr", "data"]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj):
        return obj.label

    def has_module_permission(self, request):
        return can_read_audit_log(request.user)

    def has_view_permission(self, request, obj=None):
        return can_read_audit_log(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
