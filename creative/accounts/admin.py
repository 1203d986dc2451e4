"""Accounts, profiles and editors' territories in the admin.

Every change of a role (groups, administrator flag), of an editor's territories and of an
account's activation made here is recorded in the audit log, with the administrator as actor.
"""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from creative.audit import record
from creative.territories.models import Territory

from .models import EditorScope, Profile, User
from .permissions import can_manage_roles
from .roles import GROUP_ROLES, Role

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


@dataclass(frozen=True)
class RightsState:
    """What an account may do, as stored: compared before and after an admin form is saved."""

    is_superuser: bool
    is_active: bool
    groups: frozenset
    territory_ids: frozenset

    @classmethod
    def of(cls, user_pk):
        user = User.objects.filter(pk=user_pk).values("is_superuser", "is_active").first() or {
            "is_superuser": False, "is_active": True}
        return cls(
            is_superuser=user["is_superuser"],
            is_active=user["is_active"],
            groups=frozenset(Group.objects.filter(user__pk=user_pk).values_list("name", flat=True)),
            territory_ids=frozenset(EditorScope.objects.filter(user_id=user_pk).values_list("territory_id", flat=True)),
        )


ROLE_OF_GROUP = {name: role for role, name in GROUP_ROLES.items()}


def record_rights_changes(actor, user, before, after):
    """Write to the audit log what changed in `user`'s rights between two RightsState."""
    if before.is_superuser != after.is_superuser:
        record(actor, "role.granted" if after.is_superuser else "role.revoked", user, role=Role.ADMINISTRATOR.value)
    for name in sorted(after.groups - before.groups):
        record(actor, "role.granted", user, **_role_data(name))
    for name in sorted(before.groups - after.groups):
        record(actor, "role.revoked", user, **_role_data(name))
    changed = (after.territory_ids - before.territory_ids) | (before.territory_ids - after.territory_ids)
    territories = Territory.objects.in_bulk(changed)
    for territory_id in sorted(changed):
        action = "scope.added" if territory_id in after.territory_ids else "scope.removed"
        record(actor, action, user, **_territory_data(territories.get(territory_id), territory_id))
    if before.is_active != after.is_active:
        record(actor, "account.reactivated" if after.is_active else "account.deactivated", user)


def _role_data(group_name):
    role = ROLE_OF_GROUP.get(group_name)
    return {"role": role.value} if role is not None else {"group": group_name}


def _territory_data(territory, territory_id):
    if territory is None:
        return {"territory_id": territory_id}
    return {"territory": territory.slug, "territory_name": territory.name}


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

    def save_model(self, request, obj, form, change):
        # Groups and territories are saved later (save_related): remember the rights as stored now.
        form.rights_before = RightsState.of(obj.pk) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        after = RightsState.of(form.instance.pk)
        before = getattr(form, "rights_before", None) or RightsState(
            is_superuser=False, is_active=after.is_active, groups=frozenset(), territory_ids=frozenset())
        record_rights_changes(request.user, form.instance, before, after)

    # Deleting the row would take the person's authorships with it (attribution is a licence
    # requirement): accounts are anonymised instead, as people do themselves at /compte/supprimer/.
    actions = ["anonymise_accounts"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Supprimer les comptes sélectionnés (anonymisation, contributions gardées)"))
    def anonymise_accounts(self, request, queryset):
        from .personal_data import ErasureRefused, erase_account

        if not can_manage_roles(request.user):
            raise PermissionDenied
        for user in queryset:
            try:
                erase_account(user, anonymous=False, by=request.user)
            except ErasureRefused as refusal:
                self.message_user(request, f"{user}: {refusal}", messages.WARNING)
            else:
                self.message_user(request, _("Compte supprimé : %(name)s.") % {"name": user.display_name})

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("rôles attribués"))
    def roles(self, obj):
        names = [group.name for group in obj.groups.all()]
        return ", ".join([str(Role.ADMINISTRATOR.label).capitalize()] * obj.is_superuser + names)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "commune", "is_public", "visibility", "accepts_contact", "updated_at"]
    list_filter = ["is_public", "visibility", "accepts_contact"]
    search_fields = ["display_name", "slug", "user__email"]
    autocomplete_fields = ["user", "commune"]
    filter_horizontal = ["themes"]
    list_select_related = ["commune"]

    def get_readonly_fields(self, request, obj=None):
        # Visibility is the moderators' decision, taken in the moderation queue (audited there).
        return ["user", "slug", "visibility", "updated_at"] if obj else ["slug", "visibility", "updated_at"]


@admin.register(EditorScope)
class EditorScopeAdmin(RoleManagementMixin, admin.ModelAdmin):
    list_display = ["user", "territory"]
    list_select_related = ["user__profile", "territory"]
    search_fields = ["user__email", "user__profile__display_name", "territory__name"]
    autocomplete_fields = ["user", "territory"]

    def save_model(self, request, obj, form, change):
        old = EditorScope.objects.select_related("user", "territory").filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        if old is not None and (old.user_id, old.territory_id) == (obj.user_id, obj.territory_id):
            return
        if old is not None:
            record(request.user, "scope.removed", old.user, **_territory_data(old.territory, old.territory_id))
        record(request.user, "scope.added", obj.user, **_territory_data(obj.territory, obj.territory_id))

    def delete_model(self, request, obj):
        record(request.user, "scope.removed", obj.user, **_territory_data(obj.territory, obj.territory_id))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for scope in queryset.select_related("user__profile", "territory"):
            record(request.user, "scope.removed", scope.user, **_territory_data(scope.territory, scope.territory_id))
        super().delete_queryset(request, queryset)
