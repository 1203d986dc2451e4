"""Calls for help in the admin (administrators): read, correct, close or delete one."""

from django.contrib import admin

from .models import CallForHelp


@admin.register(CallForHelp)
class CallForHelpAdmin(admin.ModelAdmin):
    list_display = ["title", "innovation", "kind", "status", "ends_on", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "description", "innovation__title"]
    list_select_related = ["innovation"]
    raw_id_fields = ["innovation", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"
