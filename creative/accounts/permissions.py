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


def is_author(user, innovation):
    """The fiche's creator or one of its co-authors."""
    if not user.is_authenticated or innovation.pk is None:
        return False
    return innovation.authorships.filter(user=user).exists()


def is_carrier(user, innovation):
    """A person named as a carrier in the fiche's team (creative.network.TeamMember)."""
    if not user.is_authenticated or innovation.pk is None:
        return False
    return innovation.team.filter(user=user, kind="carrier").exists()


def has_author_rights(user, innovation):
    """Authors, and the carriers of the fiche's team: they edit, submit and discuss it alike."""
    return is_author(user, innovation) or is_carrier(user, innovation)


def can_create_innovation(user):
    return can_contribute(user)


def can_edit_innovation(user, innovation):
    """Open the editor on this fiche.

    Drafts (and fiches under review or waiting for changes): their authors and editors.
    Published fiches: any contributor — a trusted contributor's or an editor's edit goes live,
    anybody else's waits as a proposal (editorial.revisions.goes_live). Rejected or archived
    fiches: editors only.
    """
    from creative.innovations.models import Innovation

    if not can_contribute(user):
        return False
    if is_read_only_import(innovation):
        return False
    if can_review(user, innovation):
        return True
    state = innovation.state
    if state == Innovation.State.PUBLISHED:
        return True
    if state in (Innovation.State.REJECTED, Innovation.State.ARCHIVED):
        return False
    return has_author_rights(user, innovation)


def is_read_only_import(innovation):
    """An imported fiche kept read-only: it is edited at its source only (creative.imports)."""
    from django.core.exceptions import ObjectDoesNotExist

    if innovation.pk is None:
        return False
    try:
        provenance = getattr(innovation, "provenance", None)
    except ObjectDoesNotExist:  # the reverse OneToOne raises when there is no provenance row
        return False
    return bool(provenance is not None and provenance.read_only)


def can_submit(user, innovation):
    """Send a draft (or a fiche whose changes were requested) to the editors."""
    from creative.innovations.models import Innovation

    return (
        innovation.state in (Innovation.State.DRAFT, Innovation.State.CHANGES_REQUESTED)
        and can_contribute(user)
        and has_author_rights(user, innovation)
    )


def can_invite_coauthor(user, innovation):
    return can_contribute(user) and (has_author_rights(user, innovation) or can_review(user, innovation))


def can_read_review(user, innovation):
    """The review thread is between a fiche's authors and its editors only."""
    return can_review(user, innovation) or (can_contribute(user) and has_author_rights(user, innovation))


def can_view_unpublished(user, innovation):
    """See a fiche that is not published: its authors, editors, moderators, administrators."""
    return can_moderate(user) or can_review(user, innovation) or has_author_rights(user, innovation)


def can_view_history(user, innovation):
    """A published fiche's history is public, like a wiki's, and so is the history of a fiche merged
    into another (its address leads to the kept fiche, whose history links to it); otherwise, like
    the fiche, team only."""
    # `merged_into` is the reverse side of creative.imports' Merge (an AttributeError when absent).
    if innovation.is_published or hasattr(innovation, "merged_into"):
        return True
    return can_view_unpublished(user, innovation)


def can_use_review_queue(user):
    return has_role(user, Role.EDITOR) or is_administrator(user)


def can_mark_trusted(user):
    """Editors decide that a contributor is trusted (their edits go live)."""
    return has_role(user, Role.EDITOR) or is_administrator(user)


def can_read_audit_log(user):
    return bool(roles_of(user) & {Role.EDITOR, Role.MODERATOR, Role.ADMINISTRATOR})


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
