"""Editing one's comment within COMMENTS_EDIT_MINUTES, and deleting it (softly)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.audit.models import AuditEntry
from creative.comments.models import Comment
from creative.moderation.models import AccountBlock, ModerationItem, Visibility

from .helpers import make_comment, page_text, section

pytestmark = pytest.mark.django_db

SPAM_2013 = (Path(__file__).parent / "data" / "spam-2013.txt").read_text(encoding="utf-8").strip()


def edit_url(comment):
    return reverse("comments:edit", args=[comment.pk])


def delete_url(comment):
    return reverse("comments:delete", args=[comment.pk])


def send_edit(client, user, comment, body):
    client.force_login(user)
    return client.post(edit_url(comment), {"body": body, "homepage": "", "opened_at": ""})


# Editing -------------------------------------------------------------------------------------------

def test_author_edits_within_the_window(client, fiche, reader):
    comment = make_comment(fiche, reader, "Premier jet.")
    client.force_login(reader)
    page = client.get(edit_url(comment))
    assert page.status_code == 200 and "Premier jet." in page.content.decode()
    response = send_edit(client, reader, comment, "Version **corrigée**.")
    assert response.status_code == 302 and response["Location"].endswith(f"#commentaire-{comment.pk}")
    comment.refresh_from_db()
    assert comment.body == "Version **corrigée**." and comment.edited_at is not None
    assert comment.visibility == Visibility.VISIBLE
    entry = AuditEntry.objects.get(action="comment.edited")
    assert entry.actor == reader and entry.target_id == str(comment.pk)
    html = section(client.get(fiche.get_absolute_url()))
    assert "<strong>corrigée</strong>" in html and "modifié le" in html


def test_only_the_author_edits(client, fiche, reader, author, moderator):
    comment = make_comment(fiche, reader, "Mon texte.")
    for other in (author, moderator):
        client.force_login(other)
        assert client.get(edit_url(comment)).status_code == 403
        response = send_edit(client, other, comment, "Réécrit par un autre.")
        assert response.status_code == 403
        assert "Seule la personne qui a écrit un commentaire peut le modifier." in page_text(response)
    comment.refresh_from_db()
    assert comment.body == "Mon texte."


def test_visitor_is_sent_to_log_in(client, fiche, reader):
    comment = make_comment(fiche, reader, "Mon texte.")
    response = client.post(edit_url(comment), {"body": "Anonyme."})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_edit_window_closes(client, fiche, reader, settings):
    settings.COMMENTS_EDIT_MINUTES = 15
    comment = make_comment(fiche, reader, "Ancien texte.", created_at=timezone.now() - timedelta(minutes=16))
    client.force_login(reader)
    page = client.get(edit_url(comment))
    assert page.status_code == 403
    assert "pendant 15 minutes après son envoi ; ce délai est passé" in page_text(page)
    # Sent after the minutes ran out (the page was opened in time): refused, the new text kept.
    response = send_edit(client, reader, comment, "Texte révisé trop tard.")
    assert response.status_code == 409
    assert "ce délai est passé" in page_text(response) and "Texte révisé trop tard." in page_text(response)
    comment.refresh_from_db()
    assert comment.body == "Ancien texte." and comment.edited_at is None


def test_still_editable_just_before_the_end(client, fiche, reader, settings):
    settings.COMMENTS_EDIT_MINUTES = 15
    comment = make_comment(fiche, reader, "Texte.", created_at=timezone.now() - timedelta(minutes=14))
    assert send_edit(client, reader, comment, "Texte corrigé.").status_code == 302


def test_an_edit_is_scored_again_and_held_when_it_turns_into_spam(client, fiche, reader):
    comment = make_comment(fiche, reader, "Un commentaire sympathique.")
    response = send_edit(client, reader, comment, SPAM_2013)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HELD
    item = ModerationItem.objects.get()
    assert item.cause == ModerationItem.Cause.SPAM and item.content_object == comment
    assert "sera visible après relecture" in page_text(client.get(response["Location"]))
    client.logout()
    assert "Coffre-fort" not in client.get(fiche.get_absolute_url()).content.decode()


def test_editing_does_not_count_as_repeating_oneself(client, fiche, reader):
    text = ("Bonjour à toutes et à tous, nous cherchons des bénévoles pour notre atelier de réparation de vélos "
            "du samedi matin, écrivez-nous si cela vous intéresse.")
    client.force_login(reader)
    client.post(reverse("comments:post", args=["innovations.innovation", fiche.pk]), {"body": text})
    comment = Comment.objects.get()
    send_edit(client, reader, comment, text + " Merci !")
    entry = AuditEntry.objects.get(action="comment.edited")
    assert entry.data["score"] == 0
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE


def test_a_held_comment_stays_held_after_an_edit(client, fiche, newcomer):
    comment = make_comment(fiche, newcomer, "En attente.", visibility=Visibility.HELD)
    assert send_edit(client, newcomer, comment, "Toujours en attente.").status_code == 302
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HELD and comment.body == "Toujours en attente."


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.REMOVED])
def test_a_moderated_comment_cannot_be_edited(client, fiche, reader, visibility):
    comment = make_comment(fiche, reader, "Masqué.", visibility=visibility)
    client.force_login(reader)
    response = client.get(edit_url(comment))
    assert response.status_code == 403 and "retiré par l'équipe de modération" in page_text(response)
    assert send_edit(client, reader, comment, "Republié ?").status_code == 409
    comment.refresh_from_db()
    assert comment.body == "Masqué." and comment.visibility == visibility


def test_edit_errors_keep_the_text(client, fiche, reader):
    comment = make_comment(fiche, reader, "Texte.")
    response = send_edit(client, reader, comment, "x" * 5001)
    assert response.status_code == 400 and "au plus 5000 caractères" in page_text(response)
    assert "x" * 5001 in response.content.decode()
    response = send_edit(client, reader, comment, "")
    assert response.status_code == 400 and "Le commentaire est vide" in page_text(response)


def test_blocked_author_can_no_longer_edit(client, fiche, reader, moderator):
    comment = make_comment(fiche, reader, "Texte.")
    AccountBlock.objects.create(user=reader, reason="Spam.", blocked_by=moderator)
    assert send_edit(client, reader, comment, "Nouveau.").status_code == 403


def test_comment_on_an_unpublished_fiche_cannot_be_edited(client, draft, author):
    comment = make_comment(draft, author, "Note.")
    client.force_login(author)
    assert client.get(edit_url(comment)).status_code == 404


# Deleting -------------------------------------------------------------------------------------------

def test_delete_asks_for_confirmation_then_deletes_softly(client, fiche, reader, author):
    comment = make_comment(fiche, reader, "À retirer.")
    reply = make_comment(fiche, author, "Une réponse.", parent=comment)
    client.force_login(reader)
    page = client.get(delete_url(comment))
    assert page.status_code == 200
    assert "Supprimer votre commentaire ?" in page_text(page) and "À retirer." in page_text(page)
    assert f'<form class="confirm-form" method="post" action="{delete_url(comment)}">' in page.content.decode()
    assert Comment.objects.get(pk=comment.pk).deleted_at is None  # GET changes nothing
    response = client.post(delete_url(comment))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.deleted_at is not None and comment.body == "À retirer."  # kept for the moderators
    page = client.get(response["Location"])
    assert "Votre commentaire est supprimé." in page_text(page)
    html = section(page)
    assert "Commentaire supprimé par son auteur" in html and "À retirer." not in html
    assert f'id="commentaire-{reply.pk}"' in html
    assert AuditEntry.objects.get(action="comment.deleted").actor == reader


def test_only_the_author_deletes(client, fiche, reader, author):
    comment = make_comment(fiche, reader, "Mon texte.")
    client.force_login(author)
    assert client.get(delete_url(comment)).status_code == 403
    response = client.post(delete_url(comment))
    assert response.status_code == 403
    assert "Seule la personne qui a écrit un commentaire peut le supprimer." in page_text(response)
    assert Comment.objects.get(pk=comment.pk).deleted_at is None


def test_delete_is_possible_after_the_edit_window(client, fiche, reader):
    comment = make_comment(fiche, reader, "Ancien.", created_at=timezone.now() - timedelta(days=30))
    client.force_login(reader)
    assert client.post(delete_url(comment)).status_code == 302
    assert Comment.objects.get(pk=comment.pk).is_deleted


def test_a_deleted_comment_can_be_neither_deleted_again_nor_edited(client, fiche, reader):
    comment = make_comment(fiche, reader, "Parti.", deleted_at=timezone.now())
    client.force_login(reader)
    response = client.post(delete_url(comment))
    assert response.status_code == 403 and "déjà supprimé" in page_text(response)
    assert client.get(edit_url(comment)).status_code == 403
    assert AuditEntry.objects.filter(action="comment.deleted").count() == 0


def test_a_deleted_comment_takes_no_reply(client, fiche, reader, author):
    comment = make_comment(fiche, author, "Parti.", deleted_at=timezone.now())
    client.force_login(reader)
    response = client.post(reverse("comments:post", args=["innovations.innovation", fiche.pk]),
                           {"body": "Réponse.", "parent": comment.pk})
    assert response.status_code == 400 and "n'est plus visible" in page_text(response)
