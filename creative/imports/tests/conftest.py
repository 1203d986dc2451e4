import pytest

from creative.accounts.roles import Role
from creative.imports.models import ImportSource
from tests.factories import UserFactory


@pytest.fixture
def source(db):
    return ImportSource.objects.create(
        name="Tiers-lieux du Finistère", slug="tiers-lieux", kind=ImportSource.Kind.CSV,
        default_licence="ODbL-1.0", read_only=True,
        column_mapping={"original_id": "id", "title": "nom", "pitch": "resume", "commune": "commune",
                        "themes": "tags", "original_url": "lien"},
        theme_mapping={"numérique": "numerique", "solidarité": "solidarites"},
    )


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True)


@pytest.fixture
def brest_editor(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])


@pytest.fixture
def tasks_now(settings, tmp_path):
    """Tasks run as soon as they are enqueued (after commit); uploaded files go to a temporary folder."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


CSV = (
    "id;nom;resume;commune;tags;lien\n"
    "1;Repair café;On répare ensemble.;Brest;numérique;https://source.example.org/1\n"
    "2;Jardin partagé;Cultiver ensemble.;Plouzané;solidarité, potager;https://source.example.org/2\n"
    "3;;Sans titre.;Brest;;\n"
    "4;Ailleurs;Loin.;Atlantis;;\n"
)
