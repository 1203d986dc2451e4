"""Ambassadors: who may offer their know-how on a fiche, what the fiche shows, and the directory."""

import html
import json
import re

import pytest
from django.urls import reverse

from creative.accounts.models import Profile
from creative.accounts.roles import Role
from creative.antispam.forms import HONEYPOT_FIELD, OPENED_FIELD
from creative.audit.models import AuditEntry
from creative.innovations.models import Authorship, Innovation
from creative.moderation.models import AccountBlock, Visibility
from creative.network import ambassadors as services
from creative.network.models import Ambassador, TeamMember
from tests.factories import InnovationFactory, ThemeFactory, UserFactory, commune

pytestmark = pytest.mark.django_db

SPAM_TOPICS = ("Coffre-fort et armoire forte le prix des coffres-forts a chuté, un coffre-fort ignifuge n'est plus "
               "un luxe. Achetez maintenant, promotion exceptionnelle, prix discount, livraison gratuite, "
               "casino en ligne, crédit rapide sans justificatif !!! https://a.example https://b.example")


def text_of(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def fiche(territories):
    return InnovationFactory(title="Repair café du Bellevue", communes=["Brest"], themes=["numerique"])


@pytest.fixture
def people(fiche):
    """One account per role around the fiche."""
    people = {
        "author": UserFactory(profile__display_name="Maëlle Autrice", profile__is_public=True),
        "carrier": UserFactory(profile__display_name="Goulven Porteur"),
        "partner": UserFactory(profile__display_name="Paul Partenaire"),
        "unverified_author": UserFactory(verified=False, profile__display_name="Non Vérifiée"),
        "contributor": UserFactory(profile__display_name="Léa Contributrice"),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], profile__display_name="Yann Éditeur"),
        "moderator": UserFactory(roles=[Role.MODERATOR], profile__display_name="Modé Ratrice"),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR], profile__display_name="Ad Min"),
    }
    Authorship.objects.create(innovation=fiche, user=people["author"], is_creator=True)
    Authorship.objects.create(innovation=fiche, user=people["unverified_author"])
    TeamMember.objects.create(innovation=fiche, user=people["carrier"], kind=TeamMember.Kind.CARRIER)
    TeamMember.objects.create(innovation=fiche, user=people["partner"], kind=TeamMember.Kind.PARTNER)
    return people


def declare_url(fiche):
    return reverse("network:ambassador_declare", args=[fiche.slug])


def offer(**data):
    return {"topics": "Le démarrage et la recherche de bénévoles.", "means": ["visit", "phone"],
            "availability": "Le samedi matin", "travel_km": "30", "is_active": "on",
            HONEYPOT_FIELD: "", OPENED_FIELD: "", **data}


def make_ambassador(fiche, name, *, commune_name=None, public=True, **fields):
    user = UserFactory(profile__display_name=name, profile__is_public=public)
    if commune_name:
        Profile.objects.filter(user=user).update(commune=commune(commune_name))
    defaults = {"topics": "Le démarrage.", "means": ["phone"], "availability": "", "travel_km": 0}
    return Ambassador.objects.create(innovation=fiche, user=user, **{**defaults, **fields})


# Who may declare ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    ("author", 200), ("carrier", 200),
    ("partner", 403), ("unverified_author", 403), ("contributor", 403),
    ("editor", 403), ("moderator", 403), ("administrator", 403),
])
def test_only_verified_authors_and_carriers_may_declare(client, fiche, people, role, status):
    client.force_login(people[role])
    assert client.get(declare_url(fiche)).status_code == status
    assert client.post(declare_url(fiche), offer()).status_code == (302 if status == 200 else 403)
    assert Ambassador.objects.filter(user=people[role]).exists() == (status == 200)


def test_a_visitor_is_sent_to_log_in(client, fiche):
    response = client.get(declare_url(fiche))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=" + declare_url(fiche)
    assert client.post(declare_url(fiche), offer()).status_code == 302
    assert not Ambassador.objects.exists()


def test_refusals_say_why(client, fiche, people):
    client.force_login(people["unverified_author"])
    assert "Confirmez d'abord votre adresse" in text_of(client.get(declare_url(fiche)))
    client.force_login(people["contributor"])
    assert "Seules les personnes qui portent cette fiche" in text_of(client.get(declare_url(fiche)))
    AccountBlock.objects.create(user=people["author"], reason="Spam.", blocked_by=people["moderator"])
    client.force_login(people["author"])
    response = client.get(declare_url(fiche))
    assert response.status_code == 403 and "bloqué" in text_of(response)


def test_unknown_or_unpublished_fiches(client, fiche, people):
    client.force_login(people["author"])
    assert client.get(reverse("network:ambassador_declare", args=["inconnue"])).status_code == 404
    Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.DRAFT)
    response = client.get(declare_url(fiche))
    assert response.status_code == 200
    assert "votre offre sera visible dès sa publication" in text_of(response)
    client.force_login(people["contributor"])
    assert client.get(declare_url(fiche)).status_code == 404


