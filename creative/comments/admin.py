"""Comments in the admin: moderators and administrators read them and change their visibility;
editors read them. Nobody adds, rewrites or deletes one here.

A change of visibility goes through services.set_visibility (the moderation queue's decisions,
the audit log, and the announcement of a held comment made visible).
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from creative.accounts.permissions import can_moderate, can_use_review_queue

from . import services
from .models import Comment


def can_read_comments(user):
    return can_moderate(user) or can_use_review_queue(user)


class DeletedFilter(admin.SimpleListFilter):
    title = _("supprimé par son auteur")
    parameter_name = "supprime"

    def lookups(self, request, model_admin):
        return [("oui", _("oui")), ("non", _("non"))]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "non":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


class ReplyFilter(admin.SimpleListFilter):
    title = _("type")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [("principal", _("commentaire principal")), ("reponse", _("réponse"))]

    def queryset(self, request, queryset):
        if self.value() == "principal":
            return queryset.filter(parent__isnull=True)
        if self.value() == "reponse":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["created_at", "author_name", "excerpt", "target_link", "visibility", "is_reply", "is_deleted"]
    list_filter = ["visibility", DeletedFilter, ReplyFilter, ("created_at", admin.DateFieldListFilter), "content_type"]
    search_fields = ["body", "author__profile__display_name"]
    list_select_related = ["author__profile", "content_type"]
    date_hierarchy = "created_at"
    fields = ["target_link", "parent", "author_name", "body", "created_at", "edited_at", "deleted_at", "visibility"]
    readonly_fields = ["target_link", "parent", "author_name", "body", "created_at", "edited_at", "deleted_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("content_object")  # one query per kind, not per row

    def has_module_permission(self, request):
        return can_read_comments(request.user)

    def has_view_permission(self, request, obj=None):
        return can_read_comments(request.user)

    def has_change_permission(self, request, obj=None):
        return can_moderate(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # authors delete (softly) on the site; moderators set « supprimé comme indésirable »

    @admin.display(description=_("auteur"), ordering="author__profile__display_name")
    def author_name(self, obj):
        return obj.author.display_name if obj.author else _("Compte supprimé")

    @admin.display(description=_("extrait"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("sur"))
    def target_link(self, obj):
        target = obj.content_object
        if target is None:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), target)

    @admin.display(description=_("réponse"), boolean=True)
    def is_reply(self, obj):
        return obj.parent_id is not None

    @admin.display(description=_("supprimé"), boolean=True)
    def is_deleted(self, obj):
        return obj.is_deleted

    def save_model(self, request, obj, form, change):
        # Only the visibility is editable: it changes through the moderation decisions.
        if change and "visibility" in form.changed_data:
            services.set_visibility(obj, obj.visibility, request.user)
