"""Shared data of the observatory's tests: a known set of fiches, people and events with fixed dates."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from creative.accounts.roles import Role
from creative.innovations.models import Innovation
from tests.factories import InnovationFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")
# "Now" in the figures' tests: mid-June 2026.
TODAY = datetime(2026, 6, 15, 12, tzinfo=PARIS)


def at(year, month, day=10):
    return datetime(year, month, day, 12, tzinfo=PARIS)


def fiche(title, published, *, communes=("Brest",), themes=("numerique",), state=Innovation.State.PUBLISHED,
          **kwargs):
    """A fiche published at `published` (None: not published)."""
    created = InnovationFactory(title=title, communes=list(communes), themes=list(themes), state=state, **kwargs)
    Innovation.objects.filter(pk=created.pk).update(published_at=published)
    created.refresh_from_db()
    return created


@pytest.fixture
def people(territories):
    return {
        "author": UserFactory(),
        "carrier": UserFactory(),
        "contributor": UserFactory(),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
    }
