"""Proposing an event: the form's checks, what is created, who is told, and suspected spam.

Contributors' events wait for the editors of their commune (mailed); an editor's event in their
territory is published at once. Times are typed in Brest's local time.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.antispam.tests import corpus
from creative.audit.models import AuditEntry
from creative.events.forms import EventForm, NonexistentTime, local_datetime
from creative.events.models import Event, EventKind
from creative.innovations.models import Authorship, Innovation
from creative.moderation.models import ModerationItem
from creative.network.models import Membership, Organisation
from tests.factories import InnovationFactory, UserFactory, commune
from tests.worker import run_tasks

PROPOSE = "/agenda/proposer/"


@pytest.fixture(autouse=True)
def _quiet_antispam(settings):
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


@pytest.fixture
def people(territories):
    return {
        "contributor": UserFactory(email="gwen@example.org", profile__display_name="Gwen Contributrice"),
        "editor": UserFactory(email="yann@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"],
                              profile__display_name="Yann Accompagnateur"),
        "editor_elsewhere": UserFactory(email="quimper@example.org", roles=[Role.EDITOR], scopes=["quimper"]),
        "admin": UserFactory(email="admin@example.org", roles=[Role.ADMINISTRATOR]),
    }


def in_days(days):
    return timezone.localdate() + timedelta(days=days)


def form_data(**overrides):
    data = {
        "title": "Atelier d'écriture publique",
        "kind": str(EventKind.objects.get(slug="atelier-ecriture-publique").pk),
        "description": "Nous écrivons ensemble des textes courts sur le quartier, puis nous les lisons à voix haute.",
        "start_date": in_days(14).isoformat(),
        "start_time": "18:30",
        "end_time": "20:30",
        "commune": "Brest",
        "address": "Médiathèque des Capucins",
        "capacity": "12",
        "is_free": "on",
        "repeat": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def propose(client, user, **overrides):
    client.force_login(user)
    return client.post(PROPOSE, form_data(**overrides))


def errors_of(response):
    return response.context["form"].errors


# Creating ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_contributor_proposes_an_event(client, people):
    response = propose(client, people["contributor"], themes=["numerique"])
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.state == Event.State.PROPOSED
    assert event.organiser == event.created_by == people["contributor"]
    start = timezone.localtime(event.starts_at)
    assert (start.date(), start.hour, start.minute) == (in_days(14), 18, 30)
    assert event.ends_at - event.starts_at == timedelta(hours=2)
    assert event.capacity == 12 and event.is_free and event.address == "Médiathèque des Capucins"
    brest = commune("Brest")
    assert event.commune == brest
    assert set(event.territories.all()) == {brest, *brest.ancestors}
    assert [t.slug for t in event.themes.all()] == ["numerique"]
    assert event.series is None and event.sequence == 0
    assert AuditEntry.objects.filter(action="event.proposed", target_id=str(event.pk)).exists()


@pytest.mark.django_db
def test_an_editor_of_the_commune_publishes_directly(client, people):
    propose(client, people["editor"])
    event = Event.objects.get()
    assert event.state == Event.State.PUBLISHED
    assert AuditEntry.objects.filter(action="event.published", target_id=str(event.pk)).exists()


@pytest.mark.django_db
def test_an_editor_elsewhere_only_proposes(client, people):
    propose(client, people["editor_elsewhere"])
    assert Event.objects.get().state == Event.State.PROPOSED


@pytest.mark.django_db
def test_an_online_event_needs_no_commune(client, people):
    response = propose(client, people["contributor"], commune="", address="", is_online="on",
                       online_url="https://visio.example.org/atelier")
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.is_online and event.commune is None and event.online_url == "https://visio.example.org/atelier"
    assert not event.territories.exists()


@pytest.mark.django_db
def test_the_link_of_an_event_on_site_is_dropped(client, people):
    propose(client, people["contributor"], online_url="https://visio.example.org/x")
    assert Event.objects.get().online_url == ""


@pytest.mark.django_db
def test_commune_by_name_and_suggestion_code(client, people):
    propose(client, people["contributor"], commune="plouzane")
    assert Event.objects.get().commune == commune("Plouzané")
    Event.objects.all().delete()
    plouzane = commune("Plouzané")
    propose(client, people["contributor"], commune="Plouzané (29280)", commune_code=plouzane.code)
    assert Event.objects.get().commune == plouzane


@pytest.mark.django_db
def test_registration_window_and_point_are_kept(client, people):
    day = in_days(14)
    propose(client, people["contributor"], registration_opens_at=f"{in_days(1).isoformat()}T09:00",
            registration_closes_at=f"{day.isoformat()}T12:00", latitude="48.3904", longitude="-4.4861",
            is_free=None, price_info="5 €, gratuit pour les adhérents")
    event = Event.objects.get()
    assert timezone.localtime(event.registration_closes_at) == local_datetime(day, time(12, 0))
    assert timezone.localtime(event.registration_opens_at).hour == 9
    assert (event.latitude, event.longitude) == (48.3904, -4.4861)
    assert not event.is_free and event.price_info == "5 €, gratuit pour les adhérents"


@pytest.mark.django_db
def test_the_page_shows_the_form_with_autocomplete(client, people):
    client.force_login(people["contributor"])
    html = client.get(PROPOSE).content.decode()
    assert "data-commune-autocomplete" in html and 'name="commune_code"' in html
    assert "js/commune-autocomplete.js" in html
    assert 'name="homepage"' in html  # the spam trap
    assert 'name="occurrences"' in html


# Checks -----------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"end_time": "17:00"}, "end_time", "end_before_start"),
    ({"end_time": "18:30"}, "end_time", "end_before_start"),
    ({"start_date": (timezone.localdate() - timedelta(days=1)).isoformat()}, "start_date", "past"),
    ({"commune": "", "address": ""}, "commune", "no_place"),
    ({"commune": "Atlantide"}, "commune", "invalid_choice"),
    ({"registration_closes_at": "2099-01-01T10:00"}, "registration_closes_at", "closes_after_start"),
    ({"latitude": "48.39"}, "longitude", "incomplete_point"),
    ({"is_online": "on", "online_url": "visio"}, "online_url", "invalid_url"),
    ({"title": ""}, "title", "required"),
    ({"kind": ""}, "kind", "required"),
    ({"capacity": "0"}, "capacity", "min_value"),
    ({"other_fiches": "une-fiche-qui-n-existe-pas"}, "other_fiches", "unknown_fiche"),
])
def test_refused_proposals(client, people, overrides, field, code):
    response = propose(client, people["contributor"], **overrides)
    assert response.status_code == 400
    assert field in errors_of(response)
    assert code in [error.code for error in errors_of(response).as_data()[field]]
    assert not Event.objects.exists()
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_registration_opening_after_closing_is_refused(client, people):
    day = in_days(14)
    response = propose(client, people["contributor"], registration_opens_at=f"{day.isoformat()}T10:00",
                       registration_closes_at=f"{day.isoformat()}T09:00")
    assert "registration_opens_at" in errors_of(response)


@pytest.mark.django_db
def test_a_multi_day_event(client, people):
    propose(client, people["contributor"], end_date=in_days(15).isoformat(), end_time="17:00")
    event = Event.objects.get()
    assert timezone.localtime(event.ends_at).date() == in_days(15)


@pytest.mark.django_db
def test_an_hour_skipped_by_summer_time_is_refused(people):
    """The last Sunday of March 2030 has no 02:30 in Brest."""
    now = timezone.make_aware(datetime(2030, 1, 1, 12))
    data = form_data(start_date="2030-03-31", start_time="02:30", end_time="04:00")
    form = EventForm(data, user=people["contributor"], now=now)
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["start_time"]] == ["nonexistent_time"]
    with pytest.raises(NonexistentTime):
        local_datetime(date(2030, 3, 31), time(2, 30))


@pytest.mark.django_db
def test_the_spam_trap(client, people):
    response = propose(client, people["contributor"], homepage="http://spam.example")
    assert response.status_code == 400 and not Event.objects.exists()


@pytest.mark.django_db
def test_only_ones_own_organisations(client, people):
    mine = Organisation.objects.create(name="Mine")
    Membership.objects.create(organisation=mine, user=people["contributor"], role=Membership.Role.MEMBER)
    other = Organisation.objects.create(name="Pas la mienne")
    response = propose(client, people["contributor"], organisation=str(other.pk))
    assert "organisation" in errors_of(response)
    propose(client, people["contributor"], organisation=str(mine.pk))
    assert Event.objects.get().organisation == mine


@pytest.mark.django_db
def test_linked_fiches(client, people):
    own = InnovationFactory(title="Repair café", communes=["Brest"])
    Authorship.objects.create(innovation=own, user=people["contributor"], is_creator=True)
    other = InnovationFactory(title="Jardin partagé", communes=["Brest"])
    draft = InnovationFactory(title="Brouillon", state=Innovation.State.DRAFT)
    client.force_login(people["contributor"])
    html = client.get(PROPOSE).content.decode()
    assert "Repair café" in html and "Jardin partagé" not in html  # only one's own fiches are offered
    response = propose(client, people["contributor"], other_fiches=draft.slug)
    assert "other_fiches" in errors_of(response)  # not published
    propose(client, people["contributor"], own_fiches=[str(own.pk)],
            other_fiches=f"https://brest-creative.example/innovations/{other.slug}/")
    assert set(Event.objects.get().innovations.all()) == {own, other}


# Who is told; spam ---------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_editors_of_the_commune_are_mailed(client, people):
    propose(client, people["contributor"])
    run_tasks()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["yann@example.org"]
    message = mail.outbox[0]
    assert "Atelier d'écriture publique" in message.subject
    assert "Gwen Contributrice" in message.body
    assert reverse("events:review_queue") in message.body
    assert "gwen@example.org" not in message.body


@pytest.mark.django_db(transaction=True)
def test_administrators_are_mailed_when_no_editor_covers_the_commune(client, territories):
    contributor = UserFactory()
    UserFactory(email="admin@example.org", roles=[Role.ADMINISTRATOR])
    propose(client, contributor)
    run_tasks()
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_nobody_is_mailed_for_a_published_event(client, people):
    propose(client, people["editor"])
    run_tasks()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_spam_description_is_proposed_but_flagged(client, people):
    response = propose(client, people["editor"], description=corpus.SEED_SPAM[:9000])
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.state == Event.State.PROPOSED  # even an editor's: it waits for a person
    assert AuditEntry.objects.filter(action="spam.suspected", target_id=str(event.pk)).exists()
    item = ModerationItem.objects.get(object_id=str(event.pk))
    assert item.cause == ModerationItem.Cause.SPAM
    assert item.status == ModerationItem.Status.OPEN


@pytest.mark.django_db
def test_an_ordinary_description_is_not_flagged(client, people):
    propose(client, people["contributor"], description=corpus.ORDINARY_TEXTS[0])
    assert not AuditEntry.objects.filter(action="spam.suspected").exists()
    assert not ModerationItem.objects.exists()


@pytest.mark.django_db
def test_proposals_are_rate_limited(client, people, settings):
    settings.ANTISPAM_RATE_LIMITS = "contribution=1/h/user"
    assert propose(client, people["contributor"]).status_code == 302
    assert propose(client, people["contributor"], title="Encore un").status_code == 429
    assert Event.objects.count() == 1
