"""The notifications list, opening one (never an open redirect), « tout marquer comme lu », the header count
and the preferences page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.notifications.context_processors import NotificationBadge
from creative.notifications.models import Notification, NotificationSettings

from .conftest import person


def note(user, n=0, **fields):
    fields.setdefault("created_at", timezone.now() - timedelta(minutes=100 - n))
    fields.setdefault("text", f"Nouvelle fiche numéro {n}")
    fields.setdefault("url", f"/innovations/fiche-{n}/")
    return Notification.objects.create(
        recipient=user, key=f"k{n}", kind=Notification.Kind.NEW_INNOVATION, reason="Vous suivez le thème Numérique.",
        **fields,
    )


@pytest.fixture
def me(db):
    return person("Moi Même", "moi@example.org")


@pytest.mark.parametrize("name", ["list", "preferences"])
def test_pages_need_an_account(client, db, name):
    response = client.get(reverse(f"notifications:{name}"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_list_newest_first_unread_highlighted_and_paginated(client, me):
    for n in range(32):
        note(me, n, read_at=timezone.now() if n < 5 else None)
    note(person("Quelqu'un d'autre"), 99, text="Pas pour moi")
    client.force_login(me)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "27 notifications non lues." in page
    assert page.index("Nouvelle fiche numéro 31") < page.index("Nouvelle fiche numéro 30")
    assert "Nouvelle fiche numéro 1<" not in page  # on page 2 (30 a page)
    assert "Pas pour moi" not in page
    assert page.count('class="unread"') == 27 and page.count("Non lue") == 27
    assert "Vous suivez le thème Numérique." in page
    assert "Page 1 sur 2" in page
    assert reverse("notifications:preferences") in page
    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    assert "Nouvelle fiche numéro 1<" in second and "Nouvelle fiche numéro 31" not in second
    assert client.get(reverse("notifications:list"), {"page": "zzz"}).status_code == 200


def test_empty_list(client, me):
    client.force_login(me)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Aucune notification non lue." in page
    assert "Aucune notification pour l'instant." in page and "Tout marquer comme lu" not in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, me):
    first, second = note(me, 1), note(me, 2)
    client.force_login(me)
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response.url == "/innovations/fiche-1/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_someone_elses_notification_is_not_found(client, me):
    theirs = note(person("Autre"), 1)
    client.force_login(me)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x",
                                 "evil.example", "/\nLocation: https://evil.example/"])
def test_no_open_redirect(client, me, url):
    bad = note(me, 1, url=url)
    client.force_login(me)
    response = client.get(reverse("notifications:open", args=[bad.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications:list")


def test_mark_all_read(client, me):
    note(me, 1)
    note(me, 2)
    theirs = note(person("Autre"), 3)
    client.force_login(me)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unread_count_in_the_header(client, me):
    note(me, 1)
    note(me, 2)
    note(me, 3, read_at=timezone.now())
    client.force_login(me)
    page = client.get(reverse("innovations:list")).content.decode()
    assert f'href="{reverse("notifications:list")}" class="notifications-link"' in page
    assert '<span aria-hidden="true"> (2)</span><span class="visually-hidden"> : 2 non lues</span>' in page
    client.post(reverse("notifications:read_all"))
    page = client.get(reverse("innovations:list")).content.decode()
    assert "notifications-link" in page and "non lue" not in page


def test_no_count_for_visitors(client, db):
    page = client.get(reverse("innovations:list")).content.decode()
    assert "notifications-link" not in page


def test_the_badge_costs_one_query_and_only_when_shown(me, django_assert_num_queries):
    note(me, 1)
    badge = NotificationBadge(me)
    with django_assert_num_queries(1):
        assert badge.unread == 1
        assert badge.unread == 1


def test_preferences(client, me):
    client.force_login(me)
    url = reverse("notifications:preferences")
    page = client.get(url).content.decode()
    assert re.search(r'value="daily"[^>]* checked', page) and not re.search(r'value="weekly"[^>]* checked', page)
    for value in ("instant", "weekly", "never"):
        assert f'value="{value}"' in page
    response = client.post(url, {"frequency": "weekly"})
    assert response.status_code == 302
    assert NotificationSettings.objects.get(user=me).frequency == "weekly"
    client.post(url, {"frequency": "never"})
    assert NotificationSettings.objects.get(user=me).frequency == "never"
    response = client.post(url, {"frequency": "souvent"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert NotificationSettings.objects.get(user=me).frequency == "never"
    list_page = client.get(reverse("notifications:list")).content.decode()
    assert "Par courriel : jamais par courriel (seulement sur le site)." in list_page


def test_profile_page_links_to_follows_and_preferences(client, me):
    client.force_login(me)
    page = client.get(reverse("accounts:profile_edit")).content.decode()
    assert reverse("notifications:follows") in page and reverse("notifications:preferences") in page


def test_the_badge_stops_at_99(client, me):
    Notification.objects.bulk_create(
        Notification(recipient=me, key=f"b{n}", kind="comment", text="x", url="/") for n in range(120))
    badge = NotificationBadge(me)
    assert badge.unread == 100 and badge.label == "99+"
    client.force_login(me)
    page = client.get(reverse("innovations:list")).content.decode()
    assert '<span aria-hidden="true"> (99+)</span><span class="visually-hidden"> : 99+ non lues</span>' in page
