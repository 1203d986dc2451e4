"""Public profile pages (network:person) and the people directory (network:people)."""

import html
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify

from creative.accounts.models import Profile
from creative.accounts.roles import Role
from creative.innovations.models import Authorship, Innovation
from creative.moderation import services as moderation
from creative.moderation.models import ModerationItem, Visibility
from creative.network.models import Ambassador, Membership, Organisation, TeamMember
from creative.network.views.people import PAGE_SIZE
from tests.factories import InnovationFactory, ThemeFactory, UserFactory, commune

pytestmark = pytest.mark.django_db

PEOPLE = reverse("network:people")


def page_text(response):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def person_url(user):
    return reverse("network:person", args=[Profile.objects.get(user=user).slug])


def public_person(name, commune=None, **profile):
    return UserFactory(
        email=f"{slugify(name)}@example.org", profile__display_name=name, profile__is_public=True,
        profile__commune=commune, **{f"profile__{k}": v for k, v in profile.items()},
    )


@pytest.fixture
def soazig(territories):
    return public_person(
        "Soazig Le Bras", territories["brest"], bio="J'anime un **repair café** à Recouvrance.",
        links="https://soazig.example.org\nhttps://mastodon.example/@soazig",
    )


@pytest.fixture
def fiches(soazig):
    """Published and unpublished fiches Soazig carries or wrote."""
    carried = InnovationFactory(title="Repair café de Recouvrance", communes=["Brest"], themes=["numerique"])
    TeamMember.objects.create(innovation=carried, user=soazig, kind=TeamMember.Kind.CARRIER, role="Coordinatrice")
    partner = InnovationFactory(title="Jardin du Guelmeur", communes=["Brest"])
    TeamMember.objects.create(innovation=partner, user=soazig, kind=TeamMember.Kind.PARTNER, role="Bénévole")
    draft = InnovationFactory(title="Projet encore secret", state=Innovation.State.DRAFT, communes=["Brest"])
    TeamMember.objects.create(innovation=draft, user=soazig, kind=TeamMember.Kind.CARRIER)
    written = InnovationFactory(title="Fablab des Capucins", communes=["Brest"], themes=["culture-arts"])
    Authorship.objects.create(innovation=written, user=soazig, is_creator=True)
    hidden = InnovationFactory(title="Fiche masquée", state=Innovation.State.HIDDEN, communes=["Brest"])
    Authorship.objects.create(innovation=hidden, user=soazig)
    return {"carried": carried, "partner": partner, "draft": draft, "written": written, "hidden": hidden}


# The page -------------------------------------------------------------------------------------------------


def test_the_public_page_shows_the_person(client, soazig, territories):
    response = client.get(person_url(soazig))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Soazig Le Bras</h1>" in content
    assert f'href="{territories["brest"].get_absolute_url()}">Brest</a>' in content
    assert "<strong>repair café</strong>" in content  # Markdown bio
    assert '<a href="https://soazig.example.org" rel="nofollow ugc noopener">' in content
    assert '<a href="https://mastodon.example/@soazig" rel="nofollow ugc noopener">' in content
    assert reverse("moderation:report", args=["accounts.profile", soazig.pk]) in content
    assert "Signaler ce profil" in content


def test_the_page_lists_published_fiches_carried_and_written_only(client, soazig, fiches):
    text = page_text(client.get(person_url(soazig)))
    assert "Repair café de Recouvrance — porteur, Coordinatrice" in text
    assert "Jardin du Guelmeur — partenaire, Bénévole" in text
    assert "Fablab des Capucins" in text
    assert "Projet encore secret" not in text and "Fiche masquée" not in text
    content = client.get(person_url(soazig)).content.decode()
    assert f'href="{fiches["carried"].get_absolute_url()}"' in content
    assert f'href="{fiches["written"].get_absolute_url()}"' in content


def test_no_email_address_anywhere_on_the_page(client, soazig, fiches):
    soazig.profile.photo.save("p.jpg", ContentFile(b"x"), save=True)
    for viewer in (None, soazig):
        if viewer:
            client.force_login(viewer)
        content = client.get(person_url(soazig)).content.decode()
        assert soazig.email not in content and "@example.org" not in content
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", page_text(client.get(person_url(soazig))).replace(
        "@soazig", ""))


def test_schema_org_person_without_email(client, soazig):
    content = client.get(person_url(soazig)).content.decode()
    raw = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', content, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Person" and data["name"] == "Soazig Le Bras"
    assert data["url"] == "http://testserver" + person_url(soazig)
    assert data["homeLocation"]["name"] == "Brest"
    assert "email" not in raw and "@example.org" not in raw


