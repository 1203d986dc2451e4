"""Personas of the moderation tests: a published fiche in Brest, its author, a commenter, the team.

The form traps' time check is off (each test that wants it turns it on), rate limits are the
defaults unless a test sets them, and the moderation settings are the documented defaults.
"""

import pytest

from creative.accounts.roles import Role
from creative.comments.models import Comment
from creative.innovations.models import Authorship
from tests.factories import InnovationFactory, UserFactory


@pytest.fixture(autouse=True)
def _moderation_defaults(settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""
    settings.MODERATION_AUTO_HIDE_REPORTS = 3
    settings.MODERATION_PREMODERATE_NEW = True


@pytest.fixture
def fiche_author(territories):
    return UserFactory(profile__display_name="Maëlle Autrice")


@pytest.fixture
def fiche(fiche_author):
    fiche = InnovationFactory(title="Repair café de Recouvrance", communes=["Brest"])
    Authorship.objects.create(innovation=fiche, user=fiche_author, is_creator=True)
    return fiche


@pytest.fixture
def commenter(territories):
    return UserFactory(profile__display_name="Gwen Commentatrice")


@pytest.fixture
def comment(fiche, commenter):
    return Comment.objects.create(content_object=fiche, author=commenter, body="Un commentaire un peu vif.")


@pytest.fixture
def contributor(territories):
    return UserFactory(profile__display_name="Loïc Contributeur")


@pytest.fixture
def editor(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], profile__display_name="Yann Accompagnateur")


@pytest.fixture
def moderator(territories):
    return UserFactory(roles=[Role.MODERATOR], profile__display_name="Nolwenn Modératrice")


@pytest.fixture
def administrator(territories):
    return UserFactory(roles=[Role.ADMINISTRATOR], profile__display_name="Alan Administrateur")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
