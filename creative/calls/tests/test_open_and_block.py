"""Which calls are open, and the « Cette initiative a besoin de… » block of the fiche page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.calls.models import CallForHelp
from creative.innovations.models import Innovation
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db
Kind, Status = CallForHelp.Kind, CallForHelp.Status


def call(fiche, title, **fields):
    return CallForHelp.objects.create(innovation=fiche, title=title, kind=fields.pop("kind", Kind.VOLUNTEERS),
                                      **fields)


def test_open_excludes_expired_fulfilled_closed_and_unpublished(fiche, territories):
    today = timezone.localdate()
    draft = InnovationFactory(state=Innovation.State.DRAFT, communes=["Brest"])
    archived = InnovationFactory(state=Innovation.State.ARCHIVED, communes=["Brest"])
    call(fiche, "Sans date")
    call(fiche, "Jusqu'à aujourd'hui", ends_on=today)
    call(fiche, "Plus tard", ends_on=today + timedelta(days=10))
    call(fiche, "Expiré", ends_on=today - timedelta(days=1))
    call(fiche, "Pourvu", status=Status.FULFILLED)
    call(fiche, "Clos", status=Status.CLOSED)
    call(draft, "Sur un brouillon")
    call(archived, "Sur une fiche archivée")
    assert sorted(CallForHelp.objects.open().values_list("title", flat=True)) == [
        "Jusqu'à aujourd'hui", "Plus tard", "Sans date"]


def test_the_fiche_shows_its_open_calls(client, fiche):
    ends = timezone.localdate() + timedelta(days=20)
    call(fiche, "Deux bénévoles le samedi", description="Pour **accueillir** le public.", ends_on=ends)
    call(fiche, "Un local", kind=Kind.PREMISES)
    call(fiche, "Déjà trouvé", status=Status.FULFILLED)
    content = client.get(fiche.get_absolute_url()).content.decode()
    block = content.split('class="fiche-calls"', 1)[1].split("</section>", 1)[0]
    assert "Cette initiative a besoin de…" in block
    assert "Bénévoles" in block and "Deux bénévoles le samedi" in block and "Local" in block
    assert "<strong>accueillir</strong>" in block
    assert f"jusqu'au {ends.day} " in block
    assert "Déjà trouvé" not in block
    assert reverse("calls:manage", args=[fiche.pk]) not in content  # visitors do not manage
    assert reverse("calls:list") in block


def test_the_block_is_empty_for_visitors_without_open_calls(client, fiche, contributor):
    call(fiche, "Clos", status=Status.CLOSED)
    assert 'class="fiche-calls"' not in client.get(fiche.get_absolute_url()).content.decode()
    client.force_login(contributor)
    assert 'class="fiche-calls"' not in client.get(fiche.get_absolute_url()).content.decode()


@pytest.mark.parametrize("persona", ["author", "carrier", "editor"])
def test_people_who_manage_see_the_link_even_without_calls(client, fiche, persona, request):
    client.force_login(request.getfixturevalue(persona))
    content = client.get(fiche.get_absolute_url()).content.decode()
    assert 'class="fiche-calls"' in content and reverse("calls:manage", args=[fiche.pk]) in content


def test_a_draft_shows_no_call_but_its_authors_get_the_link(client, fiche, author):
    fiche.state = Innovation.State.DRAFT
    fiche.save()
    call(fiche, "Pas encore visible")
    client.force_login(author)
    content = client.get(fiche.get_absolute_url()).content.decode()
    assert "Pas encore visible" not in content
    assert reverse("calls:manage", args=[fiche.pk]) in content
