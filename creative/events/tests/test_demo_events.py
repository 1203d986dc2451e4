"""The demo agenda loaded by `manage.py load_demo`: a dozen events across the pays de Brest, dated
relative to the load, one weekly series, one full event with a waiting list; idempotent,
removable, shown by the agenda and its iCal feeds without anybody's address."""

import datetime
import io
import itertools
import re
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from creative.accounts.models import User
from creative.events import services
from creative.events.demo import (
    PAST_KEPT_DAYS,
    demo_events_data,
    event_slug,
    load_events_demo,
    occurrence,
    remove_events_demo,
)
from creative.events.editing import save_event, territories_of
from creative.events.kinds import KINDS
from creative.events.models import Event, Registration, Series
from creative.events.permissions import can_manage_event
from creative.innovations.demo import DemoDataError
from creative.innovations.models import Innovation
from creative.network.demo import DEMO_EMAIL_RE, demo_people
from creative.network.models import Organisation
from creative.territories.models import Territory
from tests.factories import UserFactory, commune, load_sample_territories

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
CONTRIBUTOR = "contribution@example.org"
FULL = event_slug("outils-collaboratifs-brest")
VELO = event_slug("atelier-velo-locmaria")
WEBCOFFEE = event_slug("webcoffee-mots-de-passe")
GUEST_RE = re.compile(r"^demo-invite-[a-z0-9-]+@example\.org$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", re.I)
Status = Registration.Status


