"""The carriers' network in a real browser: from an idea to a contact, an answer and a reproduction on the map.

A visitor (not signed in) describes a shared-garden idea on « J'ai un projet » from the home page,
finds the Bellevue garden and its ambassador Nolwenn, and writes to her. A real SMTP server
receives the message at once (the contact relay mails from the request): Nolwenn gets the text,
the fiche and a reply link, never the visitor's address. Nolwenn signs in from that link and
answers; the visitor gets the answer with Nolwenn's address to reply to, Nolwenn a copy with the
visitor's. Then Erwan, who carries a garden in Lannilis, declares it a reproduction of Bellevue;
the worker tells Nolwenn, and the Bellevue fiche shows the descendant in its lineage list and
both places, joined by a line, on its diffusion map. Fiches, accounts, team and ambassador offer
are set up through the ORM; everything else goes through the browser. axe-core checks the
suggestions, the contact form and the fiche with its lineage.
"""

import re

import pytest
from playwright.sync_api import expect

from creative.contact.models import ContactMessage
from creative.innovations.models import Authorship
from creative.network.models import Ambassador, TeamMember
from creative.reuse.models import Reproduction
from tests.browser_env import assert_accessible
from tests.factories import InnovationFactory, UserFactory, commune
from tests.smtp import SMTPTestServer
from tests.worker import run_tasks

PASSWORD = "un mot de passe solide 2026"
GARDEN = "Jardin partagé de Bellevue"
ABERS = "Jardin des Abers"
NOLWENN_EMAIL = "nolwenn.jardin@exemple-prive.fr"
NOLWENN = "Nolwenn Le Bihan"
ERWAN_EMAIL = "erwan.abers@exemple-prive.fr"
ERWAN = "Erwan Kerjean"
VISITOR = "Maïwenn Tanguy"
VISITOR_EMAIL = "mt.quartier-kerzu@exemple-discret.fr"
IDEA = (
    "Nous voulons créer un jardin partagé entre voisins dans notre quartier à Plouzané : des parcelles "
    "pour les familles, un composteur commun et des légumes cultivés ensemble, pour une alimentation locale."
)
MESSAGE = (
    "Bonjour, nous lançons un jardin partagé à Plouzané. Comment avez-vous obtenu le terrain auprès de la "
    "mairie, et comment répartissez-vous les parcelles entre voisins ?"
)
ANSWER = "Bonjour Maïwenn ! Le terrain nous est prêté par une convention d'occupation. Venez samedi matin."
ADAPTED = "Des bacs surélevés pour l'école voisine et une grainothèque ouverte le dimanche."





def fill_login(page, email):
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def mails_to(smtp, address):
    return [m for m in smtp.received if address in m.rcpt_tos]


@pytest.fixture
def smtp(settings):
    with SMTPTestServer() as server:
        settings.MAILERS = {"default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": server.host, "port": server.port, "timeout": 10},
        }}
        yield server