# Declaring, changing, withdrawing --------------------------------------------------------------

def test_declare_update_and_withdraw_are_recorded(client, fiche, people):
    author = people["author"]
    client.force_login(author)
    page = text_of(client.get(declare_url(fiche)))
    assert "Devenir ambassadeur de « Repair café du Bellevue »" in page
    for label in ("Échange téléphonique", "Visite sur place", "Atelier ou intervention", "Accompagnement suivi"):
        assert label.lower() in page.lower()

    response = client.post(declare_url(fiche), offer())

    assert response.status_code == 302 and response["Location"] == fiche.get_absolute_url()
    ambassador = Ambassador.objects.get(user=author)
    assert ambassador.means == ["phone", "visit"]  # in the order of the choices
    assert (ambassador.travel_km, ambassador.availability, ambassador.is_active) == (30, "Le samedi matin", True)
    entry = AuditEntry.objects.get(action="ambassador.declared")
    assert entry.actor == author and entry.data["means"] == ["phone", "visit"]

    client.post(declare_url(fiche), offer(travel_km="0", is_active="", means=["workshop"]))
    ambassador.refresh_from_db()
    assert (ambassador.travel_km, ambassador.is_active, ambassador.means) == (0, False, ["workshop"])
    assert AuditEntry.objects.filter(action="ambassador.updated", actor=author).count() == 1
    assert "Mon offre d'ambassadeur" in text_of(client.get(declare_url(fiche)))

    withdraw = reverse("network:ambassador_withdraw", args=[fiche.slug])
    assert "Retirer mon offre d'ambassadeur ?" in text_of(client.get(withdraw))
    assert Ambassador.objects.filter(pk=ambassador.pk).exists()  # GET only asks
    assert client.post(withdraw).status_code == 302
    assert not Ambassador.objects.filter(pk=ambassador.pk).exists()
    assert AuditEntry.objects.filter(action="ambassador.withdrawn", actor=author).count() == 1


def test_a_carrier_cannot_withdraw_someone_elses_offer(client, fiche, people):
    make_ambassador(fiche, "Autre Ambassadrice")
    client.force_login(people["carrier"])
    client.post(reverse("network:ambassador_withdraw", args=[fiche.slug]))
    assert Ambassador.objects.count() == 1


def test_the_form_needs_topics_and_a_sensible_distance(client, fiche, people):
    client.force_login(people["author"])
    response = client.post(declare_url(fiche), offer(topics="", travel_km="5000", means=["teleportation"]))
    assert response.status_code == 400
    page = text_of(response)
    assert "Dites en quelques mots ce que vous pouvez partager" in page
    assert "Le samedi matin" in page  # what was typed is kept
    assert not Ambassador.objects.exists()


def test_spam_topics_are_refused_and_kept(client, fiche, people):
    client.force_login(people["author"])
    response = client.post(declare_url(fiche), offer(topics=SPAM_TOPICS))
    assert response.status_code == 400
    assert "ressemble à un message publicitaire" in text_of(response)
    assert "Coffre-fort et armoire forte" in text_of(response)
    assert not Ambassador.objects.exists()


def test_a_private_profile_is_told_and_may_be_made_public(client, fiche, people):
    carrier = people["carrier"]
    client.force_login(carrier)
    page = text_of(client.get(declare_url(fiche)))
    assert "Votre profil n'est pas public" in page and "Rendre mon profil public" in page

    client.post(declare_url(fiche), offer())
    assert not Profile.objects.get(user=carrier).is_public
    assert not services.shown().filter(user=carrier).exists()
    assert "votre profil n'est pas public" in text_of(client.get(fiche.get_absolute_url()))

    client.post(declare_url(fiche), offer(make_public="on"))
    assert Profile.objects.get(user=carrier).is_public
    assert services.shown().filter(user=carrier).exists()
    assert AuditEntry.objects.get(action="ambassador.updated").data["made_profile_public"] is True
    assert "Rendre mon profil public" not in text_of(client.get(declare_url(fiche)))


# The fiche's block --------------------------------------------------------------------------------