@pytest.fixture(scope="class")
def demo_loaded_once(django_db_setup, django_db_blocker):
    """The whole demo (sample territories, fiches, accounts, network, agenda), loaded once for a class.

    It is loaded in a transaction rolled back after the class's last test; each test runs in a
    savepoint inside it (pytest-django's `db`), rolled back after the test, so a test that loads
    again, moves a date or removes the demo leaves the next one the demo as it was loaded.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load_sample_territories()
        with override_settings(DEBUG=True):  # load_demo refuses to run without DEBUG
            call_command("load_demo", "--no-images", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded_once, settings):
    """The shared demo, with DEBUG on as when it was loaded (for the tests that load it again)."""
    settings.DEBUG = True


def demo_events():
    return Event.objects.filter(is_demo=True).select_related("commune", "kind", "organiser", "organisation")


def meant():
    """{slug: week} for every demo date: week ≥ 1 means coming, ≤ -1 past."""
    data = demo_events_data()
    weeks = {event_slug(e["key"]): e["week"] for e in data["events"]}
    for series in data["series"]:
        for n, week in enumerate(series["weeks"], start=1):
            weeks[event_slug(f"{series['key']}-{n}")] = week
    return weeks


def snapshot():
    """Every row of the demo agenda with its values (and modification times), to compare two loads."""
    events = Event.objects.filter(is_demo=True)
    fields = [f.attname for f in Event._meta.concrete_fields]
    return {
        "events": sorted(events.values_list(*fields)),
        "series": sorted(Series.objects.values_list("pk", "title", "rule", "created_by_id", "created_at")),
        "territories": sorted(Event.territories.through.objects.values_list("event_id", "territory_id")),
        "themes": sorted(Event.themes.through.objects.values_list("event_id", "theme_id")),
        "fiches": sorted(Event.innovations.through.objects.values_list("event_id", "innovation_id")),
        "registrations": sorted(
            Registration.objects.values_list(*[f.attname for f in Registration._meta.concrete_fields])
        ),
    }


def freeze(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.mark.usefixtures("demo")
class TestTheLoadedDemo:
    """The demo agenda as `load_demo` leaves it (loaded once for the class: see demo_loaded_once)."""

    # --- What is loaded ---------------------------------------------------------------------------

    def test_a_dozen_published_events_across_the_pays_de_brest(self):
        now = timezone.now()
        events = list(demo_events())
        assert len(events) >= 12 and len(events) == len(meant())
        pays = Territory.objects.get(slug="pays-de-brest")
        communes = Territory.objects.descendants_of(pays, level=Territory.Level.COMMUNE)
        pays_communes = set(communes.values_list("pk", flat=True))
        people = set(demo_people().values_list("pk", flat=True))
        demo_organisations = set(Organisation.objects.filter(is_demo=True).values_list("pk", flat=True))
        kinds = {slug for slug, _name in KINDS}

        for event in events:
            assert event.state == Event.State.PUBLISHED and event.slug.startswith("demo-")
            assert "fictif de démonstration" in event.description
            assert event.kind is not None and event.kind.slug in kinds
            assert event.organiser_id in people or event.organisation_id in demo_organisations
            assert event.themes.exists() and event.innovations.exists()
            assert all(fiche.is_demo and fiche.state == Innovation.State.PUBLISHED for fiche in event.innovations.all())
            # Territories set as save_event keeps them: the commune and everything containing it.
            assert set(event.territories.all()) == set(territories_of(event.commune))
            if event.commune_id is None:
                assert event.is_online
            else:
                assert event.commune_id in pays_communes and event.address
                assert event.territories.filter(pk=pays.pk).exists()
            if event.is_online:
                assert event.online_url.startswith("https://example.org/")
            # Wall-clock times of a workshop, in Europe/Paris, from the last weeks to the next two months.
            start, end = event.starts_at.astimezone(PARIS), event.ends_at.astimezone(PARIS)
            assert start.hour >= 9 and end.hour <= 21 and start.minute in (0, 30) and start.date() == end.date()
            assert now - datetime.timedelta(days=PAST_KEPT_DAYS) < event.starts_at < now + datetime.timedelta(weeks=8)

        assert len({e.commune_id for e in events if e.commune_id}) >= 7
        assert {"Brest", "Landerneau", "Plouzané", "Lesneven", "Crozon", "Plougastel-Daoulas"} <= {
            e.commune.name for e in events if e.commune_id
        }
        assert len({e.kind.slug for e in events}) >= 6
        assert 1 <= sum(e.is_online for e in events) <= 2
        assert sum(e.is_online and e.commune_id is None for e in events) == 1  # and one hybrid
        upcoming, past = Event.objects.upcoming().filter(is_demo=True), Event.objects.past().filter(is_demo=True)
        assert upcoming.count() >= 8 and past.count() >= 3
        assert {e.slug for e in past} == {slug for slug, week in meant().items() if week < 0}

    def test_one_weekly_series_of_six_dates(self):
        [series] = Series.objects.all()
        dates = list(series.events.order_by("starts_at"))
        assert len(dates) == 6 and all(e.is_demo and e.title == series.title for e in dates)
        assert series.rule and series.created_by == dates[0].organiser
        local = [e.starts_at.astimezone(PARIS) for e in dates]
        assert {(d.weekday(), d.hour, d.minute) for d in local} == {(1, 18, 0)}  # Tuesdays, 18:00 in Brest
        gaps = [(b.date() - a.date()).days for a, b in itertools.pairwise(local)]
        # Weekly; the one gap may be two weeks when loaded on the very day of the workshop.
        assert all(gap in (7, 14) for gap in gaps) and sum(gap == 14 for gap in gaps) <= 1
        assert sum(e.ends_at < timezone.now() for e in dates) == 1  # one session already held, five to come

    def test_one_full_event_with_a_waiting_list(self):
        event = Event.objects.get(slug=FULL)
        assert event.capacity == 8 and event.ends_at > timezone.now()
        confirmed = list(event.registrations.filter(status=Status.CONFIRMED))
        waiting = list(event.registrations.waiting())
        assert len(confirmed) == 8 and len(waiting) == 3
        assert services.seats_left(event) == 0 and services.waiting_count(event) == 3
        assert [services.waiting_position(r) for r in waiting] == [1, 2, 3]
        assert all(r.confirmed_at and r.confirmed_at <= timezone.now() and r.waiting_since is None for r in confirmed)
        assert all(r.waiting_since and r.confirmed_at is None for r in waiting)
        # Registrations open: a newcomer would join the waiting list.
        assert services.registration_open(event) == (True, "")
        # Demo people by their account, guests by a reserved demo address; never a real one.
        for registration in [*confirmed, *waiting]:
            if registration.user_id:
                assert DEMO_EMAIL_RE.match(registration.email) and registration.email == registration.user.email
                assert registration.user_id != event.organiser_id
            else:
                assert GUEST_RE.match(registration.email) and registration.name.endswith("(démo)")
        # Only this event is full.
        full = [e for e in demo_events() if e.capacity and services.seats_left(e) == 0]
        assert full == [event]

    def test_registration_addresses_are_demo_ones_and_past_events_have_attendance(self):
        registrations = Registration.objects.filter(event__is_demo=True)
        assert registrations.count() >= 15
        for registration in registrations:
            assert (DEMO_EMAIL_RE.match(registration.email) or GUEST_RE.match(registration.email)
                    or registration.email == CONTRIBUTOR)
            assert registration.status in (Status.CONFIRMED, Status.WAITING)
        past = registrations.filter(event__ends_at__lt=timezone.now())
        assert past.filter(attended=True).exists() and past.filter(attended=False).exists()
        assert not registrations.filter(event__ends_at__gte=timezone.now(), attended__isnull=False).exists()

    def test_the_demo_contributor_organises_one_event_and_is_registered_to_another(self):
        contributor = User.objects.get(email=CONTRIBUTOR)
        velo = Event.objects.get(slug=VELO)
        assert velo.organiser == contributor and velo.organisation.is_demo
        assert can_manage_event(contributor, velo)  # signed in as the contributor, the organiser tools show
        assert velo.registrations.filter(status=Status.CONFIRMED).count() == 2
        mine = Registration.objects.get(user=contributor)
        assert mine.event.slug == WEBCOFFEE and mine.status == Status.CONFIRMED and mine.event.is_online

    def test_loading_sends_no_mail_and_enqueues_nothing(self, django_capture_on_commit_callbacks):
        remove_events_demo()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            counts = load_events_demo()
        assert counts["created"] > counts["events"] and counts["registrations"] >= 15
        assert callbacks == [] and mail.outbox == []

    # --- Idempotent, relative dates ---------------------------------------------------------------

    def test_loading_twice_creates_and_changes_nothing(self, capsys):
        before = snapshot()
        assert len(before["events"]) >= 12 and before["registrations"] and before["territories"]
        counts = load_events_demo()
        assert counts["created"] == counts["updated"] == 0
        assert counts["events"] == len(before["events"]) and counts["series"] == 1
        call_command("load_demo", "--no-images")
        out = capsys.readouterr().out
        assert f"Demo events: {len(before['events'])} events (" in out and "(0 created, 0 updated)" in out.split(
            "Demo events:")[1]
        assert snapshot() == before
        assert all(sequence == 0 for sequence in Event.objects.values_list("sequence", flat=True))

    def test_a_load_weeks_later_moves_on_the_passed_dates_and_keeps_the_others(self, monkeypatch):
        weeks = meant()
        full = Event.objects.get(slug=FULL)
        full_registrations = sorted(full.registrations.values_list("pk", "status", "waiting_since"))
        before = {e.slug: e for e in Event.objects.filter(is_demo=True)}
        later = timezone.now() + datetime.timedelta(days=10)
        oldest = later - datetime.timedelta(days=PAST_KEPT_DAYS)

        def fits(slug):
            ends_at = before[slug].ends_at
            return ends_at >= later if weeks[slug] > 0 else oldest <= ends_at < later

        # A date moves when it (or, in a series, any of its dates) is no longer on its side of today.
        groups = {}
        for slug, event in before.items():
            groups.setdefault(event.series_id or slug, []).append(slug)
        moving = {slug for group in groups.values() if not all(fits(s) for s in group) for slug in group}
        assert moving and len(moving) < len(before)

        freeze(monkeypatch, later)
        counts = load_events_demo()
        assert counts["created"] == 0 and counts["updated"] == len(moving)
        assert counts["upcoming"] == sum(w > 0 for w in weeks.values())
        assert counts["past"] == sum(w < 0 for w in weeks.values())
        for event in Event.objects.filter(is_demo=True):
            # Each date is again on its side of "today", as it is meant to be, at its wall-clock time.
            assert (event.ends_at >= later) if weeks[event.slug] > 0 else (oldest <= event.ends_at < later)
            old = before[event.slug]
            assert event.starts_at.astimezone(PARIS).time() == old.starts_at.astimezone(PARIS).time()
            if event.slug in moving:
                assert event.starts_at != old.starts_at and event.sequence == 1  # calendars update their copy
            else:
                assert event.starts_at == old.starts_at and event.sequence == 0 and event.updated_at == old.updated_at
        # The series moved as a whole once its next session had passed: still weekly, one held, five to come.
        series = list(Series.objects.get().events.order_by("starts_at"))
        assert set(series[0].series.events.values_list("slug", flat=True)) <= moving
        assert len({e.starts_at.astimezone(PARIS).weekday() for e in series}) == 1
        assert sum(e.ends_at < later for e in series) == 1
        # The registrations stay as they were (the full event is still full).
        assert sorted(full.registrations.values_list("pk", "status", "waiting_since")) == full_registrations
        # And a second load at that time changes nothing.
        again = snapshot()
        assert load_events_demo()["updated"] == 0 and snapshot() == again

    def test_a_too_old_past_event_comes_back_into_the_last_weeks(self, monkeypatch):
        later = timezone.now() + datetime.timedelta(days=60)
        freeze(monkeypatch, later)
        load_events_demo()
        for event in Event.objects.filter(is_demo=True):
            assert (
                later - datetime.timedelta(days=PAST_KEPT_DAYS) <= event.ends_at <= later + datetime.timedelta(weeks=8)
            )
        assert Event.objects.past(now=later).filter(is_demo=True).count() == sum(w < 0 for w in meant().values())

    def test_wall_clock_times_across_a_daylight_saving_change(self, settings, monkeypatch):
        # Loaded on Tuesday 20 October 2026 at 10:00: summer time ends on Sunday 25 October.
        remove_events_demo()
        moment = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=PARIS)
        freeze(monkeypatch, moment)
        load_events_demo()
        series = list(Series.objects.get().events.order_by("starts_at"))
        local_dates = [e.starts_at.astimezone(PARIS).date() for e in series]
        assert local_dates[0] == datetime.date(2026, 10, 13) and local_dates[1] == datetime.date(2026, 10, 27)
        assert [e.starts_at.astimezone(PARIS).hour for e in series] == [18] * 6
        assert series[0].starts_at.astimezone(datetime.UTC).hour == 16  # UTC+2 in summer time
        assert series[1].starts_at.astimezone(datetime.UTC).hour == 17  # UTC+1 in winter time
        assert all((e.ends_at - e.starts_at) == datetime.timedelta(hours=2) for e in series)

    # --- Removal ----------------------------------------------------------------------------------

    def test_remove_demo_removes_the_demo_events_only(self, settings, capsys):
        organiser = UserFactory(email="vraie.orga@example.net", profile__display_name="Vraie orga")
        real_series = Series.objects.create(title="Vrai atelier", rule="chaque jeudi")
        real = save_event(Event(
            title="Vrai atelier", starts_at=timezone.now() + datetime.timedelta(days=3),
            ends_at=timezone.now() + datetime.timedelta(days=3, hours=2), commune=commune("Brest"),
            organiser=organiser, state=Event.State.PUBLISHED, series=real_series,
        ))
        real_registration = Registration.objects.create(event=real, user=organiser, name="Vraie orga",
                                                        email=organiser.email, status=Status.CONFIRMED)
        # A real person registered to a demo event goes with it (the demo event is gone).
        Registration.objects.create(event=Event.objects.get(slug=VELO), name="Quelqu'un", email="q@example.net",
                                    status=Status.CONFIRMED)
        count = Event.objects.filter(is_demo=True).count()

        call_command("remove_demo")
        assert f"Demo events removed: {count} events, 1 series" in capsys.readouterr().out
        assert list(Event.objects.all()) == [real] and list(Series.objects.all()) == [real_series]
        assert list(Registration.objects.all()) == [real_registration]
        real.refresh_from_db()
        assert real.organiser == organiser and real.territories.filter(slug="pays-de-brest").exists()

        # And it comes back whole.
        settings.DEBUG = True
        call_command("load_demo", "--no-images")
        assert Event.objects.filter(is_demo=True).count() == count and Series.objects.count() == 2
        assert Event.objects.get(slug=FULL).registrations.waiting().count() == 3

    # --- Public pages and feeds -------------------------------------------------------------------

    def test_the_agenda_and_its_feeds_list_the_demo_events(self, client):
        upcoming = list(Event.objects.upcoming().filter(is_demo=True))
        past = list(Event.objects.past().filter(is_demo=True))

        agenda = client.get(reverse("events:agenda"))
        assert agenda.status_code == 200
        content = agenda.content.decode()
        for event in upcoming:
            assert escape(event.title) in content and event.get_absolute_url() in content
        assert "Complet" in content  # the full event is marked so
        archive = client.get(reverse("events:past")).content.decode()
        assert all(event.get_absolute_url() in archive for event in past)

        response = client.get(reverse("events:feed"))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(response.content)
        vevents = {str(v["URL"]).rsplit("/agenda/", 1)[-1].strip("/"): v for v in calendar.walk("VEVENT")}
        assert {e.slug for e in [*upcoming, *past]} <= set(vevents)
        for event in [*upcoming, *past]:
            vevent = vevents[event.slug]
            assert str(vevent["SUMMARY"]) == event.title
            start = vevent.decoded("DTSTART")
            assert start == event.starts_at and str(start.tzinfo) == "Europe/Paris"
            assert "fictif de démonstration" in str(vevent["DESCRIPTION"])

        pays = client.get(reverse("events:territory_feed", args=["pays-de-brest"]))
        in_pays = {str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(pays.content).walk("VEVENT")}
        assert {e.title for e in [*upcoming, *past] if e.commune_id} <= in_pays

    def test_the_full_event_page_says_so(self, client):
        event = Event.objects.get(slug=FULL)
        content = client.get(event.get_absolute_url()).content.decode()
        assert "complet" in content.lower() and "liste d" in content

    def test_no_demo_email_nor_online_link_on_public_pages(self, client):
        events = list(demo_events())
        pages = [reverse("events:agenda"), reverse("events:agenda_map"), reverse("events:past"), reverse("events:feed"),
                 reverse("events:territory_feed", args=["pays-de-brest"])]
        pages += [e.get_absolute_url() for e in events]
        pages += [reverse("events:event_ics", args=[e.slug]) for e in events]
        pages += [f.get_absolute_url() for f in Innovation.objects.filter(events__is_demo=True).distinct()]
        addresses = set(Registration.objects.values_list("email", flat=True)) | set(
            User.objects.values_list("email", flat=True))
        online_urls = {e.online_url for e in events if e.online_url}
        assert len(online_urls) == 2 and len(addresses) > 15
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            content = response.content.decode()
            assert "@example.org" not in content, url
            assert not any(address in content for address in addresses), url
            assert not any(link in content for link in online_urls), url
            if url.endswith(".ics"):
                for line in content.replace("\r\n ", "").splitlines():
                    assert line.startswith("UID:") or not EMAIL.search(line), (url, line)
        # The event pages name the organisers (never their addresses).
        velo = Event.objects.get(slug=VELO)
        assert escape(velo.organisation.name) in client.get(velo.get_absolute_url()).content.decode()


# --- Relative dates ------------------------------------------------------------------------------


def test_occurrence_counts_weekdays_strictly_after_or_before_today():
    tuesday = datetime.date(2026, 3, 24)
    assert occurrence(tuesday, 1, 1) == datetime.date(2026, 3, 31)  # never today itself
    assert occurrence(tuesday, 1, -1) == datetime.date(2026, 3, 17)
    assert occurrence(tuesday, 2, 1) == datetime.date(2026, 3, 25)
    assert occurrence(tuesday, 0, -1) == datetime.date(2026, 3, 23)
    assert occurrence(tuesday, 5, 3) == datetime.date(2026, 4, 11)
    assert occurrence(tuesday, 5, -2) == datetime.date(2026, 3, 14)


# --- Loads of their own, on a database without the demo -------------------------------------


def test_without_the_demo_accounts_the_contributor_is_left_out(territories, settings):
    settings.DEBUG = True
    call_command("load_demo", "--no-images", "--no-admin")
    assert not User.objects.filter(email=CONTRIBUTOR).exists()
    velo = Event.objects.get(slug=VELO)
    assert velo.organiser is None and velo.organisation.is_demo
    assert not Registration.objects.filter(email=CONTRIBUTOR).exists()
    assert Event.objects.get(slug=WEBCOFFEE).registrations.count() == 2
    assert Event.objects.get(slug=FULL).registrations.waiting().count() == 3


def test_a_real_event_is_never_taken_over(territories, settings):
    settings.DEBUG = True
    slug = event_slug(demo_events_data()["events"][0]["key"])
    now = timezone.now()
    real = Event.objects.create(title="Vrai", slug=slug, starts_at=now, ends_at=now, state=Event.State.PUBLISHED)
    with pytest.raises(CommandError, match="real event"):
        call_command("load_demo", "--no-images", "--no-admin")
    real.refresh_from_db()
    assert real.title == "Vrai" and not real.is_demo
    assert list(Event.objects.all()) == [real] and not Series.objects.exists()  # all or nothing
    assert not Registration.objects.exists()


def test_the_events_demo_needs_the_network_demo(territories):
    with pytest.raises(DemoDataError, match="load the network demo first"):
        load_events_demo()
    assert not Event.objects.exists()
