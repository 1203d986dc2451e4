"""View counting: one view per visitor, page and day; bots and prefetches left out; no address
stored; daily salts rotated and purged; writes batched."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections, connection

from creative.stats import counting
from creative.stats.bots import is_bot
from creative.stats.models import DailySalt, SearchMiss, SeenToday, ViewCount

from .conftest import CHROME, FIREFOX, IP

pytestmark = pytest.mark.django_db


def views(kind="innovation", object_id=1, **filters):
    return sum(ViewCount.objects.filter(kind=kind, object_id=object_id, **filters).values_list("views", flat=True))


def test_same_visitor_twice_the_same_day_counts_once(clock, visit):
    assert counting.count_view(visit(), "innovation", 1)
    assert counting.count_view(visit(), "innovation", 1)
    assert counting.flush() == 1
    counting.count_view(visit(), "innovation", 1)  # in a later batch: the mark is already there
    assert counting.flush() == 0
    assert views() == 1
    assert ViewCount.objects.get().day == clock.day


def test_the_next_day_the_same_visitor_counts_again(clock, visit):
    counting.count_view(visit(), "innovation", 1)
    counting.flush()
    clock.next_day()
    counting.count_view(visit(), "innovation", 1)
    counting.flush()
    assert views() == 2
    assert ViewCount.objects.count() == 2  # one row per day


def test_other_browser_other_address_other_page_count_separately(clock, visit):
    counting.count_view(visit(), "innovation", 1)
    counting.count_view(visit(ua=CHROME), "innovation", 1)
    counting.count_view(visit(ip="198.51.100.4"), "innovation", 1)
    counting.count_view(visit(), "innovation", 2)
    counting.count_view(visit(), "event", 1)
    assert counting.flush() == 5
    assert views() == 3
    assert views(object_id=2) == 1
    assert views("event") == 1


def test_the_client_address_comes_from_the_trusted_proxy(clock, visit, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # Behind one proxy, the address it saw counts; what the client wrote left of it does not.
    counting.count_view(visit(ip="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.4"), "innovation", 1)
    counting.count_view(visit(ip="10.0.0.1", HTTP_X_FORWARDED_FOR="2.2.2.2, 198.51.100.4"), "innovation", 1)
    counting.count_view(visit(ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.5"), "innovation", 1)
    counting.flush()
    assert views() == 2


REAL_BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) "
    "Chrome/116.0.1938.76 Safari/537.36",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
    "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mastodon/4.2.1 (http.rb/5.1.1; +https://mastodon.social/) Bot",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; GPTBot/1.1; +https://openai.com/gptbot",
    "CCBot/2.0 (https://commoncrawl.org/faq/)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.31.0",
    "Python-urllib/3.12",
    "Go-http-client/2.0",
    "Mozilla/5.0 (compatible; archive.org_bot +http://archive.org/details/archive.org_bot)",
    "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers)",
    "",
    "   ",
]
BROWSERS = [
    FIREFOX,
    CHROME,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 "
    "Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
    "Safari/537.36 Edg/126.0.0.0",
]


@pytest.mark.parametrize("user_agent", REAL_BOTS)
def test_bots_are_not_counted(clock, visit, user_agent):
    assert is_bot(user_agent)
    assert not counting.count_view(visit(ua=user_agent), "innovation", 1)
    counting.flush()
    assert not ViewCount.objects.exists()
    assert not SeenToday.objects.exists()


@pytest.mark.parametrize("user_agent", BROWSERS)
def test_browsers_are_counted(clock, visit, user_agent):
    assert not is_bot(user_agent)
    assert counting.count_view(visit(ua=user_agent), "innovation", 1)


@pytest.mark.parametrize("header", [
    {"HTTP_SEC_PURPOSE": "prefetch"}, {"HTTP_SEC_PURPOSE": "prefetch;prerender"}, {"HTTP_PURPOSE": "prefetch"},
    {"HTTP_X_MOZ": "prefetch"},
])
def test_prefetches_are_not_counted(clock, visit, header):
    assert not counting.count_view(visit(**header), "innovation", 1)
    assert len(counting.buffer) == 0


def test_only_get_requests_and_known_kinds_count(clock, visit):
    assert not counting.count_view(visit(method="post"), "innovation", 1)
    assert not counting.count_view(visit(method="head"), "innovation", 1)
    assert not counting.count_view(visit(), "newsletter", 1)
    assert counting.count_view(visit(), "territory", 1)


def test_do_not_track_is_counted_anonymously(clock, visit):
    # Nothing identifies anybody: a DNT visitor is counted like the others, once a day.
    counting.count_view(visit(HTTP_DNT="1", HTTP_SEC_GPC="1"), "innovation", 1)
    counting.count_view(visit(HTTP_DNT="1", HTTP_SEC_GPC="1"), "innovation", 1)
    counting.flush()
    assert views() == 1


def test_switched_off_with_stats_enabled(clock, visit, settings):
    settings.STATS_ENABLED = False
    assert not counting.count_view(visit(), "innovation", 1)
    counting.flush()
    assert not ViewCount.objects.exists()
    assert not DailySalt.objects.exists()


def test_no_address_is_stored_anywhere(clock, visit):
    from creative.stats.search import record_miss

    for _day in range(3):
        counting.count_view(visit(), "innovation", 1)
        counting.count_view(visit(), "territory", 7)
        record_miss("jardin partagé", request=visit())
        counting.flush()
        clock.next_day()
    stored = []
    for model in apps.get_app_config("stats").get_models():
        for row in model.objects.values_list():
            stored.append(" ".join(str(value) for value in row))
    assert stored and SeenToday.objects.exists() and SearchMiss.objects.exists()
    text = "\n".join(stored)
    assert IP not in text
    assert IP.replace(".", "") not in text
    assert "Firefox" not in text
    # Nor a plain (unkeyed) hash of it.
    import hashlib

    assert hashlib.sha256(IP.encode()).hexdigest() not in text


def test_digest_is_keyed_by_the_salt_of_the_day(clock, visit):
    counting.count_view(visit(), "innovation", 1)
    counting.flush()
    first = SeenToday.objects.get()
    salt = DailySalt.objects.get(day=clock.day).salt
    assert len(salt) == 64
    assert first.digest == counting.visitor_digest(salt, IP, FIREFOX, "innovation", 1)
    clock.next_day()
    counting.count_view(visit(), "innovation", 1)
    counting.flush()
    second = SeenToday.objects.get(day=clock.day)
    assert DailySalt.objects.get(day=clock.day).salt != salt
    assert second.digest != first.digest


def test_old_salts_and_marks_are_purged(clock, visit):
    for _ in range(3):
        counting.count_view(visit(), "innovation", 1)
        counting.flush()  # the first flush of each day purges what is older than yesterday
        clock.next_day()
    # Days 1, 2, 3 counted; flushing on day 3 removed day 1.
    assert DailySalt.objects.count() == 2
    assert SeenToday.objects.count() == 2
    assert views() == 3  # the counts stay
    clock.next_day(5)
    call_command("purge_view_marks", "--dry-run", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert DailySalt.objects.count() == 2
    call_command("purge_view_marks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not DailySalt.objects.exists()
    assert not SeenToday.objects.exists()
    assert views() == 3


def test_nothing_is_written_before_the_threshold(clock, visit, settings, monkeypatch, django_assert_num_queries):
    settings.STATS_FLUSH_EVERY = 5
    counting.daily_salt()  # the day's salt: one query a day per process
    counting.purge_old()
    monkeypatch.setattr(counting, "_purged_on", clock.day)  # the day's purge is done (two more queries)
    with django_assert_num_queries(0):
        for n in range(4):
            counting.count_view(visit(ip=f"198.51.100.{n}"), "innovation", 1)
            counting.flush_if_due()
    assert not SeenToday.objects.exists()
    counting.count_view(visit(ip="198.51.100.9"), "innovation", 1)
    # The fifth view makes the buffer due: one transaction, two statements.
    with django_assert_num_queries(4):  # SAVEPOINT/BEGIN, marks, counts, RELEASE/COMMIT
        counting.flush_if_due()
    assert views() == 5
    assert len(counting.buffer) == 0


def finish_a_request():
    """Send request_finished as a server does, without Django's own connection closing (which,
    like the test client, we keep away from the test's transaction)."""
    request_finished.disconnect(close_old_connections)
    try:
        request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)


