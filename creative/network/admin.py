"""Organisations, fiche teams and ambassadors in the admin.

An organisation's visibility is read-only here: it changes through the moderation queue's
decisions, which write the audit log.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Ambassador, Membership, Organisation, TeamMember


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "title", "added_at"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["innovation"]
    fields = ["innovation", "kind", "role", "position"]
    verbose_name = _("fiche portée ou accompagnée")
    verbose_name_plural = _("fiches portées ou accompagnées")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "visibility", "member_count", "created_at", "is_demo"]
    list_filter = ["visibility", "kind", "accepts_contact", "is_demo", "themes"]
    search_fields = ["name", "slug", "description", "commune__name"]
    list_select_related = ["kind", "commune"]
    autocomplete_fields = ["commune", "created_by"]
    filter_horizontal = ["themes"]
    readonly_fields = ["slug", "visibility", "created_at", "updated_at"]
    inlines = [MembershipInline, TeamMemberInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("memberships", distinct=True))

    @admin.display(description=_("membres"), ordering="_members")
    def member_count(self, obj):
        return obj._members


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["innovation", "user", "organisation", "kind", "role", "added_at"]
    list_filter = ["kind"]
    search_fields = ["innovation__title", "user__profile__display_name", "user__email", "organisation__name", "role"]
    list_select_related = ["innovation", "user__profile", "organisation"]
    autocomplete_fields = ["innovation", "user", "organisation", "added_by"]
    readonly_fields = ["added_at"]


@admin.register(Ambassador)
class AmbassadorAdmin(admin.ModelAdmin):
    list_display = ["user", "innovation", "is_active", "travel_km", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["user__profile__display_name", "user__email", "innovation__title", "topics"]
    list_select_related = ["innovation", "user__profile"]
    autocomplete_fields = ["innovation", "user"]
    readonly_fields = ["created_at", "updated_at"]
