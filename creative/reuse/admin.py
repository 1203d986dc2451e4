"""Links between fiches in the admin (administrators): read, correct or remove one."""

from django.contrib import admin

from .models import Reproduction


@admin.register(Reproduction)
class ReproductionAdmin(admin.ModelAdmin):
    list_display = ["derived", "original", "kind", "status", "started_year", "declared_at", "is_demo"]
    list_filter = ["kind", "status", "is_demo"]
    search_fields = ["original__title", "derived__title", "adapted"]
    list_select_related = ["original", "derived"]
    raw_id_fields = ["original", "derived", "declared_by", "decided_by"]
    readonly_fields = ["declared_at"]
    date_hierarchy = "declared_at"
