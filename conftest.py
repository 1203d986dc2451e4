"""Project-wide pytest configuration.

Tests run against the real settings module (environment in tests/environment.py);
the database is SQLite unless DATABASE_URL points at PostgreSQL (CI runs both).
"""

import pytest

# Real-browser fixtures for every test folder (tests/browser/ and the apps' browser tests).
from tests.browser_env import browser_page, browser_type_launch_args, offline  # noqa: F401


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def territories(db):
    """A small real hierarchy loaded from a slice of the reference file (pays de Brest + a few more)."""
    from tests.factories import load_sample_territories

    return load_sample_territories()
