"""Posting a comment or a reply: who may, on what, and every anti-spam layer on the way."""

from pathlib import Path

import pytest
from django.urls import reverse

from creative.antispam.forms import HONEYPOT_FIELD, OPENED_FIELD, REFUSED
from creative.audit.models import AuditEntry
from creative.comments.models import Comment
from creative.moderation.models import AccountBlock, ModerationItem, Standing, Visibility

from .helpers import make_comment, page_text, post_url

pytestmark = pytest.mark.django_db

SPAM_2013 = (Path(__file__).parent / "data" / "spam-2013.txt").read_text(encoding="utf-8").strip()
ORDINARY = ("Bonjour, nous avons monté un atelier semblable à Landerneau l'an dernier. Nos horaires et nos "
            "astuces sont sur https://repair-landerneau.example.org : venez nous voir, on partage volontiers "
            "les outils et les bénévoles !")


def send(client, user, fiche, body="Bravo pour ce beau projet !", **extra):
    if user is not None:
        client.force_login(user)
    return client.post(post_url(fiche), {"body": body, "parent": "", "homepage": "", "opened_at": "", **extra})


# Who may post --------------------------------------------------------------------------------------

def test_visitor_is_sent_to_log_in_and_nothing_is_stored(client, fiche):
    response = send(client, None, fiche)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=" + post_url(fiche)
    assert not Comment.objects.exists()


def test_after_logging_in_the_visitor_finds_the_form(client, fiche, reader):
    client.force_login(reader)
    response = client.get(post_url(fiche))
    assert response.status_code == 200
    assert "Commenter la fiche « Repair café du Bellevue »" in page_text(response)
    assert 'name="body"' in response.content.decode()


def test_unverified_account_is_refused_with_the_reason(client, fiche, unverified):
    response = send(client, unverified, fiche)
    assert response.status_code == 403
    assert "confirmez d'abord votre adresse électronique" in page_text(response)
    assert not Comment.objects.exists()


def test_blocked_account_is_refused_with_the_reason(client, fiche, reader, moderator):
    AccountBlock.objects.create(user=reader, reason="Spam.", blocked_by=moderator)
    response = send(client, reader, fiche)
    assert response.status_code == 403
    assert "bloqué par l'équipe de modération" in page_text(response)
    assert not Comment.objects.exists()


def test_contributor_posts_a_visible_comment(client, fiche, reader):
    response = send(client, reader, fiche, "Bravo pour ce *beau* projet !")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{fiche.get_absolute_url()}#commentaire-{comment.pk}"
    assert (comment.content_object, comment.author, comment.parent) == (fiche, reader, None)
    assert comment.body == "Bravo pour ce *beau* projet !" and comment.visibility == Visibility.VISIBLE
    page = client.get(response["Location"])
    assert "Votre commentaire est publié." in page_text(page)
    assert "<em>beau</em>" in page.content.decode()
    entry = AuditEntry.objects.get(action="comment.posted")
    assert entry.actor == reader and entry.target_id == str(comment.pk)
    assert entry.data["visibility"] == "visible"
    assert not ModerationItem.objects.exists()


@pytest.mark.parametrize("label, pk", [
    ("innovations.innovation", 999999),  # no such fiche
    ("accounts.user", None),  # not something one comments
    ("nimporte.quoi", None),
    ("comments.comment", None),
])
def test_unknown_or_uncommentable_targets_are_404(client, fiche, reader, label, pk):
    client.force_login(reader)
    url = reverse("comments:post", args=[label, pk or reader.pk])
    assert client.post(url, {"body": "Bonjour"}).status_code == 404
    assert client.get(url).status_code == 404
    assert not Comment.objects.exists()


def test_fiche_that_is_not_published_takes_no_comment(client, draft, author):
    client.force_login(author)
    assert client.post(post_url(draft), {"body": "Note."}).status_code == 404
    assert not Comment.objects.exists()


# Bad input: a clear message, the text kept ----------------------------------------------------------

def test_empty_comment_is_refused_with_a_message(client, fiche, reader):
    response = send(client, reader, fiche, "   ")
    assert response.status_code == 400
    assert "Le commentaire est vide" in page_text(response)
    assert not Comment.objects.exists()


def test_too_long_comment_is_refused_and_kept(client, fiche, reader):
    body = "Très long. " * 500
    response = send(client, reader, fiche, body)
    assert response.status_code == 400
    assert "au plus 5000 caractères" in page_text(response)
    assert body.strip() in response.content.decode()
    assert not Comment.objects.exists()


def test_get_only_or_post_only_methods(client, fiche, reader):
    client.force_login(reader)
    assert client.put(post_url(fiche)).status_code == 405


# Replies --------------------------------------------------------------------------------------------

