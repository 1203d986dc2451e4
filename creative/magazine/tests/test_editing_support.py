"""Shared personas and builders of the magazine's writing tests (no tests here).

The article of `article` is about Brest (a commune of the pays de Brest): covered territories are
Brest, its EPCI, the pays de Brest, the Finistère and Bretagne.
"""

import io

import pytest
from PIL import Image

from creative.accounts.roles import Role
from creative.magazine.editing import save_article
from creative.magazine.models import Article, Category
from tests.factories import UserFactory, commune

ROLES = ["anonymous", "unverified", "contributor", "author", "coauthor", "editor", "editor_elsewhere", "admin"]


@pytest.fixture(autouse=True)
def _quiet_antispam(settings):
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


@pytest.fixture
def people(territories):
    return {
        "anonymous": None,
        "unverified": UserFactory(verified=False),
        "contributor": UserFactory(),
        "author": UserFactory(profile__display_name="Nolwenn Autrice"),
        "coauthor": UserFactory(profile__display_name="Yann Cosignataire", profile__is_public=True),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }


def category(slug="actualite"):
    return Category.objects.get(slug=slug)


def make_article(author, *, coauthors=(), communes=("Brest",), state=Article.State.DRAFT, body="Un texte.",
                 **fields):
    article = Article(
        title=fields.pop("title", "Le repair café fête ses dix ans"), lead="Dix ans de réparations.", body=body,
        category=fields.pop("category", None) or category(), state=state, **fields,
    )
    save_article(article, author, territories=[commune(name) for name in communes],
                 authors=[author, *coauthors])
    return article


@pytest.fixture
def article(people):
    return make_article(people["author"], coauthors=[people["coauthor"]])


def client_for(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def image_bytes(fmt="PNG", size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(out, format=fmt)
    return out.getvalue()


def form_data(**overrides):
    data = {
        "title": "Une ressourcerie ouvre à Brest",
        "lead": "Un nouveau lieu pour donner une seconde vie aux objets.",
        "body": "## Un lieu\n\nOuvert le samedi.",
        "category": str(category().pk),
        "territories": [],
        "communes": "Brest",
        "fiches": "",
        "events": "",
        "coauthors": "",
        "cover_alt": "",
        "cover_credit": "",
        "summary": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
