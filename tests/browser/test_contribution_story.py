"""The whole contribution story in a real browser, with a real SMTP server and the real task worker.

A newcomer signs up and confirms their address from the email the SMTP server received, writes a
fiche in the guided editor (no shortcut through the ORM) and submits it; an editor of the pays de
Brest asks for changes; the author answers in the review thread, edits and resubmits; the editor
publishes; the fiche is then on the map and found by the search. axe-core checks the editor and
review pages on the way.
"""

import re

import pytest
from playwright.sync_api import expect

from creative.accounts.roles import Role
from creative.innovations.models import Innovation
from tests.browser_env import assert_accessible
from tests.factories import UserFactory
from tests.smtp import SMTPTestServer
from tests.worker import run_tasks

TITLE = "Bricothèque de Lambézellec"
PITCH = "Une bibliothèque d'outils où les voisins empruntent perceuses, escabeaux et conseils."
AUTHOR_EMAIL = "nolwenn@example.org"
PASSWORD = "un mot de passe solide 2026"
EDITOR_EMAIL = "accompagnement@example.org"



@pytest.fixture
def smtp(settings):
    with SMTPTestServer() as server:
        settings.MAILERS = {"default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": server.host, "port": server.port, "timeout": 10},
        }}
        yield server


@pytest.fixture
def editor(territories, taxonomy):
    user = UserFactory(email=EDITOR_EMAIL, roles=[Role.EDITOR], scopes=["pays-de-brest"],
                       profile__display_name="Annaïg Accompagnatrice")
    user.set_password(PASSWORD)
    user.save()
    return user


def mails_to(smtp, address):
    return [m for m in smtp.received if address in m.rcpt_tos]


def deliver(smtp, address, count):
    """Run the worker, then return the messages `address` received (at least `count`)."""
    run_tasks()
    received = mails_to(smtp, address)
    assert len(received) >= count, [m.message["Subject"] for m in smtp.received]
    return received


def link_in(mail, pattern):
    found = re.search(pattern, mail.text)
    assert found, mail.text
    return found.group(0)




def log_in(page, email):
    page.goto("/comptes/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_from_sign_up_to_the_map(page, context, browser, live_server, smtp, editor, settings):
    settings.SITE_URL = live_server.url  # links in the emails point at this server

    # 1. Sign up, then confirm the address from the email.
    page.goto("/comptes/signup/")
    page.get_by_label("Nom affiché").fill("Nolwenn Porteuse")
    page.get_by_label("Courriel").fill(AUTHOR_EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Créer")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Vérifiez|Confirmez", re.I))
    [confirmation] = deliver(smtp, AUTHOR_EMAIL, 1)
    page.goto(link_in(confirmation, r"https?://\S+/comptes/confirm-email/\S+/"))
    page.get_by_role("button", name=re.compile("Confirmer")).click()
    log_in(page, AUTHOR_EMAIL)

    # 2. Write the fiche, step by step.
    page.goto("/contribuer/")
    page.get_by_role("link", name=re.compile("Nouvelle fiche")).click()
    assert_accessible(page, "editor: identity")
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("En bref").fill(PITCH)
    page.get_by_label("Solidarités").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=2).first).to_contain_text("Lieux")
    commune = page.get_by_label("Commune").first
    commune.fill("Brest")
    page.get_by_label("Adresse").first.fill("12 rue de Lambézellec")
    assert_accessible(page, "editor: places")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.locator("textarea").first).to_be_visible()
    page.locator("textarea").first.fill(
        "Tout est parti d'un constat : chacun possède une perceuse qui sert quelques minutes par an."
    )
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("button", name="Enregistrer et continuer").click()  # images: none for now

    assert_accessible(page, "editor: licence")
    page.get_by_label(re.compile("Je confirme")).check()
    page.get_by_role("button", name="Soumettre à relecture").click()
    fiche = Innovation.objects.get(title=TITLE)
    assert fiche.state == Innovation.State.SUBMITTED
    assert fiche.places.get().commune.name == "Brest"

    # 3. The editor is told, and asks for changes.
    [submitted] = deliver(smtp, EDITOR_EMAIL, 1)
    assert TITLE in submitted.message["Subject"] or TITLE in submitted.text
    editor_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    editor_page = editor_context.new_page()
    editor_page.set_default_timeout(10_000)
    log_in(editor_page, EDITOR_EMAIL)
    editor_page.goto("/relecture/")
    assert_accessible(editor_page, "review queue")
    editor_page.get_by_role("link", name=TITLE).first.click()
    assert_accessible(editor_page, "review page")
    editor_page.get_by_label("Ce qu'il faut changer").fill("Pouvez-vous dire comment les voisins empruntent ?")
    editor_page.get_by_role("button", name="Demander des modifications").click()
    expect(editor_page.get_by_role("status").first).to_contain_text("modifications")
    fiche.refresh_from_db()
    assert fiche.state == Innovation.State.CHANGES_REQUESTED

    # 4. The author reads the request, answers, edits and resubmits.
    [request] = deliver(smtp, AUTHOR_EMAIL, 2)[-1:]
    assert "comment les voisins empruntent" in request.text
    page.goto(link_in(request, r"https?://\S+/relecture/\d+/"))
    expect(page.get_by_text("comment les voisins empruntent")).to_be_visible()
    page.get_by_label("Votre message").fill("C'est fait : j'ai ajouté le fonctionnement du prêt.")
    page.get_by_role("button", name="Envoyer le message").click()
    page.goto(f"/contribuer/{fiche.pk}/code-source/")
    page.locator("textarea").nth(1).fill(
        "Chaque outil a une fiche ; on l'emprunte une semaine avec sa carte d'adhérent, gratuitement."
    )
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.goto(f"/contribuer/{fiche.pk}/licence/")
    page.get_by_label(re.compile("Je confirme")).check()
    page.get_by_role("button", name="Soumettre à relecture").click()
    fiche.refresh_from_db()
    assert fiche.state == Innovation.State.SUBMITTED

    # 5. The editor publishes.
    editor_page.goto(f"/relecture/{fiche.pk}/")
    expect(editor_page.get_by_text("j'ai ajouté le fonctionnement du prêt")).to_be_visible()
    editor_page.get_by_role("button", name="Publier la fiche").click()
    fiche.refresh_from_db()
    assert fiche.state == Innovation.State.PUBLISHED
    [published] = deliver(smtp, AUTHOR_EMAIL, 3)[-1:]
    assert TITLE in published.text
    editor_context.close()

    # 6. The fiche is public: its page, the search, the map.
    page.goto(fiche.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Nolwenn Porteuse").first).to_be_visible()
    page.goto("/innovations/?q=bricotheque")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    points = page.request.get("/carte/points.json?bbox=-5.2,48.2,-4.2,48.7&zoom=14").json()
    assert any(TITLE in str(item) for item in points.get("markers", points.get("points", []))), points
    assert AUTHOR_EMAIL not in page.content()
