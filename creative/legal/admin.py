"""Legal pages in the admin: administrators change their text; nobody adds or deletes one.

The three pages are fixed (the footer and the sign-up page link to them). Every save is
recorded in the audit log ("legal.updated"), and the admin warns while a page still holds
a placeholder of the default texts.
"""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creative.accounts.permissions import is_administrator
from creative.audit import record

from .models import PLACEHOLDER_MARK, LegalPage


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["title", "public_link", "is_complete", "updated_at", "updated_by"]
    list_select_related = ["updated_by__profile"]
    fields = ["title", "slug", "body", "updated_at", "updated_by"]
    readonly_fields = ["slug", "updated_at", "updated_by"]

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("page publique"))
    def public_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    @admin.display(description=gettext_lazy("complétée"), boolean=True)
    def is_complete(self, obj):
        return not obj.needs_completion

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        record(request.user, "legal.updated", obj, slug=obj.slug, fields=sorted(form.changed_data))

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            titles = [page.title for page in LegalPage.objects.all() if page.needs_completion]
            if titles:
                self._warn(request, ", ".join(f"« {title} »" for title in titles))
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            page = self.get_object(request, object_id)
            if page is not None and page.needs_completion:
                self._warn(request, f"« {page.title} »")
        return super().change_view(request, object_id, form_url, extra_context)

    def _warn(self, request, pages):
        self.message_user(request, _(
            "À compléter avant d'ouvrir le site au public : %(pages)s contient encore des passages "
            "« %(mark)s … ] » (nom et adresse de l'éditeur, hébergeur, contact).") % {
                "pages": pages, "mark": PLACEHOLDER_MARK}, messages.WARNING)