@pytest.fixture
def story(settings, live_server, fiches):
    """The Bellevue garden and its ambassador, Erwan's garden in Lannilis, among a dozen other fiches."""
    # Playwright fills a form faster than any person: the traps' time check would refuse it.
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""
    settings.CONTACT_REPLY_DAYS = 30
    settings.SITE_URL = live_server.url  # links in the emails point at this server

    garden = fiches[GARDEN]
    garden.pitch = "Des voisins cultivent ensemble légumes et fleurs dans un jardin partagé au cœur du quartier."
    garden.description = (
        "Le jardin partagé de Bellevue est né en 2019 d'une friche entre deux immeubles. Chaque famille du quartier "
        "cultive sa parcelle ; le composteur, les outils et la récolte des arbres fruitiers sont partagés entre "
        "voisins. Le jardin accueille les écoles le mercredi."
    )
    garden.save()
    nolwenn = UserFactory(email=NOLWENN_EMAIL, password=PASSWORD, profile__display_name=NOLWENN,
                          profile__is_public=True, profile__commune=commune("Brest"))
    TeamMember.objects.create(innovation=garden, user=nolwenn, kind=TeamMember.Kind.CARRIER, role="coordinatrice")
    Ambassador.objects.create(
        innovation=garden, user=nolwenn,
        topics="Trouver un terrain avec la mairie, répartir les parcelles, animer un collectif de voisins.",
        means=[Ambassador.Means.VISIT, Ambassador.Means.PHONE], availability="Le samedi matin", travel_km=30,
    )

    erwan = UserFactory(email=ERWAN_EMAIL, password=PASSWORD, profile__display_name=ERWAN)
    abers = InnovationFactory(
        title=ABERS, communes=["Lannilis"], themes=["alimentation"],
        pitch="Un potager collectif au bord de l'Aber Wrac'h, tenu par les habitants de Lannilis.",
        description="Les habitants cultivent ensemble un terrain communal et partagent les récoltes.",
    )
    Authorship.objects.create(innovation=abers, user=erwan, is_creator=True)
    return {"garden": garden, "nolwenn": nolwenn, "erwan": erwan, "abers": abers}


