"""Fixtures of the statistics tests: a clean buffer and salt cache, a movable day, a reader."""

from datetime import date, timedelta

import pytest
from django.test import RequestFactory

from creative.stats import counting

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
IP = "203.0.113.77"


@pytest.fixture(autouse=True)
def _clean_counting(settings):
    settings.STATS_ENABLED = True
    settings.STATS_FLUSH_EVERY = 50
    settings.STATS_FLUSH_SECONDS = 10
    counting.reset()
    yield
    counting.reset()


class Clock:
    """The counting day, moved by the test (counting.today is monkeypatched)."""

    def __init__(self, day):
        self.day = day

    def __call__(self):
        return self.day

    def next_day(self, days=1):
        self.day += timedelta(days=days)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(date(2026, 6, 15))
    monkeypatch.setattr(counting, "today", clock)
    return clock


@pytest.fixture
def visit():
    """visit(ip=…, ua=…, **headers) → a GET request as a reader's browser sends it."""
    factory = RequestFactory()

    def make(path="/", *, ip=IP, ua=FIREFOX, method="get", **headers):
        return getattr(factory, method)(path, REMOTE_ADDR=ip, HTTP_USER_AGENT=ua, **headers)

    return make