def test_the_page_shows_active_ambassador_offers_on_published_fiches(client, soazig, fiches):
    Ambassador.objects.create(innovation=fiches["carried"], user=soazig, topics="Démarrer un repair café.",
                              means=["phone", "visit"])
    Ambassador.objects.create(innovation=fiches["partner"], user=soazig, topics="Offre en pause.", is_active=False)
    Ambassador.objects.create(innovation=fiches["draft"], user=soazig, topics="Sur un brouillon.")
    text = page_text(client.get(person_url(soazig)))
    assert "Démarrer un repair café." in text and "Échange téléphonique, visite sur place" in text
    assert "Offre en pause." not in text and "Sur un brouillon." not in text


def test_organisations_are_public_ones_only(client, soazig):
    try:
        reverse("network:organisation", args=["x"])
    except NoReverseMatch:
        pytest.skip("the organisation pages are not wired yet")
    public = Organisation.objects.create(name="Les Petits Débrouillards")
    hidden = Organisation.objects.create(name="Officine douteuse", visibility=Visibility.HIDDEN)
    Membership.objects.create(organisation=public, user=soazig, title="Trésorière")
    Membership.objects.create(organisation=hidden, user=soazig)
    content = client.get(person_url(soazig)).content.decode()
    assert f'href="{public.get_absolute_url()}">Les Petits Débrouillards</a> — Trésorière' in content
    assert "Officine douteuse" not in content


def test_the_contact_link_only_when_the_person_accepts_messages(client, soazig):
    try:
        contact = reverse("contact:person", args=[soazig.profile.slug])
    except NoReverseMatch:
        contact = None
    content = client.get(person_url(soazig)).content.decode()
    assert 'class="person-contact"' in content
    if contact:
        assert f'href="{contact}"' in content
    Profile.objects.filter(user=soazig).update(accepts_contact=False)
    content = client.get(person_url(soazig)).content.decode()
    assert 'class="person-contact"' not in content
    if contact:
        assert contact not in content


def make_not_public(user, state):
    if state == "private":
        Profile.objects.filter(user=user).update(is_public=False)
    elif state == "held":
        moderation.hold(user.profile, cause=ModerationItem.Cause.SPAM, score=6)
    elif state in ("hidden", "removed"):
        Profile.objects.filter(user=user).update(visibility=Visibility(state))
    elif state == "blocked":
        moderation.block(user, UserFactory(roles=[Role.MODERATOR]), "Publicité.")
    else:
        type(user).objects.filter(pk=user.pk).update(is_active=False)


@pytest.mark.parametrize("state", ["private", "held", "hidden", "removed", "blocked", "inactive"])
def test_a_page_that_is_not_public_is_a_404_for_everyone_else(client, soazig, territories, state):
    make_not_public(soazig, state)
    url = person_url(soazig)
    viewers = [None, UserFactory(verified=False), UserFactory(), UserFactory(roles=[Role.TRUSTED]),
               UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])]
    under_moderation = state in ("held", "hidden", "removed", "blocked")
    team = [UserFactory(roles=[Role.MODERATOR]), UserFactory(roles=[Role.ADMINISTRATOR])]
    if not under_moderation:
        viewers += team
    for viewer in viewers:
        client.logout()
        if viewer:
            client.force_login(viewer)
        assert client.get(url).status_code == 404, viewer
    for moderator in team if under_moderation else ():
        client.force_login(moderator)
        response = client.get(url)  # the moderation queue links to it
        assert response.status_code == 200
        assert "Vous la voyez parce que vous modérez le site" in page_text(response)
        assert '<meta name="robots" content="noindex">' in response.content.decode()
    client.logout()
    assert "Soazig" not in page_text(client.get(PEOPLE))


@pytest.mark.parametrize(("state", "reason"), [
    ("private", "Votre page n'est pas publique"),
    ("held", "Votre page attend la relecture"),
    ("hidden", "Votre page a été masquée par la modération"),
])
def test_the_person_sees_their_own_page_with_the_reason(client, soazig, state, reason):
    make_not_public(soazig, state)
    client.force_login(soazig)
    response = client.get(person_url(soazig))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Cette page n'est pas visible du public." in page_text(response) and reason in page_text(response)
    assert '<meta name="robots" content="noindex">' in content
    assert "Signaler ce profil" not in content and "application/ld+json" not in content


def test_public_page_of_oneself_has_no_notice(client, soazig):
    client.force_login(soazig)
    content = client.get(person_url(soazig)).content.decode()
    assert "n'est pas visible du public" not in content and "noindex" not in content


def test_unknown_slug_is_404(client, db):
    assert client.get(reverse("network:person", args=["personne-inconnue"])).status_code == 404


def test_the_page_only_answers_get(client, soazig):
    assert client.post(person_url(soazig)).status_code == 405


# The directory --------------------------------------------------------------------------------------------


