"""Blocking an account: it can no longer post, what it has waiting is removed; unblocking gives its rights back."""

import pytest
from django.urls import reverse

from creative.accounts import permissions
from creative.accounts.models import User
from creative.accounts.roles import Role
from creative.comments.models import Comment
from creative.moderation import services
from creative.moderation.models import AccountBlock, ModerationItem, Visibility
from tests.factories import UserFactory

from .helpers import log_of, page_text, post_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def spammer(territories):
    return UserFactory(profile__display_name="Vendeur de Coffres")


@pytest.fixture
def spam(fiche, spammer):
    comment = Comment.objects.create(content_object=fiche, author=spammer, body="Coffre-fort et armoire forte…")
    services.hold(comment, cause=ModerationItem.Cause.SPAM, score=7.5,
                  reasons=[("words", "Vocabulaire de publicité", 4.0), ("new-account", "Compte récent", 3.5)])
    return comment


def fresh(user):
    return User.objects.get(pk=user.pk)


def block(client, item, reason):
    return client.post(reverse("moderation:block_author", args=[item.pk]), {"bloquer-reason": reason})


def test_blocking_the_author_removes_its_rights_and_its_held_content(moderator_client, moderator, spammer, spam):
    assert permissions.can_contribute(fresh(spammer))
    item = ModerationItem.objects.get()
    response = block(moderator_client, item, "Publicité pour des coffres-forts.")
    assert response.status_code == 302 and response["Location"] == reverse("moderation:queue")
    assert "Le compte de Vendeur de Coffres est bloqué" in page_text(moderator_client.get(response["Location"]))

    assert not permissions.can_contribute(fresh(spammer))
    assert services.is_blocked(fresh(spammer))
    block_row = AccountBlock.objects.get()
    assert (block_row.user, block_row.blocked_by, block_row.reason) == (
        spammer, moderator, "Publicité pour des coffres-forts.")
    spam.refresh_from_db()
    item.refresh_from_db()
    assert spam.visibility == Visibility.REMOVED
    assert (item.status, item.decision) == (ModerationItem.Status.CLOSED, ModerationItem.Decision.DELETED)
    assert ("account.blocked", moderator) in log_of(spammer)
    assert ("moderation.deleted", moderator) in log_of(spam)


def test_blocking_keeps_the_authors_visible_content(moderator_client, client, spammer, fiche):
    visible = Comment.objects.create(content_object=fiche, author=spammer, body="Un avis publié.")
    post_report(client, visible)
    block(moderator_client, ModerationItem.objects.get(), "Harcèlement répété.")
    visible.refresh_from_db()
    assert visible.visibility == Visibility.VISIBLE  # decided one by one: hide it if it must go


def test_a_block_needs_a_reason(moderator_client, spammer, spam):
    response = block(moderator_client, ModerationItem.objects.get(), "   ")
    assert response.status_code == 400
    assert "Indiquez le motif du blocage : il est gardé au journal." in page_text(response)
    assert not AccountBlock.objects.exists()


def test_the_item_page_says_the_author_is_blocked_and_offers_to_unblock(moderator_client, spammer, spam, fiche):
    other = Comment.objects.create(content_object=fiche, author=spammer, body="Encore un coffre-fort.")
    services.hold(other, cause=ModerationItem.Cause.SPAM)
    first = ModerationItem.objects.for_object(spam).get()
    block(moderator_client, first, "Publicité.")
    page = moderator_client.get(reverse("moderation:item", args=[first.pk]))
    text = page_text(page)
    assert "compte bloqué" in text and "Ce compte est bloqué depuis le" in text and "Publicité." in text
    assert reverse("moderation:unblock_author", args=[first.pk]) in page.content.decode()
    assert reverse("moderation:block_author", args=[first.pk]) not in page.content.decode()


def test_blocking_twice_is_refused(moderator_client, moderator, spammer, spam):
    services.block(spammer, moderator, "Publicité.")
    response = block(moderator_client, ModerationItem.objects.get(), "Encore.")
    assert response.status_code == 409
    assert "Ce compte est déjà bloqué." in page_text(response)
    assert AccountBlock.objects.count() == 1


