"""The guided editor, without JavaScript: creating a fiche step by step, validation, preview, access.

Forms are submitted the way a browser would: the values the page rendered (see `form_values`),
changed where the person types. Personas: Camille (a contributor, author of the drafts), another
contributor, an editor of the pays de Brest, an editor of Quimper, an unverified account, a visitor.
"""

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from creative.accounts.roles import Role
from creative.audit.models import AuditEntry
from creative.editorial.completeness import (
    DONE,
    MISSING,
    SECTION_MIN_LENGTH,
    SHORT,
    completeness,
)
from creative.editorial.models import Revision
from creative.editorial.revisions import empty_snapshot, snapshot
from creative.innovations.models import Authorship, Innovation, Section
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db
State = Innovation.State


# Helpers ----------------------------------------------------------------------------------------

class _FormParser(HTMLParser):
    """The successful controls of one form of a page, as a browser would send them (minus buttons)."""

    def __init__(self, selector):
        super().__init__(convert_charrefs=True)
        self.selector = selector
        self.inside = False
        self.found = False
        self.values = {}
        self._textarea = None
        self._select = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.found and self.selector(attrs):
            self.inside = self.found = True
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
                return
            self._add(name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            values = self.values[self._textarea]
            values[-1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that follows <textarea>, and send line ends as CRLF.
            values = self.values[self._textarea]
            values[-1] = values[-1].removeprefix("\n").replace("\n", "\r\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(html, selector=lambda attrs: "data-editor-form" in attrs):
    """{name: value or [values]} of the first form matching `selector`."""
    parser = _FormParser(selector)
    parser.feed(html)
    assert parser.found, "no such form on the page"
    return {name: values if len(values) > 1 else values[0] for name, values in parser.values.items()}


def edit_url(fiche, step):
    return reverse("editorial:edit", args=[fiche.pk, step])


def submit_step(client, url, action="save", **changes):
    """Load the step, change some fields as a person would, press a button."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = form_values(page.text)
    data.update(changes)
    data["action"] = action
    return client.post(url, data)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def page_text(response):
    """The page as a person reads it: tags dropped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.text))).replace(" .", ".")


def page_html(response):
    return re.sub(r"\s+", " ", response.text)


# Personas ---------------------------------------------------------------------------------------

@pytest.fixture
def camille(territories):
    return UserFactory(profile__display_name="Camille Le Gall")


@pytest.fixture
def other(territories):
    return UserFactory(profile__display_name="Autre Personne")


@pytest.fixture
def editor(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])


@pytest.fixture
def editor_elsewhere(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["quimper"])


def draft_by(user, **kwargs):
    kwargs = {"title": "Repair café du Bellevue", "state": State.DRAFT, "communes": ["Brest"],
              "themes": ["numerique"], **kwargs}
    fiche = InnovationFactory(**kwargs)
    Authorship.objects.create(innovation=fiche, user=user, is_creator=True)
    return fiche


@pytest.fixture
def draft(camille):
    return draft_by(camille)


# Creating a fiche through the steps -----------------------------------------------------------------

IDENTITY = {
    "title": "Les mardis de la résidence",
    "pitch": "Des enfants de CM1 et des aînés d'un EHPAD brestois partagent un atelier chaque mardi.",
    "themes": ["intergeneration", "education-populaire"],
    "carrier_kind": "association",
    "carrier_name": "Association Liens de quartier",
    "status": "en-cours",
    "start_year": "2019",
    "website": "https://liens.example.org",
    "description": "Chaque mardi, une **classe** rejoint la résidence.",
    "links-0-label": "Article du Télégramme",
    "links-0-url": "https://example.org/article",
}