@pytest.fixture
def people(territories, soazig, fiches):
    """Soazig (Brest, fiches in numérique and culture), and others around the pays de Brest and beyond."""
    theme = ThemeFactory(slug="alimentation")  # one of the themes the migrations create
    youenn = public_person("Youenn Kerjean", territories["plouzane"])
    youenn.profile.themes.add(theme)
    maiwenn = public_person("Maïwenn Tanguy", territories["brest"])
    gael = public_person("Gaël Quimpérois", commune("Quimper"))
    nowhere = public_person("Nolwenn Sans Commune")
    private = UserFactory(profile__display_name="Paul Privé", profile__commune=territories["brest"])
    return {"soazig": soazig, "youenn": youenn, "maiwenn": maiwenn, "gael": gael, "nowhere": nowhere,
            "private": private, "theme": theme}


def names_listed(response):
    return re.findall(r'class="person-name" href="[^"]+">([^<]+)</a>', response.content.decode())


def test_the_directory_lists_public_profiles_only(client, people):
    response = client.get(PEOPLE)
    assert response.status_code == 200
    assert names_listed(response) == [
        "Gaël Quimpérois", "Maïwenn Tanguy", "Nolwenn Sans Commune", "Soazig Le Bras", "Youenn Kerjean"]
    assert "5 personnes" in page_text(response)
    assert "Paul Privé" not in response.content.decode()


def test_the_directory_hides_held_and_blocked_people(client, people):
    moderation.hold(people["youenn"].profile, cause=ModerationItem.Cause.SPAM, score=6)
    moderation.block(people["gael"], UserFactory(roles=[Role.MODERATOR]), "Publicité.")
    assert names_listed(client.get(PEOPLE)) == ["Maïwenn Tanguy", "Nolwenn Sans Commune", "Soazig Le Bras"]


@pytest.mark.parametrize(("slug", "expected"), [
    ("brest", ["Maïwenn Tanguy", "Soazig Le Bras"]),
    ("brest-metropole", ["Maïwenn Tanguy", "Soazig Le Bras", "Youenn Kerjean"]),
    ("pays-de-brest", ["Maïwenn Tanguy", "Soazig Le Bras", "Youenn Kerjean"]),
    ("finistere", ["Gaël Quimpérois", "Maïwenn Tanguy", "Soazig Le Bras", "Youenn Kerjean"]),
    ("plougastel-daoulas", []),
])
def test_filter_by_territory_at_any_level(client, people, slug, expected):
    response = client.get(PEOPLE, {"territoire": slug})
    assert response.status_code == 200
    assert names_listed(response) == expected


def test_filter_by_theme_chosen_or_through_published_fiches(client, people, fiches):
    assert names_listed(client.get(PEOPLE, {"theme": "alimentation"})) == ["Youenn Kerjean"]
    assert names_listed(client.get(PEOPLE, {"theme": "numerique"})) == ["Soazig Le Bras"]  # a fiche she carries
    assert names_listed(client.get(PEOPLE, {"theme": "culture-arts"})) == ["Soazig Le Bras"]  # a fiche she wrote
    assert names_listed(client.get(PEOPLE, {"theme": ["alimentation", "numerique"]})) == [
        "Soazig Le Bras", "Youenn Kerjean"]
    # A theme only on an unpublished fiche does not count.
    fiches["draft"].themes.set([ThemeFactory(slug="mobilite")])
    assert names_listed(client.get(PEOPLE, {"theme": "mobilite"})) == []


def test_theme_counts(client, people):
    content = client.get(PEOPLE).content.decode()
    assert re.search(r'id="people-theme-alimentation"[^>]*><label[^>]*>Alimentation <span class="count">\(1\)', content)
    assert re.search(r'id="people-theme-numerique"[^>]*><label[^>]*>Numérique <span class="count">\(1\)', content)
    assert re.search(r'id="people-theme-mobilite"[^>]*><label[^>]*>Mobilité <span class="count">\(0\)', content)


def test_sector_counts_under_the_home_territory(client, people, settings):
    settings.HOME_TERRITORY = "pays-de-brest"
    text = page_text(client.get(PEOPLE))
    assert "Brest Métropole (3)" in text
    assert "Quimper" not in text.split("Par secteur", 1)[1].split("Thèmes", 1)[0]


def test_filter_by_name(client, people):
    assert names_listed(client.get(PEOPLE, {"q": "soazig"})) == ["Soazig Le Bras"]
    assert names_listed(client.get(PEOPLE, {"q": "  TANGUY "})) == ["Maïwenn Tanguy"]


def test_filters_combine_and_stay_in_the_url(client, people):
    response = client.get(PEOPLE, {"territoire": "pays-de-brest", "theme": "alimentation"})
    assert names_listed(response) == ["Youenn Kerjean"]
    content = response.content.decode()
    assert '<input type="hidden" name="territoire" value="pays-de-brest">' in content
    assert 'value="alimentation" checked' in content


