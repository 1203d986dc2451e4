"""Confirming, declining and withdrawing a link: who may, what changes, what is recorded; and shown()."""

import pytest
from django.urls import reverse

from creative.audit.models import AuditEntry
from creative.innovations.models import Innovation
from creative.reuse.models import Reproduction

pytestmark = pytest.mark.django_db
Status = Reproduction.Status

DECIDERS = ["original_author", "original_carrier", "editor", "administrator"]
STRANGERS = ["unverified", "contributor", "original_partner", "moderator", "editor_elsewhere"]


def decide_url(link):
    return reverse("reuse:decide", args=[link.pk])


def test_visitors_are_sent_to_login(client, link):
    response = client.get(decide_url(link))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    assert client.post(decide_url(link), {"action": "confirm"}).status_code == 302
    link.refresh_from_db()
    assert link.status == Status.PENDING


def test_unknown_link_is_404(client, contributor):
    client.force_login(contributor)
    assert client.get("/reproductions/99999/").status_code == 404


@pytest.mark.parametrize("persona", STRANGERS)
def test_strangers_neither_see_nor_decide(client, link, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(decide_url(link)).status_code == 403
    for action in ("confirm", "decline", "withdraw"):
        assert client.post(decide_url(link), {"action": action}).status_code == 403
    link.refresh_from_db()
    assert link.status == Status.PENDING


@pytest.mark.parametrize("persona", DECIDERS)
def test_the_originals_people_and_editors_confirm(client, link, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    page = client.get(decide_url(link)).content.decode()
    assert 'value="confirm"' in page and 'value="decline"' in page and 'value="withdraw"' not in page
    assert "Ouvert le dimanche." in page and "Plouarzel" in page
    response = client.post(decide_url(link), {"action": "confirm"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == Status.CONFIRMED and link.decided_by == user and link.decided_at is not None
    assert AuditEntry.objects.get(action="reuse.confirmed").actor == user


def test_declining_hides_the_link(client, link, original_carrier):
    client.force_login(original_carrier)
    client.post(decide_url(link), {"action": "decline"})
    link.refresh_from_db()
    assert link.status == Status.DECLINED and not Reproduction.objects.shown().exists()
    assert AuditEntry.objects.get(action="reuse.declined").actor == original_carrier
    # A later change of mind is possible.
    client.post(decide_url(link), {"action": "confirm"})
    link.refresh_from_db()
    assert link.status == Status.CONFIRMED


def test_the_declarer_withdraws_but_does_not_decide(client, link, declarer, original):
    client.force_login(declarer)
    page = client.get(decide_url(link)).content.decode()
    assert 'value="withdraw"' in page and 'value="confirm"' not in page
    assert client.post(decide_url(link), {"action": "confirm"}).status_code == 403
    link.refresh_from_db()
    assert link.status == Status.PENDING
    response = client.post(decide_url(link), {"action": "withdraw"})
    assert response.status_code == 302 and response["Location"] == link.derived.get_absolute_url()
    assert not Reproduction.objects.exists()
    entry = AuditEntry.objects.get(action="reuse.withdrawn")
    assert entry.actor == declarer and entry.data["original"] == original.pk


def test_the_originals_people_do_not_withdraw(client, link, original_author):
    client.force_login(original_author)
    assert client.post(decide_url(link), {"action": "withdraw"}).status_code == 403
    assert Reproduction.objects.exists()


def test_an_unknown_action_changes_nothing(client, link, original_author):
    client.force_login(original_author)
    response = client.post(decide_url(link), {"action": "explode"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == Status.PENDING and not AuditEntry.objects.exists()


def test_shown_hides_declined_links_and_unpublished_fiches(original, mine, declarer, territories):
    from .helpers import authored

    pending = Reproduction.objects.get_or_create(original=original, derived=mine, declared_by=declarer)[0]
    confirmed = Reproduction.objects.create(original=original, derived=authored(declarer), status=Status.CONFIRMED)
    Reproduction.objects.create(original=original, derived=authored(declarer), status=Status.DECLINED)
    Reproduction.objects.create(original=original, derived=authored(declarer, state=Innovation.State.DRAFT))
    hidden_original = authored(declarer, state=Innovation.State.HIDDEN)
    Reproduction.objects.create(original=hidden_original, derived=authored(declarer))
    assert set(Reproduction.objects.shown()) == {pending, confirmed}
