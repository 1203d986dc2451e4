"""The roles, as data, in one place.

| Role | How someone has it |
|---|---|
| visitor | everybody, signed in or not |
| contributor | an account whose email address is verified |
| trusted contributor | member of the "trusted" group (granted by an editor's decision or, later, automatically) |
| editor | member of the "editors" group; acts on the territories of their `EditorScope` rows and below |
| moderator | member of the "moderators" group |
| administrator | `is_superuser` (Django's own "every permission" flag) |

Groups and their admin permissions are (re)synchronised from `ROLE_PERMISSIONS` after
every `migrate`: change a role's rights here, not in the admin (the Group admin is
hidden for that reason). What a role may *do* on the site is decided by the functions
of permissions.py, which read `roles_of(user)`.
"""

from django.db import DEFAULT_DB_ALIAS, models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VISITOR = "visitor", _("visiteur")
    CONTRIBUTOR = "contributor", _("contribution")
    TRUSTED = "trusted", _("contribution de confiance")
    EDITOR = "editor", _("accompagnement éditorial")
    MODERATOR = "moderator", _("modération")
    ADMINISTRATOR = "administrator", _("administration")


# Roles held through a Django group, with the group's name (stable: it is the key).
GROUP_ROLES = {
    Role.TRUSTED: "Contribution de confiance",
    Role.EDITOR: "Accompagnement éditorial",
    Role.MODERATOR: "Modération",
}

_EDIT = ("view", "add", "change")
_EDIT_PARTS = ("view", "add", "change", "delete")

# Admin permissions per group role ("app_label.action_model"). Administrators have all.
ROLE_PERMISSIONS = {
    Role.TRUSTED: [],
    Role.EDITOR: [
        *[f"innovations.{a}_innovation" for a in _EDIT],
        *[f"innovations.{a}_{m}" for m in ("place", "answer", "image", "link") for a in _EDIT_PARTS],
        *[f"innovations.{a}_{m}" for m in ("theme", "carrierkind", "section") for a in _EDIT],
        "innovations.view_slugredirect",
        "territories.view_territory",
    ],
    Role.MODERATOR: [
        *[f"innovations.view_{m}" for m in ("innovation", "place", "answer", "image", "link")],
        "accounts.view_user",
        "accounts.view_profile",
        "accounts.change_profile",
        "territories.view_territory",
    ],
}

# Roles that use the admin site.
ADMIN_ROLES = frozenset({Role.EDITOR, Role.MODERATOR, Role.ADMINISTRATOR})


def sync_role_groups(using=DEFAULT_DB_ALIAS, **kwargs):
    """Create the role groups and give each exactly the permissions listed above. Idempotent."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.management import create_contenttypes

    wanted = {code for codes in ROLE_PERMISSIONS.values() for code in codes}
    for label in {code.split(".")[0] for code in wanted}:
        # post_migrate reaches apps in INSTALLED_APPS order: make sure theirs exist already.
        app_config = apps.get_app_config(label)
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    by_code = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    missing = wanted - by_code.keys()
    if missing:
        raise LookupError(f"roles.py names permissions that do not exist: {sorted(missing)}")
    for role, name in GROUP_ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set([by_code[code] for code in ROLE_PERMISSIONS[role]])


# `by` left out: the change is not recorded (test fixtures, the demo loader, and callers that
# still write their own audit entry). Pass `by=None` for a change the platform makes by itself.
_UNRECORDED = object()


def grant(user, role, by=_UNRECORDED, **data):
    """Give `user` a group role or the administrator role.

    `by` is the person who decides (None: the platform, automatically). When the role was
    not held yet, the audit log records "role.granted" with the role and `data` (e.g. a reason).
    """
    _change_role(user, role, True, by, data)


def revoke(user, role, by=_UNRECORDED, **data):
    """Take a role back from `user`; recorded as "role.revoked" like grant()."""
    _change_role(user, role, False, by, data)


def _change_role(user, role, granted, by, data):
    from django.db import transaction

    from creative.audit import record

    if by is _UNRECORDED:
        _set_role(user, role, granted)
        return
    with transaction.atomic():
        if role == Role.ADMINISTRATOR:
            held = type(user).objects.filter(pk=user.pk, is_superuser=True).exists()
        else:
            held = role in GROUP_ROLES and user.groups.filter(name=GROUP_ROLES[role]).exists()
        _set_role(user, role, granted)  # refuses the roles that follow from the account's state
        if held != granted:
            record(by, "role.granted" if granted else "role.revoked", user, role=Role(role).value, **data)


def _set_role(user, role, granted):
    from django.contrib.auth.models import Group

    if role == Role.ADMINISTRATOR:
        user.is_superuser = granted
        user.save(update_fields=["is_superuser"])
    elif role in GROUP_ROLES:
        group = Group.objects.get(name=GROUP_ROLES[role])
        (user.groups.add if granted else user.groups.remove)(group)
    else:
        raise ValueError(f"{role} is not granted: it follows from the account's state.")
    forget_roles(user)


def roles_of(user):
    """The set of roles `user` holds, computed once per user object."""
    cached = getattr(user, "_creative_roles", None)
    if cached is not None:
        return cached
    roles = {Role.VISITOR}
    if user.is_authenticated and user.is_active:
        from allauth.account.models import EmailAddress

        if EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
            roles.add(Role.CONTRIBUTOR)
        names = set(user.groups.values_list("name", flat=True))
        roles.update(role for role, name in GROUP_ROLES.items() if name in names)
        if user.is_superuser:
            roles.add(Role.ADMINISTRATOR)
        from creative.moderation.services import is_blocked

        if is_blocked(user):  # a blocked account keeps only a visitor's rights
            roles = {Role.VISITOR}
    roles = frozenset(roles)
    if user.is_authenticated:
        user._creative_roles = roles
    return roles


def forget_roles(user):
    """Drop the cached roles (after a change of group, of email verification…)."""
    for attr in ("_creative_roles", "_creative_scope_ids"):
        user.__dict__.pop(attr, None)
