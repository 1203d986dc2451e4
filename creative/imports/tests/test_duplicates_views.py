"""/doublons/: editors review pairs in their territories, merge them or dismiss them."""

import pytest
from django.test import Client
from django.urls import reverse

from creative.accounts.roles import Role
from creative.audit.models import AuditEntry
from creative.imports import duplicates
from creative.imports.models import DuplicateCandidate, Merge
from creative.innovations.models import Authorship, Innovation, Place
from creative.territories.models import Territory
from tests.factories import InnovationFactory, UserFactory, commune

BREST = (48.3904, -4.4861)
NORTH_150M = (48.3904 + 150 / 111_320, -4.4861)
RENNES = (48.1113, -1.6800)


def fiche(title, point, town="Brest"):
    innovation = InnovationFactory(title=title, contact_email="secret-contact@example.org")
    Place.objects.create(innovation=innovation, commune=commune(town), latitude=point[0], longitude=point[1])
    return innovation


def slug_of(name):
    return Territory.objects.get(level=Territory.Level.COMMUNE, name=name).slug


@pytest.fixture
def pair(territories):
    fiche("Repair café de Brest", BREST)
    second = fiche("Le Repair Café Brest", NORTH_150M)
    Authorship.objects.create(innovation=second, user=UserFactory(email="author-hidden@example.org"), is_creator=True)
    [candidate] = duplicates.find_for(second)
    return candidate


@pytest.fixture
def editor(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])


@pytest.fixture
def editor_elsewhere(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=[slug_of("Rennes")])


def logged(user):
    client = Client()
    client.force_login(user)
    return client


def test_editor_in_scope_sees_the_list_and_the_pair(pair, editor):
    client = logged(editor)
    listing = client.get(reverse("imports:duplicates"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Repair café de Brest" in body and reverse("imports:duplicate", args=[pair.pk]) in body
    detail = client.get(reverse("imports:duplicate", args=[pair.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Fusionner" in body and "Ce ne sont pas des doublons" in body
    assert "csrfmiddlewaretoken" in body
    # Never an email address.
    assert "@example.org" not in body and "@example.org" not in listing.content.decode()


def test_editor_elsewhere_sees_nothing(pair, editor_elsewhere):
    client = logged(editor_elsewhere)
    listing = client.get(reverse("imports:duplicates"))
    assert listing.status_code == 200
    assert "Repair" not in listing.content.decode()
    assert client.get(reverse("imports:duplicate", args=[pair.pk])).status_code == 404
    response = client.post(reverse("imports:duplicate", args=[pair.pk]), {"action": "dismiss"})
    assert response.status_code == 404
    pair.refresh_from_db()
    assert pair.status == DuplicateCandidate.Status.PENDING


def test_contributor_and_visitor_are_refused(pair, client):
    contributor = logged(UserFactory())
    assert contributor.get(reverse("imports:duplicates")).status_code == 403
    assert contributor.get(reverse("imports:duplicate", args=[pair.pk])).status_code == 403
    assert contributor.post(reverse("imports:duplicate", args=[pair.pk]), {"action": "dismiss"}).status_code == 403
    response = client.get(reverse("imports:duplicate", args=[pair.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith("?next=" + reverse("imports:duplicate", args=[pair.pk]))
    assert client.get(reverse("imports:duplicates")).status_code == 302


def test_merge_through_the_page(pair, editor):
    client = logged(editor)
    keep = pair.second_id
    url = reverse("imports:duplicate", args=[pair.pk])
    response = client.post(url, {"action": "merge", "keep": keep, "note": "ok"})
    kept = Innovation.objects.get(pk=keep)
    assert response.status_code == 302 and response["Location"] == kept.get_absolute_url()
    merge = Merge.objects.get()
    assert merge.kept_id == keep and merge.merged_id == pair.first_id and merge.merged_by == editor
    assert Innovation.objects.get(pk=pair.first_id).state == Innovation.State.ARCHIVED
    assert AuditEntry.objects.filter(action="imports.duplicate.merged", actor=editor).exists()
    # Once decided, the pair leaves the list and cannot be decided again.
    assert url not in client.get(reverse("imports:duplicates")).content.decode()
    again = client.post(reverse("imports:duplicate", args=[pair.pk]), {"action": "dismiss"})
    assert again.status_code == 302
    pair.refresh_from_db()
    assert pair.status == DuplicateCandidate.Status.MERGED


def test_dismiss_through_the_page(pair, editor):
    client = logged(editor)
    response = client.post(reverse("imports:duplicate", args=[pair.pk]), {"action": "dismiss"})
    assert response.status_code == 302 and response["Location"] == reverse("imports:duplicates")
    pair.refresh_from_db()
    assert pair.status == DuplicateCandidate.Status.DISMISSED and pair.decided_by == editor
    assert AuditEntry.objects.filter(action="imports.duplicate.dismissed", actor=editor).exists()
    assert duplicates.find_all() == []


def test_merge_needs_both_fiches_in_scope(territories):
    brest = fiche("Repair café", BREST)
    # 150 m from the Brest fiche, but filed under Rennes: outside a Brest editor's scope.
    far_commune = fiche("Repair café", NORTH_150M, town="Rennes")
    [candidate] = duplicates.find_for(far_commune)
    editor = UserFactory(roles=[Role.EDITOR], scopes=[slug_of("Brest")])
    client = logged(editor)
    detail = client.get(reverse("imports:duplicate", args=[candidate.pk]))
    assert detail.status_code == 200 and "il faut accompagner" in detail.content.decode()
    refused = client.post(reverse("imports:duplicate", args=[candidate.pk]), {"action": "merge", "keep": brest.pk})
    assert refused.status_code == 403
    assert not Merge.objects.exists()
    admin = logged(UserFactory(is_superuser=True))
    assert admin.post(
        reverse("imports:duplicate", args=[candidate.pk]), {"action": "merge", "keep": brest.pk},
    ).status_code == 302
    assert Merge.objects.get().kept == brest


@pytest.mark.parametrize("data", [{}, {"action": "merge"}, {"action": "merge", "keep": "999999"},
                                  {"action": "merge", "keep": "x"}, {"action": "nope"}])
def test_bad_posts_never_fail(pair, editor, data):
    response = logged(editor).post(reverse("imports:duplicate", args=[pair.pk]), data)
    assert response.status_code == 302
    assert not Merge.objects.exists()


def test_csrf_is_required(pair, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("imports:duplicate", args=[pair.pk]), {"action": "dismiss"})
    assert response.status_code == 403
    pair.refresh_from_db()
    assert pair.status == DuplicateCandidate.Status.PENDING


def test_unknown_pair_and_method(editor):
    client = logged(editor)
    assert client.get(reverse("imports:duplicate", args=[999999])).status_code == 404
    assert client.put(reverse("imports:duplicate", args=[999999])).status_code == 405
