"""The accompanied writing in the admin.

Revisions, review messages, suggestions and co-author invitations are written by the
editorial services (revisions.py, workflow.py, suggestions.py), which keep the history,
the review thread and the audit log in step: the admin shows them and changes none.
Who sees them follows the site's rules: editors the rows of their territories'
fiches, administrators all of them, moderators the history only (public, like a wiki's;
the review conversation is between authors and editors).

Edits made in the fiche admin enter the history through `revisions.record_admin_revision`.
"""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from creative.accounts.permissions import (
    can_moderate,
    can_review,
    has_role,
    innovations_in_scope,
    is_administrator,
)
from creative.accounts.roles import Role
from creative.innovations.models import Innovation

from .models import CoauthorInvitation, ReviewMessage, Revision, Suggestion


class EditorialRowAdmin(admin.ModelAdmin):
    """Read-only rows hanging off a fiche, visible to the people who may read them on the site."""

    # Moderators see every fiche in the admin; which editorial rows they may read too.
    moderators_read = False

    def _reads_everything(self, user):
        return is_administrator(user) or (self.moderators_read and can_moderate(user))

    def has_module_permission(self, request):
        return self._reads_everything(request.user) or has_role(request.user, Role.EDITOR)

    def has_view_permission(self, request, obj=None):
        user = request.user
        if self._reads_everything(user):
            return True
        if not has_role(user, Role.EDITOR):
            return False
        return obj is None or can_review(user, obj.innovation)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._reads_everything(request.user):
            return queryset
        in_scope = innovations_in_scope(request.user, Innovation.objects.all())
        return queryset.filter(innovation__in=in_scope.values("pk"))

    @admin.display(description=_("fiche"), ordering="innovation__title")
    def fiche(self, obj):
        return obj.innovation.title


@admin.register(Revision)
class RevisionAdmin(EditorialRowAdmin):
    moderators_read = True
    list_display = ["fiche", "number", "kind", "state", "author", "created_at", "short_summary"]
    list_filter = ["state", "kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["innovation__title", "summary"]
    list_select_related = ["innovation", "author__profile"]
    ordering = ["-created_at", "-pk"]
    fields = ["innovation", "number", "kind", "state", "author", "created_at", "summary", "base_number",
              "decided_by", "decided_at", "decision_note", "snapshot"]
    readonly_fields = fields

    @admin.display(description=_("résumé"))
    def short_summary(self, obj):
        return Truncator(obj.summary).chars(80)

    def view_on_site(self, obj):
        try:
            return reverse("editorial:revision", args=[obj.innovation.slug, obj.number])
        except NoReverseMatch:  # the history pages are not installed
            return None


@admin.register(ReviewMessage)
class ReviewMessageAdmin(EditorialRowAdmin):
    list_display = ["fiche", "kind", "author", "created_at", "excerpt"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["innovation__title", "body"]
    list_select_related = ["innovation", "author__profile"]
    ordering = ["-created_at", "-pk"]
    fields = ["innovation", "kind", "author", "created_at", "body"]
    readonly_fields = fields

    @admin.display(description=_("message"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(100)


@admin.register(Suggestion)
class SuggestionAdmin(EditorialRowAdmin):
    list_display = ["fiche", "target", "state", "author", "created_at", "decided_by", "decided_at"]
    list_filter = ["state", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["innovation__title", "proposed", "note"]
    list_select_related = ["innovation", "author__profile", "decided_by__profile"]
    ordering = ["-created_at", "-pk"]
    fields = ["innovation", "target", "state", "author", "created_at", "original", "proposed", "note",
              "decided_by", "decided_at"]
    readonly_fields = fields


@admin.register(CoauthorInvitation)
class CoauthorInvitationAdmin(EditorialRowAdmin):
    list_display = ["fiche", "email", "invited_by", "created_at", "accepted_by", "accepted_at"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter), ("created_at", admin.DateFieldListFilter)]
    search_fields = ["innovation__title", "email"]
    list_select_related = ["innovation", "invited_by__profile", "accepted_by__profile"]
    ordering = ["-created_at", "-pk"]
    fields = ["innovation", "email", "invited_by", "created_at", "accepted_by", "accepted_at"]
    readonly_fields = fields
