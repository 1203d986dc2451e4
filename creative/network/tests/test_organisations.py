"""Organisations: the directory (filters, counts, map and list), a structure's page, creating and
editing one (logo, point, spam), its members (invitations by email, roles, the last manager).

Personas: a visitor, an unverified account, a contributor, the organisation's manager and a
member, an editor of the pays de Brest, a moderator and an administrator.
"""

import io
import json
import re
import time
from html import unescape

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from creative.accounts.roles import Role
from creative.antispam.tests import corpus
from creative.audit.models import AuditEntry
from creative.innovations.models import CarrierKind, Innovation, Theme
from creative.moderation.models import ModerationItem, Visibility
from creative.network import organisations as services
from creative.network.models import Membership, Organisation, TeamMember
from tests.factories import InnovationFactory, UserFactory, commune
from tests.worker import run_tasks

pytestmark = pytest.mark.django_db

MANAGER_EMAIL = "gwen.responsable-privee@exemple-confidentiel.fr"
MEMBER_EMAIL = "loic.membre-prive@exemple-confidentiel.fr"
HIDDEN_MEMBER_EMAIL = "anne.discrete@exemple-confidentiel.fr"


@pytest.fixture(autouse=True)
def _quiet_antispam(settings, tmp_path):
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(territories):
    return {
        "unverified": UserFactory(verified=False, profile__display_name="Pas Confirmé"),
        "contributor": UserFactory(profile__display_name="Paul Contributeur"),
        "manager": UserFactory(email=MANAGER_EMAIL, profile__display_name="Gwen Responsable",
                               profile__is_public=True),
        "member": UserFactory(email=MEMBER_EMAIL, profile__display_name="Loïc Membre", profile__is_public=True),
        "hidden_member": UserFactory(email=HIDDEN_MEMBER_EMAIL, profile__display_name="Anne Discrète"),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], profile__display_name="Yann Éditeur"),
        "moderator": UserFactory(roles=[Role.MODERATOR], profile__display_name="Maël Modérateur"),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR], profile__display_name="Ada Admin"),
    }


def make_organisation(name="Ti ar Vro", *, commune_name="Brest", kind="association", themes=(), managers=(),
                      members=(), **fields):
    organisation = Organisation.objects.create(
        name=name, commune=commune(commune_name) if commune_name else None,
        kind=CarrierKind.objects.get(slug=kind) if kind else None, **fields,
    )
    organisation.themes.set(Theme.objects.filter(slug__in=themes))
    for user in managers:
        Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.MANAGER)
    for user in members:
        Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.MEMBER)
    return organisation


@pytest.fixture
def organisation(people):
    return make_organisation(
        "Repair Brest", description="On répare **ensemble** vélos et grille-pain.", address="12 rue de Siam",
        website="https://repair.example.org", themes=["numerique"],
        managers=[people["manager"]], members=[people["member"], people["hidden_member"]],
    )


