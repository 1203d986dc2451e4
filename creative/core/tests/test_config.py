"""Settings are read from the environment and fail loudly on bad values."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_secret, env_url


def test_env_bool(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("off", False), ("", False)]:
        monkeypatch.setenv("X_FLAG", raw)
        assert env_bool("X_FLAG") is expected
    monkeypatch.setenv("X_FLAG", "peut-être")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_int(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "douze")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_NUM", 1, minimum=1)


def test_env_list_and_url(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.fr, b.fr,,")
    assert env_list("X_HOSTS") == ["a.fr", "b.fr"]
    monkeypatch.setenv("X_URL", "ftp://tiles")
    with pytest.raises(ImproperlyConfigured, match="http"):
        env_url("X_URL", "https://x")


def test_env_secret_reads_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_secret("X_SECRET") == "s3cret"


def test_defaults():
    assert settings.HOME_TERRITORY == "pays-de-brest"
    assert settings.INNOVATIONS_GOAL == 1000
    assert settings.SITE_NAME == "Brest Créative"
    assert "tile.openstreetmap.org" in settings.MAP_TILE_URL
    assert "https://tile.openstreetmap.org" in settings.SECURE_CSP["img-src"]


def run_settings(**env):
    """Import the settings in a fresh interpreter with `env`; return the completed process."""
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
         "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"],
        env={**base, **env}, capture_output=True, text=True, cwd=settings.BASE_DIR, check=False,
    )


def test_production_without_secret_key_refuses_to_start():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_bad_values_name_the_variable():
    result = run_settings(DEBUG="1", INNOVATIONS_GOAL="beaucoup")
    assert result.returncode != 0 and "INNOVATIONS_GOAL" in result.stderr
    result = run_settings(DEBUG="1", DATABASE_URL="mysql://root@localhost/x")
    assert result.returncode != 0 and "only sqlite" in result.stderr


def test_sqlite_runs_in_wal_mode(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup(); "
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA busy_timeout').fetchone()[0])"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    env = {**base, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            cwd=settings.BASE_DIR, check=False)
    assert result.stdout.split() == ["wal", "5000"], result.stderr


def test_database_url_selects_the_engine():
    result = run_settings(DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")
    assert result.stdout.strip() == "django.db.backends.postgresql"
    result = run_settings(DEBUG="1", DATABASE_URL="sqlite:////tmp/brest-creative-test.sqlite3")
    assert result.stdout.strip() == "django.db.backends.sqlite3"