@pytest.mark.parametrize("params", [
    {"territoire": "atlantide"}, {"theme": "astrologie"}, {"page": "999"}, {"page": "abc"},
    {"q": "x" * 5000}, {"territoire": "x" * 500, "theme": ["a"] * 100},
])
def test_bad_filter_values_never_fail(client, people, params):
    response = client.get(PEOPLE, params)
    assert response.status_code == 200


def test_unknown_values_are_reported(client, people):
    text = page_text(client.get(PEOPLE, {"territoire": "atlantide", "theme": "astrologie"}))
    assert "Territoire inconnu ignoré : « atlantide »." in text
    assert "Thème inconnu ignoré : « astrologie »." in text
    assert "5 personnes" in text


def test_the_directory_paginates_by_24(client, territories):
    for n in range(PAGE_SIZE + 2):
        public_person(f"Personne {n:02d}", territories["brest"])
    first = client.get(PEOPLE)
    assert len(names_listed(first)) == PAGE_SIZE and "Page 1 sur 2" in page_text(first)
    assert len(names_listed(client.get(PEOPLE, {"page": 2}))) == 2


def test_the_directory_avoids_n_plus_one(client, territories, django_assert_max_num_queries):
    for n in range(30):
        public_person(f"Personne {n:02d}", territories["brest" if n % 2 else "plouzane"])
    with django_assert_max_num_queries(18):
        client.get(PEOPLE)


# The map ------------------------------------------------------------------------------------------------


def map_data(response):
    raw = re.search(r'<script id="people-map-points" type="application/json">(.*?)</script>',
                    response.content.decode(), re.S)
    return json.loads(raw.group(1)) if raw else None


def test_the_map_groups_people_by_commune_at_its_reference_point(client, people, territories):
    Profile.objects.filter(user=people["soazig"]).update(commune=territories["brest"])
    points = map_data(client.get(PEOPLE))
    brest, plouzane = territories["brest"], territories["plouzane"]
    by_commune = {p["commune"]: p for p in points}
    assert set(by_commune) == {"Brest", "Plouzané", "Quimper"}  # nobody without a commune, nobody private
    assert by_commune["Brest"]["count"] == 2
    assert (by_commune["Brest"]["lat"], by_commune["Brest"]["lng"]) == (round(brest.latitude, 5),
                                                                        round(brest.longitude, 5))
    assert (by_commune["Plouzané"]["lat"], by_commune["Plouzané"]["lng"]) == (round(plouzane.latitude, 5),
                                                                              round(plouzane.longitude, 5))
    assert [p["name"] for p in by_commune["Brest"]["people"]] == ["Maïwenn Tanguy", "Soazig Le Bras"]
    assert by_commune["Brest"]["people"][1]["url"] == person_url(people["soazig"])
    raw = json.dumps(points)
    assert "Paul Privé" not in raw and "@example.org" not in raw
    # Only commune-level keys: no address, no precise position of a person.
    assert {key for p in points for key in p} == {
        "commune", "slug", "url", "list_url", "lat", "lng", "count", "people", "more"}
    assert {key for p in points for person in p["people"] for key in person} == {"name", "url"}


def test_the_map_follows_the_filters_and_has_a_list_alternative(client, people):
    response = client.get(PEOPLE, {"territoire": "brest-metropole"})
    points = map_data(response)
    assert {p["commune"] for p in points} == {"Brest", "Plouzané"}
    text = page_text(response)
    assert "Par commune" in text and "Brest (2 personnes)" in text and "Plouzané (1 personne)" in text
    content = response.content.decode()
    assert 'id="people-map"' in content and " hidden>" in content  # shown by the script only


def test_a_crowded_commune_lists_some_names_and_counts_the_others(client, territories):
    from creative.network.people import MAP_NAMES_PER_COMMUNE

    for n in range(MAP_NAMES_PER_COMMUNE + 3):
        public_person(f"Personne {n:02d}", territories["brest"])
    (point,) = map_data(client.get(PEOPLE))
    assert point["count"] == MAP_NAMES_PER_COMMUNE + 3
    assert len(point["people"]) == MAP_NAMES_PER_COMMUNE and point["more"] == 3


def test_no_map_without_anyone_located(client, territories):
    public_person("Nolwenn Sans Commune")
    response = client.get(PEOPLE)
    assert map_data(response) is None and "leaflet.js" not in response.content.decode()


def test_the_page_works_without_javascript(client, people):
    content = client.get(PEOPLE).content.decode()
    main = content.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in main.replace('<script id="people-map-points" type="application/json">', "")
    for field in ("people-q", "people-theme-alimentation"):
        assert f'<label for="{field}"' in content
    assert 'method="get"' in content