def test_reply_to_a_top_level_comment(client, fiche, reader, author):
    parent = make_comment(fiche, author, "Des questions ?")
    response = send(client, reader, fiche, "Oui : ouvert le dimanche ?", parent=str(parent.pk))
    reply = Comment.objects.get(parent=parent)
    assert response.status_code == 302 and reply.author == reader
    assert AuditEntry.objects.get(action="comment.posted").data["reply_to"] == parent.pk


def test_reply_form_page_quotes_the_parent(client, fiche, reader, author):
    parent = make_comment(fiche, author, "Des **questions** ?")
    client.force_login(reader)
    response = client.get(post_url(fiche), {"reponse": parent.pk})
    assert response.status_code == 200
    assert "Maëlle Autrice a écrit" in page_text(response) and "<strong>questions</strong>" in response.content.decode()
    assert f'name="parent" value="{parent.pk}"' in response.content.decode()


@pytest.mark.parametrize("case", ["reply", "hidden", "held", "deleted", "other_fiche", "missing", "garbage"])
def test_reply_rules_give_a_message_and_keep_the_text(client, fiche, reader, author, territories, case):
    from django.utils import timezone

    from tests.factories import InnovationFactory

    top = make_comment(fiche, author, "Premier message.")
    parents = {
        "reply": lambda: make_comment(fiche, author, "Une réponse.", parent=top).pk,
        "hidden": lambda: make_comment(fiche, author, "Masqué.", visibility=Visibility.HIDDEN).pk,
        "held": lambda: make_comment(fiche, author, "Retenu.", visibility=Visibility.HELD).pk,
        "deleted": lambda: make_comment(fiche, author, "Supprimé.", deleted_at=timezone.now()).pk,
        "other_fiche": lambda: make_comment(InnovationFactory(communes=["Brest"]), author, "Ailleurs.").pk,
        "missing": lambda: 999999,
        "garbage": lambda: "abc",
    }
    parent = parents[case]()
    before = Comment.objects.count()
    response = send(client, reader, fiche, "Ma réponse soignée.", parent=str(parent))
    assert response.status_code == 400
    text = page_text(response)
    expected = {
        "reply": "On ne répond qu'aux commentaires principaux",
        "hidden": "Ce commentaire n'est plus visible",
        "held": "Ce commentaire n'est plus visible",
        "deleted": "Ce commentaire n'est plus visible",
    }.get(case, "Le commentaire auquel vous répondez n'existe pas sur cette page")
    assert expected in text
    assert "Ma réponse soignée." in text
    assert Comment.objects.count() == before


def test_reply_sent_again_after_a_parent_problem_goes_out_as_a_new_comment(client, fiche, reader, author):
    gone = make_comment(fiche, author, "Masqué.", visibility=Visibility.HIDDEN)
    response = send(client, reader, fiche, "Ma réponse.", parent=str(gone.pk))
    assert response.status_code == 400
    assert f'value="{gone.pk}"' not in response.content.decode()
    send(client, reader, fiche, "Ma réponse.", parent="")
    assert Comment.objects.get(body="Ma réponse.").parent is None


# Moderation on arrival ---------------------------------------------------------------------------------

def test_new_account_first_comment_is_held_for_premoderation(client, fiche, newcomer, settings):
    settings.MODERATION_PREMODERATE_NEW = True
    response = send(client, newcomer, fiche, "Bonjour, je découvre ce projet et il me plaît beaucoup.")
    comment = Comment.objects.get()
    assert comment.visibility == Visibility.HELD
    item = ModerationItem.objects.get()
    assert item.cause == ModerationItem.Cause.PREMODERATION and item.status == ModerationItem.Status.OPEN
    assert item.content_object == comment and item.author == newcomer
    page = client.get(response["Location"])
    text = page_text(page)
    assert "sera visible après relecture par l'équipe de modération" in text
    assert "En attente de modération" in text and "il me plaît beaucoup" in text
    assert AuditEntry.objects.get(action="comment.posted").data["visibility"] == "held"


def test_no_premoderation_once_the_account_has_standing(client, fiche, newcomer, settings):
    settings.MODERATION_PREMODERATE_NEW = True
    Standing.objects.create(user=newcomer)
    send(client, newcomer, fiche, "Bonjour, je découvre ce projet et il me plaît beaucoup.")
    assert Comment.objects.get().visibility == Visibility.VISIBLE
    assert not ModerationItem.objects.exists()


def test_the_2013_spam_paragraph_is_held_as_spam(client, fiche, newcomer, settings):
    settings.MODERATION_PREMODERATE_NEW = True
    response = send(client, newcomer, fiche, SPAM_2013)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.visibility == Visibility.HELD
    item = ModerationItem.objects.get()
    assert item.cause == ModerationItem.Cause.SPAM
    assert item.spam_score >= settings.ANTISPAM_HOLD_SCORE
    assert "vocabulary" in [reason[0] for reason in item.spam_reasons]
    client.logout()
    assert "Coffre-fort" not in client.get(fiche.get_absolute_url()).content.decode()


