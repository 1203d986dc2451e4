"""The original's people hear of a declaration; the declarer hears of the decision (through the real worker)."""

import pytest
from django.conf import settings
from django.urls import reverse

from creative.reuse.models import Reproduction
from tests.worker import run_tasks

worker_test = pytest.mark.django_db(transaction=True)


def delivered(mailoutbox):
    run_tasks()
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mailoutbox)
    return {m.to[0]: m for m in mailoutbox}


@worker_test
def test_declaring_tells_the_originals_authors_and_carriers(client, original, mine, declarer, mailoutbox):
    client.force_login(declarer)
    response = client.post(reverse("reuse:declare", args=[original.slug]), {
        "derived": mine.pk, "kind": "reproduction", "adapted": "Ouvert le dimanche.", "started_year": "2021"})
    assert response.status_code == 302
    link = Reproduction.objects.get()
    messages = delivered(mailoutbox)
    # Authors and carriers; not partners, not the declarer.
    assert set(messages) == {"autrice@example.org", "porteur@example.org"}
    message = messages["autrice@example.org"]
    decide_url = settings.SITE_URL + reverse("reuse:decide", args=[link.pk])
    assert "Repair café du Bellevue" in message.subject and "Repair café de Plouarzel" in message.subject
    html = message.alternatives[0][0]
    for text in ("Nolwenn Déclarante", "Ouvert le dimanche.", "2021", decide_url,
                 settings.SITE_URL + mine.get_absolute_url()):
        assert text in message.body
    assert f'href="{decide_url}"' in html
    assert "declarante@example.org" not in message.body and "declarante@example.org" not in html


@worker_test
def test_deciding_tells_the_declarer(client, link, original_author, mailoutbox):
    client.force_login(original_author)
    client.post(reverse("reuse:decide", args=[link.pk]), {"action": "confirm"})
    messages = delivered(mailoutbox)
    assert set(messages) == {"declarante@example.org"}
    message = messages["declarante@example.org"]
    assert "confirmé" in message.subject and "Maëlle Autrice a confirmé" in message.body
    mailoutbox.clear()
    client.post(reverse("reuse:decide", args=[link.pk]), {"action": "decline"})
    message = delivered(mailoutbox)["declarante@example.org"]
    assert "refusé" in message.subject and "ne s'affiche plus" in message.body


@worker_test
def test_a_carrier_of_both_fiches_gets_no_mail(client, original, original_author, mailoutbox):
    from .helpers import authored

    second = authored(original_author, title="Deuxième repair café")
    client.force_login(original_author)
    client.post(reverse("reuse:declare", args=[original.slug]), {"derived": second.pk, "kind": "inspiration"})
    assert Reproduction.objects.get().status == Reproduction.Status.CONFIRMED
    assert delivered(mailoutbox) == {}
