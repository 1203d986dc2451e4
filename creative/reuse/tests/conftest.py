"""Personas of the reuse tests.

`original`: a published fiche in Brest, written by `original_author`, carried by `original_carrier`
(with `original_partner` as a mere partner). `mine`: the published fiche in Plouarzel of `declarer`,
who reproduced the original. Editors of the pays de Brest and of Quimper, other accounts.
"""

import pytest

from creative.accounts.roles import Role
from creative.innovations.models import Authorship
from creative.network.models import TeamMember
from creative.reuse.models import Reproduction
from tests.factories import InnovationFactory, UserFactory


@pytest.fixture(autouse=True)
def _reuse_settings(settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


@pytest.fixture
def original_author(territories):
    return UserFactory(email="autrice@example.org", profile__display_name="Maëlle Autrice")


@pytest.fixture
def original_carrier(territories):
    return UserFactory(email="porteur@example.org", profile__display_name="Erwan Porteur")


@pytest.fixture
def original_partner(territories):
    return UserFactory(email="partenaire@example.org", profile__display_name="Gwen Partenaire")


@pytest.fixture
def declarer(territories):
    return UserFactory(email="declarante@example.org", profile__display_name="Nolwenn Déclarante")


@pytest.fixture
def contributor(territories):
    return UserFactory(email="autre@example.org", profile__display_name="Loïc Autre")


@pytest.fixture
def unverified(territories):
    return UserFactory(email="pasconfirme@example.org", verified=False)


@pytest.fixture
def editor(territories):
    return UserFactory(email="edition@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"],
                       profile__display_name="Yann Accompagnateur")


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
def original(original_author, original_carrier, original_partner):
    fiche = InnovationFactory(title="Repair café du Bellevue", communes=["Brest"], themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=original_author, is_creator=True)
    TeamMember.objects.create(innovation=fiche, user=original_carrier, kind=TeamMember.Kind.CARRIER)
    TeamMember.objects.create(innovation=fiche, user=original_partner, kind=TeamMember.Kind.PARTNER)
    return fiche


@pytest.fixture
def mine(declarer):
    fiche = InnovationFactory(title="Repair café de Plouarzel", communes=["Plouarzel"], themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=declarer, is_creator=True)
    return fiche


@pytest.fixture
def link(original, mine, declarer):
    return Reproduction.objects.create(original=original, derived=mine, declared_by=declarer,
                                       adapted="Ouvert le dimanche.", started_year=2021)

