"""Comments in the admin: moderators and administrators change visibility, editors read, nobody else enters."""

import pytest
from django.urls import reverse

from creative.accounts.roles import Role
from creative.audit.models import AuditEntry
from creative.comments.models import Comment
from creative.moderation import services as moderation
from creative.moderation.models import ModerationItem, Standing, Visibility
from tests.factories import UserFactory
from tests.worker import run_tasks

from .helpers import make_comment

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def test_moderator_lists_and_filters_by_visibility(client, fiche, reader, moderator):
    make_comment(fiche, reader, "Visible ici.")
    make_comment(fiche, reader, "Retenu là.", visibility=Visibility.HELD)
    client.force_login(moderator)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "Visible ici." in response.text and "Retenu là." in response.text
    held = client.get(CHANGELIST, {"visibility__exact": "held"})
    assert "Retenu là." in held.text and "Visible ici." not in held.text
    assert "lecteur@example.org" not in response.text


def test_moderator_approves_a_held_comment(client, fiche, newcomer, moderator, settings):
    settings.MODERATION_PREMODERATE_NEW = True
    client.force_login(newcomer)
    client.post(reverse("comments:post", args=["innovations.innovation", fiche.pk]),
                {"body": "Bonjour, je découvre ce projet et il me plaît beaucoup."})
    comment = Comment.objects.get()
    assert comment.visibility == Visibility.HELD
    client.force_login(moderator)
    assert client.get(change_url(comment)).status_code == 200
    response = client.post(change_url(comment), {"visibility": "visible", "_save": "1"})
    assert response.status_code == 302, response.text[:2000]
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    item = ModerationItem.objects.get()
    assert item.status == ModerationItem.Status.CLOSED and item.decision == ModerationItem.Decision.APPROVED
    assert item.closed_by == moderator
    assert Standing.objects.filter(user=newcomer).exists()


def test_moderator_hides_a_comment_without_item_and_it_is_audited(client, fiche, reader, moderator):
    comment = make_comment(fiche, reader, "Propos limite.")
    client.force_login(moderator)
    client.post(change_url(comment), {"visibility": "hidden", "_save": "1"})
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN
    entry = AuditEntry.objects.get(action="moderation.hidden")
    assert entry.actor == moderator and entry.data["via"] == "admin" and entry.data["was"] == "visible"


def test_moderator_hides_a_reported_comment_through_its_item(client, fiche, reader, moderator, author):
    comment = make_comment(fiche, reader, "Propos injurieux.")
    moderation.report(comment, reason="abusive", reporter=author, fingerprint=f"user:{author.pk}")
    client.force_login(moderator)
    client.post(change_url(comment), {"visibility": "hidden", "_save": "1"})
    item = ModerationItem.objects.get()
    assert item.status == ModerationItem.Status.CLOSED and item.decision == ModerationItem.Decision.HIDDEN
    assert Comment.objects.get(pk=comment.pk).visibility == Visibility.HIDDEN


@pytest.mark.django_db(transaction=True)
def test_approving_from_the_admin_without_item_announces_the_comment(client, fiche, newcomer, moderator,
                                                                     mailoutbox):
    comment = make_comment(fiche, newcomer, "Retenu sans dossier.", visibility=Visibility.HELD)
    client.force_login(moderator)
    client.post(change_url(comment), {"visibility": "visible", "_save": "1"})
    assert Comment.objects.get(pk=comment.pk).visibility == Visibility.VISIBLE
    assert AuditEntry.objects.get(action="moderation.approved").data["via"] == "admin"
    assert Standing.objects.filter(user=newcomer).exists()
    run_tasks()
    assert sorted(message.to[0] for message in mailoutbox) == ["autrice@example.org", "coauteur@example.org"]


def test_administrator_may_change_visibility(client, fiche, reader):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    comment = make_comment(fiche, reader, "Indésirable.")
    client.force_login(admin)
    client.post(change_url(comment), {"visibility": "removed", "_save": "1"})
    assert Comment.objects.get(pk=comment.pk).visibility == Visibility.REMOVED


def test_editor_reads_but_cannot_change(client, fiche, reader, editor):
    comment = make_comment(fiche, reader, "Lu par l'accompagnement.")
    client.force_login(editor)
    assert client.get(CHANGELIST).status_code == 200
    page = client.get(change_url(comment))
    assert page.status_code == 200 and '<select name="visibility"' not in page.text
    assert client.post(change_url(comment), {"visibility": "hidden", "_save": "1"}).status_code == 403
    assert Comment.objects.get(pk=comment.pk).visibility == Visibility.VISIBLE


def test_nobody_adds_or_deletes_comments_in_the_admin(client, fiche, reader, moderator):
    comment = make_comment(fiche, reader, "Texte.")
    client.force_login(moderator)
    assert client.get(reverse("admin:comments_comment_add")).status_code == 403
    assert client.get(reverse("admin:comments_comment_delete", args=[comment.pk])).status_code == 403
    page = client.get(change_url(comment))
    assert '<textarea name="body"' not in page.text  # the text is read-only


def test_contributors_have_no_access(client, reader):
    client.force_login(reader)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
