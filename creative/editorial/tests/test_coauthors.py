"""Co-authors: an author invites by email, the signed link works once, the creator may remove them."""

import re
import time
from unittest import mock

import pytest
from django.urls import reverse

from creative.audit.models import AuditEntry
from creative.editorial.models import CoauthorInvitation
from creative.editorial.views.editor import invitation_token
from creative.innovations.models import Authorship, Innovation
from tests.factories import UserFactory
from tests.worker import run_tasks

from .test_editor import draft_by, edit_url, form_values, page_text

worker_test = pytest.mark.django_db(transaction=True)


def coauthors_url(fiche):
    return reverse("editorial:coauthors", args=[fiche.pk])


def accept_path(text):
    return re.search(r"http://[^/\s]+(/contribuer/invitation/[^\s\"<]+/)", text).group(1)


@pytest.fixture
def camille(territories):
    return UserFactory(profile__display_name="Camille Le Gall")


@pytest.fixture
def draft(camille):
    return draft_by(camille, title="Repair café du Bellevue")


def invite(client, fiche, email):
    return client.post(coauthors_url(fiche), {"email": email})


@worker_test
def test_the_invitation_is_mailed_by_the_worker_and_its_link_works_once(db, client, territories, mailoutbox):
    camille = UserFactory(profile__display_name="Camille Le Gall")
    fiche = draft_by(camille, title="Repair café du Bellevue")
    yann = UserFactory(email="yann@example.org", profile__display_name="Yann")
    client.force_login(camille)

    response = invite(client, fiche, "  Yann@Example.org ")
    assert response.status_code == 302 and response["Location"] == coauthors_url(fiche)
    assert mailoutbox == []  # nothing is sent while the page answers
    invitation = CoauthorInvitation.objects.get()
    assert invitation.email == "yann@example.org" and invitation.invited_by == camille

    run_tasks()
    [mail] = mailoutbox
    assert mail.to == ["yann@example.org"]
    assert mail.subject == "Camille Le Gall vous invite à co-écrire une fiche sur Brest Créative"
    assert "« Repair café du Bellevue »" in mail.body and "14 jours" in mail.body
    html = mail.alternatives[0][0]
    path = accept_path(mail.body)
    assert path in html

    client.force_login(yann)
    page = client.get(path)
    assert page.status_code == 200 and "Camille Le Gall vous invite" in page_text(page)
    assert not Authorship.objects.filter(user=yann).exists()  # opening the link changes nothing
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == edit_url(fiche, "identite")
    authorship = Authorship.objects.get(innovation=fiche, user=yann)
    assert not authorship.is_creator
    invitation.refresh_from_db()
    assert invitation.accepted_by == yann and invitation.accepted_at is not None
    assert AuditEntry.objects.filter(action="coauthor.added", actor=yann).exists()

    # Once only: someone else using the same link gets a clear answer.
    client.force_login(UserFactory())
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert "Cette invitation a déjà été utilisée" in page_text(response)
    assert fiche.authorships.count() == 2


@worker_test
def test_the_page_never_tells_whether_an_address_has_an_account(db, client, territories, mailoutbox):
    camille = UserFactory()
    fiche = draft_by(camille)
    UserFactory(email="existe@example.org")
    client.force_login(camille)
    answers = []
    for email in ("existe@example.org", "inconnue@example.org"):
        response = client.post(coauthors_url(fiche), {"email": email}, follow=True)
        assert response.status_code == 200
        answers.append([str(m).replace(email, "ADRESSE") for m in response.context["messages"]])
    assert answers[0] == answers[1]
    assert answers[0][0].startswith("Invitation envoyée à ADRESSE.")
    run_tasks()
    bodies = [m.body.replace(m.to[0], "") for m in mailoutbox]
    assert len(bodies) == 2
    assert re.sub(r"/invitation/\S+", "", bodies[0]) == re.sub(r"/invitation/\S+", "", bodies[1])


@pytest.mark.django_db
def test_a_co_author_edits_the_draft(client, camille, draft):
    yann = UserFactory()
    invitation = CoauthorInvitation.objects.create(innovation=draft, email="yann@example.org", invited_by=camille)
    client.force_login(yann)
    assert client.get(edit_url(draft, "identite")).status_code == 403
    client.post(reverse("editorial:accept_invitation", args=[invitation_token(invitation)]))
    page = client.get(edit_url(draft, "identite"))
    assert page.status_code == 200
    values = form_values(page.text)
    values.update(title="Repair café du Bellevue et de Kerinou", action="save")
    assert client.post(edit_url(draft, "identite"), values).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Repair café du Bellevue et de Kerinou"
    assert "Repair café du Bellevue et de Kerinou" in client.get(reverse("editorial:my_fiches")).text