def test_creating_a_fiche_through_the_steps_records_each_save(client, camille):
    client.force_login(camille)
    create_url = reverse("editorial:create")
    page = client.get(create_url)
    assert page.status_code == 200
    assert 'aria-current="step"' in page.text and "<script" not in page.text.split("<main", 1)[1].split("</main>")[0]

    response = submit_step(client, create_url, "continue", **IDENTITY)
    fiche = Innovation.objects.get()
    assert response.status_code == 302 and response["Location"] == edit_url(fiche, "lieux")
    assert fiche.state == State.DRAFT and fiche.authorships.get().user == camille
    assert fiche.authorships.get().is_creator
    first = fiche.revisions.get()
    assert first.number == 1 and first.author == camille and first.kind == Revision.Kind.CREATE
    assert first.snapshot["title"] == "Les mardis de la résidence"
    assert first.snapshot["themes"] == ["education-populaire", "intergeneration"]
    assert first.snapshot["carrier_kind"] == "association" and first.snapshot["start_year"] == 2019
    assert first.snapshot["links"] == [{"label": "Article du Télégramme", "url": "https://example.org/article"}]
    assert first.snapshot["licence"] == "CC-BY-SA-4.0"

    response = submit_step(client, edit_url(fiche, "lieux"), "continue", **{
        "places-0-commune": "plougastel daoulas", "places-0-address": "Salle des fêtes",
        "places-0-latitude": "48.3726", "places-0-longitude": "-4.3697",
        "meta-summary": "Ajout du lieu",
    })
    assert response.status_code == 302 and response["Location"] == edit_url(fiche, "code-source")
    second = fiche.revisions.get(number=2)
    assert second.summary == "Ajout du lieu" and second.author == camille
    assert second.snapshot["places"] == [{
        "commune": "29189", "commune_name": "Plougastel-Daoulas", "address": "Salle des fêtes",
        "latitude": 48.3726, "longitude": -4.3697,
    }]
    assert second.snapshot["title"] == "Les mardis de la résidence"  # the other steps' content is kept

    answer = "En 2009, des parents d'élèves constatent que les aînés du quartier ne croisent jamais les enfants."
    response = submit_step(client, edit_url(fiche, "code-source"), "continue", section_origine=answer)
    assert response["Location"] == edit_url(fiche, "images")
    fiche.refresh_from_db()
    assert fiche.revision_number == 3
    assert fiche.answers.get().body == answer and fiche.answers.get().section.slug == "origine"
    assert fiche.revisions.get(number=3).snapshot["sections"] == {"origine": answer}

    response = submit_step(client, edit_url(fiche, "licence"), "submit", confirm="on",
                           message="Première fiche, merci de votre aide !")
    assert response.status_code == 302 and response["Location"] == reverse("editorial:my_fiches")
    fiche.refresh_from_db()
    assert fiche.state == State.SUBMITTED and fiche.licence == "CC-BY-SA-4.0"
    assert fiche.review_messages.get().body == "Première fiche, merci de votre aide !"
    # The licence did not change: nothing new to record.
    assert fiche.revisions.count() == 3
    assert snapshot(fiche)["places"][0]["commune_name"] == "Plougastel-Daoulas"


def test_save_stays_on_the_step_and_says_it_is_saved(client, camille, draft):
    client.force_login(camille)
    url = edit_url(draft, "identite")
    response = submit_step(client, url, "save", title="Repair café de Bellevue")
    assert response.status_code == 302 and response["Location"] == url
    draft.refresh_from_db()
    assert draft.title == "Repair café de Bellevue"
    page = client.get(url)
    assert "Vos modifications sont enregistrées." in page.text
    # editor.js is told to forget the local draft of the form just saved.
    assert f'"clearKeys": ["{camille.pk}:{draft.pk}:identite"]' in page.text


def test_saving_without_change_records_nothing(client, camille, territories):
    """Not even with multi-line texts, which browsers send back with CRLF line ends."""
    draft = draft_by(camille, description="Premier paragraphe.\n\n- un\n- deux",
                     answers={"origine": "Une ligne.\nUne autre."})
    client.force_login(camille)
    for step in ("identite", "code-source", "lieux"):
        submit_step(client, edit_url(draft, step))
        assert "Rien n'a changé" in page_text(client.get(edit_url(draft, step))), step
    assert draft.revisions.applied().exclude(kind=Revision.Kind.BASELINE).count() == 0
    submit_step(client, edit_url(draft, "identite"), description="Premier paragraphe.\r\n\r\nSecond.")
    draft.refresh_from_db()
    assert draft.description == "Premier paragraphe.\n\nSecond."


