"""Fiche cards: « a besoin de : … » from the open calls, the number of reproductions, and a constant query count."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from creative.calls.models import CallForHelp
from creative.innovations.models import Innovation
from creative.reuse.models import Reproduction
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db
Kind = CallForHelp.Kind


def card_of(content, title):
    for card in re.findall(r'<article class="card">.*?</article>', content, re.S):
        if f">{title}</a>" in card:
            return card
    raise AssertionError(f"no card for {title}")


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_card_says_what_the_fiche_needs(client, territories):
    fiche = InnovationFactory(title="Repair café", communes=["Brest"])
    for kind, title in [(Kind.VOLUNTEERS, "Accueil"), (Kind.PREMISES, "Un local"), (Kind.VOLUNTEERS, "Caisse")]:
        CallForHelp.objects.create(innovation=fiche, kind=kind, title=title)
    CallForHelp.objects.create(innovation=fiche, kind=Kind.FUNDING, title="Pourvu", status="fulfilled")
    CallForHelp.objects.create(innovation=fiche, kind=Kind.SKILLS, title="Passé",
                               ends_on=timezone.localdate() - timedelta(days=1))
    quiet = InnovationFactory(title="Jardin", communes=["Brest"])
    content = client.get("/innovations/", {"tri": "recentes"}).content.decode()
    assert "a besoin de : bénévoles, local" in text(card_of(content, "Repair café"))
    assert "a besoin de" not in card_of(content, quiet.title)


def test_the_card_counts_reproductions_and_inspirations(client, territories):
    original = InnovationFactory(title="Repair café", communes=["Brest"])
    for n, (kind, status) in enumerate([("reproduction", "confirmed"), ("inspiration", "pending"),
                                        ("inspiration", "confirmed"), ("reproduction", "declined")]):
        Reproduction.objects.create(original=original, derived=InnovationFactory(title=f"Copie {n}"), kind=kind,
                                    status=status)
    Reproduction.objects.create(original=original, kind="reproduction",
                                derived=InnovationFactory(title="Brouillon", state=Innovation.State.DRAFT))
    content = client.get("/innovations/", {"tri": "recentes"}).content.decode()
    assert "reproduite 1 fois · a inspiré 2 initiatives" in text(card_of(content, "Repair café"))
    assert "reproduite" not in card_of(content, "Copie 0")


def make_cards(n, start=0):
    for i in range(start, start + n):
        fiche = InnovationFactory(title=f"Fiche {i}", communes=["Brest"], themes=["numerique"])
        CallForHelp.objects.create(innovation=fiche, kind=Kind.VOLUNTEERS, title="Bénévoles")
        CallForHelp.objects.create(innovation=fiche, kind=Kind.MATERIALS, title="Outils")
        Reproduction.objects.create(original=fiche, derived=InnovationFactory(title=f"Copie {i}", communes=["Brest"]))


@pytest.mark.parametrize("params", [{"tri": "recentes"}, {}, {"q": "fiche"}])
def test_a_page_of_cards_costs_the_same_queries_for_2_or_10_fiches(client, territories, params):
    make_cards(1)  # 2 cards: the fiche and its copy

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/innovations/", params)
        assert response.status_code == 200
        return len(queries), len(response.context["page"].object_list)

    few, cards = count()
    assert cards == 2 or params.get("q")
    make_cards(4, start=1)  # 10 cards
    many, cards = count()
    assert cards == 10 or params.get("q")
    assert many == few
