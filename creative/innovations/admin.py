from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from creative.accounts.permissions import can_moderate, innovations_in_scope

from .models import Answer, CarrierKind, Image, Innovation, Link, Place, Section, SlugRedirect, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CarrierKind)
class CarrierKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["title"]}


class PlaceInline(admin.TabularInline):
    model = Place
    extra = 0
    autocomplete_fields = ["commune"]
    fields = ["commune", "address", "latitude", "longitude"]


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0


class ImageInline(admin.StackedInline):
    model = Image
    extra = 0


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "carrier_kind", "status", "communes", "updated_at", "is_demo"]
    list_filter = ["state", "status", "carrier_kind", "themes", "licence", "is_demo"]
    search_fields = ["title", "pitch", "carrier_name", "slug"]
    date_hierarchy = "published_at"
    filter_horizontal = ["themes"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    inlines = [PlaceInline, AnswerInline, ImageInline, LinkInline]
    actions = ["publish", "archive"]
    list_select_related = ["carrier_kind"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "pitch", "description", "themes"]}),
        (_("Porteur"), {"fields": ["carrier_kind", "carrier_name", "status", "start_year", "website",
                                    "contact_email"]}),
        (_("Publication"), {"fields": ["state", "licence", "is_demo", "published_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("places__commune")
        if can_moderate(request.user):
            return queryset  # moderators see every fiche (their permissions are read-only)
        return innovations_in_scope(request.user, queryset)  # editors: their territories

    @admin.display(description=_("communes"))
    def communes(self, obj):
        return ", ".join(p.commune.name for p in obj.places.all())

    @admin.action(description=_("Publier les fiches sélectionnées"))
    def publish(self, request, queryset):
        self._set_state(request, queryset, Innovation.State.PUBLISHED)

    @admin.action(description=_("Archiver les fiches sélectionnées"))
    def archive(self, request, queryset):
        self._set_state(request, queryset, Innovation.State.ARCHIVED)

    def _set_state(self, request, queryset, state):
        changed = 0
        for innovation in queryset.exclude(state=state):
            innovation.state = state
            innovation.save()
            changed += 1
        self.message_user(
            request,
            ngettext("%(n)d fiche modifiée.", "%(n)d fiches modifiées.", changed) % {"n": changed},
            messages.SUCCESS,
        )


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "innovation"]
    search_fields = ["old_slug", "innovation__title"]
    autocomplete_fields = ["innovation"]
