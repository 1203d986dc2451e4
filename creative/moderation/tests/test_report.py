"""« Signaler »: anyone reports public content once; enough distinct people hide it until a moderator decides."""

import re
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.comments.models import Comment
from creative.innovations.models import Innovation
from creative.moderation import services
from creative.moderation.models import ModerationItem, Report, Visibility
from tests.factories import InnovationFactory, UserFactory

from .helpers import log_of, page_text, post_report, report_url

pytestmark = pytest.mark.django_db


def test_a_visitor_sees_the_content_and_the_form(client, comment):
    response = client.get(report_url(comment))
    assert response.status_code == 200
    text = page_text(response)
    assert "Signaler un commentaire" in text
    assert "Commentaire de Gwen Commentatrice, sur « Repair café de Recouvrance »" in text
    assert "Un commentaire un peu vif." in text
    assert "Publicité ou message indésirable" in text  # the reasons, as radio buttons
    content = response.content.decode()
    assert 'type="radio"' in content and 'name="homepage"' in content and 'name="opened_at"' in content


def test_a_visitor_reports_a_comment_and_is_thanked(client, comment):
    response = post_report(client, comment, reason="abusive", text="Des insultes envers le porteur.")
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert "Merci, l'équipe de modération va regarder" in page_text(thanks)
    assert f'href="{comment.get_absolute_url()}"' in thanks.content.decode()

    report = Report.objects.get()
    assert (report.reason, report.text, report.reporter) == ("abusive", "Des insultes envers le porteur.", None)
    assert report.fingerprint.startswith("visitor:") and "203.0.113.1" not in report.fingerprint
    item = report.item
    assert (item.content_object, item.status, item.cause, item.report_count) == (
        comment, ModerationItem.Status.OPEN, ModerationItem.Cause.REPORTS, 1)
    assert item.author == comment.author
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE  # one report hides nothing


def test_an_account_reports_with_its_name(client, comment, contributor):
    client.force_login(contributor)
    post_report(client, comment, reason="personal-data")
    report = Report.objects.get()
    assert report.reporter == contributor
    assert report.fingerprint == f"user:{contributor.pk}"


def test_a_fiche_can_be_reported_from_its_page(client, fiche):
    page = client.get(fiche.get_absolute_url())
    assert report_url(fiche) in page.content.decode()
    assert "Signaler cette fiche" in page_text(page)
    response = post_report(client, fiche, reason="wrong")
    assert response.status_code == 302
    assert ModerationItem.objects.get().content_object == fiche


def test_the_same_visitor_is_counted_once(client, comment):
    first = post_report(client, comment)
    second = post_report(client, comment, reason="spam")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Report.objects.count() == 1
    assert ModerationItem.objects.get().report_count == 1


def test_the_form_says_when_this_person_already_reported(client, comment, contributor, moderator):
    already = "Vous avez déjà signalé ce contenu"
    client.force_login(contributor)
    assert already not in page_text(client.get(report_url(comment)))
    post_report(client, comment)
    assert already in page_text(client.get(report_url(comment)))
    services.dismiss(ModerationItem.objects.get(), moderator)  # decided: a new report would count again
    assert already not in page_text(client.get(report_url(comment)))


def test_the_same_account_is_counted_once_from_two_addresses(client, comment, contributor):
    client.force_login(contributor)
    post_report(client, comment, address="203.0.113.1")
    post_report(client, comment, address="198.51.100.7")
    assert ModerationItem.objects.get().report_count == 1


