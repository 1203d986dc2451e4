"""A moderator's decisions on an item: their effect on the content, the item, the audit log and the author."""

import sys
import types

import pytest
from django.urls import reverse

from creative.comments.models import Comment
from creative.innovations.models import Innovation
from creative.moderation import services
from creative.moderation.models import ModerationItem, Standing, Visibility
from tests.factories import UserFactory

from .helpers import log_of, page_text, post_report

pytestmark = pytest.mark.django_db


def decide(client, item, action, note=""):
    return client.post(reverse("moderation:decide", args=[item.pk, action]), {f"{action}-note": note})


def reported(client, obj, times=1):
    for n in range(times):
        post_report(client, obj, address=f"203.0.113.{n + 1}")
    return ModerationItem.objects.get()


@pytest.fixture
def newcomer(territories):
    return UserFactory(profile__display_name="Compte Nouveau")


@pytest.fixture
def held_comment(fiche, newcomer):
    comment = Comment.objects.create(content_object=fiche, author=newcomer, body="Mon premier commentaire.")
    services.hold(comment, cause=ModerationItem.Cause.PREMODERATION)
    comment.refresh_from_db()
    return comment


@pytest.fixture
def announced(monkeypatch):
    """Stands for creative.comments.notify: records the comments announced as published."""
    calls = []
    fake = types.ModuleType("creative.comments.notify")
    fake.notify_comment_published = calls.append
    monkeypatch.setitem(sys.modules, "creative.comments.notify", fake)
    import creative.comments

    monkeypatch.setattr(creative.comments, "notify", fake, raising=False)
    return calls


def test_dismissing_reports_shows_an_auto_hidden_comment_again(client, moderator, comment):
    item = reported(client, comment, times=3)
    assert item.auto_hidden
    client.force_login(moderator)
    response = decide(client, item, "ecarter", note="Vif mais correct.")
    assert response.status_code == 302 and response["Location"] == reverse("moderation:queue")
    assert "Les signalements sont écartés." in page_text(client.get(response["Location"]))
    comment.refresh_from_db()
    item.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    assert (item.status, item.decision, item.closed_by, item.note) == (
        ModerationItem.Status.CLOSED, ModerationItem.Decision.DISMISSED, moderator, "Vif mais correct.")
    assert log_of(comment)[-1] == ("moderation.dismissed", moderator)


def test_dismissing_leaves_a_visible_comment_visible(client, moderator, comment):
    item = reported(client, comment)
    client.force_login(moderator)
    decide(client, item, "ecarter")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE


def test_approving_publishes_held_content_and_ends_premoderation(client, moderator, held_comment, newcomer, announced,
                                                                django_capture_on_commit_callbacks):
    assert services.needs_premoderation(newcomer)
    client.force_login(moderator)
    item = ModerationItem.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, item, "publier")
    assert response.status_code == 302
    held_comment.refresh_from_db()
    assert held_comment.visibility == Visibility.VISIBLE
    assert Standing.objects.get(user=newcomer).approved_by == moderator
    assert not services.needs_premoderation(newcomer)
    assert log_of(held_comment)[-1] == ("moderation.approved", moderator)
    assert announced == [held_comment]  # visible for the first time: the comments app is told


def test_restoring_a_comment_that_was_public_before_announces_nothing(client, moderator, comment, announced,
                                                                     django_capture_on_commit_callbacks):
    item = reported(client, comment, times=3)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, item, "retablir")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    assert announced == []


def test_restoring_a_comment_deleted_before_it_was_ever_shown_announces_it(
        client, moderator, held_comment, announced, django_capture_on_commit_callbacks):
    item = ModerationItem.objects.get()
    services.delete_spam(item, moderator)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, item, "retablir")
    assert announced == [held_comment]


