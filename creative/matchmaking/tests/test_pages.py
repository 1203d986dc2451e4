"""The "J'ai un projet" page, its link on the home page, and the matches at the bottom of a fiche."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creative.matchmaking.forms import IDEA_MAX_LENGTH

pytestmark = pytest.mark.django_db

URL = "/j-ai-un-projet/"
JARDIN_IDEA = "Nous voulons créer un jardin partagé entre voisins à Plouzané"


def text_of(response):
    """The page's text, tags removed, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(response, heading_id):
    """The HTML of the <section> labelled by `heading_id`."""
    html = response.content.decode()
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, flags=re.S)
    return match.group(0) if match else ""


def titles_in(html):
    return [unescape(t) for t in re.findall(r'<h3 class="card-title"><a href="[^"]*">([^<]*)</a>', html)]


def test_url_name():
    assert reverse("matchmaking:project") == URL


def test_empty_form(client, territories):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form class="project-form" method="get"' in html
    assert '<label for="id_idee">Décrivez votre idée' in html
    assert '<label for="id_commune">Commune' in html
    # The commune field uses the autocomplete (progressive enhancement) and its endpoint.
    assert "data-commune-autocomplete" in html
    assert f'data-endpoint="{reverse("territories:communes")}"' in html
    assert 'src="/static/js/commune-autocomplete.js"' in html
    assert html.count('name="code"') == 1  # the autocomplete's code input, next to the commune
    assert "form-errors" not in html
    assert 'id="project-fiches"' not in html


def test_results_with_a_commune(client, corpus, ambassadors):
    response = client.get(URL, {"idee": JARDIN_IDEA, "commune": "Plouzané"})
    assert response.status_code == 200
    fiches = section(response, "project-fiches")
    assert titles_in(fiches)[0] == "Le jardin partagé de Kerinou"
    assert "Jardin partagé des Quatre Vents" not in response.content.decode()  # a draft
    assert "Mots en commun : jardin, partagé, voisins" in unescape(fiches)
    assert "à 8 km" in fiches
    helpers = unescape(section(response, "project-helpers"))
    assert "Gaëlle Jardinière" in helpers
    assert "se déplace jusqu'à 20 km : vous êtes dans son rayon" in helpers
    assert "Près de Plouzané." in text_of(response)
    assert "Paul Indisponible" not in response.content.decode()


def test_results_without_a_commune(client, corpus):
    response = client.get(URL, {"idee": "Un repair café pour réparer au lieu de jeter, avec des bénévoles"})
    assert response.status_code == 200
    fiches = section(response, "project-fiches")
    assert titles_in(fiches)[0] == "Repair café de Landerneau"
    assert " km" not in unescape(fiches)


def test_the_commune_label_of_the_autocomplete_and_its_code(client, corpus):
    response = client.get(URL, {"idee": JARDIN_IDEA, "commune": "Plouzané (29280)", "code": "29212"})
    assert "Près de Plouzané." in text_of(response)
    response = client.get(URL, {"idee": JARDIN_IDEA, "commune": "29212"})  # its INSEE code
    assert "Près de Plouzané." in text_of(response)
    # The code of the suggestion chosen no longer counts once the text names another commune.
    response = client.get(URL, {"idee": JARDIN_IDEA, "commune": "Brest", "code": "29212"})
    assert "Près de Brest." in text_of(response)


def test_unknown_commune(client, corpus):
    response = client.get(URL, {"idee": JARDIN_IDEA, "commune": "Zorglubville"})
    assert response.status_code == 200
    assert "Commune introuvable : « Zorglubville »" in text_of(response)
    assert 'id="project-fiches"' not in response.content.decode()