def test_from_an_idea_to_an_ambassador_and_a_reproduction_on_the_map(page, new_context, offline, smtp, story):
    garden, nolwenn, abers = story["garden"], story["nolwenn"], story["abers"]

    # 1. A visitor describes an idea on « J'ai un projet », reached from the home page.
    page.goto("/")
    page.get_by_role("link", name="J'ai un projet").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("J'ai un projet")
    page.get_by_label("Décrivez votre idée").fill(IDEA)
    page.get_by_label("Commune").press_sequentially("Plouzané", delay=20)  # the autocomplete may offer labels
    page.get_by_role("button", name="Trouver des pistes").click()
    expect(page).to_have_url(re.compile(r"/j-ai-un-projet/\?"))
    understood = page.locator(".project-understood")
    expect(understood).to_contain_text("Thèmes reconnus : Alimentation.")
    expect(understood).to_contain_text("Près de Plouzané.")

    # The garden comes first among the fiches, ahead of the other food fiches, with its reasons:
    # shared words and theme, distance (Brest is 8 km from Plouzané).
    fiches = page.locator("section:has(#project-fiches) ol.match-list > li")
    expect(fiches.first).to_contain_text(GARDEN)
    first_reasons = fiches.first.locator(".match-reasons")
    expect(first_reasons).to_contain_text(re.compile(r"Mots en commun : [^\n]*jardin"))
    expect(first_reasons).to_contain_text("Thèmes en commun : Alimentation")
    expect(first_reasons).to_contain_text("à 8 km")
    for other in (ABERS, "Conserverie de Plougastel"):  # a garden farther away; food, but no shared word
        expect(fiches.filter(has_text=other)).to_have_count(1)
    expect(fiches.filter(has_text="Atelier vélo solidaire")).to_have_count(0)  # nothing shared with the idea

    # Nolwenn is offered as someone who can help, with why and how.
    helpers = page.locator("section:has(#project-helpers)")
    helper = helpers.locator("article.match-helper", has_text=NOLWENN)
    expect(helper).to_have_count(1)
    profile_link = helper.get_by_role("link", name=NOLWENN, exact=True)
    expect(profile_link).to_have_attribute("href", nolwenn.profile.get_absolute_url())
    reasons = helper.locator(".match-reasons")
    expect(reasons).to_contain_text(f"Partage son expérience de « {GARDEN} »")
    expect(reasons).to_contain_text(re.compile(r"Mots en commun : [^\n]*jardin"))
    expect(reasons).to_contain_text("Thèmes en commun : Alimentation")
    expect(reasons).to_contain_text("à 8 km")  # from her commune, Brest
    expect(reasons).to_contain_text("se déplace jusqu'à 30 km : vous êtes dans son rayon")
    expect(helper).to_contain_text("visite sur place, échange téléphonique")
    assert NOLWENN_EMAIL not in page.content()
    assert_accessible(page, "J'ai un projet: suggestions")

    # 2. The visitor writes to Nolwenn.
    helper.get_by_role("link", name=re.compile(r"^Contacter")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Écrire à {NOLWENN}")
    expect(page.locator(".contact-page")).to_contain_text(f"Au sujet de la fiche « {GARDEN} »")
    assert_accessible(page, "contact form")
    page.get_by_label("Votre nom").fill(VISITOR)
    page.get_by_label("Votre adresse électronique").fill(VISITOR_EMAIL)
    page.get_by_label("Votre message").fill(MESSAGE)
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Votre message est parti : {NOLWENN} le reçoit")
    expect(page.get_by_role("heading", level=1)).to_have_text(GARDEN)

    # 3. Nolwenn received it at once: the name, the text, the fiche, a reply link; never the visitor's address.
    [received] = smtp.received
    assert received.rcpt_tos == [NOLWENN_EMAIL]
    assert GARDEN in received.message["Subject"] and VISITOR in received.message["Subject"]
    assert received.message["Reply-To"] is None
    for part in (received.text, received.html):
        assert VISITOR in part
        assert GARDEN in part
        assert "répartissez-vous les parcelles entre voisins" in part
    raw = received.message.as_string()
    assert VISITOR_EMAIL not in raw and "kerzu" not in received.text and "kerzu" not in received.html
    reply_link = re.search(r"https?://\S+/contact/reponse/[0-9a-f-]{36}/", received.text).group(0)
    assert reply_link.startswith(page.url.split("/innovations/")[0])

    # 4. Nolwenn follows the link, signs in on the way, and answers.
    nolwenn_page = offline(new_context()).new_page()
    nolwenn_page.set_default_timeout(10_000)
    nolwenn_page.goto(reply_link)
    expect(nolwenn_page).to_have_url(re.compile(r"/comptes/login/\?next=/contact/reponse/"))
    fill_login(nolwenn_page, NOLWENN_EMAIL)
    expect(nolwenn_page.get_by_role("heading", level=1)).to_have_text(f"Répondre à {VISITOR}")
    expect(nolwenn_page.locator(".contact-page")).to_contain_text(GARDEN)
    assert VISITOR_EMAIL not in nolwenn_page.content()  # given only with the copy of her answer
    nolwenn_page.get_by_label("Votre réponse").fill(ANSWER)
    nolwenn_page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(nolwenn_page.get_by_role("status").first).to_contain_text(f"Votre réponse est partie : {VISITOR}")

    [answer] = mails_to(smtp, VISITOR_EMAIL)
    assert answer.message["Reply-To"].addresses[0].addr_spec == NOLWENN_EMAIL
    assert answer.message["Reply-To"].addresses[0].display_name == NOLWENN
    assert "convention d'occupation" in answer.text and GARDEN in answer.text
    copy = mails_to(smtp, NOLWENN_EMAIL)[-1]
    assert copy is not received
    assert copy.message["Reply-To"].addresses[0].addr_spec == VISITOR_EMAIL
    assert VISITOR_EMAIL in copy.text and "convention d'occupation" in copy.text
    assert len(smtp.received) == 3
    message = ContactMessage.objects.get()
    assert (message.status, message.sender_email) == (ContactMessage.Status.REPLIED, "")  # the address is gone

    # The link served once: following it again says so.
    nolwenn_page.goto(reply_link)
    expect(nolwenn_page.locator("main")).to_contain_text("Vous avez déjà répondu à ce message")

    # 5. Erwan declares his garden in Lannilis a reproduction of Bellevue.
    erwan_page = offline(new_context()).new_page()
    erwan_page.set_default_timeout(10_000)
    erwan_page.goto("/comptes/login/")
    fill_login(erwan_page, ERWAN_EMAIL)
    expect(erwan_page.locator(".account-name")).to_be_visible()
    erwan_page.goto(garden.get_absolute_url())
    erwan_page.locator("section.lineage").get_by_role(
        "link", name="Je m'en suis inspiré·e / Je l'ai reproduite").click()
    expect(erwan_page.get_by_role("heading", level=1)).to_contain_text(f"Vous avez reproduit « {GARDEN} »")
    erwan_page.get_by_label("Votre fiche").select_option(label=ABERS)
    erwan_page.get_by_label(re.compile("Je l'ai reproduite")).check()
    erwan_page.get_by_label("Ce que vous avez adapté").fill(ADAPTED)
    erwan_page.get_by_label("Depuis quelle année ?").fill("2024")
    erwan_page.get_by_role("button", name="Déclarer le lien").click()
    expect(erwan_page).to_have_url(re.compile(re.escape(garden.get_absolute_url()) + "#essaimage$"))
    expect(erwan_page.get_by_role("status").first).to_contain_text("Merci ! Le lien est enregistré")
    link = Reproduction.objects.get()
    assert (link.original, link.derived, link.kind, link.status, link.started_year) == (
        garden, abers, Reproduction.Kind.REPRODUCTION, Reproduction.Status.PENDING, 2024)

    # The worker tells Nolwenn, who carries the original.
    assert len(smtp.received) == 3  # through the worker, not the request
    run_tasks()
    [told] = mails_to(smtp, NOLWENN_EMAIL)[2:]
    assert told.message["Subject"] == f"« {GARDEN} » a été reproduite : « {ABERS} »"
    assert ERWAN in told.text and "grainothèque" in told.text and "2024" in told.text
    assert re.search(rf"https?://\S+/reproductions/{link.pk}/", told.text)
    assert not mails_to(smtp, ERWAN_EMAIL)

    # 6. Anybody sees the descendant in the lineage list, and both places on the diffusion map.
    page.goto(garden.get_absolute_url())
    lineage = page.locator("section.lineage")
    item = lineage.locator(".lineage-tree > li.lineage-reproduction")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(re.compile(rf"Reproduction\s*:\s*{ABERS}\s*—\s*Lannilis, depuis 2024"))
    expect(item).to_contain_text("à confirmer")
    expect(item).to_contain_text(ADAPTED)
    expect(item.get_by_role("link", name=ABERS)).to_have_attribute("href", abers.get_absolute_url())
    expect(lineage.locator(".lineage-summary")).to_have_text("reproduite 1 fois")

    diffusion = page.locator("#diffusion-map")
    expect(page.locator("#diffusion-map-figure")).to_be_visible()
    # Two circle markers (SVG paths drawn with arcs, interactive: they open a popup) and the line between them.
    markers = diffusion.locator("path.leaflet-interactive")
    expect(markers).to_have_count(2)
    lines = diffusion.locator("path:not(.leaflet-interactive)")
    expect(lines).to_have_count(1)
    assert re.fullmatch(r"M[-\d.]+ [-\d.]+L[-\d.]+ [-\d.]+", lines.first.get_attribute("d")), (
        lines.first.get_attribute("d"))
    places = set()
    for n in range(2):
        if n:  # an open popup may have panned the map: start again from the page's own view
            page.reload()
            expect(markers).to_have_count(2)
        markers.nth(n).click()
        popup = diffusion.locator(".leaflet-popup-content")
        expect(popup).to_be_visible()
        places.add(popup.inner_text())
    assert any(GARDEN in text and "Brest" in text and "Initiative d’origine" in text for text in places), places
    assert any(ABERS in text and "Lannilis" in text and "à confirmer" in text for text in places), places
    assert_accessible(page, "fiche with its lineage and diffusion map")
    assert not page.context.external_requests, page.context.external_requests

    # Erwan's fiche says where it comes from.
    erwan_page.goto(abers.get_absolute_url())
    expect(erwan_page.locator(".lineage-ancestry")).to_contain_text(f"Reproduction de {GARDEN} (Brest), depuis 2024")
    assert nolwenn.email not in page.content() and VISITOR_EMAIL not in page.content()
