"""Who may import fiches, and into which territories.

Administrators import anything. Editors import only into their territories: a record whose
places are all outside their scope (or that has no place at all) is skipped with a reason,
and a fiche already imported outside their scope is never updated by them.
"""

from creative.accounts.permissions import can_review, covers_territory, has_role, is_administrator
from creative.accounts.roles import Role


def can_import(user):
    """Manage import sources and run imports: administrators and editors."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_administrator(user) or has_role(user, Role.EDITOR)


def covers_communes(user, communes):
    """Whether `user` may import a fiche located in `communes` (Territory rows).

    None stands for the system (management command, scheduled harvest): everything is allowed.
    """
    if user is None or is_administrator(user):
        return True
    if not can_import(user):
        return False
    return any(covers_territory(user, commune) for commune in communes)


def may_update(user, innovation):
    """Whether an import run by `user` may update this existing fiche."""
    if user is None or is_administrator(user):
        return True
    return can_import(user) and can_review(user, innovation)
