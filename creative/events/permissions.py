"""Who may do what with an event (the site-wide roles are in creative.accounts.permissions).

- `can_propose(user)` — propose an event: any contributor (a verified account, or a role).
- `can_validate(user, event)` — publish or reject a proposed event: the editors covering the
  event's commune (any editor for an online event without a commune) and administrators.
- `can_manage_event(user, event)` — edit, cancel, see the attendees, check them in, write to
  them: the organiser, the managers of the event's organisation, the people who may validate it.
- `can_edit_event(user, event)` — `can_manage_event`, while the event is proposed or published.

Blocked and unverified accounts hold only a visitor's roles (roles.roles_of): they get nothing here.
"""

from creative.accounts.permissions import (
    can_contribute,
    covers_territory,
    has_role,
    is_administrator,
)
from creative.accounts.roles import Role
from creative.network.models import Membership

from .models import Event

EDITABLE_STATES = (Event.State.PROPOSED, Event.State.PUBLISHED)


def can_propose(user):
    return can_contribute(user)


def manages_organisation(user, organisation):
    """A manager (Membership role "manager") of `organisation`."""
    if organisation is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        organisation=organisation, user=user, role=Membership.Role.MANAGER,
    ).exists()


def can_validate(user, event):
    """Editors covering the event's commune (any editor for a place-less event) and administrators."""
    if not can_contribute(user):
        return False
    if is_administrator(user):
        return True
    if not has_role(user, Role.EDITOR):
        return False
    if event.commune_id is None:
        return True  # an online event has no territory: every editor may look after it
    return covers_territory(user, event.commune)


def is_organiser(user, event):
    return user.is_authenticated and event.organiser_id is not None and event.organiser_id == user.pk


def can_manage_event(user, event):
    """The organiser, the managers of its organisation, its validators (editors of its commune, admins)."""
    if not can_contribute(user):
        return False
    return (
        is_organiser(user, event)
        or (event.organisation_id is not None and manages_organisation(user, event.organisation))
        or can_validate(user, event)
    )


def can_edit_event(user, event):
    """Change an event (or cancel it): a cancelled or rejected event stays as it is."""
    return event.state in EDITABLE_STATES and can_manage_event(user, event)


def can_use_event_queue(user):
    """The validation queue: editors and administrators."""
    return can_contribute(user) and (has_role(user, Role.EDITOR) or is_administrator(user))