def test_the_licence_step_explains_the_licences_and_needs_the_confirmation(client, camille, draft):
    client.force_login(camille)
    url = edit_url(draft, "licence")
    page = client.get(url)
    assert 'value="CC-BY-SA-4.0"' in page.text and "checked" in page.text.split('value="CC-BY-SA-4.0"')[1][:200]
    assert "à condition de citer ses auteurs" in page.text  # Licence.plain_words, in plain French
    response = submit_step(client, url, "save", licence="CC0-1.0", confirm="")
    assert response.status_code == 200
    assert "Cochez la confirmation pour continuer." in response.text
    draft.refresh_from_db()
    assert draft.licence == "CC-BY-SA-4.0"
    response = submit_step(client, url, "save", licence="CC0-1.0", confirm="on")
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.licence == "CC0-1.0"


def test_the_licence_step_lists_what_blocks_a_submission(client, camille, territories):
    fiche = draft_by(camille, communes=[], themes=[])
    client.force_login(camille)
    page = client.get(edit_url(fiche, "licence")).text
    assert "Avant de soumettre, complétez" in page and "au moins un thème" in page and "au moins un lieu" in page
    response = submit_step(client, edit_url(fiche, "licence"), "submit", confirm="on")
    assert response.status_code == 302 and response["Location"] == edit_url(fiche, "licence")
    fiche.refresh_from_db()
    assert fiche.state == State.DRAFT
    assert "Avant de soumettre, complétez" in client.get(response["Location"]).text


# Validation: nothing typed is lost ------------------------------------------------------------------

def test_a_pitch_over_280_characters_is_refused_and_kept(client, camille, draft):
    client.force_login(camille)
    pitch = "Une initiative " + "très " * 60 + "locale."
    assert len(pitch) > 280
    response = submit_step(client, edit_url(draft, "identite"), "save", pitch=pitch, title="Nouveau titre")
    assert response.status_code == 200
    assert f"La présentation en bref compte {len(pitch)} caractères" in response.text
    assert 'aria-describedby="id_pitch_helptext id_pitch_error"' in response.text
    values = form_values(response.text)
    assert values["pitch"] == pitch and values["title"] == "Nouveau titre"
    draft.refresh_from_db()
    assert draft.title == "Repair café du Bellevue" and draft.revisions.count() == 0


def test_creating_with_a_long_pitch_creates_nothing(client, camille):
    client.force_login(camille)
    response = submit_step(client, reverse("editorial:create"), "continue", **{**IDENTITY, "pitch": "x" * 281})
    assert response.status_code == 200 and "raccourcissez-la" in response.text
    assert not Innovation.objects.exists()
    assert form_values(response.text)["description"] == IDENTITY["description"]


