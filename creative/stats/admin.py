"""Read-only admin views of the counts. Salts and visitor marks are not shown: they are secrets
of the day, useless to a person and deleted after it."""

from django.contrib import admin

from .models import SearchMiss, ViewCount


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ViewCount)
class ViewCountAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "object_id", "views", "is_demo"]
    list_filter = ["kind", "is_demo"]
    date_hierarchy = "day"


@admin.register(SearchMiss)
class SearchMissAdmin(ReadOnlyAdmin):
    list_display = ["day", "query", "territory", "count"]
    list_select_related = ["territory"]
    search_fields = ["query"]
    date_hierarchy = "day"
