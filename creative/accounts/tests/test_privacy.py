"""An account's email address never appears on a public page; its display name stands for it."""

from django.test import Client
from django.urls import reverse

from creative.accounts.roles import Role
from creative.innovations.models import Innovation
from tests.factories import InnovationFactory, UserFactory

EMAIL = "camille.secret@example.org"
PASSWORD = "une phrase de passe solide"


def public_pages(territories):
    fiche = InnovationFactory(title="Cartes participatives", communes=["Brest"])
    return [
        "/", reverse("innovations:list"), reverse("innovations:list") + "?q=cartes", reverse("innovations:map"),
        fiche.get_absolute_url(), territories["brest"].get_absolute_url(),
        territories["pays-de-brest"].get_absolute_url(), "/nulle-part/",
    ]


def test_public_pages_never_show_the_account_email(client, territories):
    UserFactory(email=EMAIL, password=PASSWORD, profile__display_name="Camille Le Gall")
    # Signed in through the real form, so allauth's "connected as…" message is rendered too.
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD}, follow=True)
    assert "Camille Le Gall" in response.content.decode()
    for url in public_pages(territories):
        for who in (client, Client()):
            content = who.get(url).content.decode()
            assert EMAIL not in content and "camille.secret" not in content, url
    assert "Camille Le Gall" in client.get("/").content.decode()


def test_the_unpublished_fiche_preview_does_not_show_editor_emails(client, territories):
    editor = UserFactory(email=EMAIL, roles=[Role.EDITOR], scopes=["pays-de-brest"])
    draft = InnovationFactory(state=Innovation.State.DRAFT, communes=["Brest"])
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200 and EMAIL not in response.content.decode()