def test_an_ambiguous_commune_is_answered_with_candidates(client, camille, draft):
    client.force_login(camille)
    response = submit_step(client, edit_url(draft, "lieux"), "save", **{"places-1-commune": "Plou"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Plusieurs communes correspondent à « Plou »" in text
    assert "Plouarzel (29810), Ploudalmézeau (29830)" in text  # candidates, as labels one can type back
    assert 'aria-describedby="id_places-1-commune_helptext id_places-1-commune_error"' in response.text
    assert form_values(response.text)["places-1-commune"] == "Plou"
    assert [p["commune_name"] for p in snapshot(draft)["places"]] == ["Brest"]


def test_an_unknown_commune_is_refused(client, camille, draft):
    client.force_login(camille)
    response = submit_step(client, edit_url(draft, "lieux"), "save", **{"places-1-commune": "Zzyzxville"})
    assert "Commune introuvable : « Zzyzxville »" in page_text(response)
    assert draft.places.count() == 1


def test_a_latitude_without_longitude_is_refused(client, camille, draft):
    client.force_login(camille)
    response = submit_step(client, edit_url(draft, "lieux"), "save", **{"places-0-latitude": "48.39"})
    assert response.status_code == 200
    assert "Indiquez la latitude et la longitude, ou aucune des deux." in response.text
    assert form_values(response.text)["places-0-latitude"] == "48.39"
    assert draft.places.get().latitude is None


def test_a_commune_chosen_in_the_suggestions_is_taken_by_its_code(client, camille, draft):
    """Two communes may share a name: the code set by the autocomplete decides, while the text still names it."""
    client.force_login(camille)
    submit_step(client, edit_url(draft, "lieux"), "save", **{
        "places-0-commune": "Plougastel-Daoulas (29470)", "places-0-commune_code": "29189"})
    assert draft.places.get().commune.code == "29189"
    # Without JavaScript the code stays while the person types another commune: the text wins.
    submit_step(client, edit_url(draft, "lieux"), "save", **{"places-0-commune": "Landerneau"})
    assert draft.places.get().commune.name == "Landerneau"


def test_places_are_added_and_removed_without_javascript(client, camille, draft):
    client.force_login(camille)
    url = edit_url(draft, "lieux")
    response = submit_step(client, url, "add-places", **{"places-1-commune": "Landerneau"})
    assert response.status_code == 200
    values = form_values(response.text)
    assert values["places-TOTAL_FORMS"] == "3" and values["places-2-commune"] == ""
    assert values["places-1-commune"] == "Landerneau"
    assert draft.places.count() == 1  # adding a row saves nothing

    values.update({"places-2-commune": "Plouzané", "action": "save"})
    assert client.post(url, values).status_code == 302
    assert sorted(draft.places.values_list("commune__name", flat=True)) == ["Brest", "Landerneau", "Plouzané"]

    response = submit_step(client, url, "save", **{"places-0-DELETE": "on"})
    assert response.status_code == 302
    assert sorted(draft.places.values_list("commune__name", flat=True)) == ["Landerneau", "Plouzané"]


def test_a_broken_submission_is_explained_never_a_server_error(client, camille, draft):
    client.force_login(camille)
    response = submit_step(client, edit_url(draft, "identite"), "save", **{"meta-base_number": "abc"})
    assert response.status_code == 200
    assert "Le formulaire est incomplet : rechargez la page" in page_text(response)
    for step in ("identite", "lieux", "code-source", "licence"):
        response = client.post(edit_url(draft, step), {"action": "save", "title": "x" * 1000})
        assert response.status_code == 200, step
        assert "Le formulaire n'a pas été enregistré" in page_text(response), step
    response = client.post(edit_url(draft, "images"), {"action": "delete", "image": "pas-un-nombre"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Repair café du Bellevue" and draft.images.count() == 0


def test_links_are_validated(client, camille, draft):
    client.force_login(camille)
    response = submit_step(client, edit_url(draft, "identite"), "save", **{"links-0-url": "https://example.org"})
    assert response.status_code == 200 and "Donnez un intitulé à ce lien" in response.text


def test_answers_to_deactivated_sections_are_kept(client, camille, territories):
    fiche = draft_by(camille, answers={"origine": "Un début.", "conseils": "Un conseil ancien."})
    Section.objects.filter(slug="conseils").update(is_active=False)
    client.force_login(camille)
    page = client.get(edit_url(fiche, "code-source")).text
    assert 'name="section_conseils"' not in page
    submit_step(client, edit_url(fiche, "code-source"), "save", section_origine="Un début réécrit.")
    assert dict(fiche.answers.values_list("section__slug", "body")) == {
        "origine": "Un début réécrit.", "conseils": "Un conseil ancien."}


def test_each_section_shows_its_help_and_an_example(client, camille, draft):
    client.force_login(camille)
    page = client.get(edit_url(draft, "code-source")).text
    origine = Section.objects.get(slug="origine")
    assert f'<label for="id_section_origine">{origine.title}</label>' in page
    assert 'aria-describedby="id_section_origine_helptext"' in page
    assert "<details class=\"example\">" in page and "En 2009, des parents" in page


# Preview --------------------------------------------------------------------------------------------

def test_preview_renders_markdown_and_saves_nothing(client, camille, draft):
    client.force_login(camille)
    response = submit_step(client, edit_url(draft, "identite"), "preview",
                           description="Une **fête** de quartier.\n\n<script>alert(1)</script>")
    assert response.status_code == 200
    assert "<strong>fête</strong>" in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert form_values(response.text)["description"].startswith("Une **fête** de quartier.")
    draft.refresh_from_db()
    assert draft.description == "Une description en **Markdown**." and draft.revisions.count() == 0


def test_preview_of_a_section(client, camille, draft):
    client.force_login(camille)
    response = submit_step(client, edit_url(draft, "code-source"), "preview", section_moyens="- deux *animatrices*")
    assert "<li>deux <em>animatrices</em></li>" in response.text
    assert not draft.answers.exists()


def test_the_preview_endpoint_returns_sanitised_html(client, camille):
    url = reverse("editorial:preview")
    assert client.post(url, {"text": "**a**"}).status_code == 302  # visitors log in first
    client.force_login(camille)
    assert client.get(url).status_code == 405
    response = client.post(url, {"text": "**gras** [lien](javascript:alert(1)) <img src=x onerror=alert(1)>"})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<strong>gras</strong>" in html and 'href="javascript' not in html and "<img" not in html
    assert client.post(url, {"text": "x" * 50_001}).status_code == 400


# Completeness ---------------------------------------------------------------------------------------

def test_completeness_per_step_and_section(territories):
    sections = list(Section.objects.active())
    empty = completeness(empty_snapshot(), sections=sections)
    assert empty.step("identite").status == MISSING and empty.step("lieux").status == MISSING
    assert empty.step("licence").status == DONE  # CC BY-SA 4.0 by default
    assert 0 < empty.percent < 20

    data = {**empty_snapshot(), "title": "T", "pitch": "p" * 80, "themes": ["numerique"], "carrier_name": "Asso",
            "description": "d" * 400, "places": [{"commune": "29019"}],
            "sections": {s.slug: "r" * SECTION_MIN_LENGTH for s in sections}}
    data["sections"]["origine"] = "Trop court."
    report = completeness(data, image_count=1, sections=sections)
    assert report.step("identite").status == DONE and report.step("lieux").status == DONE
    assert report.sections["origine"].status == SHORT
    assert report.sections["origine"].status_label == "un peu courte"
    assert report.sections["origine"].help == Section.objects.get(slug="origine").help_text
    assert report.step("code-source").status == SHORT
    assert report.first_incomplete_step == "code-source"
    assert 90 < report.percent < 100
    data["sections"]["origine"] = "r" * SECTION_MIN_LENGTH
    assert completeness(data, image_count=1, sections=sections).percent == 100


def test_the_step_navigation_shows_each_steps_state(client, camille, territories):
    fiche = draft_by(camille, answers={"origine": "Court."})
    client.force_login(camille)
    page = page_html(client.get(edit_url(fiche, "code-source")))
    nav = page.split('class="step-nav"')[1].split("</nav>")[0]
    assert nav.count("<li") == 5
    assert f'<a href="{edit_url(fiche, "code-source")}" aria-current="step">Code source</a>' in nav
    assert 'class="step step-done"' in nav and 'class="step step-missing"' in nav  # lieux done, images missing
    assert "Fiche complète à" in nav
    assert "Un peu courte" in page  # the short answer is marked next to its field


def test_my_fiches_lists_authored_and_coauthored_fiches_with_their_completeness(client, camille, other):
    mine = draft_by(camille, title="Ma fiche")
    shared = draft_by(other, title="Fiche partagée")
    Authorship.objects.create(innovation=shared, user=camille, is_creator=False)
    draft_by(other, title="Pas la mienne")
    client.force_login(camille)
    response = client.get(reverse("editorial:my_fiches"))
    assert response.status_code == 200
    page = page_html(response)
    assert "Ma fiche" in page and "Fiche partagée" in page and "Pas la mienne" not in page
    assert f'href="{reverse("editorial:create")}"' in page and "Nouvelle fiche" in page
    report = completeness(snapshot(mine), image_count=0)
    assert f'value="{report.percent}"' in page
    assert f'href="{edit_url(mine, report.first_incomplete_step)}"' in page and "Continuer" in page
    assert "Brouillon" in page


# Access ---------------------------------------------------------------------------------------------

def test_visitors_are_sent_to_log_in(client, draft):
    for url in (reverse("editorial:my_fiches"), reverse("editorial:create"), edit_url(draft, "identite")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


def test_an_unverified_account_is_refused(client, territories, draft):
    client.force_login(UserFactory(verified=False))
    for url in (reverse("editorial:my_fiches"), reverse("editorial:create"), edit_url(draft, "identite")):
        response = client.get(url)
        assert response.status_code == 403 and "Confirmez d'abord votre adresse électronique" in page_text(response)


def test_a_contributor_cannot_edit_someone_elses_draft(client, other, draft):
    client.force_login(other)
    for step in ("identite", "lieux", "code-source", "images", "licence"):
        assert client.get(edit_url(draft, step)).status_code == 403
    data = {"title": "Détournée", "pitch": "x", "status": "en-cours", "meta-base_number": "0", "action": "save",
            "links-TOTAL_FORMS": "0", "links-INITIAL_FORMS": "0"}
    assert client.post(edit_url(draft, "identite"), data).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Repair café du Bellevue"


def test_an_editor_of_the_territory_edits_a_draft(client, editor, editor_elsewhere, draft):
    client.force_login(editor_elsewhere)
    assert client.get(edit_url(draft, "identite")).status_code == 403
    client.force_login(editor)
    for step in ("identite", "lieux", "code-source", "images", "licence"):
        assert client.get(edit_url(draft, step)).status_code == 200, step
    response = submit_step(client, edit_url(draft, "identite"), "save", title="Titre revu par l'équipe")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Titre revu par l'équipe" and draft.revisions.applied().first().author == editor
    # An editor is not an author: the submit button is the authors' own.
    assert "Soumettre à relecture</button>" not in client.get(edit_url(draft, "licence")).text


def test_unknown_steps_and_fiches_are_not_found(client, camille, draft):
    client.force_login(camille)
    assert client.get(reverse("editorial:edit", args=[draft.pk, "inconnue"])).status_code == 404
    assert client.get(reverse("editorial:edit", args=[draft.pk + 1000, "identite"])).status_code == 404


def test_edits_are_post_only_and_protected_by_csrf(camille, draft):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(camille)
    data = form_values(client.get(edit_url(draft, "identite")).text)
    data.pop("csrfmiddlewaretoken")
    data.update(title="Sans jeton", action="save")
    assert client.post(edit_url(draft, "identite"), data).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Repair café du Bellevue"


# Published fiches: proposals ------------------------------------------------------------------------

def test_a_contributors_edit_of_a_published_fiche_waits_for_an_editor(client, other, territories):
    published = InnovationFactory(title="Fablab des Capucins", pitch="Un atelier de fabrication ouvert à tous.",
                                  communes=["Brest"], themes=["numerique"])
    client.force_login(other)
    page = page_text(client.get(edit_url(published, "identite")))
    assert "vos modifications seront proposées à l'équipe éditoriale" in page
    assert edit_url(published, "images") not in page  # images are for authors and editors
    assert client.get(edit_url(published, "images")).status_code == 403

    response = submit_step(client, edit_url(published, "identite"), "save",
                           pitch="Un atelier de fabrication numérique ouvert à toutes et tous.",
                           **{"meta-summary": "Pitch inclusif"})
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert "Elle attend la relecture de l'équipe éditoriale" in page_text(followed)
    assert "la version publiée reste en ligne" in page_text(followed)

    proposal = published.revisions.pending().get()
    assert proposal.author == other and proposal.summary == "Pitch inclusif"
    assert proposal.snapshot["pitch"] == "Un atelier de fabrication numérique ouvert à toutes et tous."
    published.refresh_from_db()
    assert published.pitch == "Un atelier de fabrication ouvert à tous."
    public = client.get(published.get_absolute_url()).text
    assert "Un atelier de fabrication ouvert à tous." in public and "toutes et tous" not in public

    # Coming back, the person continues their proposal, not the published text.
    values = form_values(client.get(edit_url(published, "identite")).text)
    assert values["pitch"] == "Un atelier de fabrication numérique ouvert à toutes et tous."
    mine = page_text(client.get(reverse("editorial:my_fiches")))
    assert "Mes propositions en attente" in mine and "Fablab des Capucins" in mine and "Pitch inclusif" in mine
    assert AuditEntry.objects.filter(action="revision.proposed").count() == 1


def test_a_trusted_contributors_edit_of_a_published_fiche_goes_live(client, territories):
    trusted = UserFactory(roles=[Role.TRUSTED])
    published = InnovationFactory(title="Fablab des Capucins", communes=["Brest"], themes=["numerique"])
    client.force_login(trusted)
    submit_step(client, edit_url(published, "identite"), "save", title="Fablab des Capucins (Brest)")
    published.refresh_from_db()
    assert published.title == "Fablab des Capucins (Brest)" and not published.revisions.pending().exists()
