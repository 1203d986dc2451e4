"""The profile form's public-page fields: public page, links, themes, messages; who may edit; the export."""

import html
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.accounts.models import Profile
from creative.accounts.personal_data import erase_account, export_personal_data
from creative.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:profile_edit")


def page_text(response):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def aged(user, days=30):
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=days))
    user.refresh_from_db()
    return user


@pytest.fixture
def anne(client, territories):
    user = aged(UserFactory(profile__display_name="Anne Kervella"))
    client.force_login(user)
    return user


def post(client, **changes):
    data = {"display_name": "Anne Kervella", "bio": "J'anime l'atelier vélo du quartier.", "accepts_contact": "on"}
    data.update(changes)
    return client.post(URL, data)


def profile_of(user):
    return Profile.objects.get(user=user)


def test_the_new_fields_have_labels(client, anne):
    content = client.get(URL).content.decode()
    for name in ("is_public", "links", "accepts_contact"):
        assert f'<label for="id_{name}"' in content, name
    assert "Avoir une page publique" in content
    assert "<legend" in content and 'name="themes"' in content and 'type="checkbox"' in content


def test_links_are_saved_one_per_line(client, anne):
    response = post(client, links="  https://anne.example.org  \n\nhttp://velo.example.org/atelier\n")
    assert response.status_code == 302
    profile = profile_of(anne)
    assert profile.links == "https://anne.example.org\nhttp://velo.example.org/atelier"
    assert profile.link_list == ["https://anne.example.org", "http://velo.example.org/atelier"]


@pytest.mark.parametrize("bad", [
    "javascript:alert(1)", "ftp://files.example.org", "mailto:anne@example.org", "www.anne.example.org",
    "pas une adresse", "data:text/html,<b>x</b>", "https://",
])
def test_links_other_than_http_are_refused(client, anne, bad):
    response = post(client, links=f"https://anne.example.org\n{bad}")
    assert response.status_code == 200
    assert 'id="id_links_error"' in response.content.decode()
    assert "n'est pas une adresse web" in page_text(response)
    assert profile_of(anne).links == ""


def test_at_most_five_links(client, anne):
    six = "\n".join(f"https://site{n}.example.org" for n in range(6))
    response = post(client, links=six)
    assert response.status_code == 200
    assert "Mettez 5 liens au plus (vous en avez mis 6)." in page_text(response)
    assert post(client, links="\n".join(six.splitlines()[:5])).status_code == 302
    assert len(profile_of(anne).link_list) == 5


def test_new_accounts_follow_the_anti_spam_link_limit(client, territories):
    newcomer = UserFactory(profile__display_name="Nouvelle Venue")
    client.force_login(newcomer)
    three = "https://a.example.org\nhttps://b.example.org\nhttps://c.example.org"
    response = post(client, display_name="Nouvelle Venue", links=three)
    assert response.status_code == 200
    assert "Les nouveaux comptes peuvent mettre au plus 2 liens par texte" in page_text(response)
    assert profile_of(newcomer).links == ""
    assert post(client, display_name="Nouvelle Venue", links="https://a.example.org").status_code == 302


def test_themes_and_accepts_contact_are_saved(client, anne):
    assert post(client, themes=["numerique", "mobilite"]).status_code == 302
    profile = profile_of(anne)
    assert sorted(profile.themes.values_list("slug", flat=True)) == ["mobilite", "numerique"]
    assert profile.accepts_contact
    content = client.get(URL).content.decode()
    assert re.search(r'value="numerique" id="id_themes_\d+" checked', content)
    assert not re.search(r'value="alimentation" id="id_themes_\d+" checked', content)
    post(client, themes=["numerique"], accepts_contact="")
    profile = profile_of(anne)
    assert list(profile.themes.values_list("slug", flat=True)) == ["numerique"] and not profile.accepts_contact


def test_is_public_toggles_the_page(client, anne):
    page = reverse("network:person", args=[profile_of(anne).slug])
    client.logout()
    assert client.get(page).status_code == 404
    client.force_login(anne)
    assert post(client, is_public="on").status_code == 302
    client.logout()
    assert client.get(page).status_code == 200
    assert "Anne Kervella" in page_text(client.get(reverse("network:people")))
    client.force_login(anne)
    post(client)  # box unticked
    client.logout()
    assert client.get(page).status_code == 404
    assert "Anne Kervella" not in page_text(client.get(reverse("network:people")))


def test_the_form_links_to_the_public_page(client, anne):
    page = reverse("network:person", args=[profile_of(anne).slug])
    content = client.get(URL).content.decode()
    assert "Vous n'avez pas de page publique" in html.unescape(content)
    assert "Voir ma page publique" not in content
    post(client, is_public="on")
    content = client.get(URL).content.decode()
    assert f'<a href="{page}">Voir ma page publique</a>' in content


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", 302), ("unverified", 403), ("contributor", 200), ("trusted", 200), ("editor", 200),
    ("moderator", 200), ("administrator", 200),
])
def test_who_may_edit_a_profile(client, territories, who, expected):
    users = {
        "unverified": lambda: UserFactory(verified=False),
        "contributor": UserFactory,
        "trusted": lambda: UserFactory(roles=[Role.TRUSTED]),
        "editor": lambda: UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        "moderator": lambda: UserFactory(roles=[Role.MODERATOR]),
        "administrator": lambda: UserFactory(roles=[Role.ADMINISTRATOR]),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    response = client.get(URL)
    assert response.status_code == expected
    if who == "anonymous":
        assert reverse("account_login") in response["Location"]


def test_the_export_includes_the_public_page_fields(client, anne):
    post(client, is_public="on", links="https://anne.example.org", themes=["numerique"], accepts_contact="")
    data = json.loads(json.dumps(export_personal_data(anne), default=str))["profile"]
    profile = profile_of(anne)
    assert data["is_public"] is True
    assert data["page_url"].endswith(reverse("network:person", args=[profile.slug]))
    assert data["links"] == ["https://anne.example.org"]
    assert data["themes"] == ["Numérique"]
    assert data["accepts_contact"] is False
    assert data["visibility"] == "visible"


def test_erasing_the_account_removes_the_public_page(client, anne):
    post(client, is_public="on", links="https://anne.example.org", themes=["numerique"])
    slug = profile_of(anne).slug
    erase_account(anne, anonymous=False)
    profile = profile_of(anne)
    assert not profile.is_public and profile.links == "" and not profile.themes.exists()
    client.logout()
    assert client.get(reverse("network:person", args=[slug])).status_code == 404
