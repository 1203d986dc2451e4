"""Imports in the admin: sources, runs (read only) and provenances (only `read_only` is editable).

Sources and runs are normally managed on the site's pages (/imports/); this is for administrators.
"""

from django.contrib import admin

from .models import ImportRun, ImportSource, Provenance


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "default_licence", "read_only", "last_synced_at"]
    list_filter = ["kind", "read_only"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["last_synced_at", "created_by", "created_at"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dry_run", "status", "processed_rows", "total_rows"]
    list_filter = ["status", "dry_run", "source"]
    readonly_fields = [field.name for field in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Provenance)
class ProvenanceAdmin(admin.ModelAdmin):
    list_display = ["innovation", "source", "original_id", "original_licence", "read_only", "synced_at"]
    list_filter = ["source", "read_only", "original_licence"]
    search_fields = ["original_id", "innovation__title"]
    readonly_fields = [
        "innovation", "source", "original_id", "original_url", "original_authors", "original_licence",
        "content_hash", "imported_at", "synced_at",
    ]

    def has_add_permission(self, request):
        return False
