"""Personas of the review tests: a draft fiche in Brest, its author, editors in and out of scope."""

import pytest

from creative.accounts.roles import Role
from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory, UserFactory


@pytest.fixture
def author(territories):
    return UserFactory(profile__display_name="Maëlle Autrice")


@pytest.fixture
def editor(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], profile__display_name="Yann Accompagnateur")


@pytest.fixture
def editor_elsewhere(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["quimper"])


@pytest.fixture
def contributor(territories):
    return UserFactory()


@pytest.fixture
def fiche(author):
    fiche = InnovationFactory(title="Repair café du Bellevue", state=Innovation.State.DRAFT, communes=["Brest"],
                              themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    return fiche