def test_approving_works_without_a_notify_module(client, moderator, held_comment, monkeypatch,
                                                 django_capture_on_commit_callbacks):
    monkeypatch.setitem(sys.modules, "creative.comments.notify", None)  # import fails: ImportError
    import creative.comments

    monkeypatch.delattr(creative.comments, "notify", raising=False)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(client, ModerationItem.objects.get(), "publier").status_code == 302


def test_hiding_takes_a_comment_out_of_sight(client, moderator, comment):
    item = reported(client, comment)
    client.force_login(moderator)
    decide(client, item, "masquer", note="Attaque personnelle.")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN
    assert log_of(comment)[-1] == ("moderation.hidden", moderator)
    from creative.audit.models import AuditEntry

    assert AuditEntry.objects.get(action="moderation.hidden").data["note"] == "Attaque personnelle."


def test_restoring_an_auto_hidden_comment(client, moderator, comment):
    item = reported(client, comment, times=3)
    client.force_login(moderator)
    decide(client, item, "retablir")
    comment.refresh_from_db()
    item.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    assert item.decision == ModerationItem.Decision.RESTORED
    assert [action for action, _actor in log_of(comment)] == ["moderation.auto_hidden", "moderation.restored"]


def test_deleting_spam_removes_held_content(client, moderator, held_comment):
    client.force_login(moderator)
    decide(client, ModerationItem.objects.get(), "supprimer")
    held_comment.refresh_from_db()
    assert held_comment.visibility == Visibility.REMOVED
    assert log_of(held_comment)[-1] == ("moderation.deleted", moderator)


def test_hiding_and_restoring_a_fiche(client, moderator, fiche):
    item = reported(client, fiche)
    client.force_login(moderator)
    decide(client, item, "masquer")
    fiche.refresh_from_db()
    assert fiche.state == Innovation.State.HIDDEN
    client.logout()
    assert client.get(fiche.get_absolute_url()).status_code == 404
    client.force_login(moderator)
    decide(client, item, "retablir")
    fiche.refresh_from_db()
    assert fiche.state == Innovation.State.PUBLISHED
    client.logout()
    assert client.get(fiche.get_absolute_url()).status_code == 200
    assert [action for action, _actor in log_of(fiche)][-2:] == ["moderation.hidden", "moderation.restored"]


def test_a_reported_item_can_be_reported_again_after_a_decision(client, moderator, comment):
    item = reported(client, comment, times=3)
    services.restore(item, moderator)
    post_report(client, comment, address="203.0.113.1")  # the same visitor, after the decision
    item.refresh_from_db()
    assert (item.status, item.report_count, item.auto_hidden) == (ModerationItem.Status.OPEN, 1, False)


# Refusals ------------------------------------------------------------------------------------------

def test_a_decision_that_does_not_fit_is_refused_and_the_note_kept(client, moderator, comment):
    item = reported(client, comment)
    client.force_login(moderator)
    response = decide(client, item, "publier", note="Ma note à garder")
    assert response.status_code == 409
    text = page_text(response)
    assert "Cette décision ne s'applique pas : le contenu est actuellement « visible »." in text
    assert "Ma note à garder" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.OPEN


def test_a_decision_taken_twice_is_refused_the_second_time(client, moderator, held_comment):
    item = ModerationItem.objects.get()
    client.force_login(moderator)
    assert decide(client, item, "publier").status_code == 302
    second = decide(client, item, "publier")
    assert second.status_code == 409
    assert "Cette décision ne s'applique pas" in page_text(second)
    assert [a for a, _ in log_of(held_comment)].count("moderation.approved") == 1


def test_held_content_cannot_be_dismissed(client, moderator, held_comment):
    client.force_login(moderator)
    response = decide(client, ModerationItem.objects.get(), "ecarter")
    assert response.status_code == 409
    assert "Ce contenu n'a pas été signalé : il attend une décision." in page_text(response)


