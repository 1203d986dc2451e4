"""Fiches and their taxonomy in the admin.

Edits of a fiche made here enter its history (a revision of kind "admin", see
creative/editorial/admin.py) and the audit log; its state changes only through the
editorial workflow (the list's actions), which writes the review thread, the log and
the emails, exactly as the review page does.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from creative.accounts.permissions import can_access_admin, can_moderate, innovations_in_scope, is_administrator
from creative.audit import record
from creative.editorial import revisions, workflow
from creative.editorial.revisions import record_admin_revision

from .models import Answer, Authorship, CarrierKind, Image, Innovation, Link, Place, Section, SlugRedirect, Theme


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


class AuthorshipInline(admin.TabularInline):
    """Who signs the fiche. Shown to everyone who sees the fiche; changed by administrators only
    (authors invite co-authors from the site)."""

    model = Authorship
    extra = 0
    fields = ["user", "is_creator", "added_at"]
    readonly_fields = ["added_at"]
    autocomplete_fields = ["user"]

    def has_view_permission(self, request, obj=None):
        return can_access_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "carrier_kind", "status", "communes", "updated_at", "is_demo"]
    list_filter = ["state", "status", "carrier_kind", "themes", "licence", "is_demo"]
    search_fields = ["title", "pitch", "carrier_name", "slug"]
    date_hierarchy = "published_at"
    filter_horizontal = ["themes"]
    readonly_fields = ["state", "revision_number", "created_at", "updated_at", "published_at"]
    inlines = [AuthorshipInline, PlaceInline, AnswerInline, ImageInline, LinkInline]
    actions = ["publish", "archive", "unarchive"]
    list_select_related = ["carrier_kind"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "pitch", "description", "themes"]}),
        (_("Porteur"), {"fields": ["carrier_kind", "carrier_name", "status", "start_year", "website",
                                    "contact_email"]}),
        (_("Publication"), {
            "fields": ["state", "revision_number", "licence", "is_demo", "published_at", "created_at", "updated_at"],
            "description": _("L'état change par les actions de la liste des fiches (publier, archiver…) ou depuis "
                             "la page de relecture : les auteurs sont prévenus et le journal en garde la trace. "
                             "Une nouvelle fiche est un brouillon."),
        }),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("places__commune")
        if can_moderate(request.user):
            return queryset  # moderators see every fiche (their permissions are read-only)
        return innovations_in_scope(request.user, queryset)  # editors: their territories

    @admin.display(description=_("communes"))
    def communes(self, obj):
        return ", ".join(p.commune.name for p in obj.places.all())

    # --- Edits enter the history -----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            # The content as stored before this change becomes revision 1 if the fiche has no history yet.
            stored = Innovation.objects.get(pk=obj.pk)
            revisions.ensure_baseline(stored)
            obj.revision_number = stored.revision_number
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # themes and inlines: the content is complete
        record_admin_revision(form.instance, request.user, created=not change)

    def save_formset(self, request, form, formset, change):
        fiche = form.instance
        if formset.model is Authorship:
            before = set(Authorship.objects.filter(innovation=fiche).values_list("user_id", flat=True))
            super().save_formset(request, form, formset, change)
            after = set(Authorship.objects.filter(innovation=fiche).values_list("user_id", flat=True))
            for user_id in sorted(after - before):
                record(request.user, "coauthor.added", fiche, user=user_id, admin=True)
            for user_id in sorted(before - after):
                record(request.user, "coauthor.removed", fiche, user=user_id, admin=True)
        elif formset.model is Image:
            removed = [(f.instance.pk, f.instance.alt_text) for f in formset.deleted_forms if f.instance.pk]
            super().save_formset(request, form, formset, change)
            for image in formset.new_objects:
                record(request.user, "image.added", fiche, image=image.pk, alt_text=image.alt_text,
                       author=image.author, admin=True)
            for image_pk, alt_text in removed:
                record(request.user, "image.removed", fiche, image=image_pk, alt_text=alt_text, admin=True)
        else:
            super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        record(request.user, "innovation.deleted", obj, title=obj.title, state=obj.state)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record(request.user, "innovation.deleted", obj, title=obj.title, state=obj.state)
        super().delete_queryset(request, queryset)

    # --- State changes go through the workflow ---------------------------------------------

    @admin.action(description=_("Publier les fiches sélectionnées"), permissions=["change"])
    def publish(self, request, queryset):
        self._transition(request, queryset, workflow.publish,
                         lambda n: ngettext("%(n)d fiche publiée.", "%(n)d fiches publiées.", n) % {"n": n})

    @admin.action(description=_("Archiver les fiches sélectionnées"), permissions=["change"])
    def archive(self, request, queryset):
        self._transition(request, queryset, workflow.archive,
                         lambda n: ngettext("%(n)d fiche archivée.", "%(n)d fiches archivées.", n) % {"n": n})

    @admin.action(description=_("Remettre en ligne les fiches archivées sélectionnées"), permissions=["change"])
    def unarchive(self, request, queryset):
        self._transition(request, queryset, workflow.unarchive,
                         lambda n: ngettext("%(n)d fiche remise en ligne.", "%(n)d fiches remises en ligne.", n)
                         % {"n": n})

    def _transition(self, request, queryset, transition, done_message):
        """Apply a workflow transition to each fiche; say for each refused one why."""
        done = 0
        for fiche in queryset.order_by("pk"):
            try:
                transition(fiche, request.user)
            except workflow.TransitionError as refused:
                self.message_user(
                    request, gettext("« %(title)s » : %(reason)s") % {"title": fiche.title, "reason": refused},
                    messages.WARNING,
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "innovation"]
    search_fields = ["old_slug", "innovation__title"]
    autocomplete_fields = ["innovation"]
