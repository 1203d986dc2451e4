"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Chromium comes from the system (CHROMIUM_PATH, default /usr/bin/chromium), not from
`playwright install`. Without it the tests are skipped locally (with a notice at the
end of the run) and fail on CI (CI=true; pytest reports them as errors at set-up),
so a broken CI image cannot silently pass. The browser never leaves localhost: the shared
machinery (system Chromium, offline routes, sign-in) is in tests/browser_env.py.
"""

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser_env import MISSING_MESSAGE, chromium_available, on_ci

HERE = Path(__file__).parent


def _in_this_folder(item):
    return HERE in Path(item.path).parents


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if _in_this_folder(item)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.django_db(transaction=True))
    config._browser_tests_skipped = 0
    if browser_items and not chromium_available() and not on_ci():
        skip = pytest.mark.skip(reason=MISSING_MESSAGE)
        for item in browser_items:
            item.add_marker(skip)
        config._browser_tests_skipped = len(browser_items)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = getattr(config, "_browser_tests_skipped", 0)
    if skipped:
        terminalreporter.write_line(
            f"NOTE: {skipped} browser tests skipped — {MISSING_MESSAGE}.", yellow=True, bold=True
        )


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    """On CI a missing Chromium is a failure, not a skip (skips are decided at collection)."""
    if not chromium_available():
        pytest.fail(MISSING_MESSAGE, pytrace=False)


# The project's own static files (css/site.css, js/*.js): without them the site renders
# unstyled and the maps never start (checked by test_map.py).
PROJECT_STATIC = settings.BASE_DIR / "static"


def project_static_configured():
    dirs = settings.STATICFILES_DIRS
    return any(Path(d[1] if isinstance(d, tuple | list) else d) == PROJECT_STATIC for d in dirs)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "fr-FR",
        "viewport": {"width": 1280, "height": 800},
    }


# --- Network --------------------------------------------------------------------------------------


@pytest.fixture
def context(new_context, offline):
    return offline(new_context())


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


# --- Data ---------------------------------------------------------------------------------------

# (title, commune, themes): several fiches share a commune, so the map clusters them.
FICHES = [
    ("Repair café de Recouvrance", "Brest", ["numerique", "developpement-durable"]),
    ("Atelier vélo solidaire", "Brest", ["mobilite", "solidarites"]),
    ("Jardin partagé de Bellevue", "Brest", ["developpement-durable", "alimentation"]),
    ("Médiation numérique au Relecq", "Le Relecq-Kerhuon", ["numerique"]),
    ("Épicerie solidaire de Guipavas", "Guipavas", ["solidarites", "alimentation"]),
    ("Chorale intergénérationnelle", "Guipavas", ["intergeneration", "culture-arts"]),
    ("Cartes participatives de Landerneau", "Landerneau", ["citoyennete-participation"]),
    ("Média coopératif de l'Élorn", "Landerneau", ["culture-arts"]),
    ("Conserverie de Plougastel", "Plougastel-Daoulas", ["alimentation"]),
    ("Café des parents de Gouesnou", "Gouesnou", ["education-populaire"]),
    ("Ressourcerie du Relecq", "Le Relecq-Kerhuon", ["developpement-durable"]),
]
# The one fiche placed on a precise point (the Technopôle, in Plouzané).
PRECISE_TITLE = "Fablab du Technopôle"
PRECISE_POINT = (48.35862, -4.56987)


@pytest.fixture
def taxonomy(db):
    """The default themes, carrier kinds and sections.

    They are re-created after each flush by a post_migrate handler; seeding here too keeps
    the first test independent of what ran before it. (serialized_rollback cannot restore
    them: once Playwright runs its event loop in the main thread, Django hands out new
    connection objects without the serialized copy.)
    """
    from creative.innovations.taxonomy import seed_taxonomy

    seed_taxonomy()


_TERRITORY_ROWS = []


@pytest.fixture
def territories(db):
    """The root `territories` fixture, made cheap for a suite that starts from an empty database each time.

    Transactional tests flush the database after each test, so the sample hierarchy is
    imported once from the reference file (tests.factories.load_sample_territories) and
    then re-inserted from memory in bulk, with the same primary keys.
    """
    from creative.territories.models import Territory
    from tests.factories import load_sample_territories

    if not _TERRITORY_ROWS or Territory.objects.exists():
        load_sample_territories()
        _TERRITORY_ROWS[:] = Territory.objects.order_by("depth", "pk").values()
    else:
        Territory.objects.bulk_create(Territory(**row) for row in _TERRITORY_ROWS)
    return {t.slug: t for t in Territory.objects.all()}


@pytest.fixture
def fiches(taxonomy, territories):
    """A dozen published fiches across the pays de Brest; returns {title: Innovation}."""
    from creative.innovations.models import Place
    from tests.factories import InnovationFactory, commune

    created = {title: InnovationFactory(title=title, communes=[name], themes=themes) for title, name, themes in FICHES}
    fablab = InnovationFactory(
        title=PRECISE_TITLE,
        pitch="Un atelier de fabrication numérique ouvert aux habitants et aux étudiants.",
        themes=["numerique", "design-creativite"],
    )
    Place.objects.create(
        innovation=fablab,
        commune=commune("Plouzané"),
        address="Technopôle Brest-Iroise",
        latitude=PRECISE_POINT[0],
        longitude=PRECISE_POINT[1],
    )
    created[PRECISE_TITLE] = fablab
    return created
