"""Two people editing the same draft from the same version, each in their own browser.

Different parts: merged silently (and said). The same part: nothing saved, both versions side by
side, the person's text kept in the form on the current version, so saving again applies it.
"""

import pytest
from django.test import Client

from creative.editorial.models import Revision
from creative.innovations.models import Authorship
from tests.factories import UserFactory

from .test_editor import draft_by, edit_url, form_values, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_authors(territories):
    """Camille's draft, co-written with Yann; each has their own browser, both pages loaded now."""
    camille = UserFactory(profile__display_name="Camille")
    yann = UserFactory(profile__display_name="Yann")
    fiche = draft_by(camille, answers={"origine": "Tout a commencé en 2009."})
    Authorship.objects.create(innovation=fiche, user=yann, is_creator=False)
    browsers = []
    for user in (camille, yann):
        browser = Client()
        browser.force_login(user)
        browsers.append(browser)
    return fiche, browsers


def load(browser, fiche, step):
    page = browser.get(edit_url(fiche, step))
    assert page.status_code == 200
    return form_values(page.text)


def save(browser, fiche, step, values, action="save", **changes):
    return browser.post(edit_url(fiche, step), {**values, **changes, "action": action})


def test_changes_to_different_parts_are_merged_silently(two_authors):
    fiche, (camille, yann) = two_authors
    camille_form = load(camille, fiche, "identite")
    yann_form = load(yann, fiche, "identite")
    assert camille_form["meta-base_number"] == yann_form["meta-base_number"]

    assert save(camille, fiche, "identite", camille_form, title="Repair café de Bellevue").status_code == 302
    response = save(yann, fiche, "identite", yann_form, pitch="Réparer ensemble plutôt que jeter.")
    assert response.status_code == 302

    fiche.refresh_from_db()
    assert fiche.title == "Repair café de Bellevue" and fiche.pitch == "Réparer ensemble plutôt que jeter."
    assert "leurs modifications et les vôtres sont toutes conservées" in page_text(yann.get(response["Location"]))
    last = fiche.revisions.applied().order_by("-number").first()
    assert last.snapshot["title"] == "Repair café de Bellevue"


def test_different_steps_written_at_once_are_both_kept(two_authors):
    fiche, (camille, yann) = two_authors
    identity = load(camille, fiche, "identite")
    sections = load(yann, fiche, "code-source")
    save(camille, fiche, "identite", identity, description="Une nouvelle description.")
    save(yann, fiche, "code-source", sections, section_moyens="Deux bénévoles et un local prêté.")
    fiche.refresh_from_db()
    assert fiche.description == "Une nouvelle description."
    assert dict(fiche.answers.values_list("section__slug", "body")) == {
        "origine": "Tout a commencé en 2009.", "moyens": "Deux bénévoles et un local prêté."}


def test_the_same_part_changed_by_both_is_a_conflict_shown_side_by_side(two_authors):
    fiche, (camille, yann) = two_authors
    camille_form = load(camille, fiche, "code-source")
    yann_form = load(yann, fiche, "code-source")

    save(camille, fiche, "code-source", camille_form, section_origine="Tout a commencé en 2009, au Bellevue.")
    fiche.refresh_from_db()
    current = fiche.revision_number
    revisions = Revision.objects.count()

    yann_text = "Tout a commencé en 2010, avec trois voisins."
    response = save(yann, fiche, "code-source", yann_form, section_origine=yann_text,
                    **{"meta-summary": "Dates corrigées"})
    assert response.status_code == 409
    text = page_text(response)
    assert "Quelqu'un a modifié les mêmes passages pendant que vous écriviez" in text
    assert "Votre version" in text and "Version actuelle" in text
    assert "Comment est-ce né ?" in text  # the conflicting section, by its title
    mine, theirs = text.split("Votre version")[1].split("Version actuelle")
    assert yann_text in mine and "Tout a commencé en 2009, au Bellevue." in theirs

    # Nothing saved, nothing lost: the form holds Yann's text, now on the current version.
    assert Revision.objects.count() == revisions
    assert fiche.answers.get(section__slug="origine").body == "Tout a commencé en 2009, au Bellevue."
    values = form_values(response.text)
    assert values["section_origine"] == yann_text and values["meta-summary"] == "Dates corrigées"
    assert values["meta-base_number"] == str(current)

    # Saving again applies Yann's merge.
    merged = "Tout a commencé en 2009 au Bellevue, avec trois voisins."
    response = save(yann, fiche, "code-source", values, section_origine=merged)
    assert response.status_code == 302
    assert fiche.answers.get(section__slug="origine").body == merged
    assert fiche.revisions.applied().order_by("-number").first().summary == "Dates corrigées"


def test_a_conflict_on_places_shows_both_lists(two_authors):
    fiche, (camille, yann) = two_authors
    camille_form = load(camille, fiche, "lieux")
    yann_form = load(yann, fiche, "lieux")
    save(camille, fiche, "lieux", camille_form, **{"places-0-commune": "Landerneau"})
    response = save(yann, fiche, "lieux", yann_form, **{"places-0-commune": "Plouzané"})
    assert response.status_code == 409
    mine, theirs = page_text(response).split("Votre version")[1].split("Version actuelle")
    assert "Plouzané" in mine and "Landerneau" in theirs[:200]
    assert form_values(response.text)["places-0-commune"] == "Plouzané"
    assert [p.commune.name for p in fiche.places.all()] == ["Landerneau"]


def test_a_fiche_written_in_the_editor_conflicts_the_same_way(territories):
    """A fiche with a history from its creation (revision 1 is its creation, not a baseline)."""
    from creative.editorial.revisions import create_innovation, empty_snapshot

    camille, yann = UserFactory(), UserFactory()
    fiche = create_innovation(camille, {**empty_snapshot(), "title": "Jardin partagé", "pitch": "Un jardin."})
    Authorship.objects.create(innovation=fiche, user=yann)
    browsers = [Client(), Client()]
    for browser, user in zip(browsers, (camille, yann), strict=True):
        browser.force_login(user)
    forms = [load(browser, fiche, "identite") for browser in browsers]
    assert forms[0]["meta-base_number"] == "1"
    assert save(browsers[0], fiche, "identite", forms[0], pitch="Un jardin en pied d'immeuble.").status_code == 302
    response = save(browsers[1], fiche, "identite", forms[1], pitch="Un jardin cultivé par les voisins.")
    assert response.status_code == 409
    assert form_values(response.text)["meta-base_number"] == "2"
    fiche.refresh_from_db()
    assert fiche.pitch == "Un jardin en pied d'immeuble."
