from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .models import EditorScope, Profile, User
from .permissions import can_manage_roles
from .roles import Role

# Group permissions follow roles.py (synchronised on migrate): not edited by hand.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)
        field_classes = {}


class UserAccountForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        field_classes = {}


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["commune"]


class RoleManagementMixin:
    """Only administrators grant roles and territories."""

    def has_view_permission(self, request, obj=None):
        return can_manage_roles(request.user)

    def has_add_permission(self, request, obj=None):
        return can_manage_roles(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage_roles(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_manage_roles(request.user)


class EditorScopeInline(RoleManagementMixin, admin.TabularInline):
    model = EditorScope
    extra = 0
    autocomplete_fields = ["territory"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAccountForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité (jamais publique)"), {"fields": ("first_name", "last_name")}),
        (_("Rôles"), {
            "fields": ("is_active", "is_superuser", "groups"),
            "description": _("Administration = « statut super-utilisateur ». Les groupes sont les autres rôles ; "
                             "un compte d'accompagnement éditorial agit sur ses territoires d'édition."),
        }),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)
    list_display = ("email", "display_name", "roles", "is_active", "date_joined", "last_login")
    list_filter = ("is_active", "is_superuser", "groups")
    search_fields = ("email", "profile__display_name")
    ordering = ("email",)
    filter_horizontal = ("groups",)
    readonly_fields = ("last_login", "date_joined")
    inlines = [ProfileInline, EditorScopeInline]
    list_select_related = ["profile"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_manage_roles(request.user):
            fields += ["is_superuser", "groups"]
        return fields

    @admin.display(description=_("nom affiché"))
    def display_name(self, obj):
        return obj.display_name

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("rôles attribués"))
    def roles(self, obj):
        names = [group.name for group in obj.groups.all()]
        return ", ".join([str(Role.ADMINISTRATOR.label).capitalize()] * obj.is_superuser + names)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "commune", "updated_at"]
    search_fields = ["display_name", "user__email"]
    autocomplete_fields = ["user", "commune"]
    list_select_related = ["commune"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "updated_at"] if obj else ["updated_at"]


@admin.register(EditorScope)
class EditorScopeAdmin(RoleManagementMixin, admin.ModelAdmin):
    list_display = ["user", "territory"]
    list_select_related = ["user__profile", "territory"]
    search_fields = ["user__email", "user__profile__display_name", "territory__name"]
    autocomplete_fields = ["user", "territory"]