def test_an_old_buffer_is_flushed_after_the_next_request(clock, visit, settings, monkeypatch):
    counting.count_view(visit(), "innovation", 1)
    finish_a_request()
    assert not SeenToday.objects.exists()  # one view, just buffered: not due
    now = counting.time.monotonic()
    monkeypatch.setattr(counting.time, "monotonic", lambda: now + settings.STATS_FLUSH_SECONDS)
    finish_a_request()
    assert views() == 1


def test_count_view_flushes_itself_past_the_hard_limit(clock, visit, settings):
    settings.STATS_FLUSH_EVERY = 2
    for n in range(2 * counting.HARD_LIMIT_FACTOR):
        counting.count_view(visit(ip=f"198.51.100.{n}"), "innovation", 1)
    assert views() == 2 * counting.HARD_LIMIT_FACTOR


def test_flush_counts_only_marks_it_inserted(clock, visit):
    # A mark written by another process (or an earlier batch) is not counted again.
    counting.count_view(visit(), "innovation", 1)
    counting.count_view(visit(ua=CHROME), "innovation", 1)
    salt = counting.daily_salt()
    SeenToday.objects.create(day=clock.day, digest=counting.visitor_digest(salt, IP, CHROME, "innovation", 1))
    ViewCount.objects.create(kind="innovation", object_id=1, day=clock.day, views=4)
    assert counting.flush() == 1
    assert views() == 5  # incremented, not overwritten
    assert ViewCount.objects.count() == 1
    assert connection.vendor in ("sqlite", "postgresql")


def test_demo_counts_are_kept_apart_from_real_ones(clock, visit):
    ViewCount.objects.create(kind="innovation", object_id=1, day=clock.day, views=40, is_demo=True)
    counting.count_view(visit(), "innovation", 1)
    counting.flush()
    assert views(is_demo=False) == 1
    assert views(is_demo=True) == 40


def test_a_database_error_loses_the_batch_but_not_the_page(clock, visit, monkeypatch):
    from django.db import DatabaseError

    counting.count_view(visit(), "innovation", 1)

    def broken(hits):
        raise DatabaseError("disk full")

    monkeypatch.setattr(counting, "_insert_marks", broken)
    assert counting.flush() == 0
    assert len(counting.buffer) == 0


def test_many_views_in_one_batch(clock, visit, settings):
    settings.STATS_FLUSH_EVERY = 10_000
    for n in range(1200):  # more than one INSERT chunk
        counting.count_view(visit(ip=f"2001:db8::{n:x}"), "innovation", n % 3)
    assert counting.flush() == 1200
    assert [views(object_id=n) for n in range(3)] == [400, 400, 400]
