"""Who may do what: plain functions of the user (and the object), in one place.

Every check reads the roles of roles.py. Views use them through `requires(check)`
(user-only checks) or call them directly for object checks (`can_review(user, fiche)`).
Inactive accounts get nothing beyond a visitor's rights.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .roles import ADMIN_ROLES, Role, roles_of


def has_role(user, role):
    return role in roles_of(user)


def is_administrator(user):
    return has_role(user, Role.ADMINISTRATOR)


def is_verified(user):
    return has_role(user, Role.CONTRIBUTOR)


def can_contribute(user):
    """Write and submit fiches: a verified account, or any role granted by the team."""
    return bool(roles_of(user) & {Role.CONTRIBUTOR, Role.TRUSTED, Role.EDITOR, Role.MODERATOR, Role.ADMINISTRATOR})


def is_trusted(user):
    """Edits to published fiches go live directly."""
    return bool(roles_of(user) & {Role.TRUSTED, Role.EDITOR, Role.ADMINISTRATOR})


def can_edit_profile(user):
    """The profile is public (name, bio, photo): only for accounts allowed to contribute."""
    return can_contribute(user)


def can_access_admin(user):
    return bool(roles_of(user) & ADMIN_ROLES)


def can_moderate(user):
    return bool(roles_of(user) & {Role.MODERATOR, Role.ADMINISTRATOR})


def can_manage_roles(user):
    return is_administrator(user)


def editor_scope_ids(user):
    """Ids of the territories an editor was given (each covers everything inside it)."""
    if not has_role(user, Role.EDITOR):
        return frozenset()
    cached = user.__dict__.get("_creative_scope_ids")
    if cached is None:
        cached = user.__dict__["_creative_scope_ids"] = frozenset(
            user.editor_scopes.values_list("territory_id", flat=True)
        )
    return cached


def covers_territory(user, territory):
    """An editor of a territory covers it and all its descendants."""
    if is_administrator(user):
        return True
    scope = editor_scope_ids(user)
    return bool(scope) and any(t.pk in scope for t in (*territory.ancestors, territory))


def innovations_in_scope(user, queryset):
    """The fiches of `queryset` that `user` may review (all of them for administrators)."""
    if is_administrator(user):
        return queryset
    scope = editor_scope_ids(user)
    if not scope:
        return queryset.none()
    # Innovation.territories holds every territory containing one of the fiche's places,
    # at every level: a scope territory is in it exactly when the fiche is inside the scope.
    inside = queryset.model.territories.through.objects.filter(territory_id__in=scope).values("innovation_id")
    return queryset.filter(pk__in=inside)


def can_review(user, innovation):
    """Editors of one of the fiche's territories, and administrators."""
    if is_administrator(user):
        return True
    scope = editor_scope_ids(user)
    return bool(scope) and innovation.territories.filter(pk__in=scope).exists()


def can_edit_innovation(user, innovation):
    # Authors and co-authors join this rule with the fiche editor.
    return can_review(user, innovation)


def can_view_unpublished(user, innovation):
    """Preview a fiche that is not published: its editors, moderators, administrators."""
    return can_moderate(user) or can_review(user, innovation)


def requires(check, message=None):
    """View decorator: visitors are sent to the login page, signed-in people lacking the right get a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if check(user):
                return view(request, *args, **kwargs)
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles_of(user) == {Role.VISITOR}:  # signed in, email address not verified yet
                raise PermissionDenied(
                    _("Confirmez d'abord votre adresse électronique : suivez le lien du message que nous vous avons "
                      "envoyé, ou demandez-en un nouveau depuis la page de votre adresse.")
                )
            raise PermissionDenied(message or _("Votre compte n'a pas accès à cette page."))

        return wrapped

    return decorator