def test_ambiguous_commune_offers_candidates(client, corpus):
    response = client.get(URL, {"idee": JARDIN_IDEA, "commune": "Plou"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Plusieurs communes correspondent à « Plou »" in text
    assert "Choisissez la commune :" in text
    html = response.content.decode()
    links = re.findall(r'<ul class="commune-candidates"[^>]*>(.*?)</ul>', html, flags=re.S)[0]
    candidates = [(unescape(url), label) for url, label in re.findall(r'<a href="([^"]*)">([^<]*)</a>', links)]
    assert len(candidates) == 5
    assert all(label.startswith("Plou") and label.endswith(")") for _url, label in candidates)
    # Each candidate is a link keeping the idea: one click, no JavaScript.
    url, label = candidates[0]
    response = client.get(URL + url)
    assert f"Près de {label.split(' (')[0]}." in text_of(response)
    assert titles_in(section(response, "project-fiches"))[0] == "Le jardin partagé de Kerinou"


@pytest.mark.parametrize(
    ("idea", "message"),
    [
        ("", "Décrivez votre idée en quelques phrases."),
        ("Un jardin", "Décrivez votre idée en 20 caractères au moins (vous en avez écrit 9)."),
        ("jardin " * 400, f"Décrivez votre idée en {IDEA_MAX_LENGTH} caractères au plus"),
    ],
)
def test_bad_idea_text(client, corpus, idea, message):
    response = client.get(URL, {"idee": idea, "commune": "Brest"})
    assert response.status_code == 200
    assert message in text_of(response)
    assert 'id="project-fiches"' not in response.content.decode()
    assert 'href="#id_idee"' in response.content.decode()  # the error links to its field


def test_nothing_found_says_so(client, corpus):
    response = client.get(URL, {"idee": "Zorglub quantique interstellaire pour hyperboloïdes"})
    assert response.status_code == 200
    assert "Rien ne ressemble encore à votre idée" in text_of(response)


def test_page_writes_nothing(client, corpus, ambassadors):
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"idee": JARDIN_IDEA, "commune": "Plouzané"})
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_only_get(client, territories):
    assert client.post(URL, {"idee": JARDIN_IDEA}).status_code == 405


@pytest.mark.parametrize("role", ["anonymous", "unverified", "contributor", "editor", "moderator", "administrator"])
def test_open_to_everyone(client, corpus, personas, role):
    if personas[role] is not None:
        client.force_login(personas[role])
    response = client.get(URL, {"idee": JARDIN_IDEA, "commune": "Plouzané"})
    assert response.status_code == 200
    assert titles_in(section(response, "project-fiches"))[0] == "Le jardin partagé de Kerinou"


def test_home_page_links_to_the_project_page(client, territories):
    response = client.get("/")
    html = unescape(response.content.decode())
    assert f'<a class="button" href="{URL}">J\'ai un projet</a>' in html
    assert "Vous avez un projet ?" in html


# --- At the bottom of a fiche -----------------------------------------------------------------

def test_published_fiche_shows_close_innovations_and_helpers(client, corpus, ambassadors):
    response = client.get(corpus["jardin"].get_absolute_url())
    assert response.status_code == 200
    close = section(response, "innovations-proches")
    assert titles_in(close)[0] == "Atelier vélo participatif"
    assert "Jardin partagé des Quatre Vents" not in close  # a draft
    assert "Le jardin partagé de Kerinou" not in close  # itself
    assert "Thèmes en commun : Développement durable" in unescape(close)
    helpers = unescape(section(response, "qui-peut-vous-aider"))
    names = re.findall(r'<h3 class="card-title">(?:<a href="[^"]*">)?([^<]+)', helpers)
    assert names == ["Soazig Mécano", "Nolwenn Épicière", "Loïc Composteur"]  # nearest first
    assert "Gaëlle Jardinière" not in helpers  # the fiche's own ambassador
    assert "Anne Discrète" not in helpers


def test_sections_follow_the_order_of_the_page(client, corpus, ambassadors):
    html = client.get(corpus["jardin"].get_absolute_url()).content.decode()
    anchors = ("reutiliser", "innovations-proches", "qui-peut-vous-aider")
    positions = [html.index(f'id="{anchor}"') for anchor in anchors]
    assert positions == sorted(positions)


def test_unpublished_fiche_shows_no_matches(client, corpus, ambassadors, author):
    client.force_login(author)
    response = client.get(corpus["draft"].get_absolute_url())
    assert response.status_code == 200
    assert 'id="innovations-proches"' not in response.content.decode()
    assert 'id="qui-peut-vous-aider"' not in response.content.decode()


def test_fiche_with_nothing_close_shows_nothing(client, territories):
    from tests.factories import InnovationFactory

    lonely = InnovationFactory(title="Zorglub", pitch="Quantique.", description="", communes=["Brest"])
    response = client.get(lonely.get_absolute_url())
    assert response.status_code == 200
    assert 'id="innovations-proches"' not in response.content.decode()
    assert 'id="qui-peut-vous-aider"' not in response.content.decode()