def test_a_moderator_cannot_block_itself(client, moderator, fiche):
    comment = Comment.objects.create(content_object=fiche, author=moderator, body="Mon avis.")
    post_report(client, comment)
    client.force_login(moderator)
    response = block(client, ModerationItem.objects.get(), "Pour voir.")
    assert response.status_code == 409
    assert "Vous ne pouvez pas bloquer votre propre compte." in page_text(response)


def test_only_an_administrator_blocks_an_administrator(client, moderator, administrator, fiche):
    comment = Comment.objects.create(content_object=fiche, author=administrator, body="Un avis.")
    post_report(client, comment)
    item = ModerationItem.objects.get()
    client.force_login(moderator)
    refused = block(client, item, "Abus.")
    assert refused.status_code == 409
    assert "Seul un administrateur peut bloquer le compte d'un administrateur." in page_text(refused)
    other_admin = UserFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(other_admin)
    assert block(client, item, "Abus.").status_code == 302
    assert not permissions.is_administrator(fresh(administrator))  # a blocked account is only a visitor


def test_content_whose_author_is_gone_cannot_be_blocked(moderator_client, client, comment):
    post_report(client, comment)
    comment.author.delete()
    response = block(moderator_client, ModerationItem.objects.get(), "Abus.")
    assert response.status_code == 409
    assert "n'est pas connu" in page_text(response)


def test_unblocking_from_the_item_page_gives_the_rights_back(moderator_client, moderator, spammer, spam):
    item = ModerationItem.objects.get()
    services.block(spammer, moderator, "Publicité.")
    response = moderator_client.post(reverse("moderation:unblock_author", args=[item.pk]),
                                      {"debloquer-note": "Erreur de ma part."})
    assert response.status_code == 302
    assert permissions.can_contribute(fresh(spammer))
    block_row = AccountBlock.objects.get()
    assert block_row.lifted_by == moderator and block_row.lifted_at is not None
    assert log_of(spammer)[-1] == ("account.unblocked", moderator)


def test_unblocking_an_account_that_is_not_blocked_is_refused(moderator_client, spam):
    response = moderator_client.post(reverse("moderation:unblock_author", args=[ModerationItem.objects.get().pk]))
    assert response.status_code == 409
    assert "Ce compte n'est pas bloqué." in page_text(response)


def test_the_blocked_accounts_page_lists_blocks_and_unblocks(moderator_client, moderator, spammer, territories):
    former = UserFactory(profile__display_name="Ancien Bloqué")
    services.block(former, moderator, "Une erreur.")
    services.unblock(former, moderator)
    services.block(spammer, moderator, "Publicité pour des coffres-forts.")

    page = moderator_client.get(reverse("moderation:blocked"))
    assert page.status_code == 200
    text = page_text(page)
    assert "Bloqués en ce moment (1)" in text and "Vendeur de Coffres" in text
    assert "Publicité pour des coffres-forts." in text
    assert "Blocages levés (1)" in text and "Ancien Bloqué" in text and "Une erreur." in text
    assert f'?personne={spammer.pk}"' in page.content.decode()

    response = moderator_client.post(reverse("moderation:unblock", args=[spammer.pk]), {"note": "Excuses reçues."})
    assert response.status_code == 302 and response["Location"] == reverse("moderation:blocked")
    after = page_text(moderator_client.get(response["Location"]))
    assert "Le compte de Vendeur de Coffres est débloqué" in after
    assert "Aucun compte n'est bloqué." in after and "Blocages levés (2)" in after
    assert permissions.can_contribute(fresh(spammer))


def test_unblocking_from_the_list_twice_says_so(moderator_client, spammer):
    response = moderator_client.post(reverse("moderation:unblock", args=[spammer.pk]))
    assert response.status_code == 302
    assert "Ce compte n'est pas bloqué." in page_text(moderator_client.get(response["Location"]))


def test_unblocking_an_unknown_account_is_a_404(moderator_client):
    assert moderator_client.post(reverse("moderation:unblock", args=[99999])).status_code == 404
    assert moderator_client.post("/moderation/comptes-bloques/" + "9" * 30 + "/debloquer/").status_code == 404
