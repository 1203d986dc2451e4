"""The « Commentaires » section of a fiche: what each person sees, per comment state."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.moderation.models import AccountBlock, Visibility

from .helpers import make_comment, page_text, section

pytestmark = pytest.mark.django_db


def fiche_page(client, fiche, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get(fiche.get_absolute_url())
    assert response.status_code == 200
    return response


def test_visible_comments_with_author_name_date_anchor_and_count(client, fiche, reader, coauthor):
    first = make_comment(fiche, reader, "Bravo pour ce *repair café* !")
    make_comment(fiche, coauthor, "Merci, venez samedi.")
    html = section(fiche_page(client, fiche))
    assert re.search(r'<h2 id="commentaires-titre">Commentaires <span class="count">\(2\)</span></h2>', html)
    assert f'<article class="comment comment-full" id="commentaire-{first.pk}"' in html
    assert "Gwen Lectrice" in html and "Erwan Coauteur" in html
    assert f'<time datetime="{timezone.localtime(first.created_at).isoformat()}">' in html
    assert "<em>repair café</em>" in html
    assert html.index("Bravo") < html.index("Merci, venez")


def test_no_email_address_on_the_page(client, fiche, reader, author):
    make_comment(fiche, reader, "Une question pour l'équipe.")
    parent = make_comment(fiche, author, "Réponse de l'autrice.")
    make_comment(fiche, reader, "Merci !", parent=parent)
    for viewer in (None, reader, author):
        content = fiche_page(client, fiche, viewer).content.decode()
        assert "@example.org" not in content
        client.logout()


def test_replies_sit_under_their_parent(client, fiche, reader, author):
    parent = make_comment(fiche, reader, "Question : ouvert le dimanche ?")
    other = make_comment(fiche, reader, "Autre sujet.")
    reply = make_comment(fiche, author, "Non, le samedi seulement.", parent=parent)
    html = section(fiche_page(client, fiche))
    replies = re.search(r'<ol class="comment-replies".*?</ol>', html, re.S).group(0)
    assert f'id="commentaire-{reply.pk}"' in replies
    assert html.index(f'id="commentaire-{parent.pk}"') < html.index(f'id="commentaire-{reply.pk}"')
    assert html.index(f'id="commentaire-{reply.pk}"') < html.index(f'id="commentaire-{other.pk}"')


def test_held_comment_is_shown_to_its_author_only(client, fiche, reader, newcomer, author):
    held = make_comment(fiche, newcomer, "Mon premier commentaire.", visibility=Visibility.HELD)
    make_comment(fiche, reader, "Un commentaire visible.")
    mine = section(fiche_page(client, fiche, newcomer))
    assert f'id="commentaire-{held.pk}"' in mine
    assert "Mon premier commentaire." in mine and "En attente de modération" in mine
    assert "Commentaires <span class=\"count\">(1)</span>" in mine  # the count is the public one
    for viewer in (None, reader, author):
        client.logout()
        html = section(fiche_page(client, fiche, viewer))
        assert "Mon premier commentaire." not in html and f'id="commentaire-{held.pk}"' not in html
        assert "En attente de modération" not in html


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.REMOVED])
def test_hidden_and_removed_comments_are_not_shown_even_to_their_author(client, fiche, reader, visibility):
    gone = make_comment(fiche, reader, "Texte retiré par la modération.", visibility=visibility)
    make_comment(fiche, reader, "Un autre, visible.")
    for viewer in (None, reader):
        client.logout()
        html = section(fiche_page(client, fiche, viewer))
        assert "Texte retiré" not in html and f'id="commentaire-{gone.pk}"' not in html
        assert "Commentaire masqué par la modération" not in html  # no replies: no placeholder either


def test_hidden_parent_with_visible_replies_keeps_a_placeholder(client, fiche, reader, author):
    parent = make_comment(fiche, reader, "Propos injurieux.", visibility=Visibility.HIDDEN)
    reply = make_comment(fiche, author, "Restons courtois, merci.", parent=parent)
    hidden_reply = make_comment(fiche, reader, "Encore pire.", parent=parent, visibility=Visibility.HIDDEN)
    html = section(fiche_page(client, fiche))
    assert "Commentaire masqué par la modération" in html
    assert "Propos injurieux" not in html and "Encore pire" not in html
    assert f'id="commentaire-{parent.pk}"' in html and f'id="commentaire-{reply.pk}"' in html
    assert f'id="commentaire-{hidden_reply.pk}"' not in html
    assert "Restons courtois" in html
    assert "Gwen Lectrice" not in html  # the placeholder does not name the hidden comment's author


def test_soft_deleted_comment_shows_a_placeholder(client, fiche, reader, author):
    deleted = make_comment(fiche, reader, "Texte que j'ai retiré.", deleted_at=timezone.now())
    make_comment(fiche, author, "Une réponse reste.", parent=deleted)
    for viewer in (None, reader):
        client.logout()
        html = section(fiche_page(client, fiche, viewer))
        assert "Commentaire supprimé par son auteur" in html
        assert "Texte que j'ai retiré." not in html
        assert "Une réponse reste." in html
    assert "Commentaires <span class=\"count\">(1)</span>" in html


def test_visitor_is_invited_to_log_in_and_come_back(client, fiche):
    html = section(fiche_page(client, fiche))
    login = reverse("account_login") + "?next=" + fiche.get_absolute_url() + "%23commentaires"
    assert f'href="{login}"' in html and "Connectez-vous pour commenter" in html
    assert "<textarea" not in html
    assert "Pas encore de commentaire" in html


def test_contributor_gets_the_form_and_reply_forms(client, fiche, reader, author):
    parent = make_comment(fiche, author, "Des questions ?")
    html = section(fiche_page(client, fiche, reader))
    post = reverse("comments:post", args=["innovations.innovation", fiche.pk])
    assert f'<form class="comment-form" id="commenter" method="post" action="{post}">' in html
    assert 'name="body"' in html and 'name="homepage"' in html and 'name="opened_at"' in html
    assert f'<input type="hidden" name="parent" value="{parent.pk}"' in html
    assert "<summary>Répondre" in html
    assert "csrfmiddlewaretoken" in html
    # Field ids are unique on the page (one form per comment plus the new one).
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_unverified_account_is_told_why_it_cannot_post(client, fiche, unverified):
    html = section(fiche_page(client, fiche, unverified))
    assert "<textarea" not in html
    assert "confirmez d'abord votre adresse électronique" in page_text_of(html)
    assert f'href="{reverse("account_email")}"' in html


def test_blocked_account_is_told_why_it_cannot_post(client, fiche, reader, moderator):
    AccountBlock.objects.create(user=reader, reason="Insultes répétées.", blocked_by=moderator)
    make_comment(fiche, reader, "Ancien commentaire.")
    html = section(fiche_page(client, fiche, reader))
    assert "<textarea" not in html
    assert "bloqué par l'équipe de modération" in page_text_of(html)
    assert f'href="{reverse("account_email")}"' not in html
    assert "Modifier" not in page_text_of(html) and "Supprimer" not in page_text_of(html)


def test_own_comment_offers_edit_within_the_window_and_delete(client, fiche, reader, author):
    fresh = make_comment(fiche, reader, "Tout frais.")
    old = make_comment(fiche, reader, "Ancien.", created_at=timezone.now() - timedelta(minutes=16))
    html = section(fiche_page(client, fiche, reader))
    assert f'href="{reverse("comments:edit", args=[fresh.pk])}"' in html
    assert f'href="{reverse("comments:edit", args=[old.pk])}"' not in html
    assert f'href="{reverse("comments:delete", args=[fresh.pk])}"' in html
    assert f'href="{reverse("comments:delete", args=[old.pk])}"' in html
    client.logout()
    other = section(fiche_page(client, fiche, author))
    assert "comments:edit" not in other and reverse("comments:edit", args=[fresh.pk]) not in other


def test_report_link_on_others_comments(client, fiche, reader, author):
    comment = make_comment(fiche, author, "Signalez-moi.")
    html = section(fiche_page(client, fiche, reader))
    assert f'href="{reverse("moderation:report", args=["comments.comment", comment.pk])}"' in html
    client.logout()
    own = section(fiche_page(client, fiche, author))
    assert reverse("moderation:report", args=["comments.comment", comment.pk]) not in own


def test_no_comments_on_a_fiche_that_is_not_published(client, draft, author):
    make_comment(draft, author, "Note interne.")
    client.force_login(author)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert section(response) == "" and "Note interne." not in response.content.decode()


def test_comments_of_another_fiche_are_not_shown(client, fiche, reader, territories):
    from tests.factories import InnovationFactory

    other = InnovationFactory(title="Autre fiche", communes=["Brest"])
    make_comment(other, reader, "Sur l'autre fiche.")
    assert "Sur l'autre fiche." not in section(fiche_page(client, fiche))


def test_the_page_queries_do_not_grow_with_comments(client, fiche, reader, author, django_assert_max_num_queries):
    for number in range(3):
        parent = make_comment(fiche, reader, f"Commentaire {number}.")
        make_comment(fiche, author, f"Réponse {number}.", parent=parent)
    client.force_login(reader)
    client.get(fiche.get_absolute_url())  # warm the per-request caches (content types, roles)
    with django_assert_max_num_queries(40) as few:
        client.get(fiche.get_absolute_url())
    for number in range(3, 13):
        parent = make_comment(fiche, reader, f"Commentaire {number}.")
        make_comment(fiche, author, f"Réponse {number}.", parent=parent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(fiche.get_absolute_url())


def page_text_of(html):
    class Fake:
        content = html.encode()

    return page_text(Fake)
