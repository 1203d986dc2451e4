"""Personas of the calls tests: a published fiche in Brest, its author, carrier and partner, editors, others."""

import pytest

from creative.accounts.roles import Role
from creative.innovations.models import Authorship
from creative.network.models import TeamMember
from tests.factories import InnovationFactory, UserFactory


@pytest.fixture(autouse=True)
def _calls_settings(settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


@pytest.fixture
def author(territories):
    return UserFactory(email="autrice@example.org", profile__display_name="Maëlle Autrice")


@pytest.fixture
def carrier(territories):
    return UserFactory(email="porteur@example.org", profile__display_name="Erwan Porteur")


@pytest.fixture
def partner(territories):
    return UserFactory(email="partenaire@example.org", profile__display_name="Gwen Partenaire")


@pytest.fixture
def contributor(territories):
    return UserFactory(email="contributrice@example.org", profile__display_name="Nolwenn Autre")


@pytest.fixture
def unverified(territories):
    return UserFactory(email="pasconfirme@example.org", verified=False)


@pytest.fixture
def editor(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], profile__display_name="Yann Accompagnateur")


@pytest.fixture
def editor_elsewhere(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["quimper"])


@pytest.fixture
def moderator(territories):
    return UserFactory(roles=[Role.MODERATOR])


@pytest.fixture
def administrator(territories):
    return UserFactory(roles=[Role.ADMINISTRATOR])


@pytest.fixture
def fiche(author, carrier, partner):
    fiche = InnovationFactory(title="Repair café du Bellevue", communes=["Brest"], themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    TeamMember.objects.create(innovation=fiche, user=carrier, kind=TeamMember.Kind.CARRIER)
    TeamMember.objects.create(innovation=fiche, user=partner, kind=TeamMember.Kind.PARTNER)
    return fiche
