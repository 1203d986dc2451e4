"""Contact messages in the admin: metadata only, read-only (the texts are never stored).

The sender's address is left out: it serves only to deliver the answer, then is erased.
"""

from django.contrib import admin

from .models import ContactMessage


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "sender_name", "sender", "recipient", "organisation", "ambassador", "status",
                    "spam_score", "replied_at"]
    list_filter = ["status", "sent_at"]
    search_fields = ["sender_name", "recipient__profile__display_name", "organisation__name"]
    list_select_related = ["sender__profile", "recipient__profile", "organisation", "ambassador__user__profile",
                           "ambassador__innovation"]
    date_hierarchy = "sent_at"
    fields = ["sent_at", "sender_name", "sender", "recipient", "organisation", "ambassador", "status", "spam_score",
              "replied_at", "replied_by"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