def image_file(name="logo-de-gwen.jpg", fmt="JPEG", size=(900, 500), exif=None):
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (11, 92, 122)).save(out, format=fmt, **options)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def text_of(response):
    """The page as a person reads it: tags dropped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def messages_of(client, response):
    """The flash messages shown on the page a redirect leads to."""
    page = client.get(response["Location"])
    return [str(m) for m in page.context["messages"]]


def form_data(territories, **changes):
    data = {
        "name": "Les Petits Débrouillards", "kind": CarrierKind.objects.get(slug="association").pk,
        "description": "Des ateliers de sciences pour les enfants des quartiers, le mercredi après-midi.",
        "commune": territories["brest"].pk, "address": "2 place de la Liberté", "latitude": "", "longitude": "",
        "website": "https://debrouillards.example.org", "themes": [Theme.objects.get(slug="numerique").pk],
        "accepts_contact": "on",
    }
    data.update(changes)
    return data


# The directory ---------------------------------------------------------------------------------------

@pytest.fixture
def directory(people):
    return {
        "brest": make_organisation("Vélo Brest", themes=["numerique"], kind="association",
                                   latitude=48.39, longitude=-4.49),
        "plouzane": make_organisation("Plouzané Solidaire", commune_name="Plouzané", kind="collectivite"),
        "quimper": make_organisation("Quimper Jardins", commune_name="Quimper", themes=["numerique"]),
        "nowhere": make_organisation("Sans Commune", commune_name=None, kind=None),
        "held": make_organisation("Retenue Brest", visibility=Visibility.HELD),
        "hidden": make_organisation("Masquée Brest", visibility=Visibility.HIDDEN),
    }


def names_on(response):
    return {o.name for o in response.context["page"].object_list}


def test_the_directory_lists_public_organisations_only(client, directory):
    response = client.get(reverse("network:organisations"))
    assert response.status_code == 200
    assert names_on(response) == {"Vélo Brest", "Plouzané Solidaire", "Quimper Jardins", "Sans Commune"}
    text = text_of(response)
    assert "4 organisations" in text and "Retenue Brest" not in text and "Masquée Brest" not in text


def test_the_directory_works_without_javascript(client, directory):
    html = client.get(reverse("network:organisations")).content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in main and " style=" not in html and "onclick" not in html
    for name in ("q", "territoire"):
        assert f'<label for="filter-{name}"' in html
    assert 'href="/organisations/velo-brest/"' in html  # the list: plain links
    # The map block is shown by the script only; the list is its alternative.
    assert 'id="organisations-map-block" hidden' in html
    assert "la liste ci-dessous présente les mêmes organisations" in html


@pytest.mark.parametrize(("territory", "expected"), [
    ("pays-de-brest", {"Vélo Brest", "Plouzané Solidaire"}),
    ("brest", {"Vélo Brest"}),
    ("plouzane", {"Plouzané Solidaire"}),
    ("quimper", {"Quimper Jardins"}),
])
def test_filter_by_territory_at_any_level(client, directory, territory, expected):
    response = client.get(reverse("network:organisations"), {"territoire": territory})
    assert names_on(response) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_filters_by_theme_kind_and_name_with_counts(client, directory):
    url = reverse("network:organisations")
    assert names_on(client.get(url, {"theme": "numerique"})) == {"Vélo Brest", "Quimper Jardins"}
    assert names_on(client.get(url, {"type": "collectivite"})) == {"Plouzané Solidaire"}
    assert names_on(client.get(url, {"q": "brest"})) == {"Vélo Brest"}
    assert names_on(client.get(url, {"theme": "numerique", "territoire": "pays-de-brest"})) == {"Vélo Brest"}
    facets = client.get(url, {"territoire": "pays-de-brest"}).context["facets"]
    # Each count applies the other filters: two organisations in the pays de Brest, one of them "numérique".
    assert {slug: n for slug, _name, n in facets["themes"]}["numerique"] == 1
    kinds = {slug: n for slug, _name, n in facets["kinds"]}
    assert kinds["association"] == 1 and kinds["collectivite"] == 1
    territories = {slug: n for _level, items in facets["territories"] for slug, _name, n in items}
    assert territories["pays-de-brest"] == 2 and territories["quimper"] == 1 and territories["brest"] == 1


def test_bad_filters_are_reported_never_an_error(client, directory):
    url = reverse("network:organisations")
    response = client.get(url, {"territoire": "atlantide", "theme": "inconnu", "type": "pirates", "page": "abc"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Territoire inconnu ignoré : « atlantide »" in text
    assert "« inconnu »" in text and "« pirates »" in text
    assert len(names_on(response)) == 4
    assert client.get(url, {"page": "9999"}).status_code == 200
    assert client.get(url, {"q": "x" * 5000, "territoire": "y" * 500}).status_code == 200


def test_the_map_places_organisations_on_their_point_or_their_commune(client, directory):
    response = client.get(reverse("network:organisations"))
    html = response.content.decode()
    items = json.loads(re.search(r'<script id="organisations-map-items" type="application/json">(.*?)</script>',
                                 html, re.S).group(1))
    by_name = {item["name"]: item for item in items}
    assert by_name["Vélo Brest"]["precise"] and (by_name["Vélo Brest"]["lat"], by_name["Vélo Brest"]["lng"]) == (
        48.39, -4.49)
    plouzane = commune("Plouzané")
    assert not by_name["Plouzané Solidaire"]["precise"]
    assert (by_name["Plouzané Solidaire"]["lat"], by_name["Plouzané Solidaire"]["lng"]) == (
        plouzane.latitude, plouzane.longitude)
    assert "Sans Commune" not in by_name  # no point at all: in the list only
    assert "Retenue Brest" not in by_name
    assert by_name["Vélo Brest"]["url"] == "/organisations/velo-brest/"
    assert 'src="/static/js/organisations-map.js"' in html


def test_the_directory_is_paginated_without_n_plus_one(client, people, django_assert_max_num_queries):
    for n in range(25):
        organisation = make_organisation(f"Association {n:02d}", themes=["numerique"])
        organisation.themes.add(Theme.objects.get(slug="education-populaire"))
    url = reverse("network:organisations")
    with django_assert_max_num_queries(20):
        first = client.get(url)
    assert len(first.context["page"].object_list) == 20 and first.context["page"].paginator.count == 25
    second = client.get(url, {"page": 2})
    assert names_on(second) == {f"Association {n:02d}" for n in range(20, 25)}


# An organisation's page --------------------------------------------------------------------------------

def test_the_page_shows_the_organisation(client, organisation, people):
    published = InnovationFactory(title="Atelier vélo", communes=["Brest"])
    draft = InnovationFactory(title="Brouillon secret", communes=["Brest"], state=Innovation.State.DRAFT)
    TeamMember.objects.create(innovation=published, organisation=organisation, kind="partner", role="prête le local")
    TeamMember.objects.create(innovation=draft, organisation=organisation, kind="carrier")
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert "<strong>ensemble</strong>" in html  # Markdown
    assert "Association" in text and "Brest" in text and "12 rue de Siam" in text
    assert '<a href="https://repair.example.org" rel="nofollow ugc noopener">' in html
    # Members: people with a public profile are named and linked, the others counted.
    assert "Gwen Responsable" in text and "Loïc Membre" in text
    assert f'href="{people["member"].profile.get_absolute_url()}"' in html
    assert "Anne Discrète" not in text and "et 1 autre membre" in text
    # The fiches it carries or supports: published ones only.
    assert "Atelier vélo" in text and "prête le local" in text and "Brouillon secret" not in text
    assert reverse("moderation:report", args=["network.organisation", organisation.pk]) in html
    assert "contact/_contact_link.html" in [t.name for t in response.templates]
    for address in (MANAGER_EMAIL, MEMBER_EMAIL, HIDDEN_MEMBER_EMAIL):
        assert address not in html and address.split("@")[0] not in html


def test_the_page_describes_the_organisation_for_search_engines(client, organisation):
    html = client.get(organisation.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Organization" and data["name"] == "Repair Brest"
    assert data["url"] == "https://repair.example.org"
    assert data["address"]["addressLocality"] == "Brest" and data["address"]["streetAddress"] == "12 rue de Siam"
    brest = commune("Brest")
    assert data["geo"]["latitude"] == brest.latitude
    assert "@" not in json.dumps(data).replace("@context", "").replace("@type", "").replace("@id", "")


def test_no_contact_link_when_the_organisation_refuses_messages(client, organisation):
    organisation.accepts_contact = False
    organisation.save()
    response = client.get(organisation.get_absolute_url())
    assert "contact/_contact_link.html" not in [t.name for t in response.templates]


def test_members_are_counted_when_none_has_a_public_profile(client, people):
    organisation = make_organisation("Collectif discret", members=[people["contributor"], people["hidden_member"]])
    text = text_of(client.get(organisation.get_absolute_url()))
    assert "2 membres" in text and "Paul Contributeur" not in text


def test_unknown_organisation_is_404(client, people):
    assert client.get(reverse("network:organisation", args=["nulle-part"])).status_code == 404


@pytest.mark.parametrize("visibility", [Visibility.HELD, Visibility.HIDDEN, Visibility.REMOVED])
@pytest.mark.parametrize(("who", "sees"), [
    ("anonymous", False), ("unverified", False), ("contributor", False), ("member", False), ("editor", False),
    ("manager", True), ("moderator", True), ("admin", True),
])
def test_a_page_that_is_not_public_is_404_except_for_its_managers_and_moderators(
        client, organisation, people, visibility, who, sees):
    Organisation.objects.filter(pk=organisation.pk).update(visibility=visibility)
    if who != "anonymous":
        client.force_login(people[who])
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == (200 if sees else 404)
    if sees:
        text = text_of(response)
        assert "Cette page n'est pas publique" in text
        assert reverse("moderation:report", args=["network.organisation", organisation.pk]) not in text
    assert "Repair Brest" not in text_of(client.get(reverse("network:organisations")))


# Creating an organisation ----------------------------------------------------------------------------

CREATE = reverse("network:organisation_create")


def test_creating_needs_a_verified_account(client, people):
    response = client.get(CREATE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(people["unverified"])
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data({"brest": commune("Brest")})).status_code == 403
    assert not Organisation.objects.filter(name="Les Petits Débrouillards").exists()


def test_the_form_is_accessible_and_works_without_javascript(client, people):
    client.force_login(people["contributor"])
    html = client.get(CREATE).content.decode()
    assert 'enctype="multipart/form-data"' in html
    for name in ("name", "kind", "description", "logo", "commune", "address", "latitude", "longitude", "website",
                 "accepts_contact"):
        assert f'<label for="id_{name}"' in html, name
    assert 'name="homepage"' in html and 'name="opened_at"' in html  # the spam traps
    assert "<script" not in html.split("<main", 1)[1]


def test_a_contributor_creates_an_organisation_and_manages_it(client, people, territories):
    client.force_login(people["contributor"])
    response = client.post(CREATE, {**form_data(territories), "logo": image_file()})
    organisation = Organisation.objects.get(name="Les Petits Débrouillards")
    assert response.status_code == 302 and response["Location"] == organisation.get_absolute_url()
    assert organisation.visibility == Visibility.VISIBLE and organisation.created_by == people["contributor"]
    assert organisation.commune.name == "Brest" and organisation.map_point == (
        organisation.commune.latitude, organisation.commune.longitude)
    assert list(organisation.themes.values_list("slug", flat=True)) == ["numerique"]
    membership = organisation.memberships.get()
    assert membership.user == people["contributor"] and membership.role == Membership.Role.MANAGER
    entry = AuditEntry.objects.for_object(organisation).get(action="organisation.created")
    assert entry.actor == people["contributor"]
    assert any("vous en êtes responsable" in m for m in messages_of(client, response))
    assert client.get(organisation.get_absolute_url()).status_code == 200
    # It is in the directory at once.
    client.logout()
    assert "Les Petits Débrouillards" in text_of(client.get(reverse("network:organisations")))


def test_the_logo_is_stored_as_a_clean_copy(client, people, territories):
    exif = Image.Exif()
    exif[0x010F] = "Appareil de Gwen"
    client.force_login(people["contributor"])
    client.post(CREATE, {**form_data(territories), "logo": image_file(size=(2000, 1000), exif=exif)})
    organisation = Organisation.objects.get(name="Les Petits Débrouillards")
    assert organisation.logo.name.startswith("organisations/") and "gwen" not in organisation.logo.name
    with organisation.logo.open("rb") as fh:
        stored = Image.open(fh)
        stored.load()
        assert stored.format == "WEBP" and max(stored.size) <= services.LOGO_MAX_SIDE
        assert not stored.getexif()


def test_a_file_that_is_not_an_image_is_refused(client, people, territories):
    client.force_login(people["contributor"])
    fake = SimpleUploadedFile("logo.png", b"<?php echo 'hello'; ?>", content_type="image/png")
    response = client.post(CREATE, {**form_data(territories), "logo": fake})
    assert response.status_code == 200
    assert "n'est pas une image lisible" in text_of(response)
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(("latitude", "longitude", "error"), [
    ("48.39", "", "latitude et la longitude ensemble"),
    ("", "-4.48", "latitude et la longitude ensemble"),
    ("91", "-4.48", "inférieure ou égale à 90"),
    ("48.39", "abc", "Saisissez un nombre"),
])
def test_the_point_is_a_valid_pair(client, people, territories, latitude, longitude, error):
    client.force_login(people["contributor"])
    response = client.post(CREATE, form_data(territories, latitude=latitude, longitude=longitude))
    assert response.status_code == 200 and error in text_of(response)
    assert "Les Petits Débrouillards" in response.content.decode()  # what was typed is kept
    assert not Organisation.objects.exists()


def test_a_precise_point_is_kept(client, people, territories):
    client.force_login(people["contributor"])
    client.post(CREATE, form_data(territories, latitude="48.3904", longitude="-4.4861"))
    assert Organisation.objects.get().map_point == (48.3904, -4.4861)


def test_a_name_that_would_take_a_page_address_gets_another_slug(client, people, territories):
    client.force_login(people["contributor"])
    response = client.post(CREATE, form_data(territories, name="Nouvelle"))
    organisation = Organisation.objects.get(name="Nouvelle")
    assert organisation.slug == "nouvelle-2" and response["Location"] == "/organisations/nouvelle-2/"
    assert client.get(response["Location"]).status_code == 200


def test_a_spam_description_is_held_for_a_moderator(client, people, territories):
    client.force_login(people["contributor"])
    response = client.post(CREATE, form_data(territories, name="Coffres-forts", description=corpus.SEED_SPAM))
    organisation = Organisation.objects.get(name="Coffres-forts")
    assert organisation.visibility == Visibility.HELD
    item = ModerationItem.objects.open().for_object(organisation).get()
    assert item.cause == ModerationItem.Cause.SPAM and item.author == people["contributor"]
    assert any("relue par l'équipe de modération" in m for m in messages_of(client, response))
    # Its creator still sees it, with a notice; nobody else does.
    assert "Cette page n'est pas publique" in text_of(client.get(organisation.get_absolute_url()))
    client.logout()
    assert client.get(organisation.get_absolute_url()).status_code == 404
    assert "Coffres-forts" not in text_of(client.get(reverse("network:organisations")))


def test_the_spam_traps_guard_the_form(client, people, territories, settings):
    client.force_login(people["contributor"])
    response = client.post(CREATE, form_data(territories, homepage="https://casino.example"))
    assert response.status_code == 200 and "n'a pas pu être vérifié" in text_of(response)
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    response = client.post(CREATE, form_data(territories))  # no signed opening time: a robot
    assert "n'a pas pu être vérifié" in text_of(response)
    assert not Organisation.objects.exists()


def test_creating_is_rate_limited(client, people, territories, settings):
    settings.ANTISPAM_RATE_LIMITS = "contribution=2/h/user"
    client.force_login(people["contributor"])
    for n in range(2):
        assert client.post(CREATE, form_data(territories, name=f"Asso {n}")).status_code == 302
    assert client.post(CREATE, form_data(territories, name="Asso 3")).status_code == 429
    assert Organisation.objects.count() == 2


# Editing ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [
    ("unverified", 403), ("contributor", 403), ("member", 403), ("editor", 403),
    ("manager", 200), ("moderator", 200), ("admin", 200),
])
def test_who_may_edit(client, organisation, people, who, status):
    client.force_login(people[who])
    url = reverse("network:organisation_edit", args=[organisation.slug])
    assert client.get(url).status_code == status
    response = client.post(url, form_data({"brest": commune("Brest")}, name="Repair Brest Métropole"))
    organisation.refresh_from_db()
    if status == 200:
        assert response.status_code == 302 and organisation.name == "Repair Brest Métropole"
        entry = AuditEntry.objects.for_object(organisation).get(action="organisation.updated")
        assert entry.actor == people[who] and "name" in entry.data["fields"]
    else:
        assert response.status_code == 403 and organisation.name == "Repair Brest"


def test_edit_needs_an_account(client, organisation):
    response = client.get(reverse("network:organisation_edit", args=[organisation.slug]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("network:organisation_edit", args=["inconnue"])).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("network:organisation_edit", args=["inconnue"])).status_code == 404


def test_the_page_offers_editing_to_its_managers_only(client, organisation, people):
    edit = reverse("network:organisation_edit", args=[organisation.slug])
    assert edit not in client.get(organisation.get_absolute_url()).content.decode()
    client.force_login(people["member"])
    assert edit not in client.get(organisation.get_absolute_url()).content.decode()
    client.force_login(people["manager"])
    assert edit in client.get(organisation.get_absolute_url()).content.decode()


def test_a_new_logo_replaces_the_old_one(client, organisation, people, django_capture_on_commit_callbacks):
    client.force_login(people["manager"])
    url = reverse("network:organisation_edit", args=[organisation.slug])
    client.post(url, {**form_data({"brest": commune("Brest")}, name="Repair Brest"), "logo": image_file()})
    organisation.refresh_from_db()
    old = organisation.logo.name
    storage = organisation.logo.storage
    assert storage.exists(old)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**form_data({"brest": commune("Brest")}, name="Repair Brest"),
                          "logo": image_file(fmt="PNG", name="autre.png")})
    organisation.refresh_from_db()
    assert organisation.logo.name != old and not storage.exists(old) and storage.exists(organisation.logo.name)


def test_an_edit_into_spam_holds_a_public_organisation(client, organisation, people):
    client.force_login(people["manager"])
    url = reverse("network:organisation_edit", args=[organisation.slug])
    response = client.post(url, form_data({"brest": commune("Brest")}, name="Repair Brest",
                                          description=corpus.SEED_SPAM))
    organisation.refresh_from_db()
    assert organisation.visibility == Visibility.HELD
    assert ModerationItem.objects.open().for_object(organisation).exists()
    assert any("relue par l'équipe de modération" in m for m in messages_of(client, response))


# Members ----------------------------------------------------------------------------------------------

def members_url(organisation):
    return reverse("network:organisation_members", args=[organisation.slug])


@pytest.mark.parametrize(("who", "status"), [
    ("unverified", 403), ("contributor", 403), ("editor", 403),
    ("member", 200), ("manager", 200), ("moderator", 200), ("admin", 200),
])
def test_who_sees_the_members_page(client, organisation, people, who, status):
    client.force_login(people[who])
    response = client.get(members_url(organisation))
    assert response.status_code == status
    if status == 200:
        text = text_of(response)
        assert "Anne Discrète" in text  # members see each other, by their public name only
        assert HIDDEN_MEMBER_EMAIL not in response.content.decode()
        managing = who in ("manager", "moderator", "admin")
        assert ("Inviter quelqu'un" in text) is managing


def test_members_page_needs_an_account(client, organisation):
    response = client.get(members_url(organisation))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def invite(client, organisation, email, role="member", title=""):
    return client.post(members_url(organisation), {"invite-email": email, "invite-role": role, "invite-title": title})


@pytest.mark.django_db(transaction=True)
def test_the_invitation_flow(client, territories, mailoutbox):
    manager = UserFactory(profile__display_name="Gwen Responsable")
    organisation = make_organisation("Repair Brest", managers=[manager])
    newcomer = UserFactory(email="nolwenn@example.org", profile__display_name="Nolwenn")
    client.force_login(manager)
    response = invite(client, organisation, "Nolwenn@Example.org", role="manager", title="trésorière")
    assert response.status_code == 302
    sent = messages_of(client, response)
    run_tasks()
    [message] = mailoutbox
    assert message.to == ["nolwenn@example.org"]
    assert "Gwen Responsable" in message.subject and "Repair Brest" in message.subject
    url = re.search(r"(http\S+/organisations/rejoindre/\S+/)", message.body).group(1)
    assert url in message.alternatives[0][0] and "responsable" in message.body and "trésorière" in message.body
    entry = AuditEntry.objects.for_object(organisation).get(action="organisation.member_invited")
    assert "nolwenn" not in json.dumps(entry.data)
    # The same answer for an address without an account.
    response = invite(client, organisation, "personne-inconnue@example.org")
    assert [m.replace("personne-inconnue@example.org", "X") for m in messages_of(client, response)] == [
        m.replace("nolwenn@example.org", "X") for m in sent]

    path = url.removeprefix("http://127.0.0.1:8000")
    client.logout()
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(newcomer)
    page = client.get(path)
    assert page.status_code == 200 and "Gwen Responsable vous invite à rejoindre « Repair Brest »" in text_of(page)
    assert not organisation.memberships.filter(user=newcomer).exists()  # GET changes nothing
    response = client.post(path)
    assert response.status_code == 302
    membership = organisation.memberships.get(user=newcomer)
    assert membership.role == Membership.Role.MANAGER and membership.title == "trésorière"
    joined = AuditEntry.objects.for_object(organisation).get(action="organisation.member_joined")
    assert joined.actor == newcomer and joined.data["invited_by"] == manager.pk
    # A link serves once: used again (by anybody), it says so.
    other = UserFactory()
    client.force_login(other)
    used = client.get(path)
    assert used.status_code == 410 and "déjà été utilisée" in text_of(used)
    assert client.post(path).status_code == 410
    assert not organisation.memberships.filter(user=other).exists()


def test_accepting_needs_a_verified_account(client, organisation, people):
    token = services.invitation_token(organisation, "member", "", "abc", people["manager"])
    client.force_login(people["unverified"])
    assert client.get(reverse("network:organisation_join", args=[token])).status_code == 403
    assert client.post(reverse("network:organisation_join", args=[token])).status_code == 403
    assert not organisation.memberships.filter(user=people["unverified"]).exists()


def test_an_expired_or_altered_link_is_refused(client, organisation, people, monkeypatch):
    old = int(time.time()) - 15 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(old))
        token = services.invitation_token(organisation, "member", "", "old", people["manager"])
    client.force_login(people["contributor"])
    expired = client.post(reverse("network:organisation_join", args=[token]))
    assert expired.status_code == 410 and "a expiré" in text_of(expired)
    altered = client.get(reverse("network:organisation_join", args=[token[:-3] + "abc"]))
    assert altered.status_code == 400 and "n'est pas valide" in text_of(altered)
    salted = signing.dumps({"o": organisation.pk, "r": "manager", "n": "x"}, salt="autre-chose")
    assert client.get(reverse("network:organisation_join", args=[salted])).status_code == 400
    assert not organisation.memberships.filter(user=people["contributor"]).exists()


def test_a_link_to_a_deleted_organisation_is_gone(client, organisation, people):
    token = services.invitation_token(organisation, "member", "", "abc", people["manager"])
    organisation.delete()
    client.force_login(people["contributor"])
    response = client.get(reverse("network:organisation_join", args=[token]))
    assert response.status_code == 410 and "n'existe plus" in text_of(response)


def test_a_member_following_an_invitation_again_changes_nothing(client, organisation, people):
    token = services.invitation_token(organisation, "manager", "", "abc", people["manager"])
    client.force_login(people["member"])
    response = client.post(reverse("network:organisation_join", args=[token]))
    assert response.status_code == 302
    assert organisation.memberships.get(user=people["member"]).role == Membership.Role.MEMBER


@pytest.mark.parametrize("who", ["member", "contributor", "editor"])
def test_only_managers_invite(client, organisation, people, who, mailoutbox):
    client.force_login(people[who])
    assert invite(client, organisation, "x@example.org").status_code == 403
    assert not AuditEntry.objects.filter(action="organisation.member_invited").exists()


def test_an_invalid_invitation_form_is_shown_again(client, organisation, people):
    client.force_login(people["manager"])
    response = invite(client, organisation, "pas-une-adresse", role="roi")
    assert response.status_code == 400
    text = text_of(response)
    assert "Cette adresse électronique n'est pas valide." in text and "roi" in text


def change_url(organisation, membership):
    return reverse("network:organisation_member", args=[organisation.slug, membership.pk])


def remove_url(organisation, membership):
    return reverse("network:organisation_member_remove", args=[organisation.slug, membership.pk])


def test_a_manager_changes_roles(client, organisation, people):
    membership = organisation.memberships.get(user=people["member"])
    client.force_login(people["manager"])
    prefix = f"m{membership.pk}"
    response = client.post(change_url(organisation, membership), {f"{prefix}-role": "manager",
                                                                 f"{prefix}-title": "secrétaire"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MANAGER and membership.title == "secrétaire"
    entry = AuditEntry.objects.for_object(organisation).get(action="organisation.role_changed")
    assert entry.data["user"] == people["member"].pk and entry.data["previous"] == "member"
    # The new manager may now edit the organisation.
    client.force_login(people["member"])
    assert client.get(reverse("network:organisation_edit", args=[organisation.slug])).status_code == 200


def test_the_last_manager_cannot_be_demoted_or_leave(client, organisation, people):
    mine = organisation.memberships.get(user=people["manager"])
    client.force_login(people["manager"])
    prefix = f"m{mine.pk}"
    response = client.post(change_url(organisation, mine), {f"{prefix}-role": "member", f"{prefix}-title": ""})
    assert any("seul responsable" in m for m in messages_of(client, response))
    mine.refresh_from_db()
    assert mine.role == Membership.Role.MANAGER
    response = client.post(remove_url(organisation, mine))
    assert any("Vous êtes le seul responsable" in m for m in messages_of(client, response))
    assert organisation.memberships.filter(pk=mine.pk).exists()
    # A moderator cannot remove them either.
    client.force_login(people["moderator"])
    response = client.post(remove_url(organisation, mine))
    assert any("seul responsable" in m for m in messages_of(client, response))
    assert organisation.memberships.filter(pk=mine.pk).exists()
    # With a second manager, the first may leave.
    Membership.objects.filter(organisation=organisation, user=people["member"]).update(role="manager")
    client.force_login(people["manager"])
    response = client.post(remove_url(organisation, mine))
    assert response.status_code == 302 and not organisation.memberships.filter(pk=mine.pk).exists()


def test_a_manager_removes_a_member_and_a_member_may_leave(client, organisation, people):
    hidden = organisation.memberships.get(user=people["hidden_member"])
    client.force_login(people["manager"])
    assert client.post(remove_url(organisation, hidden)).status_code == 302
    assert not organisation.memberships.filter(pk=hidden.pk).exists()
    removed = AuditEntry.objects.for_object(organisation).get(action="organisation.member_removed")
    assert removed.data == {"user": people["hidden_member"].pk, "left": False}
    member = organisation.memberships.get(user=people["member"])
    client.force_login(people["member"])
    response = client.post(remove_url(organisation, member))
    assert response.status_code == 302 and response["Location"] == organisation.get_absolute_url()
    assert not organisation.memberships.filter(pk=member.pk).exists()
    assert AuditEntry.objects.for_object(organisation).filter(action="organisation.member_removed",
                                                              data__left=True).exists()


def test_members_cannot_change_others(client, organisation, people):
    manager = organisation.memberships.get(user=people["manager"])
    hidden = organisation.memberships.get(user=people["hidden_member"])
    client.force_login(people["member"])
    assert client.post(remove_url(organisation, hidden)).status_code == 403
    prefix = f"m{manager.pk}"
    assert client.post(change_url(organisation, manager), {f"{prefix}-role": "member"}).status_code == 403
    client.force_login(people["contributor"])
    assert client.post(remove_url(organisation, hidden)).status_code == 403
    assert organisation.memberships.count() == 3
    assert client.get(remove_url(organisation, hidden)).status_code == 405


def test_unknown_members_are_404(client, organisation, people):
    other = make_organisation("Autre", managers=[people["contributor"]])
    foreign = other.memberships.get()
    client.force_login(people["manager"])
    assert client.post(remove_url(organisation, foreign)).status_code == 404
    assert client.post(reverse("network:organisation_member_remove", args=[organisation.slug, 999999])
                       ).status_code == 404


def test_invitations_are_rate_limited(client, organisation, people, settings):
    settings.ANTISPAM_RATE_LIMITS = "contribution=2/h/user"
    client.force_login(people["manager"])
    assert invite(client, organisation, "a@example.org").status_code == 302
    assert invite(client, organisation, "b@example.org").status_code == 302
    assert invite(client, organisation, "c@example.org").status_code == 429
    assert AuditEntry.objects.filter(action="organisation.member_invited").count() == 2


# The admin ----------------------------------------------------------------------------------------------

def test_the_admin_lists_organisations_teams_and_ambassadors(client, organisation, people):
    fiche = InnovationFactory(communes=["Brest"])
    TeamMember.objects.create(innovation=fiche, organisation=organisation, kind="carrier")
    client.force_login(people["admin"])
    for model in ("organisation", "teammember", "ambassador"):
        response = client.get(reverse(f"admin:network_{model}_changelist"), {"q": "Repair"})
        assert response.status_code == 200, model
    assert "Repair Brest" in text_of(client.get(reverse("admin:network_organisation_changelist"), {"q": "Repair"}))
    page = client.get(reverse("admin:network_organisation_change", args=[organisation.pk]))
    assert page.status_code == 200 and "Loïc Membre" in text_of(page)
