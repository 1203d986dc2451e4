"""The agenda feeds "J'ai un projet" (open workshops nearby, on the idea's themes) and the organisers' profiles."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from creative.events.editing import save_event
from creative.events.models import Event
from creative.innovations.models import Theme
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db
URL = "/j-ai-un-projet/"
IDEA = "Nous voulons créer un jardin partagé entre voisins, avec un potager et du compost, à Plouzané"


def text_of(response):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def event(title, commune_name=None, *, days=5, themes=(), state=Event.State.PUBLISHED, online=False, organiser=None):
    start = timezone.now() + timedelta(days=days)
    created = Event.objects.create(
        title=title, starts_at=start, ends_at=start + timedelta(hours=2), state=state, is_online=online,
        commune=commune(commune_name) if commune_name else None, organiser=organiser,
    )
    save_event(created)
    created.themes.set(Theme.objects.filter(slug__in=themes))
    return created


@pytest.fixture
def workshops(territories):
    return {
        "near": event("Atelier compost au jardin", "Brest", themes=["alimentation", "developpement-durable"]),
        "far": event("Atelier compost à Quimper", "Quimper", themes=["alimentation", "developpement-durable"]),
        "off_topic": event("Atelier écriture", "Plouzané", themes=["culture-arts"]),
        "proposed": event("Atelier potager proposé", "Brest", themes=["alimentation"], state=Event.State.PROPOSED),
        "past": event("Atelier potager passé", "Brest", days=-3, themes=["alimentation"]),
        "online": event("Webinaire potager", online=True, themes=["alimentation"]),
    }


def test_open_workshops_nearby_on_the_ideas_themes(client, workshops):
    page = text_of(client.get(URL, {"idee": IDEA, "commune": "Plouzané"}))
    assert "Ateliers et rencontres à venir près de chez vous" in page
    assert "Atelier compost au jardin" in page and "Webinaire potager" in page
    for absent in ("Atelier compost à Quimper", "Atelier écriture", "Atelier potager proposé",
                   "Atelier potager passé"):
        assert absent not in page, absent
    # Why: the shared themes and the distance, nearest workshop sharing most themes first.
    assert re.search(r"Atelier compost au jardin .*Mots en commun : [^.]*compost.* à \d+ km", page)
    assert page.index("Atelier compost au jardin") < page.index("Webinaire potager")


def test_no_workshop_section_when_nothing_matches(client, territories):
    event("Atelier écriture", "Plouzané", themes=["culture-arts"])
    page = text_of(client.get(URL, {"idee": IDEA, "commune": "Plouzané"}))
    assert "Ateliers et rencontres à venir" not in page


def test_a_public_profile_lists_the_events_its_person_organises(client, territories):
    organiser = UserFactory(profile__display_name="Nolwenn Organisatrice", profile__is_public=True)
    event("Atelier compost au jardin", "Brest", organiser=organiser)
    event("Atelier passé", "Brest", days=-10, organiser=organiser)
    event("Atelier proposé", "Brest", organiser=organiser, state=Event.State.PROPOSED)
    page = text_of(client.get(organiser.profile.get_absolute_url()))
    assert "Ateliers et rencontres à venir" in page and "Atelier compost au jardin" in page
    assert "Atelier passé" not in page and "Atelier proposé" not in page