def test_reports_already_decided_cannot_be_dismissed(client, moderator, comment):
    item = reported(client, comment)
    client.force_login(moderator)
    decide(client, item, "ecarter")
    response = decide(client, item, "ecarter")
    assert response.status_code == 409
    assert "Ces signalements ont déjà été traités." in page_text(response)


def test_a_note_too_long_is_refused_in_french(client, moderator, comment):
    item = reported(client, comment)
    client.force_login(moderator)
    response = decide(client, item, "masquer", note="n" * 2001)
    assert response.status_code == 400
    assert "La note fait 2001 caractères ; 2 000 au plus." in page_text(response)
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE


def test_content_deleted_since_can_only_be_closed(client, moderator, comment):
    item = reported(client, comment)
    Comment.objects.filter(pk=comment.pk).delete()
    client.force_login(moderator)
    page = client.get(reverse("moderation:item", args=[item.pk]))
    assert page.status_code == 200
    assert "Ce contenu n'existe plus." in page_text(page)
    refused = decide(client, item, "masquer")
    assert refused.status_code == 409
    assert "Ce contenu n'existe plus : écartez les signalements pour clore ce dossier." in page_text(refused)
    assert decide(client, item, "ecarter").status_code == 302
    item.refresh_from_db()
    assert item.status == ModerationItem.Status.CLOSED


@pytest.mark.parametrize("action", ["inconnue", "bloquer-tout", "DELETE"])
def test_an_unknown_action_is_a_404(client, moderator, comment, action):
    item = reported(client, comment)
    client.force_login(moderator)
    assert client.post(f"/moderation/{item.pk}/{action}/").status_code == 404


@pytest.mark.parametrize("pk", ["0", "99999", "9" * 30])
def test_an_unknown_item_is_a_404(client, moderator, pk):
    client.force_login(moderator)
    assert client.get(f"/moderation/{pk}/").status_code == 404
    assert client.post(f"/moderation/{pk}/masquer/").status_code == 404
    assert client.post(f"/moderation/{pk}/bloquer/", {"bloquer-reason": "x"}).status_code == 404


def test_decisions_are_post_only(client, moderator, comment):
    item = reported(client, comment)
    client.force_login(moderator)
    assert client.get(reverse("moderation:decide", args=[item.pk, "masquer"])).status_code == 405
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE


# The item's page -----------------------------------------------------------------------------------

def test_the_item_page_lists_reports_visibility_and_the_decisions_that_fit(client, moderator, comment, contributor):
    post_report(client, comment, reason="abusive", text="Propos blessants.", address="203.0.113.1")
    client.force_login(contributor)
    post_report(client, comment, reason="spam")
    item = ModerationItem.objects.get()
    client.force_login(moderator)
    response = client.get(reverse("moderation:item", args=[item.pk]))
    text = page_text(response)
    assert "Propos blessants." in text and "Propos injurieux, haineux ou harcèlement" in text
    assert "visiteur" in text and "Loïc Contributeur" in text
    assert "Visibilité Visible" in text
    content = response.content.decode()
    assert f'href="{reverse("audit:log")}?personne={comment.author.pk}"' in content
    assert "objet=comments.comment%3A" in content
    for offered in ("ecarter", "masquer", "supprimer"):
        assert reverse("moderation:decide", args=[item.pk, offered]) in content
    for absent in ("publier", "retablir"):
        assert reverse("moderation:decide", args=[item.pk, absent]) not in content
    assert reverse("moderation:block_author", args=[item.pk]) in content


def test_the_item_page_of_held_content_offers_to_publish(client, moderator, held_comment):
    item = ModerationItem.objects.get()
    client.force_login(moderator)
    response = client.get(reverse("moderation:item", args=[item.pk]))
    content = response.content.decode()
    assert "Aucun signalement : ce contenu a été retenu à son arrivée." in page_text(response)
    assert reverse("moderation:decide", args=[item.pk, "publier"]) in content
    assert reverse("moderation:decide", args=[item.pk, "ecarter"]) not in content
