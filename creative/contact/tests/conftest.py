"""People of the contact tests: a public person, an ambassador on a published fiche, an organisation
with two managers (and a plain member, and a manager whose account is closed), a member who writes."""

import pytest

from creative.accounts.roles import Role
from creative.innovations.models import Authorship
from creative.network.models import Ambassador, Membership, Organisation
from tests.factories import InnovationFactory, UserFactory


@pytest.fixture(autouse=True)
def _contact_defaults(settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""
    settings.CONTACT_REPLY_DAYS = 30


@pytest.fixture
def person(territories):
    return UserFactory(email="gwen.privee@exemple-secret.fr", profile__display_name="Gwen Le Goff",
                       profile__is_public=True)


@pytest.fixture
def writer(territories):
    """A signed-in member who writes."""
    return UserFactory(email="erwan.membre@exemple-secret.fr", profile__display_name="Erwan Membre")


@pytest.fixture
def fiche(territories):
    return InnovationFactory(title="Repair café du Bellevue", communes=["Brest"], themes=["numerique"])


@pytest.fixture
def ambassador_user(fiche):
    user = UserFactory(email="maelle.ambassadrice@exemple-secret.fr", profile__display_name="Maëlle Ambassadrice",
                       profile__is_public=True)
    Authorship.objects.create(innovation=fiche, user=user, is_creator=True)
    return user


@pytest.fixture
def ambassador(ambassador_user, fiche):
    return Ambassador.objects.create(
        innovation=fiche, user=ambassador_user, topics="Le démarrage, la recherche de bénévoles.",
        means=["phone", "visit"], availability="Le samedi", travel_km=30,
    )


@pytest.fixture
def organisation(territories):
    organisation = Organisation.objects.create(name="Répare Brest")
    people = {
        "manager": UserFactory(email="annaig.responsable@exemple-secret.fr",
                               profile__display_name="Annaïg Responsable"),
        "manager2": UserFactory(email="yann.responsable@exemple-secret.fr", profile__display_name="Yann Responsable"),
        "member": UserFactory(email="simple.membre@exemple-secret.fr", profile__display_name="Simple Membre"),
        "closed": UserFactory(email="compte.ferme@exemple-secret.fr", profile__display_name="Compte Fermé",
                              is_active=False),
    }
    for key, role in (("manager", "manager"), ("manager2", "manager"), ("member", "member"), ("closed", "manager")):
        Membership.objects.create(organisation=organisation, user=people[key], role=role)
    organisation.people = people
    return organisation


@pytest.fixture
def moderator(territories):
    return UserFactory(roles=[Role.MODERATOR], profile__display_name="Modé Ratrice")
