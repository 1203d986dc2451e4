from django.contrib import admin

from .models import Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "code", "parent", "population"]
    list_filter = ["level"]
    search_fields = ["name", "code", "postal_codes"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["depth", "south", "west", "north", "east"]
    ordering = ["depth", "name"]
