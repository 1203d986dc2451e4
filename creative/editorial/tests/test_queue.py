"""The editors' queue: what waits for them in their territories, oldest first, filterable, paginated."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.editorial.models import Revision
from creative.editorial.views import review
from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db
State = Innovation.State
QUEUE = reverse("editorial:queue")


@pytest.fixture
def editor(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])


def waiting(title, commune, *, days_ago, state=State.SUBMITTED):
    fiche = InnovationFactory(title=title, state=state, communes=[commune], themes=["numerique"])
    fiche.submitted_at = timezone.now() - timedelta(days=days_ago)
    fiche.save()
    return fiche


def proposal(fiche, *, days_ago, author=None):
    return Revision.objects.create(
        innovation=fiche, number=fiche.revisions.count() + 2, author=author, state=Revision.State.PENDING,
        snapshot={}, created_at=timezone.now() - timedelta(days=days_ago), summary="Nouveaux horaires",
    )


def get_queue(client, user, **params):
    client.force_login(user)
    return client.get(QUEUE, params)


def positions(text, *titles):
    return [text.index(title) for title in titles]


def test_only_editors_and_administrators_use_the_queue(client, territories):
    assert client.get(QUEUE).status_code == 302
    assert get_queue(client, UserFactory()).status_code == 403
    assert get_queue(client, UserFactory(roles=[Role.TRUSTED])).status_code == 403
    assert get_queue(client, UserFactory(verified=False)).status_code == 403
    assert get_queue(client, UserFactory(roles=[Role.ADMINISTRATOR])).status_code == 200


def test_the_queue_lists_submitted_fiches_of_the_editors_territories_oldest_first(client, editor):
    waiting("Fiche récente", "Brest", days_ago=1)
    waiting("Fiche ancienne", "Landerneau", days_ago=10)
    waiting("Fiche moyenne", "Brest", days_ago=5)
    waiting("Fiche de Quimper", "Quimper", days_ago=20)
    InnovationFactory(title="Brouillon de Brest", state=State.DRAFT, communes=["Brest"])
    InnovationFactory(title="Publiée à Brest", state=State.PUBLISHED, communes=["Brest"])
    page = get_queue(client, editor).text
    a, b, c = positions(page, "Fiche ancienne", "Fiche moyenne", "Fiche récente")
    assert a < b < c
    for absent in ("Fiche de Quimper", "Brouillon de Brest", "Publiée à Brest"):
        assert absent not in page
    assert reverse("editorial:review", args=[Innovation.objects.get(title="Fiche ancienne").pk]) in page


def test_fiches_waiting_for_changes_are_a_second_list_with_counts(client, editor):
    waiting("À relire", "Brest", days_ago=3)
    waiting("À reprendre un", "Brest", days_ago=8, state=State.CHANGES_REQUESTED)
    waiting("À reprendre deux", "Brest", days_ago=2, state=State.CHANGES_REQUESTED)
    response = get_queue(client, editor)
    page = response.text
    assert response.context["submitted"].paginator.count == 1
    assert response.context["changes"].paginator.count == 2
    changes_section = page[page.index('id="modifications"'):page.index('id="propositions"')]
    assert "À relire" not in changes_section
    a, b = positions(changes_section, "À reprendre un", "À reprendre deux")
    assert a < b
    assert "Modifications demandées aux auteurs <span class=\"count\">(2)</span>" in page


def test_pending_proposals_of_the_territory_are_listed_oldest_first(client, editor):
    proposer = UserFactory(profile__display_name="Loïc Proposeur")
    brest = InnovationFactory(title="Fiche publiée à Brest", communes=["Brest"])
    quimper = InnovationFactory(title="Fiche publiée à Quimper", communes=["Quimper"])
    recent = proposal(brest, days_ago=1, author=proposer)
    old = proposal(brest, days_ago=6)
    proposal(quimper, days_ago=3)
    Revision.objects.create(innovation=brest, number=9, state=Revision.State.APPLIED, snapshot={})
    response = get_queue(client, editor)
    page = response.text
    assert response.context["proposals"].paginator.count == 2
    assert "Fiche publiée à Quimper" not in page
    old_url, recent_url = (reverse("editorial:proposal", args=[r.pk]) for r in (old, recent))
    assert page.index(old_url) < page.index(recent_url)
    assert "Loïc Proposeur" in page and proposer.email not in page


def test_the_queue_is_filtered_by_a_territory_in_scope(client, editor, territories):
    waiting("Fiche de Brest", "Brest", days_ago=1)
    waiting("Fiche de Landerneau", "Landerneau", days_ago=2)
    page = get_queue(client, editor, territoire="brest-metropole").text
    assert "Fiche de Brest" in page and "Fiche de Landerneau" not in page


def test_the_filter_offers_the_scope_and_its_epci_not_other_territories(client, editor):
    response = get_queue(client, editor)
    choices = dict(response.context["form"].fields["territoire"].choices)
    assert {"pays-de-brest", "brest-metropole", "ca-du-pays-de-landerneau-daoulas"} <= choices.keys()
    assert "ca-quimper-bretagne-occidentale" not in choices
    assert "brest" not in choices  # communes would make the list unusable
    assert '<label for="id_territoire">' in response.text


@pytest.mark.parametrize("value", ["ca-quimper-bretagne-occidentale", "nulle-part"])
def test_a_territory_outside_the_scope_is_ignored_with_a_notice(client, editor, value):
    waiting("Fiche de Brest", "Brest", days_ago=1)
    response = get_queue(client, editor, territoire=value)
    assert response.status_code == 200
    assert "n&#x27;est pas parmi les vôtres" in response.text
    assert "Fiche de Brest" in response.text


def test_administrators_see_every_territory(client, territories):
    waiting("Fiche de Brest", "Brest", days_ago=1)
    waiting("Fiche de Quimper", "Quimper", days_ago=2)
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    page = get_queue(client, admin).text
    assert "Fiche de Brest" in page and "Fiche de Quimper" in page
    filtered = get_queue(client, admin, territoire="ca-quimper-bretagne-occidentale").text
    assert "Fiche de Quimper" in filtered and "Fiche de Brest" not in filtered


def test_an_editor_without_territory_is_told_so(client, territories):
    waiting("Fiche de Brest", "Brest", days_ago=1)
    page = get_queue(client, UserFactory(roles=[Role.EDITOR])).text
    assert "Aucun territoire ne vous est encore confié" in page
    assert "Fiche de Brest" not in page


def test_each_list_is_paginated_on_its_own(client, editor, monkeypatch):
    monkeypatch.setattr(review, "QUEUE_PAGE_SIZE", 2)
    for days in (1, 2, 3):
        waiting(f"Soumise il y a {days} jours", "Brest", days_ago=days)
    first = get_queue(client, editor, territoire="pays-de-brest")
    assert "Soumise il y a 3 jours" in first.text and "Soumise il y a 1 jours" not in first.text
    assert "Page 1 sur 2" in first.text
    assert "?territoire=pays-de-brest&amp;page=2#soumises" in first.text
    second = get_queue(client, editor, territoire="pays-de-brest", page="2")
    assert "Soumise il y a 1 jours" in second.text and "Soumise il y a 3 jours" not in second.text
    assert get_queue(client, editor, page="n'importe quoi").status_code == 200


def test_authors_are_shown_by_name(client, editor):
    fiche = waiting("Fiche signée", "Brest", days_ago=1)
    author = UserFactory(profile__display_name="Gwen Autrice")
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    page = get_queue(client, editor).text
    assert "Gwen Autrice" in page and author.email not in page


def test_the_queue_reads_in_the_same_number_of_queries_for_one_fiche_or_many(client, editor):
    client.force_login(editor)
    counts = []
    for n in (1, 6):
        for days in range(n):
            fiche = waiting(f"Fiche {n}-{days}", "Brest", days_ago=days)
            Authorship.objects.create(innovation=fiche, user=UserFactory(), is_creator=True)
            proposal(fiche, days_ago=days, author=UserFactory())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
