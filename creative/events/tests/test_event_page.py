"""An event's page: what it shows, its schema.org JSON-LD, who sees an event not yet public,
and the « Ateliers et rencontres liés » block of a fiche."""

import json
import re
import zoneinfo
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.events.models import Event, Registration
from creative.innovations.models import Innovation
from creative.network.models import Membership, Organisation
from tests.factories import InnovationFactory, ThemeFactory, UserFactory, commune

from .test_agenda import in_days, make_event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
State = Event.State


def jsonld(response):
    html = response.content.decode()
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def organiser(territories):
    user = UserFactory(email="organisatrice.secrete@example.org", profile__display_name="Maëlle Organisatrice")
    user.profile.is_public = True
    user.profile.save()
    return user


@pytest.fixture
def workshop(organiser):
    """Tuesday 2 March 2027, 18:00–20:00 in Brest, 5 seats, 2 taken."""
    fiche = InnovationFactory(title="Repair café du Bellevue", pitch="Réparer ensemble.", communes=["Brest"])
    draft = InnovationFactory(title="Fiche en brouillon", state=Innovation.State.DRAFT)
    theme = ThemeFactory(slug="numerique", name="Numérique")
    organisation = Organisation.objects.create(name="Tiers-lieu des Capucins", commune=commune("Brest"))
    event = make_event(
        "Atelier d'écriture publique", datetime(2027, 3, 2, 18, 0, tzinfo=PARIS), kind="atelier-ecriture-publique",
        themes=[theme], organiser=organiser, organisation=organisation, address="25 rue de Siam", capacity=5,
        is_free=True, price_info="Adhésion libre", accessibility="Salle de plain-pied.\nBoucle magnétique.",
        description="Venez **écrire** ensemble.", latitude=48.3904, longitude=-4.4861,
    )
    event.innovations.set([fiche, draft])
    for n in range(2):
        Registration.objects.create(event=event, name=f"P{n}", email=f"p{n}@example.org", status="confirmed")
    Registration.objects.create(event=event, name="Ann", email="ann@example.org", status="cancelled")
    return event


