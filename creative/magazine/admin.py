"""Admin: the categories are edited here; articles are read mostly (the site's pages write them,
through the workflow and its audit log); revisions and review messages are read-only."""

from django.contrib import admin

from .models import (
    Article,
    ArticleAuthor,
    ArticleFiche,
    ArticleImage,
    ArticleReviewMessage,
    ArticleRevision,
    Category,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuthorInline(ReadOnlyInline):
    model = ArticleAuthor
    fields = ("user", "position")
    readonly_fields = fields


class FicheInline(ReadOnlyInline):
    model = ArticleFiche
    fields = ("innovation", "position", "note")
    readonly_fields = fields


class ImageInline(ReadOnlyInline):
    """The images of the text: added and removed on the article's edit page (which deletes the files)."""

    model = ArticleImage
    fields = ("file", "alt_text", "credit", "caption", "uploaded_by", "created_at")
    readonly_fields = fields


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "state", "visibility", "published_at", "is_dossier", "is_demo")
    list_filter = ("state", "visibility", "category", "is_dossier", "is_demo")
    search_fields = ("title", "slug", "lead")
    date_hierarchy = "published_at"
    inlines = [AuthorInline, FicheInline, ImageInline]
    # The workflow (review page) publishes and schedules; here only the category and the slug are corrected.
    readonly_fields = (
        "title", "lead", "body", "cover", "cover_alt", "cover_credit", "state", "visibility", "published_at",
        "submitted_at", "revision_number", "created_by", "created_at", "updated_at", "is_demo", "is_dossier",
    )
    fields = ("title", "slug", "category", *readonly_fields[1:])
    autocomplete_fields = ()

    def has_add_permission(self, request):
        return False


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ("article", "number", "author", "summary", "created_at")
    search_fields = ("article__title", "summary")
    readonly_fields = ("article", "number", "snapshot", "author", "summary", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArticleReviewMessage)
class ArticleReviewMessageAdmin(admin.ModelAdmin):
    list_display = ("article", "kind", "author", "created_at")
    list_filter = ("kind",)
    search_fields = ("article__title", "body")
    readonly_fields = ("article", "kind", "author", "body", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