def test_the_fiche_shows_its_ambassadors_prominently(client, fiche, people):
    ambassador = make_ambassador(fiche, "Gwen Ambassadrice", topics="Trouver un local.\nAnimer les soirées.",
                                 means=["visit", "mentoring"], availability="En semaine, le soir", travel_km=40)
    make_ambassador(fiche, "Tanguy Sédentaire", travel_km=0)
    page = text_of(client.get(fiche.get_absolute_url()))

    assert "Ils partagent leur savoir-faire" in page
    block = page[page.index("Ils partagent leur savoir-faire"):page.index("Le code source de cette innovation")]
    profile = ambassador.user.profile
    assert f'<a href="{profile.get_absolute_url()}">Gwen Ambassadrice</a>' in block
    assert "Trouver un local." in block and "Animer les soirées." in block
    assert "Visite sur place" in block and "Accompagnement suivi" in block
    assert "En semaine, le soir" in block
    assert "Se déplace jusqu'à 40 km" in block and "Ne se déplace pas" in block
    assert reverse("contact:ambassador", args=[ambassador.pk]) in block
    assert "Devenir ambassadeur" not in block  # a visitor has no author rights
    assert ambassador.user.email not in page


def test_hidden_offers_are_not_shown(client, fiche, people):
    inactive = make_ambassador(fiche, "Ina Active", is_active=False)
    private = make_ambassador(fiche, "Pri Vée", public=False)
    held = make_ambassador(fiche, "Hel Dée")
    Profile.objects.filter(user=held.user).update(visibility=Visibility.HELD)
    blocked = make_ambassador(fiche, "Blo Quée")
    AccountBlock.objects.create(user=blocked.user, reason="Spam.", blocked_by=people["moderator"])
    page = text_of(client.get(fiche.get_absolute_url()))
    assert "Ils partagent leur savoir-faire" not in page
    assert 'class="fiche-ambassadors"' not in page
    assert list(services.shown_on(fiche)) == []
    assert not any(services.is_shown(a) for a in (inactive, private, held, blocked))


def test_no_contact_link_when_the_ambassador_refuses_messages(client, fiche):
    ambassador = make_ambassador(fiche, "Gwen Silencieuse")
    Profile.objects.filter(user=ambassador.user).update(accepts_contact=False)
    page = text_of(client.get(fiche.get_absolute_url()))
    assert "Gwen Silencieuse" in page
    assert reverse("contact:ambassador", args=[ambassador.pk]) not in page


@pytest.mark.parametrize(("role", "sees_link"), [
    ("author", True), ("carrier", True), ("partner", False), ("contributor", False), ("editor", False),
])
def test_the_become_ambassador_link_is_for_people_with_author_rights(client, fiche, people, role, sees_link):
    client.force_login(people[role])
    page = text_of(client.get(fiche.get_absolute_url()))
    assert ("Devenir ambassadeur de cette fiche" in page) is sees_link
    assert (declare_url(fiche) in page) is sees_link


def test_unpublished_fiches_show_no_ambassador_to_their_team_but_the_link(client, fiche, people):
    make_ambassador(fiche, "Gwen Ambassadrice")
    Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.DRAFT)
    client.force_login(people["author"])
    page = text_of(client.get(fiche.get_absolute_url()))
    block = page[page.index('class="fiche-ambassadors"'):page.index("Le code source de cette innovation")]
    assert "Gwen Ambassadrice" not in block
    assert "Devenir ambassadeur de cette fiche" in block


# The directory -------------------------------------------------------------------------------------

@pytest.fixture
def directory(territories):
    brest = InnovationFactory(title="Repair café du Bellevue", communes=["Brest"], themes=["numerique"])
    ThemeFactory(slug="solidarites", name="Solidarités")
    quimper = InnovationFactory(title="Épicerie solidaire de Quimper", communes=["Quimper"], themes=["solidarites"])
    draft = InnovationFactory(title="Brouillon secret", communes=["Brest"], state=Innovation.State.DRAFT)
    return {
        "gwen": make_ambassador(brest, "Gwen Le Goff", topics="Réparer les vélos.", means=["visit"]),
        "yann": make_ambassador(quimper, "Yann Kerouac", commune_name="Plouzané", topics="Financer un local.",
                                means=["phone", "workshop"]),
        "anna": make_ambassador(quimper, "Anna Quimper", topics="Animer une épicerie.", means=["mentoring"]),
        "hidden": make_ambassador(draft, "Cachée Brouillon"),
        "brest": brest, "quimper": quimper,
    }


def names(response):
    return [a.user.profile.display_name for a in response.context["page"].object_list]


def test_the_directory_lists_shown_ambassadors(client, directory):
    response = client.get(reverse("network:ambassadors"))
    assert response.status_code == 200
    assert names(response) == ["Anna Quimper", "Gwen Le Goff", "Yann Kerouac"]
    page = text_of(response)
    assert "3 ambassadeurs" in page and "Cachée Brouillon" not in page
    assert "Épicerie solidaire de Quimper" in page


