"""Who may propose, validate, edit, cancel and use the attendee tools of an event, role by role.

Personas: a visitor, an unverified account, a contributor, the organiser, a manager and a plain
member of the event's organisation, an editor of the pays de Brest, an editor of Quimper, a
moderator and an administrator. The event is in Brest.
"""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.events import editing, permissions
from creative.events.models import Event, EventKind, Registration
from creative.network.models import Membership, Organisation
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unverified", "contributor", "organiser", "manager", "member", "editor", "editor_elsewhere",
         "moderator", "admin"]
MANAGERS = {"organiser", "manager", "editor", "admin"}


@pytest.fixture(autouse=True)
def _quiet_antispam(settings):
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""


@pytest.fixture
def people(territories):
    return {
        "anonymous": None,
        "unverified": UserFactory(verified=False),
        "contributor": UserFactory(),
        "organiser": UserFactory(profile__display_name="Nolwenn Organisatrice"),
        "manager": UserFactory(),
        "member": UserFactory(),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }


@pytest.fixture
def organisation(people):
    organisation = Organisation.objects.create(name="Les Petits Débrouillards")
    Membership.objects.create(organisation=organisation, user=people["manager"], role=Membership.Role.MANAGER)
    Membership.objects.create(organisation=organisation, user=people["member"], role=Membership.Role.MEMBER)
    return organisation


def make_event(organiser, *, commune_name="Brest", state=Event.State.PUBLISHED, organisation=None, days=10,
               **fields):
    start = timezone.now() + timedelta(days=days)
    event = Event(
        title=fields.pop("title", "Atelier d'écriture publique"), description="Écrire ensemble.",
        kind=EventKind.objects.get(slug="atelier-ecriture-publique"), organiser=organiser, created_by=organiser,
        organisation=organisation, starts_at=start, ends_at=start + timedelta(hours=2),
        commune=commune(commune_name) if commune_name else None, state=state, **fields,
    )
    return editing.save_event(event)


@pytest.fixture
def event(people, organisation):
    event = make_event(people["organiser"], organisation=organisation, capacity=10)
    Registration.objects.create(event=event, name="Anna Guest", email="anna@example.org",
                                status=Registration.Status.CONFIRMED)
    return event