def test_the_2013_spam_paragraph_is_held_even_from_an_account_with_standing(client, fiche, reader):
    send(client, reader, fiche, SPAM_2013)
    assert Comment.objects.get().visibility == Visibility.HELD
    assert ModerationItem.objects.get().cause == ModerationItem.Cause.SPAM


def test_an_ordinary_french_comment_with_one_link_passes(client, fiche, newcomer):
    response = send(client, newcomer, fiche, ORDINARY)
    comment = Comment.objects.get()
    assert comment.visibility == Visibility.VISIBLE
    assert not ModerationItem.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert '<a href="https://repair-landerneau.example.org" rel="nofollow ugc noopener">' in page


def test_too_many_links_from_a_new_account_are_refused_and_kept(client, fiche, newcomer, settings):
    settings.ANTISPAM_NEW_ACCOUNT_MAX_LINKS = 2
    body = "Voyez https://a.example.org, https://b.example.org et https://c.example.org pour en savoir plus."
    response = send(client, newcomer, fiche, body)
    assert response.status_code == 400
    text = page_text(response)
    assert "Les nouveaux comptes peuvent mettre au plus 2 liens par texte" in text
    assert body in text
    assert not Comment.objects.exists()


def test_the_same_text_posted_under_two_fiches_counts_as_repeated(client, fiche, reader, territories):
    from tests.factories import InnovationFactory

    other = InnovationFactory(title="Autre fiche", communes=["Brest"])
    text = ("Bonjour à toutes et à tous, nous cherchons des bénévoles pour notre atelier de réparation de vélos "
            "du samedi matin, écrivez-nous si cela vous intéresse.")
    send(client, reader, fiche, text)
    send(client, reader, other, text)
    entries = AuditEntry.objects.filter(action="comment.posted").order_by("pk")
    first, second = (entry.data["score"] for entry in entries)
    assert first < second


# Form traps and rate limit ------------------------------------------------------------------------------

def test_filled_honeypot_is_refused_and_the_text_kept(client, fiche, reader):
    response = send(client, reader, fiche, "Un vrai commentaire, écrit à la main.",
                    **{HONEYPOT_FIELD: "https://casino.example"})
    assert response.status_code == 400
    assert str(REFUSED) in page_text(response)
    assert "Un vrai commentaire, écrit à la main." in page_text(response)
    assert "casino" not in response.content.decode()
    assert not Comment.objects.exists()


def test_too_fast_is_refused_then_accepted_a_moment_later(client, fiche, reader, settings, monkeypatch):
    import re

    now = [1_750_000_000.0]
    monkeypatch.setattr("creative.antispam.clock.now", lambda: now[0])
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    client.force_login(reader)
    page = client.get(fiche.get_absolute_url()).content.decode()
    token = re.search(r'id="commentaire-nouveau-opened_at"', page) and re.search(
        r'name="opened_at" value="([^"]+)" id="commentaire-nouveau-opened_at"', page).group(1)
    now[0] += 1
    data = {"body": "Écrit très vite.", "parent": "", HONEYPOT_FIELD: "", OPENED_FIELD: token}
    response = client.post(post_url(fiche), data)
    assert response.status_code == 400
    assert str(REFUSED) in page_text(response) and "Écrit très vite." in page_text(response)
    assert not Comment.objects.exists()
    now[0] += 5
    assert client.post(post_url(fiche), data).status_code == 302
    assert Comment.objects.count() == 1


def test_missing_opening_time_is_refused(client, fiche, reader, settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    response = send(client, reader, fiche, "Sans horodatage.")
    assert response.status_code == 400 and str(REFUSED) in page_text(response)


def test_rate_limit_answers_429(client, fiche, reader, settings):
    settings.ANTISPAM_RATE_LIMITS = "comment=2/h/user"
    assert send(client, reader, fiche, "Premier.").status_code == 302
    assert send(client, reader, fiche, "Deuxième.").status_code == 302
    response = send(client, reader, fiche, "Troisième.")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert "Trop de tentatives" in page_text(response)
    assert Comment.objects.count() == 2


def test_visitors_are_not_counted_by_the_rate_limit(client, fiche, reader, settings):
    settings.ANTISPAM_RATE_LIMITS = "comment=1/h/ip"
    for _ in range(3):
        assert send(client, None, fiche).status_code == 302  # sent to log in, not counted
    assert send(client, reader, fiche).status_code == 302
    assert Comment.objects.count() == 1
