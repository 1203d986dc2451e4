"""The anti-spam variables are read at start-up and fail loudly on bad values."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def start_with(**env):
    """Import the settings in a fresh interpreter with `env`; print the anti-spam values."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("ANTISPAM_") and k != "DEBUG"}
    code = ("import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; from django.conf import settings; "
            "print(settings.ANTISPAM_HOLD_SCORE, settings.ANTISPAM_MIN_FILL_SECONDS, settings.ANTISPAM_RATE_LIMITS)")
    return subprocess.run([sys.executable, "-c", code], env={**base, "DEBUG": "1", **env}, capture_output=True,
                          text=True, cwd=settings.BASE_DIR, check=False)


def test_defaults_and_overrides():
    assert start_with().stdout.strip() == "5.0 3 {}"
    result = start_with(ANTISPAM_HOLD_SCORE="6,5", ANTISPAM_MIN_FILL_SECONDS="0", ANTISPAM_RATE_LIMITS="report=")
    assert result.stdout.strip() == "6.5 0 {'report': ()}", result.stderr


@pytest.mark.parametrize(("name", "value"), [
    ("ANTISPAM_HOLD_SCORE", "beaucoup"),
    ("ANTISPAM_HOLD_SCORE", "0"),
    ("ANTISPAM_MIN_FILL_SECONDS", "-1"),
    ("ANTISPAM_RATE_LIMITS", "comment=dix/h"),
    ("ANTISPAM_AKISMET_URL", "ftp://akismet"),
])
def test_bad_values_stop_start_up_naming_the_variable(name, value):
    result = start_with(**{name: value})
    assert result.returncode != 0 and name in result.stderr
