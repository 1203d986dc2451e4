"""A fiche's team: who manages it, adding people (by their public profile) and organisations,
removing them or leaving, the email to a person added, the audit log, and "L'équipe" on the fiche.

Personas: a visitor, an unverified account, a contributor, the fiche's author, a carrier and a
partner of its team, an editor of the pays de Brest and one of Quimper, a moderator, an administrator.
"""

import io
import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from creative.accounts.roles import Role
from creative.audit.models import AuditEntry
from creative.innovations.models import Authorship, CarrierKind, Innovation
from creative.moderation.models import Visibility
from creative.network.models import Organisation, TeamMember
from tests.factories import InnovationFactory, UserFactory
from tests.worker import run_tasks

pytestmark = pytest.mark.django_db

PRIVATE = "nolwenn.porteuse-privee@exemple-confidentiel.fr"


@pytest.fixture(autouse=True)
def _quiet_antispam(settings, tmp_path):
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(territories):
    return {
        "unverified": UserFactory(verified=False),
        "contributor": UserFactory(profile__display_name="Paul Contributeur"),
        "author": UserFactory(profile__display_name="Maëlle Autrice"),
        "carrier": UserFactory(email=PRIVATE, profile__display_name="Nolwenn Porteuse", profile__is_public=True),
        "partner": UserFactory(profile__display_name="Erwan Partenaire", profile__is_public=True),
        "public": UserFactory(email="soizic@example.org", profile__display_name="Soizic Publique",
                              profile__is_public=True),
        "private": UserFactory(profile__display_name="Goulven Discret"),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }


@pytest.fixture
def fiche(people):
    fiche = InnovationFactory(title="Repair café du Bellevue", communes=["Brest"], themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=people["author"], is_creator=True)
    TeamMember.objects.create(innovation=fiche, user=people["carrier"], kind="carrier", role="coordinatrice")
    TeamMember.objects.create(innovation=fiche, user=people["partner"], kind="partner", role="bénévole")
    return fiche


@pytest.fixture
def association(territories):
    return Organisation.objects.create(name="Ti ar Vro", kind=CarrierKind.objects.get(slug="association"))


def team_url(fiche):
    return reverse("network:team", args=[fiche.pk])


def remove_url(fiche, member):
    return reverse("network:team_remove", args=[fiche.pk, member.pk])


def text_of(response):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def messages_of(client, response):
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


def add_person(client, fiche, person, kind="carrier", role=""):
    return client.post(team_url(fiche), {"action": "add-person", "personne-person": person,
                                         "personne-kind": kind, "personne-role": role})


def add_organisation(client, fiche, organisation, kind="partner", role=""):
    return client.post(team_url(fiche), {"action": "add-organisation", "organisation-organisation": organisation,
                                         "organisation-kind": kind, "organisation-role": role})


# Who manages the team -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [
    ("unverified", 403), ("contributor", 403), ("partner", 403), ("editor_elsewhere", 403), ("moderator", 403),
    ("author", 200), ("carrier", 200), ("editor", 200), ("admin", 200),
])
def test_who_manages_the_team(client, fiche, people, who, status):
    client.force_login(people[who])
    assert client.get(team_url(fiche)).status_code == status
    response = add_person(client, fiche, people["public"].profile.slug)
    added = fiche.team.filter(user=people["public"]).exists()
    if status == 200:
        assert response.status_code == 302 and added
    else:
        assert response.status_code == 403 and not added


def test_a_visitor_is_sent_to_sign_in(client, fiche):
    response = client.get(team_url(fiche))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_unknown_fiche_or_member_is_404(client, fiche, people):
    client.force_login(people["admin"])
    assert client.get(reverse("network:team", args=[999999])).status_code == 404
    assert client.post(reverse("network:team_remove", args=[fiche.pk, 999999])).status_code == 404
    other = InnovationFactory(communes=["Brest"])
    foreign = TeamMember.objects.create(innovation=other, user=people["public"])
    assert client.post(remove_url(fiche, foreign)).status_code == 404


def test_the_team_page_works_without_javascript(client, fiche, people):
    client.force_login(people["author"])
    response = client.get(team_url(fiche))
    html = response.content.decode()
    for field in ("personne-person", "personne-kind", "personne-role", "organisation-organisation",
                  "organisation-kind", "organisation-role"):
        assert f'<label for="id_{field}"' in html, field
    assert '<label for="team-q"' in html
    assert "<script" not in html.split("<main", 1)[1]
    text = text_of(response)
    assert "Nolwenn Porteuse" in text and "coordinatrice" in text and PRIVATE not in html


def test_the_editor_links_to_the_team_page(client, people):
    draft = InnovationFactory(state=Innovation.State.DRAFT, communes=["Brest"], themes=["numerique"])
    Authorship.objects.create(innovation=draft, user=people["author"], is_creator=True)
    client.force_login(people["author"])
    html = client.get(reverse("editorial:edit", args=[draft.pk, "identite"])).content.decode()
    assert f'href="{team_url(draft)}"' in html