def test_event_page_shows_everything(client, workshop):
    response = client.get(workshop.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Atelier d&#x27;écriture publique</h1>" in html
    assert "Mardi 2 mars 2027, 18 h 00 – 20 h 00" in html
    assert "Atelier d&#x27;écriture publique</p>" in html  # the kind, above the title
    assert "25 rue de Siam" in html and f'href="{commune("Brest").get_absolute_url()}"' in html
    assert 'id="event-map"' in html and '"precise": true' in html
    assert f'href="{workshop.organiser.profile.get_absolute_url()}">Maëlle Organisatrice</a>' in html
    assert f'href="{workshop.organisation.get_absolute_url()}">Tiers-lieu des Capucins</a>' in html
    assert "5 places" in html and "3 places restantes" in html
    assert "Gratuit — Adhésion libre" in html
    assert "Salle de plain-pied.<br>Boucle magnétique." in html
    assert '<a href="/agenda/?theme=numerique">Numérique</a>' in html
    assert "Venez <strong>écrire</strong> ensemble." in html
    assert "Repair café du Bellevue" in html and "Réparer ensemble." in html
    assert "Fiche en brouillon" not in html
    assert f'href="{reverse("events:event_ics", args=[workshop.slug])}"' in html and "Ajouter à mon agenda" in html
    assert f'href="{reverse("moderation:report", args=["events.event", workshop.pk])}"' in html
    assert "organisatrice.secrete@example.org" not in html and "p0@example.org" not in html


def test_organiser_without_public_profile_is_named_without_link(client, workshop):
    workshop.organiser.profile.is_public = False
    workshop.organiser.profile.save()
    workshop.organisation = None
    workshop.save()
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert "Maëlle Organisatrice" in html
    assert workshop.organiser.profile.get_absolute_url() not in html


def test_full_event_and_unlimited_event(client, workshop):
    workshop.capacity = 2
    workshop.save()
    assert "complet, inscription sur liste d'attente" in client.get(workshop.get_absolute_url()).content.decode()
    workshop.capacity = None
    workshop.save()
    assert "Sans limite de places" in client.get(workshop.get_absolute_url()).content.decode()


def test_json_ld(client, workshop):
    response = client.get(workshop.get_absolute_url())
    data = jsonld(response)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Atelier d'écriture publique"
    assert data["startDate"] == "2027-03-02T18:00:00+01:00"
    assert data["endDate"] == "2027-03-02T20:00:00+01:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["url"].endswith(workshop.get_absolute_url())
    assert data["isAccessibleForFree"] is True
    assert data["maximumAttendeeCapacity"] == 5 and data["remainingAttendeeCapacity"] == 3
    location = data["location"]
    assert location["@type"] == "Place"
    assert location["address"]["streetAddress"] == "25 rue de Siam"
    assert location["address"]["addressLocality"] == "Brest"
    assert location["address"]["postalCode"].startswith("29")
    assert location["geo"] == {"@type": "GeoCoordinates", "latitude": 48.3904, "longitude": -4.4861}
    names = {o["name"] for o in data["organizer"]}
    assert names == {"Maëlle Organisatrice", "Tiers-lieu des Capucins"}
    assert "Venez écrire ensemble." in data["description"]
    assert "@example.org" not in json.dumps(data)


def test_json_ld_of_an_online_cancelled_event_has_no_private_link(client, organiser):
    event = make_event(
        "Webcoffee", in_days(3), place=None, organiser=organiser, online_url="https://visio.example.net/secret-room",
        state=State.CANCELLED, is_free=False, price_info="5 €",
    )
    response = client.get(event.get_absolute_url())
    html = response.content.decode()
    assert "secret-room" not in html
    assert "Cet événement est annulé." in html and "5 €" in html
    data = jsonld(response)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": data["url"]}
    assert data["organizer"]["@type"] == "Person" and data["organizer"]["name"] == "Maëlle Organisatrice"
    assert data["isAccessibleForFree"] is False
    assert "maximumAttendeeCapacity" not in data
    assert 'id="event-map"' not in html


def test_commune_point_when_no_precise_point(client, territories):
    event = make_event("Pique-nique", in_days(3), place="Plouzané")
    response = client.get(event.get_absolute_url())
    plouzane = commune("Plouzané")
    assert jsonld(response)["location"]["geo"]["latitude"] == plouzane.latitude
    assert "position de la commune" in response.content.decode()


def test_dst_day_local_time(client, territories):
    spring = make_event("Atelier de printemps", datetime(2027, 3, 28, 10, 0, tzinfo=PARIS))
    autumn = make_event("Atelier d'automne", datetime(2027, 10, 31, 10, 0, tzinfo=PARIS))
    assert spring.starts_at.astimezone(timezone.UTC).hour == 8
    assert autumn.starts_at.astimezone(timezone.UTC).hour == 9
    assert "Dimanche 28 mars 2027, 10 h 00 – 12 h 00" in client.get(spring.get_absolute_url()).content.decode()
    response = client.get(autumn.get_absolute_url())
    assert "Dimanche 31 octobre 2027, 10 h 00 – 12 h 00" in response.content.decode()
    assert jsonld(response)["startDate"] == "2027-10-31T10:00:00+01:00"


def test_past_event_page(client, territories):
    event = make_event("Atelier passé", in_days(-2))
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Cet événement est passé." in html and reverse("events:past") in html


def test_unknown_event_is_404(client, territories):
    assert client.get(reverse("events:detail", args=["nulle-part-2026-01-01"])).status_code == 404


# --- Not public yet: 404 but for the people who manage it -----------------------------------


@pytest.fixture
def proposed(organiser):
    organisation = Organisation.objects.create(name="Association des ateliers")
    return make_event("Atelier en attente", in_days(4), state=State.PROPOSED, organiser=organiser,
                      organisation=organisation)


@pytest.mark.parametrize("state", [State.PROPOSED, State.REJECTED])
def test_not_public_event_is_404_to_visitors_and_outsiders(client, proposed, state):
    Event.objects.filter(pk=proposed.pk).update(state=state)
    outsiders = [
        None,
        UserFactory(verified=False),
        UserFactory(),
        UserFactory(roles=[Role.MODERATOR]),
        UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
    ]
    for user in outsiders:
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(proposed.get_absolute_url()).status_code == 404, user
        assert client.get(reverse("events:event_ics", args=[proposed.slug])).status_code == 404


def test_not_public_event_is_shown_to_who_manages_it(client, proposed, organiser):
    manager = UserFactory()
    Membership.objects.create(organisation=proposed.organisation, user=manager, role=Membership.Role.MANAGER)
    insiders = [
        organiser,
        manager,
        UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        UserFactory(roles=[Role.ADMINISTRATOR]),
    ]
    for user in insiders:
        client.force_login(user)
        response = client.get(proposed.get_absolute_url())
        assert response.status_code == 200, user
        html = response.content.decode()
        assert "n'est pas public" in html and 'name="robots" content="noindex"' in html
        assert "application/ld+json" not in html and "Signaler cet événement" not in html


def test_not_public_event_never_in_agenda(client, proposed, organiser):
    client.force_login(organiser)
    assert "Atelier en attente" not in client.get(reverse("events:agenda")).content.decode()


# --- The fiche block ------------------------------------------------------------------------


def test_fiche_lists_its_upcoming_and_last_three_past_events(client, territories):
    fiche = InnovationFactory(title="Jardin partagé", communes=["Brest"])
    for n in range(4):
        make_event(f"Passé {n}", in_days(-1 - n)).innovations.add(fiche)
    make_event("Bientôt", in_days(2)).innovations.add(fiche)
    make_event("Plus tard", in_days(9)).innovations.add(fiche)
    make_event("Annulé", in_days(5), state=State.CANCELLED).innovations.add(fiche)
    make_event("Pas encore validé", in_days(3), state=State.PROPOSED).innovations.add(fiche)
    make_event("Autre fiche", in_days(3))
    html = client.get(fiche.get_absolute_url()).content.decode()
    assert "Ateliers et rencontres liés" in html
    block = html[html.index("Ateliers et rencontres liés") :]
    block = block[: block.index("</section>")]
    upcoming, past = block.split("Déjà passés")
    assert re.findall(r">(Bientôt|Annulé|Plus tard)</a>", upcoming) == ["Bientôt", "Annulé", "Plus tard"]
    assert re.findall(r">(Passé \d)</a>", past) == ["Passé 0", "Passé 1", "Passé 2"]
    assert "Pas encore validé" not in block and "Autre fiche" not in block


def test_fiche_without_events_shows_no_block(client, territories):
    fiche = InnovationFactory(title="Sans atelier", communes=["Brest"])
    make_event("Pas lié", in_days(2))
    html = client.get(fiche.get_absolute_url()).content.decode()
    assert "Ateliers et rencontres liés" not in html


def test_fiche_with_only_past_events_shows_them(client, territories):
    fiche = InnovationFactory(title="Ancienne", communes=["Brest"])
    make_event("Il y a longtemps", in_days(-40)).innovations.add(fiche)
    html = client.get(fiche.get_absolute_url()).content.decode()
    assert "Ateliers et rencontres liés" in html and "Il y a longtemps" in html and "À venir" not in html
