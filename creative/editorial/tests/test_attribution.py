"""The fiche page credits its authors and contributors, links to its editor and history, never shows an email."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.editorial import revisions
from creative.editorial.people import authors_and_contributors, credit_line, join_names
from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory, UserFactory, commune

pytestmark = pytest.mark.django_db


def edit(fiche, user, **changes):
    data = {**revisions.snapshot(fiche), **changes}
    return revisions.save_edit(fiche, user, data, base_number=fiche.revision_number)


@pytest.fixture
def people(territories):
    return {
        "creator": UserFactory(email="creatrice@example.org", profile__display_name="Claire Créatrice"),
        "coauthor": UserFactory(email="coauteur@example.org", profile__display_name="Bruno Coauteur"),
        "editor": UserFactory(email="editeur@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"],
                              profile__display_name="Éric Éditeur"),
        "proposer": UserFactory(email="proposeur@example.org", profile__display_name="Pierre Proposeur"),
        "declined": UserFactory(email="refuse@example.org", profile__display_name="Denis Refusé"),
        "trusted": UserFactory(email="confiance@example.org", roles=[Role.TRUSTED],
                               profile__display_name="Tina Confiance"),
        "unverified": UserFactory(email="nouveau@example.org", verified=False),
    }


@pytest.fixture
def fiche(people):
    """Written by its creator and a co-author, edited by an editor, then by a proposer whose edit was accepted."""
    fiche = revisions.create_innovation(people["creator"], {
        "title": "Cartes participatives",
        "pitch": "Le village dessiné par ses habitants.",
        "themes": ["citoyennete-participation"],
        "places": [{"commune": commune("Brest").code, "address": "", "latitude": None, "longitude": None}],
    })
    Authorship.objects.create(innovation=fiche, user=people["coauthor"])
    edit(fiche, people["coauthor"], description="Une balade, puis une carte.")
    Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.PUBLISHED, published_at=timezone.now())
    fiche.refresh_from_db()
    edit(fiche, people["editor"], description="Une balade, puis une grande carte.")
    accepted = edit(fiche, people["proposer"], pitch="Le village dessiné par celles et ceux qui y vivent.")
    revisions.approve_revision(accepted.revision, people["editor"])
    fiche.refresh_from_db()
    refused = edit(fiche, people["declined"], pitch="Spam")
    revisions.decline_revision(refused.revision, people["editor"], note="Non")
    fiche.refresh_from_db()
    return fiche


def names(persons):
    return [p.name for p in persons]


def test_authors_first_then_contributors_in_three_queries(fiche, django_assert_num_queries):
    with django_assert_num_queries(3):  # authorships, contributors, which of them have a public page
        authors, contributors = authors_and_contributors(fiche)
    assert names(authors) == ["Claire Créatrice", "Bruno Coauteur"]
    # The declined proposer never had an edit online: not a contributor.
    assert names(contributors) == ["Éric Éditeur", "Pierre Proposeur"]


def test_credit_line_wording():
    assert join_names([]) == "" and join_names(["Anne"]) == "Anne"
    assert join_names(["Anne", "Bruno", "Chloé"]) == "Anne, Bruno et Chloé"
    assert credit_line(["Anne", "Bruno"], []) == "Anne et Bruno"
    assert credit_line(["Anne", "Bruno"], ["Chloé", "David"]) == "Anne, Bruno et contributeurs (Chloé, David)"
    assert credit_line([], [], fallback="Association X") == "Association X"
    assert credit_line([], ["Chloé"], fallback="Association X") == "Association X et contributeurs (Chloé)"
    many = [f"P{n}" for n in range(13)]
    assert credit_line(["Anne"], many, limit=10).endswith("P9, 3 autres)")


def test_fiche_page_credits_authors_and_contributors_without_emails(client, fiche, people):
    response = client.get(fiche.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r"Écrite par</dt><dd[^>]*>Claire Créatrice, Bruno Coauteur</dd>", content)
    assert re.search(r"Avec les contributions de</dt><dd[^>]*>Éric Éditeur, Pierre Proposeur</dd>", content)
    assert "Denis Refusé" not in content
    for user in people.values():
        assert user.email not in content
    assert "@example.org" not in content


def test_attribution_names_the_authors_and_contributors(client, fiche):
    response = client.get(fiche.get_absolute_url())
    attribution = response.context["attribution"]
    assert attribution.startswith("« Cartes participatives », par Claire Créatrice, Bruno Coauteur et contributeurs "
                                  "(Éric Éditeur, Pierre Proposeur), sur ")
    assert "http://testserver/innovations/cartes-participatives/" in attribution
    assert "licence CC BY-SA 4.0 — https://creativecommons.org/licenses/by-sa/4.0/deed.fr" in attribution
    content = response.content.decode()
    assert "Claire Créatrice, Bruno Coauteur et contributeurs" in content  # in the textarea to copy
    data = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', content, re.S).group(1))
    assert [a["name"] for a in data["author"]] == ["Claire Créatrice", "Bruno Coauteur"]
    assert [c["name"] for c in data["contributor"]] == ["Éric Éditeur", "Pierre Proposeur"]


def test_unsigned_fiche_is_credited_to_its_carrier(client, territories):
    demo = InnovationFactory(title="Fiche de démonstration", carrier_name="Les Petits Débrouillards",
                             communes=["Brest"], themes=["numerique"])
    response = client.get(demo.get_absolute_url())
    assert response.context["attribution"].startswith("« Fiche de démonstration », par Les Petits Débrouillards, sur")
    assert "Écrite par" not in response.content.decode()
    nobody = InnovationFactory(title="Sans porteur", carrier_name="", communes=["Brest"])
    attribution = client.get(nobody.get_absolute_url()).context["attribution"]
    assert "par les contributeurs et contributrices de Brest Créative" in attribution


def edit_link(content, fiche):
    url = reverse("editorial:edit", args=[fiche.pk, "identite"])
    match = re.search(rf'<a class="button" href="{re.escape(url)}">([^<]+)</a>', content)
    return match.group(1) if match else None


@pytest.mark.parametrize(
    ("who", "label"),
    [
        (None, None),  # visitors
        ("unverified", None),  # not a contributor yet
        ("proposer", "Proposer une modification"),  # any contributor: a proposal on a published fiche
        ("creator", "Proposer une modification"),  # even its authors, unless trusted
        ("trusted", "Modifier"),
        ("editor", "Modifier"),
    ],
)
def test_edit_link_label_per_role_on_a_published_fiche(client, fiche, people, who, label):
    if who:
        client.force_login(people[who])
    content = client.get(fiche.get_absolute_url()).content.decode()
    assert edit_link(content, fiche) == label
    history = reverse("editorial:history", args=[fiche.slug])
    assert f'<a href="{history}">Historique</a>' in content
    assert "@example.org" not in content  # not even the signed-in person's own address


def test_authors_edit_their_draft_directly(client, people):
    draft = revisions.create_innovation(people["creator"], {"title": "Brouillon", "pitch": "En cours."})
    client.force_login(people["creator"])
    content = client.get(draft.get_absolute_url()).content.decode()
    assert edit_link(content, draft) == "Modifier"
    assert reverse("editorial:history", args=[draft.slug]) in content


def test_author_names_link_to_public_profiles_only(client, fiche, people):
    profile = people["creator"].profile
    profile.is_public = True
    profile.save()
    content = client.get(fiche.get_absolute_url()).content.decode()
    assert f'<a href="{profile.get_absolute_url()}">Claire Créatrice</a>' in content
    assert ">Bruno Coauteur</a>" not in content  # no public page: the name alone

    from creative.moderation.models import Visibility

    profile.visibility = Visibility.HIDDEN  # hidden by a moderator: no link any more
    profile.save()
    content = client.get(fiche.get_absolute_url()).content.decode()
    assert ">Claire Créatrice</a>" not in content
