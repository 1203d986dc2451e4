"""Mail when a comment becomes public, through the real worker: the fiche's authors, the person
answered, never the commenter; one message per person; nothing for held comments until approved.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from creative.comments.models import Comment
from creative.comments.notify import notify_comment_published
from creative.core.mail import render_templated_mail
from creative.moderation import services as moderation
from creative.moderation.models import ModerationItem, Visibility
from tests.worker import run_tasks

from .helpers import make_comment, post_url

worker_test = pytest.mark.django_db(transaction=True)


def send(client, user, fiche, body="Bravo pour ce beau projet !", parent=""):
    client.force_login(user)
    response = client.post(post_url(fiche), {"body": body, "parent": parent})
    assert response.status_code == 302, response.content[:300]
    return Comment.objects.latest("pk")


def by_recipient(mailoutbox):
    return {message.to[0]: message for message in mailoutbox}


@worker_test
def test_a_published_comment_is_mailed_to_each_author(client, fiche, reader, mailoutbox):
    comment = send(client, reader, fiche, "Bravo pour ce *beau* projet !\n\nQuels sont vos horaires ?")
    assert mailoutbox == []  # the worker sends, not the request
    run_tasks()
    mails = by_recipient(mailoutbox)
    assert sorted(mails) == ["autrice@example.org", "coauteur@example.org"]
    assert all(len(message.to) == 1 for message in mailoutbox) and len(mailoutbox) == 2
    message = mails["autrice@example.org"]
    assert message.subject == "Nouveau commentaire sur « Repair café du Bellevue »"
    url = settings.SITE_URL + f"{fiche.get_absolute_url()}#commentaire-{comment.pk}"
    assert "Gwen Lectrice a commenté la fiche « Repair café du Bellevue »" in message.body
    assert "Quels sont vos horaires ?" in message.body and url in message.body
    html = message.alternatives[0][0]
    assert f'href="{url}"' in html and "Gwen Lectrice" in html
    for part in (message.body, html):
        assert "lecteur@example.org" not in part and "coauteur@example.org" not in part


@worker_test
def test_the_commenting_author_is_not_mailed(client, fiche, author, mailoutbox):
    send(client, author, fiche, "Merci à tous pour vos visites !")
    run_tasks()
    assert [message.to for message in mailoutbox] == [["coauteur@example.org"]]


@worker_test
def test_a_reply_is_mailed_to_the_person_answered_and_the_authors(client, fiche, reader, newcomer, author,
                                                                  mailoutbox):
    parent = make_comment(fiche, reader, "Ouvert le dimanche ?")
    send(client, newcomer, fiche, "Je me posais la même question.", parent=str(parent.pk))
    run_tasks()
    mails = by_recipient(mailoutbox)
    assert sorted(mails) == ["autrice@example.org", "coauteur@example.org", "lecteur@example.org"]
    assert "nouveau@example.org" not in mails
    answered = mails["lecteur@example.org"]
    assert answered.subject == "Loïc Nouveau vous a répondu sur « Repair café du Bellevue »"
    assert "Loïc Nouveau a répondu à votre commentaire" in answered.body
    assert "Ouvert le dimanche ?" in answered.body and "Je me posais la même question." in answered.body
    assert "a répondu à un commentaire sur la fiche" in mails["autrice@example.org"].body


@worker_test
def test_an_author_answered_gets_one_message(client, fiche, reader, author, mailoutbox):
    parent = make_comment(fiche, author, "Des questions ?")
    send(client, reader, fiche, "Oui, une !", parent=str(parent.pk))
    run_tasks()
    assert sorted(message.to[0] for message in mailoutbox) == ["autrice@example.org", "coauteur@example.org"]
    assert by_recipient(mailoutbox)["autrice@example.org"].subject.startswith("Gwen Lectrice vous a répondu")


@worker_test
def test_replying_to_oneself_mails_only_the_authors(client, fiche, reader, mailoutbox):
    parent = make_comment(fiche, reader, "Première remarque.")
    send(client, reader, fiche, "J'ajoute une précision.", parent=str(parent.pk))
    run_tasks()
    assert sorted(message.to[0] for message in mailoutbox) == ["autrice@example.org", "coauteur@example.org"]


@worker_test
def test_held_comment_is_mailed_only_once_approved(client, fiche, newcomer, moderator, mailoutbox, settings):
    settings.MODERATION_PREMODERATE_NEW = True
    comment = send(client, newcomer, fiche, "Bonjour, je découvre ce projet et il me plaît beaucoup.")
    assert comment.visibility == Visibility.HELD
    run_tasks()
    assert mailoutbox == []
    # The moderation queue's approval announces it (creative.moderation.services calls notify.py).
    moderation.approve(ModerationItem.objects.get(), moderator)
    run_tasks()
    assert sorted(message.to[0] for message in mailoutbox) == ["autrice@example.org", "coauteur@example.org"]
    assert "Loïc Nouveau a commenté" in mailoutbox[0].body


@worker_test
def test_published_then_held_after_an_edit_then_approved_is_not_announced_twice(client, fiche, reader, moderator,
                                                                              mailoutbox):
    from pathlib import Path

    comment = send(client, reader, fiche, "Un commentaire sympathique.")
    run_tasks()
    assert len(mailoutbox) == 2
    spam = (Path(__file__).parent / "data" / "spam-2013.txt").read_text(encoding="utf-8")
    client.post(reverse("comments:edit", args=[comment.pk]), {"body": spam})
    assert Comment.objects.get(pk=comment.pk).visibility == Visibility.HELD
    moderation.approve(ModerationItem.objects.get(), moderator)
    run_tasks()
    assert len(mailoutbox) == 2


@worker_test
def test_notify_comment_published_for_a_held_comment_made_visible(fiche, newcomer, mailoutbox):
    comment = make_comment(fiche, newcomer, "Approuvé plus tard.", visibility=Visibility.HELD)
    assert notify_comment_published(comment) == 0  # still held: nothing
    comment.visibility = Visibility.VISIBLE
    comment.save()
    assert notify_comment_published(comment) == 2
    run_tasks()
    assert sorted(message.to[0] for message in mailoutbox) == ["autrice@example.org", "coauteur@example.org"]


@worker_test
def test_a_comment_published_at_once_is_not_announced_again(client, fiche, reader, mailoutbox):
    comment = send(client, reader, fiche, "Publié tout de suite.")
    assert notify_comment_published(comment) == 0
    run_tasks()
    assert len(mailoutbox) == 2


@worker_test
def test_spam_is_not_mailed(client, fiche, reader, mailoutbox):
    from pathlib import Path

    spam = (Path(__file__).parent / "data" / "spam-2013.txt").read_text(encoding="utf-8")
    send(client, reader, fiche, spam)
    run_tasks()
    assert mailoutbox == []


@worker_test
def test_inactive_authors_are_not_mailed(client, fiche, reader, coauthor, mailoutbox):
    coauthor.is_active = False
    coauthor.save()
    send(client, reader, fiche)
    run_tasks()
    assert [message.to for message in mailoutbox] == [["autrice@example.org"]]


@pytest.mark.parametrize("template", ["comment_posted", "comment_reply"])
def test_templates_render_in_french_with_a_text_and_an_html_part(template):
    context = {"title": "Fablab <Brest>", "noun": "la fiche", "commenter": "Gwen", "excerpt": "Un <b>mot</b>",
               "parent_excerpt": "Avant", "url": "https://example.org/innovations/fablab/#commentaire-1",
               "is_reply": template == "comment_reply"}
    mail = render_templated_mail(template, context)
    assert "Fablab <Brest>" in mail.subject and "\n" not in mail.subject
    assert "Un <b>mot</b>" in mail.text and "Fablab <Brest>" in mail.text  # plain text: not escaped
    assert "Un &lt;b&gt;mot&lt;/b&gt;" in mail.html and "Fablab &lt;Brest&gt;" in mail.html
    assert 'href="https://example.org/innovations/fablab/#commentaire-1"' in mail.html
    assert mail.text.startswith("Bonjour,")


def test_comment_url_points_to_its_anchor(db, fiche, reader):
    comment = make_comment(fiche, reader)
    assert comment.get_absolute_url() == reverse("innovations:detail", args=[fiche.slug]) + f"#commentaire-{comment.pk}"
