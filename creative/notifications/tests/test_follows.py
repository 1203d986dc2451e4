"""Following and unfollowing each kind of target, by role; the button on each page; « Mes abonnements »."""

import pytest
from django.urls import reverse

from creative.moderation.models import Visibility
from creative.network.models import Organisation
from creative.notifications.models import Follow
from creative.territories.models import Territory
from tests.factories import ThemeFactory, commune

from .conftest import follow, person


def follow_url(kind, pk):
    return reverse("notifications:follow", args=[kind, pk])


def unfollow_url(kind, pk):
    return reverse("notifications:unfollow", args=[kind, pk])


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def public_person(territories):
    user = person("Anne Publique")
    user.profile.is_public = True
    user.profile.save()
    return user


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Les Amis du Vélo")


@pytest.fixture
def targets(fiche, theme, public_person, organisation):
    return {
        "innovation": fiche,
        "territory": commune("Brest"),
        "theme": theme,
        "person": public_person,
        "organisation": organisation,
    }


# Following --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["innovation", "territory", "theme", "person", "organisation"])
def test_follow_and_unfollow_each_kind(client, reader, targets, kind):
    target = targets[kind]
    client.force_login(reader)
    response = client.post(follow_url(kind, target.pk), {"next": "/innovations/"})
    assert response.status_code == 302 and response.url == "/innovations/"
    assert Follow.objects.filter(user=reader, target=kind, **{kind: target}).count() == 1
    assert "Vous suivez désormais" in messages_of(response)[-1]

    again = client.post(follow_url(kind, target.pk))  # twice: still one follow
    assert Follow.objects.filter(user=reader).count() == 1
    assert "Vous suiviez déjà" in messages_of(again)[-1]

    response = client.post(unfollow_url(kind, target.pk), {"next": "/innovations/"})
    assert response.status_code == 302 and response.url == "/innovations/"
    assert not Follow.objects.filter(user=reader).exists()
    assert messages_of(response)[-1] == "Vous ne suivez plus cette page."


