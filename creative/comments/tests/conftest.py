"""Personas of the comment tests: a published fiche in Brest and the people around it.

Anti-spam layers are set per test: no time check, no rate limit and no external checker unless
a test turns them on; pre-moderation of new accounts off unless a test turns it on (the
setting's own default is on).
"""

import pytest

from creative.accounts.roles import Role
from creative.innovations.models import Authorship, Innovation
from creative.moderation.models import Standing
from tests.factories import InnovationFactory, UserFactory


@pytest.fixture(autouse=True)
def _comment_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""
    settings.MODERATION_PREMODERATE_NEW = False
    settings.COMMENTS_EDIT_MINUTES = 15


@pytest.fixture
def author(territories):
    """The fiche's creator."""
    return UserFactory(email="autrice@example.org", profile__display_name="Maëlle Autrice")


@pytest.fixture
def coauthor(territories):
    return UserFactory(email="coauteur@example.org", profile__display_name="Erwan Coauteur")


@pytest.fixture
def fiche(author, coauthor):
    fiche = InnovationFactory(title="Repair café du Bellevue", communes=["Brest"], themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    Authorship.objects.create(innovation=fiche, user=coauthor)
    return fiche


@pytest.fixture
def draft(author):
    fiche = InnovationFactory(title="Brouillon secret", communes=["Brest"], state=Innovation.State.DRAFT)
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    return fiche


@pytest.fixture
def reader(territories):
    """A verified contributor who comments (approved once: not pre-moderated)."""
    user = UserFactory(email="lecteur@example.org", profile__display_name="Gwen Lectrice")
    Standing.objects.create(user=user)
    return user


@pytest.fixture
def newcomer(territories):
    """A verified account created today, never approved."""
    return UserFactory(email="nouveau@example.org", profile__display_name="Loïc Nouveau")


@pytest.fixture
def unverified(territories):
    return UserFactory(email="pasconfirme@example.org", verified=False, profile__display_name="Non Confirmé")


@pytest.fixture
def moderator(territories):
    return UserFactory(email="moderation@example.org", roles=[Role.MODERATOR], profile__display_name="Anne Modère")


@pytest.fixture
def editor(territories):
    return UserFactory(email="edition@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"],
                       profile__display_name="Yann Accompagnateur")