@pytest.mark.parametrize(("params", "expected"), [
    ({"territoire": "brest"}, ["Gwen Le Goff"]),
    ({"territoire": "quimper"}, ["Anna Quimper", "Yann Kerouac"]),
    # Yann's fiche is in Quimper, but he lives in Plouzané: the pays de Brest has him too.
    ({"territoire": "plouzane"}, ["Yann Kerouac"]),
    ({"territoire": "pays-de-brest"}, ["Gwen Le Goff", "Yann Kerouac"]),
    ({"theme": "solidarites"}, ["Anna Quimper", "Yann Kerouac"]),
    ({"theme": ["numerique", "solidarites"]}, ["Anna Quimper", "Gwen Le Goff", "Yann Kerouac"]),
    ({"moyen": "phone"}, ["Yann Kerouac"]),
    ({"moyen": ["visit", "mentoring"]}, ["Anna Quimper", "Gwen Le Goff"]),
    ({"q": "KEROUAC"}, ["Yann Kerouac"]),
    ({"q": "vélos"}, ["Gwen Le Goff"]),
    ({"q": "SOLIDAIRE"}, ["Anna Quimper", "Yann Kerouac"]),  # the fiche's title
    ({"q": "repair"}, ["Gwen Le Goff"]),
    ({"territoire": "quimper", "moyen": "mentoring"}, ["Anna Quimper"]),
])
def test_the_directory_filters(client, directory, params, expected):
    response = client.get(reverse("network:ambassadors"), params)
    assert response.status_code == 200
    assert names(response) == expected


def test_bad_filters_are_ignored_with_a_message(client, directory):
    response = client.get(reverse("network:ambassadors"),
                          {"territoire": "atlantide", "theme": "inconnu", "moyen": "pigeon", "page": "x"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Territoire inconnu ignoré : « atlantide »" in page
    assert "Thème inconnu ignoré : « inconnu »" in page
    assert "Moyen inconnu ignoré : « pigeon »" in page
    assert len(names(response)) == 3


def test_the_directory_pages_through_results(client, directory, monkeypatch):
    monkeypatch.setattr("creative.network.views.ambassadors.PAGE_SIZE", 2)
    first = client.get(reverse("network:ambassadors"), {"theme": ["numerique", "solidarites"]})
    assert names(first) == ["Anna Quimper", "Gwen Le Goff"]
    assert "theme=numerique&amp;theme=solidarites&amp;page=2" in first.content.decode()
    second = client.get(reverse("network:ambassadors"), {"theme": ["numerique", "solidarites"], "page": 2})
    assert names(second) == ["Yann Kerouac"]


def test_the_map_places_people_at_their_commune_or_the_fiches_place(client, directory):
    response = client.get(reverse("network:ambassadors"))
    page = response.content.decode()
    data = json.loads(re.search(r'<script id="ambassadors-map-points" type="application/json">(.*?)</script>',
                                page, re.S).group(1))
    by_name = {point["name"]: point for point in data}
    assert set(by_name) == {"Anna Quimper", "Gwen Le Goff", "Yann Kerouac"}
    plouzane, quimper, brest = commune("Plouzané"), commune("Quimper"), commune("Brest")
    assert (by_name["Yann Kerouac"]["lat"], by_name["Yann Kerouac"]["lng"]) == (
        round(plouzane.latitude, 6), round(plouzane.longitude, 6))  # his commune, not the fiche's
    assert (by_name["Anna Quimper"]["lat"], by_name["Anna Quimper"]["lng"]) == (
        round(quimper.latitude, 6), round(quimper.longitude, 6))
    assert by_name["Gwen Le Goff"]["lat"] == round(brest.latitude, 6)
    assert by_name["Gwen Le Goff"]["fiche_url"] == directory["brest"].get_absolute_url()
    assert by_name["Gwen Le Goff"]["profile_url"] == directory["gwen"].user.profile.get_absolute_url()
    assert "ambassadors-map.js" in page and "ambassadors-map-block" in page
    # The list is the map's alternative: the same people, without JavaScript.
    assert all(f">{name}</a>" in page for name in by_name)
    assert "@" not in json.dumps(data)

    filtered = client.get(reverse("network:ambassadors"), {"moyen": "phone"}).content.decode()
    data = json.loads(re.search(r'id="ambassadors-map-points" type="application/json">(.*?)</script>',
                                filtered, re.S).group(1))
    assert [p["name"] for p in data] == ["Yann Kerouac"]


def test_a_fiches_precise_public_place_is_used_when_the_person_gives_no_commune(client, territories):
    fiche = InnovationFactory(title="Jardin de Kerinou")
    fiche.places.create(commune=commune("Brest"), address="Rue de Kerinou", latitude=48.4, longitude=-4.48)
    make_ambassador(fiche, "Jardinière")
    [point] = services.map_points(services.shown())
    assert (point["lat"], point["lng"]) == (48.4, -4.48)


def test_the_directory_query_count_does_not_grow_with_results(client, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(reverse("network:ambassadors"))
    for n in range(6):
        make_ambassador(directory["brest"], f"Personne {n}", commune_name="Brest")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("network:ambassadors"))
    assert len(names(response)) == 9
