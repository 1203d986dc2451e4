"""The review page: who sees it, what it shows, and the thread's messages.

Personas (conftest.py): the fiche's author, an editor of the pays de Brest (the fiche is in
Brest), an editor of Quimper, another contributor; plus an unverified account and a visitor.
"""

import pytest
from django.urls import reverse

from creative.accounts.roles import Role
from creative.editorial.models import ReviewMessage
from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db


def review_url(fiche):
    return reverse("editorial:review", args=[fiche.pk])


def get_page(client, user, fiche):
    if user is not None:
        client.force_login(user)
    return client.get(review_url(fiche))


def test_authors_and_editors_of_the_territory_read_the_page(client, fiche, author, editor):
    for user in (author, editor):
        response = get_page(client, user, fiche)
        assert response.status_code == 200
        assert "Relecture : Repair café du Bellevue" in response.text


def test_administrators_read_every_page(client, fiche):
    response = get_page(client, UserFactory(roles=[Role.ADMINISTRATOR]), fiche)
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["editor_elsewhere", "contributor"])
def test_other_people_are_refused(client, fiche, persona, request):
    ReviewMessage.objects.create(innovation=fiche, author=fiche.authors.get(), body="Secret de fabrication")
    response = get_page(client, request.getfixturevalue(persona), fiche)
    assert response.status_code == 403
    assert "Secret de fabrication" not in response.text


def test_unverified_author_is_refused(client, territories):
    unverified = UserFactory(verified=False)
    fiche = InnovationFactory(state=Innovation.State.DRAFT, communes=["Brest"])
    Authorship.objects.create(innovation=fiche, user=unverified, is_creator=True)
    assert get_page(client, unverified, fiche).status_code == 403


def test_visitors_are_sent_to_log_in(client, fiche):
    response = get_page(client, None, fiche)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_missing_fiche_is_a_404(client, editor):
    client.force_login(editor)
    assert client.get(reverse("editorial:review", args=[999999])).status_code == 404


def test_the_page_says_the_state_what_comes_next_and_what_is_missing(client, territories, author):
    fiche = InnovationFactory(title="Sans lieu", state=Innovation.State.DRAFT)  # no place, no theme
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    page = get_page(client, author, fiche).text
    assert "Brouillon" in page
    assert "Complétez-la, puis soumettez-la" in page
    assert "au moins un thème" in page and "au moins un lieu" in page


def test_editors_read_their_own_next_step(client, fiche, editor):
    fiche.state = Innovation.State.SUBMITTED
    fiche.save()
    page = get_page(client, editor, fiche).text
    assert "La fiche attend votre relecture" in page


def test_the_page_links_to_the_fiche_its_editor_and_its_history(client, fiche, author):
    page = get_page(client, author, fiche).text
    assert f'href="{fiche.get_absolute_url()}"' in page
    assert reverse("editorial:edit", args=[fiche.pk, "identite"]) in page
    assert reverse("editorial:history", args=[fiche.slug]) in page


def test_thread_shows_kind_name_date_and_sanitised_markdown_never_an_address(client, fiche, author, editor):
    ReviewMessage.objects.create(
        innovation=fiche, author=editor, kind=ReviewMessage.Kind.CHANGES_REQUESTED,
        body="Ajoutez **une photo**.\n\n<script>alert('x')</script>",
    )
    page = get_page(client, author, fiche).text
    assert "Demande de modifications" in page
    assert "Yann Accompagnateur" in page
    assert "<strong>une photo</strong>" in page
    assert "<script>alert" not in page
    assert editor.email not in page and author.email not in page
    assert "datetime=" in page


def test_authors_see_their_actions_not_the_editors(client, fiche, author):
    page = get_page(client, author, fiche).text
    assert reverse("editorial:transition", args=[fiche.pk, "soumettre"]) in page
    assert reverse("editorial:transition", args=[fiche.pk, "publier"]) not in page


def test_editors_see_the_decisions_the_state_allows(client, fiche, editor):
    fiche.state = Innovation.State.SUBMITTED
    fiche.save()
    page = get_page(client, editor, fiche).text
    for action in ("demander-modifications", "publier", "refuser"):
        assert reverse("editorial:transition", args=[fiche.pk, action]) in page
    for action in ("soumettre", "rouvrir", "archiver", "desarchiver"):
        assert reverse("editorial:transition", args=[fiche.pk, action]) not in page


# The thread -------------------------------------------------------------------------------------

def comment_url(fiche):
    return reverse("editorial:comment", args=[fiche.pk])


def test_an_author_writes_in_the_thread(client, fiche, author):
    client.force_login(author)
    response = client.post(comment_url(fiche), {"message-body": "Voici la nouvelle version."})
    message = ReviewMessage.objects.get(innovation=fiche)
    assert response.status_code == 302
    assert response["Location"] == f"{review_url(fiche)}#message-{message.pk}"
    assert message.author == author and message.kind == ReviewMessage.Kind.COMMENT
    assert "Voici la nouvelle version." in client.get(review_url(fiche)).text


def test_an_editor_writes_in_the_thread(client, fiche, editor):
    client.force_login(editor)
    client.post(comment_url(fiche), {"message-body": "Bienvenue !"})
    assert ReviewMessage.objects.get(innovation=fiche).author == editor


def test_an_empty_message_is_refused_with_a_clear_message(client, fiche, author):
    client.force_login(author)
    response = client.post(comment_url(fiche), {"message-body": "   "})
    assert response.status_code == 400
    assert "Le message est vide." in response.text
    assert not ReviewMessage.objects.exists()


@pytest.mark.parametrize("persona", ["editor_elsewhere", "contributor"])
def test_other_people_cannot_write_in_the_thread(client, fiche, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(comment_url(fiche), {"message-body": "Bonjour"}).status_code == 403
    assert not ReviewMessage.objects.exists()


def test_visitors_cannot_write_in_the_thread(client, fiche):
    response = client.post(comment_url(fiche), {"message-body": "Bonjour"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not ReviewMessage.objects.exists()


def test_the_thread_is_changed_by_post_only(client, fiche, author):
    client.force_login(author)
    assert client.get(comment_url(fiche)).status_code == 405


def test_a_draft_without_a_title_still_has_a_page(client, territories, author):
    fiche = InnovationFactory(title="", state=Innovation.State.DRAFT)
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    page = get_page(client, author, fiche).text
    assert "Relecture : Fiche sans titre" in page
    assert "le titre" in page  # the first thing missing before submission
