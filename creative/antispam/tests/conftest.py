"""Fixtures of the anti-spam tests: a frozen clock, the traps switched on, fast password hashing."""

import pytest

START = 1_750_000_000.0  # 15 June 2025, 17:06:40 in Paris: any fixed instant will do


class FrozenClock:
    """Stands for creative.antispam.clock.now; `advance(seconds)` moves time on."""

    def __init__(self, start=START):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture(autouse=True)
def _antispam_defaults(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test says whether it wants the time check (tests/environment.py may turn it off).
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock()
    monkeypatch.setattr("creative.antispam.clock.now", frozen)
    return frozen


@pytest.fixture
def traps_on(settings, clock):
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    return clock

