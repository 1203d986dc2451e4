"""Who may write and send the weekly letter (the site-wide roles are in creative.accounts.permissions).

- `can_edit_letters(user)` — compose, edit, preview, test, schedule and send letters, and read
  drafts: administrators, and the editors whose territories cover the platform's home territory
  (the letter speaks for the whole platform, not for one commune).
- `letter_editors()` — those people (active accounts), to tell them a draft is ready.
"""

from django.contrib.auth import get_user_model

from creative.accounts import roles
from creative.accounts.permissions import can_contribute, covers_territory, has_role, is_administrator
from creative.accounts.roles import Role
from creative.territories.models import Territory


def can_edit_letters(user):
    if not can_contribute(user):
        return False
    if is_administrator(user):
        return True
    if not has_role(user, Role.EDITOR):
        return False
    cached = user.__dict__.get("_creative_letters_editor")
    if cached is None:
        home = Territory.objects.home()
        cached = user.__dict__["_creative_letters_editor"] = home is not None and covers_territory(user, home)
    return cached


def letter_editors():
    """Active administrators and editors of the home territory (or of a territory containing it)."""
    User = get_user_model()
    home = Territory.objects.home()
    admins = list(User.objects.filter(is_active=True, is_superuser=True))
    editors = []
    if home is not None:
        covering = [home.pk, *(t.pk for t in home.ancestors)]
        editors = list(
            User.objects.filter(
                is_active=True, groups__name=roles.GROUP_ROLES[Role.EDITOR], editor_scopes__territory_id__in=covering,
            ).distinct()
        )
    people = {user.pk: user for user in [*admins, *editors]}
    return [user for user in people.values() if can_edit_letters(user)]