def test_visitors_are_sent_to_the_login_page_and_back(client, fiche):
    response = client.post(follow_url("innovation", fiche.pk), {"next": f"{fiche.get_absolute_url()}?x=1"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=/innovations/" in response.url.replace("%2F", "/")
    assert not Follow.objects.exists()
    response = client.post(follow_url("innovation", fiche.pk))  # without next: back to the fiche
    assert fiche.slug in response.url
    assert client.get(follow_url("innovation", fiche.pk)).status_code == 405  # POST only


def test_an_unverified_account_may_not_follow(client, fiche, territories):
    newcomer = person("Pas confirmée", verified=False)
    client.force_login(newcomer)
    assert client.post(follow_url("innovation", fiche.pk)).status_code == 403
    assert not Follow.objects.exists()


def test_drafts_private_profiles_hidden_organisations_and_oneself_are_not_followable(client, reader, draft,
                                                                                    organisation, public_person):
    private = person("Anne Privée")
    organisation.visibility = Visibility.HIDDEN
    organisation.save()
    client.force_login(reader)
    for kind, pk in [("innovation", draft.pk), ("person", private.pk), ("organisation", organisation.pk),
                     ("innovation", 999999)]:
        response = client.post(follow_url(kind, pk))
        assert response.status_code == 302
        assert messages_of(response)[-1] == (
            "Cette page ne peut pas être suivie : elle n'existe pas ou n'est pas publique.")
    client.force_login(public_person)
    response = client.post(follow_url("person", public_person.pk))
    assert messages_of(response)[-1] == "Vous ne pouvez pas vous suivre vous-même."
    assert not Follow.objects.exists()
    assert client.post(follow_url("autre", 1)).status_code == 404


def test_unfollowing_works_once_the_target_is_no_longer_public(client, reader, fiche):
    follow(reader, fiche)
    fiche.state = fiche.State.ARCHIVED
    fiche.save()
    client.force_login(reader)
    client.post(unfollow_url("innovation", fiche.pk))
    assert not Follow.objects.exists()


def test_next_never_leads_to_another_site(client, reader, fiche):
    client.force_login(reader)
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(follow_url("innovation", fiche.pk), {"next": evil})
        assert response.url == fiche.get_absolute_url()
        response = client.post(unfollow_url("innovation", fiche.pk), {"next": evil})
        assert response.url == fiche.get_absolute_url()


# The button on the pages ------------------------------------------------------------------------------------

def test_button_on_the_fiche_page_with_its_count(client, reader, fiche):
    page = client.get(fiche.get_absolute_url()).content.decode()
    assert f'action="{follow_url("innovation", fiche.pk)}"' in page
    assert "Suivre<span class=\"visually-hidden\"> « Repair café du Bellevue »</span>" in page
    assert "0 abonné" in page
    client.force_login(reader)
    client.post(follow_url("innovation", fiche.pk))
    page = client.get(fiche.get_absolute_url()).content.decode()
    assert f'action="{unfollow_url("innovation", fiche.pk)}"' in page
    assert "Ne plus suivre" in page and "1 abonné" in page
    assert f'name="next" value="{fiche.get_absolute_url()}"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_no_button_on_a_draft(client, author, draft):
    client.force_login(author)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Brouillon secret" in page and 'class="follow-button"' not in page


def test_button_on_territory_person_and_organisation_pages(client, reader, public_person, organisation,
                                                           territories):
    client.force_login(reader)
    brest = commune("Brest")
    page = client.get(brest.get_absolute_url()).content.decode()
    assert f'action="{follow_url("territory", brest.pk)}"' in page
    page = client.get(public_person.profile.get_absolute_url()).content.decode()
    assert f'action="{follow_url("person", public_person.pk)}"' in page
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert f'action="{follow_url("organisation", organisation.pk)}"' in page
    # One's own page: no button.
    client.force_login(public_person)
    page = client.get(public_person.profile.get_absolute_url()).content.decode()
    assert 'class="follow-button"' not in page


def test_theme_button_on_the_list_when_exactly_one_theme_is_chosen(client, reader, fiche, theme):
    ThemeFactory(slug="solidarites", name="Solidarités")
    client.force_login(reader)
    page = client.get(reverse("innovations:list"), {"theme": "numerique"}).content.decode()
    assert f'action="{follow_url("theme", theme.pk)}"' in page
    page = client.get(reverse("innovations:list"), {"theme": ["numerique", "solidarites"]}).content.decode()
    assert 'class="follow-button"' not in page
    page = client.get(reverse("innovations:list")).content.decode()
    assert 'class="follow-button"' not in page


# Mes abonnements --------------------------------------------------------------------------------------------

def test_my_follows_lists_them_with_unfollow_buttons(client, reader, targets):
    for target in targets.values():
        follow(reader, target)
    client.force_login(reader)
    page = client.get(reverse("notifications:follows")).content.decode()
    for name in ("Repair café du Bellevue", "Brest", "Numérique", "Anne Publique", "Les Amis du Vélo"):
        assert name in page
    for kind, target in targets.items():
        assert f'action="{unfollow_url(kind, target.pk)}"' in page
    assert 'name="next" value="/compte/abonnements/"' in page
    assert "js/commune-autocomplete.js" in page


def test_follow_a_theme_or_a_territory_from_my_follows(client, reader, theme, territories):
    client.force_login(reader)
    url = reverse("notifications:follows")
    response = client.post(url, {"action": "theme", "theme-theme": theme.pk})
    assert response.status_code == 302 and response.url == url
    pays = Territory.objects.get(slug="pays-de-brest")
    client.post(url, {"action": "territory", "territory-territory": pays.pk})
    client.post(url, {"action": "territory", "territory-commune": "plougastel daoulas"})
    followed = set(Follow.objects.filter(user=reader).values_list("target", flat=True))
    assert followed == {"theme", "territory"}
    assert set(Follow.objects.filter(user=reader, target="territory").values_list("territory__name", flat=True)) == {
        "Pays de Brest", "Plougastel-Daoulas"}


@pytest.mark.parametrize(("data", "message"), [
    ({"action": "theme", "theme-theme": ""}, "Choisissez un thème."),
    ({"action": "theme", "theme-theme": "999999"}, "Ce thème n&#x27;existe pas"),
    ({"action": "territory"}, "Choisissez un territoire dans la liste, ou indiquez une commune."),
    ({"action": "territory", "territory-commune": "Nulle-Part-sur-Mer"}, "Commune introuvable"),
    ({"action": "territory", "territory-territory": "abc"}, "Ce territoire n&#x27;existe pas"),
    ({"action": "nimporte"}, "Cette action n&#x27;existe pas"),
])
def test_bad_input_on_my_follows_gets_a_french_message(client, reader, territories, data, message):
    client.force_login(reader)
    response = client.post(reverse("notifications:follows"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Follow.objects.exists()


def test_my_follows_needs_an_account(client, db):
    response = client.get(reverse("notifications:follows"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