@pytest.mark.django_db
def test_bad_and_expired_links_are_explained(client, camille, draft):
    invitation = CoauthorInvitation.objects.create(innovation=draft, email="yann@example.org", invited_by=camille)
    client.force_login(UserFactory())
    token = invitation_token(invitation)

    response = client.get(reverse("editorial:accept_invitation", args=[token[:-3] + "abc"]))
    assert response.status_code == 400 and "Ce lien d'invitation n'est pas valide" in page_text(response)
    response = client.post(reverse("editorial:accept_invitation", args=["nimportequoi"]))
    assert response.status_code == 400

    fifteen_days_ago = time.time() - 15 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=fifteen_days_ago):
        old = invitation_token(invitation)
    response = client.post(reverse("editorial:accept_invitation", args=[old]))
    assert response.status_code == 410 and "Ce lien d'invitation a expiré" in page_text(response)
    assert draft.authorships.count() == 1

    # A token signed for another purpose (another salt) is not an invitation.
    from django.core import signing

    forged = signing.dumps({"i": invitation.pk, "f": draft.pk}, salt="autre-chose")
    assert client.get(reverse("editorial:accept_invitation", args=[forged])).status_code == 400


@pytest.mark.django_db
def test_visitors_log_in_before_accepting(client, camille, draft):
    invitation = CoauthorInvitation.objects.create(innovation=draft, email="yann@example.org", invited_by=camille)
    path = reverse("editorial:accept_invitation", args=[invitation_token(invitation)])
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]
    client.force_login(UserFactory(verified=False))
    assert client.post(path).status_code == 403
    assert draft.authorships.count() == 1


@pytest.mark.django_db
def test_an_invalid_address_is_refused_and_kept(client, camille, draft):
    client.force_login(camille)
    response = invite(client, draft, "pas-une-adresse")
    assert response.status_code == 200
    assert "Cette adresse électronique n'est pas valide." in page_text(response)
    assert 'value="pas-une-adresse"' in response.text
    assert not CoauthorInvitation.objects.exists()


@pytest.mark.django_db
def test_the_creator_removes_a_co_author_but_co_authors_cannot_remove_others(client, camille, draft):
    yann, maelle = UserFactory(profile__display_name="Yann"), UserFactory(profile__display_name="Maëlle")
    for user in (yann, maelle):
        Authorship.objects.create(innovation=draft, user=user)
    remove = lambda user: reverse("editorial:remove_coauthor", args=[draft.pk, user.pk])  # noqa: E731

    client.force_login(yann)
    assert client.post(remove(maelle)).status_code == 403
    assert client.post(remove(camille)).status_code == 403  # nobody removes the creator
    page = page_text(client.get(coauthors_url(draft)))
    assert "Ne plus être co-auteur" in page and "Retirer Maëlle" not in page

    client.force_login(camille)
    assert client.get(remove(maelle)).status_code == 405
    response = client.post(remove(maelle))
    assert response.status_code == 302 and response["Location"] == coauthors_url(draft)
    assert not draft.authorships.filter(user=maelle).exists()
    assert AuditEntry.objects.filter(action="coauthor.removed", actor=camille).exists()
    client.force_login(maelle)
    assert client.get(edit_url(draft, "identite")).status_code == 403

    client.force_login(yann)  # a co-author may leave
    assert client.post(remove(yann))["Location"] == reverse("editorial:my_fiches")
    assert list(draft.authorships.values_list("user", flat=True)) == [camille.pk]


@pytest.mark.django_db
def test_only_authors_and_editors_see_and_invite(client, camille, draft):
    client.force_login(UserFactory())
    assert client.get(coauthors_url(draft)).status_code == 403
    assert invite(client, draft, "quelquun@example.org").status_code == 403
    assert not CoauthorInvitation.objects.exists()
    client.logout()
    assert client.get(coauthors_url(draft)).status_code == 302
    published = Innovation.objects.create(title="Autre", pitch="p", state=Innovation.State.PUBLISHED)
    client.force_login(camille)
    assert client.get(coauthors_url(published)).status_code == 403
