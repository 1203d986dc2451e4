"""Follows and notifications in the admin: read-only, for support (people manage them on the site)."""

from django.contrib import admin

from .models import Follow, Notification, NotificationSettings


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ["user", "target", "innovation", "territory", "theme", "person", "organisation", "created_at"]
    list_filter = ["target"]
    list_select_related = ["user__profile", "innovation", "territory", "theme", "person__profile", "organisation"]
    search_fields = ["user__profile__display_name"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at", "emailed_at"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["recipient__profile"]
    search_fields = ["recipient__profile__display_name", "text", "key"]
    date_hierarchy = "created_at"


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(ReadOnlyAdmin):
    list_display = ["user", "frequency", "last_digest_at"]
    list_filter = ["frequency"]
    list_select_related = ["user__profile"]
    search_fields = ["user__profile__display_name"]