def test_visitors_behind_one_proxy_are_told_apart_by_their_own_address(client, comment, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    post_report(client, comment, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    post_report(client, comment, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert ModerationItem.objects.get().report_count == 2


def test_three_distinct_reporters_hide_a_comment_from_the_fiche_page(client, comment, contributor):
    fiche_page = comment.content_object.get_absolute_url()
    shown = client.get(fiche_page)
    assert comment.body in page_text(shown)
    assert report_url(comment) in shown.content.decode()  # the « Signaler » link of the comment
    post_report(client, comment, address="203.0.113.1")
    post_report(client, comment, address="203.0.113.2")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    client.force_login(contributor)
    post_report(client, comment, address="203.0.113.1")  # an account: a third person

    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN
    item = ModerationItem.objects.get()
    assert (item.report_count, item.auto_hidden, item.status) == (3, True, ModerationItem.Status.OPEN)
    assert ("moderation.auto_hidden", None) in log_of(comment)
    assert not Comment.objects.public().filter(pk=comment.pk).exists()
    client.logout()
    assert comment.body not in page_text(client.get(fiche_page))
    # Hidden now: it can no longer be reported.
    assert client.get(report_url(comment)).status_code == 404


def test_three_reports_take_a_fiche_offline(client, fiche, moderator):
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        post_report(client, fiche, reason="copyright", address=address)
    fiche.refresh_from_db()
    assert fiche.state == Innovation.State.HIDDEN
    assert client.get(fiche.get_absolute_url()).status_code == 404
    assert fiche not in Innovation.objects.published()
    client.force_login(moderator)
    assert client.get(fiche.get_absolute_url()).status_code == 200  # the team still sees it


def test_the_threshold_follows_the_setting(client, comment, settings):
    settings.MODERATION_AUTO_HIDE_REPORTS = 2
    post_report(client, comment, address="203.0.113.1")
    post_report(client, comment, address="203.0.113.2")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN


def test_a_threshold_of_zero_never_hides(client, comment, settings):
    settings.MODERATION_AUTO_HIDE_REPORTS = 0
    for n in range(5):
        post_report(client, comment, address=f"203.0.113.{n + 1}")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    assert ModerationItem.objects.get().report_count == 5


# What cannot be reported ----------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["accounts.user", "comments.nothing", "comments", "nothing.comment", "", "a.b.c"])
def test_an_unknown_or_unregistered_label_is_a_404(client, comment, label):
    url = f"/signaler/{label}/{comment.pk}/" if label else f"/signaler//{comment.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "99999", "1.5", "9" * 30, "9" * 70, "%20"])
def test_a_bad_or_missing_pk_is_a_404(client, comment, pk):
    assert client.get(f"/signaler/comments.comment/{pk}/").status_code == 404
    assert client.get(f"/signaler/innovations.innovation/{pk}/").status_code == 404
    assert client.post(f"/signaler/comments.comment/{pk}/", {"reason": "spam"}).status_code == 404


def test_the_label_is_not_case_sensitive(client, comment):
    assert client.get(f"/signaler/Comments.Comment/{comment.pk}/").status_code == 200


@pytest.mark.parametrize("state", [s for s in Innovation.State if s != Innovation.State.PUBLISHED])
def test_an_unpublished_fiche_cannot_be_reported(client, territories, state):
    fiche = InnovationFactory(state=state, communes=["Brest"])
    assert client.get(report_url(fiche)).status_code == 404
    assert post_report(client, fiche).status_code == 404


@pytest.mark.parametrize("visibility", [Visibility.HELD, Visibility.HIDDEN, Visibility.REMOVED])
def test_a_comment_out_of_sight_cannot_be_reported(client, comment, visibility):
    Comment.objects.filter(pk=comment.pk).update(visibility=visibility)
    assert client.get(report_url(comment)).status_code == 404
    assert post_report(client, comment).status_code == 404
    assert not ModerationItem.objects.exists()


def test_a_comment_withdrawn_by_its_author_cannot_be_reported(client, comment):
    Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now())
    assert client.get(report_url(comment)).status_code == 404


def test_a_comment_on_an_unpublished_fiche_cannot_be_reported(client, comment, fiche):
    Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.ARCHIVED)
    assert client.get(report_url(comment)).status_code == 404


def test_the_thanks_page_of_unknown_content_is_a_404(client):
    assert client.get(reverse("moderation:report_thanks", args=["comments.comment", "12345"])).status_code == 404
    assert client.get(reverse("moderation:report_thanks", args=["accounts.user", "1"])).status_code == 404


def test_the_thanks_page_does_not_link_to_hidden_content(client, comment):
    Comment.objects.filter(pk=comment.pk).update(visibility=Visibility.HIDDEN)
    response = client.get(reverse("moderation:report_thanks", args=["comments.comment", comment.pk]))
    assert response.status_code == 200
    assert comment.get_absolute_url() not in response.content.decode()
    # The fiche it was on is still public: the link goes there.
    assert f'href="{comment.content_object.get_absolute_url()}"' in response.content.decode()


# Bad input ------------------------------------------------------------------------------------------

def test_a_report_without_a_reason_is_refused_in_french(client, comment):
    response = client.post(report_url(comment), {"text": "Pas bien."})
    assert response.status_code == 400
    assert "Choisissez la raison du signalement." in page_text(response)
    assert "Pas bien." in response.content.decode()  # what was typed is kept
    assert not Report.objects.exists()


def test_an_unknown_reason_is_refused_in_french(client, comment):
    response = client.post(report_url(comment), {"reason": "because"})
    assert response.status_code == 400
    assert "Choisissez l'une des raisons proposées." in page_text(response)


def test_details_longer_than_2000_characters_are_refused(client, comment):
    response = client.post(report_url(comment), {"reason": "other", "text": "x" * 2001})
    assert response.status_code == 400
    assert "Les précisions font 2001 caractères ; 2 000 au plus." in page_text(response)
    assert post_report(client, comment, reason="other", text="x" * 2000).status_code == 302


def test_the_honeypot_refuses_a_robot(client, comment):
    response = post_report(client, comment, fields={"homepage": "https://spam.example"})
    assert response.status_code == 400
    assert "Votre envoi n'a pas pu être vérifié" in page_text(response)
    assert not Report.objects.exists()


def test_a_form_sent_back_at_once_is_refused(client, comment, settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    page = client.get(report_url(comment))
    opened_at = re.search(r'name="opened_at"[^>]* value="([^"]+)"', page.content.decode()).group(1)
    response = post_report(client, comment, fields={"opened_at": opened_at})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_reports_are_rate_limited_per_address(client, territories, settings):
    settings.ANTISPAM_RATE_LIMITS = "report=2/h/ip"
    fiche = InnovationFactory(communes=["Brest"])
    comments = [Comment.objects.create(content_object=fiche, author=UserFactory(), body=f"n° {n}") for n in range(3)]
    assert post_report(client, comments[0]).status_code == 302
    assert post_report(client, comments[1]).status_code == 302
    refused = post_report(client, comments[2])
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Vous avez fait beaucoup de signalements en peu de temps." in page_text(refused)
    assert Report.objects.count() == 2
    # Another address is not held back.
    assert post_report(client, comments[2], address="198.51.100.9").status_code == 302


def test_reports_are_rate_limited_per_account(client, comment, contributor, settings):
    settings.ANTISPAM_RATE_LIMITS = "report=1/h/user"
    client.force_login(contributor)
    assert post_report(client, comment, address="203.0.113.1").status_code == 302
    assert post_report(client, comment, address="203.0.113.2").status_code == 429


def test_the_fingerprint_of_a_visitor_changes_every_day(rf, monkeypatch):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/", REMOTE_ADDR="203.0.113.1", HTTP_USER_AGENT="Firefox")
    request.user = AnonymousUser()
    today = services.visitor_fingerprint(request)
    assert today == services.visitor_fingerprint(request)
    monkeypatch.setattr(timezone, "localdate", lambda: datetime(2031, 1, 2).date())
    assert services.visitor_fingerprint(request) != today
