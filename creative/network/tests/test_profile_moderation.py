"""A profile scored as spam is saved and held (never refused): the page waits for a moderator's approval."""

import html
import re
from pathlib import Path

import pytest
from django.urls import reverse

from creative.accounts.models import Profile
from creative.accounts.roles import Role
from creative.moderation.models import ModerationItem, Visibility
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:profile_edit")
# The last paragraph of the 2013 spam that hit the old site (the anti-spam tests' fixture).
SEED_SPAM = (Path(__file__).resolve().parents[2] / "antispam" / "tests" / "data" / "spam-2013.txt").read_text(
    encoding="utf-8").strip()
ORDINARY_BIO = "J'anime l'atelier de réparation de vélos du centre social de Kerourien, le mercredi après-midi."


@pytest.fixture(autouse=True)
def _defaults(settings):
    settings.ANTISPAM_CHECKER = ""
    settings.ANTISPAM_RATE_LIMITS = {}


def page_text(response):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def newcomer(territories):
    return UserFactory(profile__display_name="Nouvelle Venue")


@pytest.fixture
def moderator(territories):
    return UserFactory(roles=[Role.MODERATOR], profile__display_name="Nolwenn Modératrice")


def post(client, bio, **fields):
    data = {"display_name": "Nouvelle Venue", "bio": bio, "is_public": "on", "accepts_contact": "on", **fields}
    return client.post(URL, data)


def page_of(user):
    return reverse("network:person", args=[Profile.objects.get(user=user).slug])


def test_the_2013_spam_bio_of_a_new_account_is_held_then_approved(client, newcomer, moderator):
    client.force_login(newcomer)
    response = post(client, SEED_SPAM)
    assert response.status_code == 302  # saved, not refused
    text = page_text(client.get(response["Location"]))
    assert "Votre page publique attend la relecture d'un modérateur" in text
    assert "Votre profil est enregistré." in text
    profile = Profile.objects.get(user=newcomer)
    assert profile.bio == SEED_SPAM and profile.is_public and profile.visibility == Visibility.HELD
    item = ModerationItem.objects.open().for_object(profile).get()
    assert item.cause == ModerationItem.Cause.SPAM and item.spam_score >= 5 and item.author == newcomer
    assert "vocabulary" in [reason[0] for reason in item.spam_reasons]

    # Not public: a 404 for visitors, not in the directory; its person sees why.
    own = client.get(page_of(newcomer))
    assert own.status_code == 200 and "Votre page attend la relecture" in page_text(own)
    client.logout()
    assert client.get(page_of(newcomer)).status_code == 404
    assert "Nouvelle Venue" not in page_text(client.get(reverse("network:people")))

    # In the moderation queue, with the text.
    client.force_login(moderator)
    queue = page_text(client.get(reverse("moderation:queue")))
    assert "Coffre-fort et armoire forte" in queue and "indices de message indésirable" in queue

    # Approved: the page is public.
    response = client.post(reverse("moderation:decide", args=[item.pk, "publier"]), {"note": ""})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.visibility == Visibility.VISIBLE
    client.logout()
    assert client.get(page_of(newcomer)).status_code == 200
    assert "Nouvelle Venue" in page_text(client.get(reverse("network:people")))


def test_a_held_profile_stays_held_when_edited_and_its_item_follows(client, newcomer):
    client.force_login(newcomer)
    post(client, SEED_SPAM)
    item = ModerationItem.objects.get()
    first_score = item.spam_score
    assert post(client, ORDINARY_BIO).status_code == 302
    profile = Profile.objects.get(user=newcomer)
    assert profile.visibility == Visibility.HELD  # a moderator still decides
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.OPEN and ModerationItem.objects.count() == 1
    assert ORDINARY_BIO in item.excerpt and "Coffre-fort" not in item.excerpt
    assert item.spam_score < first_score
    assert "Votre page attend la relecture" in page_text(client.get(URL))
    client.logout()
    assert client.get(page_of(newcomer)).status_code == 404


def test_spam_in_the_links_or_the_name_is_held_too(client, newcomer):
    client.force_login(newcomer)
    post(client, ORDINARY_BIO, display_name="Coffre-fort pas cher, coffres-forts agréés, armoire forte")
    assert Profile.objects.get(user=newcomer).visibility == Visibility.HELD


def test_an_ordinary_profile_is_public_at_once(client, newcomer):
    client.force_login(newcomer)
    response = post(client, ORDINARY_BIO, links="https://velo.example.org")
    assert "Votre page publique attend" not in page_text(client.get(response["Location"]))
    assert Profile.objects.get(user=newcomer).visibility == Visibility.VISIBLE
    assert not ModerationItem.objects.exists()
    client.logout()
    assert client.get(page_of(newcomer)).status_code == 200


def test_a_hidden_profile_stays_hidden_when_edited(client, newcomer):
    Profile.objects.filter(user=newcomer).update(visibility=Visibility.HIDDEN, is_public=True)
    client.force_login(newcomer)
    assert post(client, ORDINARY_BIO).status_code == 302
    assert Profile.objects.get(user=newcomer).visibility == Visibility.HIDDEN
    assert "Votre page a été masquée par la modération" in page_text(client.get(URL))


def test_a_reported_profile_can_be_reported_from_its_page(client, newcomer, territories):
    Profile.objects.filter(user=newcomer).update(is_public=True)
    content = client.get(page_of(newcomer)).content.decode()
    report = reverse("moderation:report", args=["accounts.profile", newcomer.pk])
    assert f'href="{report}"' in content
    assert client.get(report).status_code == 200


@pytest.mark.parametrize("kind", ["profile", "organisation", "event"])
def test_three_reports_hide_a_profile_an_organisation_or_an_event_until_a_moderator_restores_it(
        client, newcomer, moderator, kind, settings):
    """Reports work on the network's and the agenda's content as on comments and fiches."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from creative.events.models import Event
    from creative.moderation import services
    from creative.moderation.tests.helpers import post_report
    from creative.network.models import Organisation

    settings.MODERATION_AUTO_HIDE_REPORTS = 3
    if kind == "profile":
        Profile.objects.filter(user=newcomer).update(is_public=True)
        target = Profile.objects.get(user=newcomer)
    elif kind == "organisation":
        target = Organisation.objects.create(name="Coffres et Cie", created_by=newcomer)
    else:
        start = timezone.now() + timedelta(days=3)
        target = Event.objects.create(title="Vente de coffres", starts_at=start, ends_at=start + timedelta(hours=1),
                                      is_online=True, state=Event.State.PUBLISHED, created_by=newcomer)
    url = target.get_absolute_url()
    assert Client().get(url).status_code == 200
    for n in range(3):
        assert post_report(Client(), target, reason="spam", address=f"203.0.113.{n + 1}").status_code == 302
    assert Client().get(url).status_code == 404  # hidden after three distinct reports
    item = ModerationItem.objects.for_object(target).get()
    assert item.report_count == 3 and item.auto_hidden
    services.restore(item, moderator)
    assert Client().get(url).status_code == 200