# Adding people ---------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_adding_a_person_by_their_page_address_tells_them(client, territories, mailoutbox):
    author = UserFactory(profile__display_name="Maëlle Autrice")
    soizic = UserFactory(email="soizic@example.org", profile__display_name="Soizic Publique",
                         profile__is_public=True)
    fiche = InnovationFactory(title="Repair café du Bellevue", communes=["Brest"], themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    client.force_login(author)
    address = "https://brest-creative.example" + soizic.profile.get_absolute_url()
    response = add_person(client, fiche, address, kind="carrier", role="animatrice")
    assert response.status_code == 302 and response["Location"] == team_url(fiche)
    member = fiche.team.get(user=soizic)
    assert member.kind == TeamMember.Kind.CARRIER and member.role == "animatrice" and member.added_by == author
    entry = AuditEntry.objects.for_object(fiche).get(action="team.added")
    assert entry.actor == author and entry.data["user"] == soizic.pk and entry.data["kind"] == "carrier"
    run_tasks()
    [message] = mailoutbox
    assert message.to == ["soizic@example.org"]
    assert "Repair café du Bellevue" in message.subject
    assert "Maëlle Autrice" in message.body and "animatrice" in message.body
    assert reverse("editorial:edit", args=[fiche.pk, "identite"]) in message.body  # a carrier edits
    assert team_url(fiche) in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Maëlle Autrice" in html


@pytest.mark.django_db(transaction=True)
def test_adding_oneself_sends_no_mail(client, territories, mailoutbox):
    author = UserFactory(profile__display_name="Maëlle Autrice", profile__is_public=True)
    fiche = InnovationFactory(communes=["Brest"])
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    client.force_login(author)
    assert add_person(client, fiche, author.profile.slug, kind="partner").status_code == 302
    run_tasks()
    assert fiche.team.filter(user=author).exists() and mailoutbox == []


def test_only_public_profiles_can_be_added(client, fiche, people):
    client.force_login(people["author"])
    for value in (people["private"].profile.slug, "personne-inconnue", ""):
        response = add_person(client, fiche, value)
        assert response.status_code == 400
    assert "Aucun profil public ne correspond" in text_of(add_person(client, fiche, people["private"].profile.slug))
    assert not fiche.team.filter(user=people["private"]).exists()
    assert not AuditEntry.objects.filter(action="team.added").exists()


def test_a_person_is_in_the_team_once(client, fiche, people):
    client.force_login(people["author"])
    response = add_person(client, fiche, people["carrier"].profile.slug, kind="partner")
    assert response.status_code == 400 and "fait déjà partie de l'équipe" in text_of(response)
    assert fiche.team.get(user=people["carrier"]).kind == TeamMember.Kind.CARRIER


def test_an_unknown_kind_or_action_is_refused(client, fiche, people):
    client.force_login(people["author"])
    assert add_person(client, fiche, people["public"].profile.slug, kind="chef").status_code == 400
    response = client.post(team_url(fiche), {"action": "tout-casser"})
    assert response.status_code == 302
    assert any("n'existe pas" in m for m in messages_of(client, response))
    assert fiche.team.count() == 2


# Adding organisations -----------------------------------------------------------------------------------

def test_adding_a_public_organisation(client, fiche, people, association):
    client.force_login(people["editor"])
    response = add_organisation(client, fiche, association.get_absolute_url(), kind="carrier", role="porte le projet")
    assert response.status_code == 302
    member = fiche.team.get(organisation=association)
    assert member.kind == TeamMember.Kind.CARRIER and member.role == "porte le projet"
    entry = AuditEntry.objects.for_object(fiche).get(action="team.added")
    assert entry.data["organisation"] == association.pk
    assert add_organisation(client, fiche, association.slug).status_code == 400  # already there


@pytest.mark.parametrize("visibility", [Visibility.HELD, Visibility.HIDDEN])
def test_an_organisation_that_is_not_public_cannot_be_added(client, fiche, people, association, visibility):
    Organisation.objects.filter(pk=association.pk).update(visibility=visibility)
    client.force_login(people["author"])
    response = add_organisation(client, fiche, association.slug)
    assert response.status_code == 400 and "Aucune organisation de l'annuaire" in text_of(response)
    assert not fiche.team.filter(organisation=association).exists()


def test_the_name_search_finds_public_profiles_and_organisations(client, fiche, people, association):
    Organisation.objects.create(name="Ti Retenu", visibility=Visibility.HELD)
    client.force_login(people["author"])
    text = text_of(client.get(team_url(fiche), {"q": "so"}))
    assert "Soizic Publique" in text
    html = client.get(team_url(fiche), {"q": "Goulven"}).content.decode()
    assert "Goulven Discret" not in html.split("<main", 1)[1]  # no public profile: not proposed
    response = client.get(team_url(fiche), {"q": "ti "})
    text = text_of(response)
    assert "Ti ar Vro" in text and "Ti Retenu" not in text
    assert f'href="?organisation={association.slug}#ajouter-organisation"' in response.content.decode()
    assert "au moins deux lettres" in text_of(client.get(team_url(fiche), {"q": "s"}))
    # "Choisir" fills in the form.
    page = client.get(team_url(fiche), {"personne": people["public"].profile.slug}).content.decode()
    assert f'value="{people["public"].profile.slug}"' in page


# Removing ---------------------------------------------------------------------------------------------------

def test_the_author_removes_a_member(client, fiche, people):
    member = fiche.team.get(user=people["partner"])
    client.force_login(people["author"])
    response = client.post(remove_url(fiche, member))
    assert response.status_code == 302 and not fiche.team.filter(pk=member.pk).exists()
    entry = AuditEntry.objects.for_object(fiche).get(action="team.removed")
    assert entry.actor == people["author"] and entry.data["user"] == people["partner"].pk


def test_a_person_may_leave_the_team(client, fiche, people):
    member = fiche.team.get(user=people["partner"])
    client.force_login(people["partner"])
    response = client.post(remove_url(fiche, member))
    assert response.status_code == 302 and response["Location"] == fiche.get_absolute_url()
    assert not fiche.team.filter(pk=member.pk).exists()


@pytest.mark.parametrize("who", ["partner", "contributor", "editor_elsewhere", "unverified"])
def test_others_cannot_remove_anybody(client, fiche, people, who):
    member = fiche.team.get(user=people["carrier"])
    client.force_login(people[who])
    assert client.post(remove_url(fiche, member)).status_code == 403
    assert fiche.team.filter(pk=member.pk).exists()
    assert client.get(remove_url(fiche, member)).status_code == 405


def test_an_organisation_is_removed_too(client, fiche, people, association):
    member = TeamMember.objects.create(innovation=fiche, organisation=association, kind="partner")
    client.force_login(people["carrier"])
    assert client.post(remove_url(fiche, member)).status_code == 302
    entry = AuditEntry.objects.for_object(fiche).get(action="team.removed")
    assert entry.data["organisation"] == association.pk


# On the fiche page ------------------------------------------------------------------------------------------

def team_section(response):
    html = response.content.decode()
    match = re.search(r'<section class="fiche-team".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_the_fiche_shows_its_team(client, fiche, people, association):
    hidden_profile = UserFactory(profile__display_name="Anna Sans Profil")
    TeamMember.objects.create(innovation=fiche, user=hidden_profile, kind="partner", role="graphiste")
    TeamMember.objects.create(innovation=fiche, organisation=association, kind="carrier", role="structure porteuse")
    held = Organisation.objects.create(name="Ti Retenu", visibility=Visibility.HELD)
    TeamMember.objects.create(innovation=fiche, organisation=held, kind="partner")
    response = client.get(fiche.get_absolute_url())
    section = team_section(response)
    assert "L'équipe" in unescape(section)
    carriers, partners = unescape(section).split("Partenaires")
    assert "Nolwenn Porteuse" in carriers and "coordinatrice" in carriers and "Ti ar Vro" in carriers
    assert "Erwan Partenaire" in partners and "bénévole" in partners and "graphiste" in partners
    assert f'<a href="{people["carrier"].profile.get_absolute_url()}">Nolwenn Porteuse</a>' in section
    assert f'<a href="{association.get_absolute_url()}">Ti ar Vro</a>' in section
    assert "Anna Sans Profil" in section and "<a" not in section.split("Anna Sans Profil")[0].rsplit("<li", 1)[1]
    assert "Ti Retenu" not in section
    html = response.content.decode()
    assert PRIVATE not in html and PRIVATE.split("@")[0] not in html
    assert reverse("network:team", args=[fiche.pk]) not in section  # a visitor does not manage it


def test_the_team_shows_organisation_logos_and_the_manage_link(client, fiche, people, association):
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (11, 92, 122)).save(out, format="WEBP")
    association.logo.save("logo.webp", ContentFile(out.getvalue()))
    TeamMember.objects.create(innovation=fiche, organisation=association, kind="carrier")
    client.force_login(people["author"])
    section = team_section(client.get(fiche.get_absolute_url()))
    assert f'<img class="team-logo" src="{association.logo.url}"' in section
    assert f'href="{team_url(fiche)}"' in section


def test_no_team_section_without_a_team_or_before_publication(client, fiche, people):
    bare = InnovationFactory(communes=["Brest"])
    assert team_section(client.get(bare.get_absolute_url())) == ""
    Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.DRAFT)
    client.force_login(people["author"])
    response = client.get(fiche.get_absolute_url())
    assert response.status_code == 200 and team_section(response) == ""


def test_the_fiche_page_queries_do_not_grow_with_the_team(client, fiche, people, django_assert_max_num_queries):
    client.get(fiche.get_absolute_url())
    for n in range(15):
        person = UserFactory(profile__display_name=f"Bénévole {n}", profile__is_public=bool(n % 2))
        TeamMember.objects.create(innovation=fiche, user=person, kind="partner")
        organisation = Organisation.objects.create(name=f"Asso {n}")
        TeamMember.objects.create(innovation=fiche, organisation=organisation, kind="partner")
    with CaptureQueriesContext(connection) as small:
        client.get(InnovationFactory(communes=["Brest"]).get_absolute_url())
    with django_assert_max_num_queries(len(small.captured_queries) + 6):
        response = client.get(fiche.get_absolute_url())
    assert "Bénévole 14" in team_section(response)