def client_for(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def expected(role, allowed, response):
    if role == "anonymous":
        return response.status_code == 302 and "/comptes/" in response["Location"]
    return (response.status_code == 200) if allowed else (response.status_code == 403)


# The functions ------------------------------------------------------------------------------------

def test_can_manage_event_per_role(people, event):
    from django.contrib.auth.models import AnonymousUser

    for role in ROLES:
        user = people[role] or AnonymousUser()
        assert permissions.can_manage_event(user, event) is (role in MANAGERS), role
        assert permissions.can_validate(user, event) is (role in {"editor", "admin"}), role
        assert permissions.can_propose(user) is (role not in {"anonymous", "unverified"}), role


def test_an_online_event_without_commune_is_every_editors(people):
    online = make_event(people["organiser"], commune_name=None, is_online=True, state=Event.State.PROPOSED)
    assert permissions.can_validate(people["editor_elsewhere"], online)
    assert permissions.can_validate(people["editor"], online)
    assert not permissions.can_validate(people["moderator"], online)
    assert not permissions.can_validate(people["contributor"], online)


def test_a_blocked_organiser_loses_the_tools(people, event):
    from creative.accounts.roles import forget_roles
    from creative.moderation.models import AccountBlock

    organiser = people["organiser"]
    AccountBlock.objects.create(user=organiser, reason="spam")
    forget_roles(organiser)
    assert not permissions.can_manage_event(organiser, event)


def test_cancelled_events_are_not_editable(people, event):
    event.state = Event.State.CANCELLED
    assert permissions.can_manage_event(people["organiser"], event)
    assert not permissions.can_edit_event(people["organiser"], event)


# The pages ----------------------------------------------------------------------------------------

def test_propose_page(client, people):
    for role in ROLES:
        response = client_for(client, people[role]).get(reverse("events:propose"))
        assert expected(role, role not in {"anonymous", "unverified"}, response), role


@pytest.mark.parametrize("page", ["events:edit", "events:cancel_event", "events:attendees", "events:attendees_csv",
                                  "events:write"])
def test_organiser_pages(page, client, people, event):
    for role in ROLES:
        response = client_for(client, people[role]).get(reverse(page, args=[event.slug]))
        assert expected(role, role in MANAGERS, response), role
        if page == "events:attendees":
            assert (b"anna@example.org" in response.content) is (role in MANAGERS)


def test_checkin(client, people, event):
    registration = event.registrations.get()
    for role in ROLES:
        Registration.objects.filter(pk=registration.pk).update(attended=None)
        response = client_for(client, people[role]).post(
            reverse("events:checkin", args=[event.slug, registration.pk]), {"attended": "1"})
        registration.refresh_from_db()
        if role in MANAGERS:
            assert response.status_code == 302, role
            assert registration.attended is True, role
        else:
            assert response.status_code == (302 if role == "anonymous" else 403), role
            assert registration.attended is None, role


def test_review_queue_page(client, people):
    for role in ROLES:
        response = client_for(client, people[role]).get(reverse("events:review_queue"))
        assert expected(role, role in {"editor", "editor_elsewhere", "admin"}, response), role


def test_decide(client, people):
    for role in ROLES:
        proposed = make_event(people["organiser"], state=Event.State.PROPOSED, title=f"Proposé à {role}")
        response = client_for(client, people[role]).post(reverse("events:decide", args=[proposed.slug]),
                                                         {"decision": "publier"})
        proposed.refresh_from_db()
        if role in {"editor", "admin"}:
            assert response.status_code == 302, role
            assert proposed.state == Event.State.PUBLISHED, role
        else:
            assert response.status_code == (302 if role == "anonymous" else 403), role
            assert proposed.state == Event.State.PROPOSED, role


def test_unknown_event_is_404(client, people):
    client.force_login(people["admin"])
    assert client.get(reverse("events:edit", args=["nulle-part-2030-01-01"])).status_code == 404
    event = make_event(people["organiser"])
    assert client.post(reverse("events:checkin", args=[event.slug, 999999]), {"attended": "1"}).status_code == 404


# The tools block --------------------------------------------------------------------------------

def test_organiser_tools_block(people, event):
    from django.contrib.auth.models import AnonymousUser

    for role in ROLES:
        request = RequestFactory().get("/")
        request.user = people[role] or AnonymousUser()
        html = Template('{% include "events/_organiser_tools.html" %}').render(
            Context({"event": event, "request": request}))
        if role in MANAGERS:
            for name in ("events:edit", "events:attendees", "events:attendees_csv", "events:write",
                         "events:cancel_event"):
                assert reverse(name, args=[event.slug]) in html, (role, name)
        else:
            assert html.strip() == "", role


def test_tools_on_the_event_page(client, people, event):
    client.force_login(people["organiser"])
    assert reverse("events:attendees", args=[event.slug]).encode() in client.get(event.get_absolute_url()).content
    client.force_login(people["contributor"])
    assert reverse("events:attendees", args=[event.slug]).encode() not in client.get(event.get_absolute_url()).content


# The admin ------------------------------------------------------------------------------------------

def test_the_admin_pages(client, people, event):
    client.force_login(people["admin"])
    for model in ("event", "eventkind", "series", "registration"):
        assert client.get(reverse(f"admin:events_{model}_changelist")).status_code == 200, model
    assert client.get(reverse("admin:events_event_changelist") + "?state__exact=published&q=atelier").status_code == 200
    assert client.get(reverse("admin:events_event_change", args=[event.pk])).status_code == 200
    registration = event.registrations.get()
    assert client.get(reverse("admin:events_registration_change", args=[registration.pk])).status_code == 200
    assert client.get(reverse("admin:events_registration_add")).status_code == 403
