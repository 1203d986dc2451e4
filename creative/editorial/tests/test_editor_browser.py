"""The editor in a real browser (Playwright + Chromium): what editor.js adds, under the strict CSP.

Same set-up as tests/browser (system Chromium, nothing leaves localhost; skipped locally without
Chromium, a failure on CI). The person is signed in by handing the browser a session cookie.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from creative.innovations.models import Authorship, Innovation
from tests.browser_env import blocking_violations, browser_module_marks, sign_in
from tests.factories import InnovationFactory, UserFactory

from .test_editor import edit_url

pytestmark = browser_module_marks()


@pytest.fixture
def camille(territories):
    return UserFactory(profile__display_name="Camille")


@pytest.fixture
def draft(camille):
    fiche = InnovationFactory(title="Repair café du Bellevue", state=Innovation.State.DRAFT, communes=["Brest"],
                              themes=["numerique"], pitch="Réparer ensemble.")
    Authorship.objects.create(innovation=fiche, user=camille, is_creator=True)
    return fiche


@pytest.fixture
def page(browser_page, live_server, camille):
    sign_in(browser_page.context, camille, live_server)
    return browser_page


def save_button(page):
    return page.get_by_role("button", name="Enregistrer", exact=True)


def test_counter_live_preview_and_local_draft(page, draft):
    page.goto(edit_url(draft, "identite"))
    counter = page.locator("#id_pitch_counter")
    expect(counter).to_have_text("17 caractères sur 280")
    page.fill("#id_pitch", "x" * 290)
    expect(counter).to_have_text("290 caractères sur 280 : 10 de trop")
    expect(counter).to_have_class(re.compile("is-over"))
    expect(page.locator("#id_pitch + .char-counter + [aria-live=polite]")).to_have_text(
        "290 caractères sur 280 : 10 de trop")

    page.fill("#id_description", "Un **atelier** ouvert à tous.")
    expect(page.locator('[data-preview-for="id_description"] strong')).to_have_text("atelier")

    # What was typed survives a reload on this device, until it is saved or discarded.
    page.fill("#id_title", "Titre tapé mais pas enregistré")
    page.wait_for_timeout(900)
    page.reload()
    expect(page.get_by_text("Brouillon local restauré")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Titre tapé mais pas enregistré")
    expect(page.locator("#id_pitch")).to_have_value("x" * 290)
    page.get_by_role("button", name="Abandonner le brouillon local").click()
    expect(page.locator("#id_title")).to_have_value("Repair café du Bellevue")
    expect(page.locator("#id_pitch")).to_have_value("Réparer ensemble.")
    page.reload(wait_until="load")  # editor.js has run: a notice would be there
    expect(page.get_by_text("Brouillon local restauré")).to_have_count(0)

    page.fill("#id_title", "Repair café de Bellevue")
    page.wait_for_timeout(900)
    save_button(page).click()
    expect(page.get_by_text("Vos modifications sont enregistrées.")).to_be_visible()
    draft.refresh_from_db()
    assert draft.title == "Repair café de Bellevue"
    page.wait_for_load_state()  # editor.js (a module) runs once the page is parsed
    assert not [k for k in page.evaluate("Object.keys(localStorage)") if k.startswith("brest-creative:editor:")]
    page.reload(wait_until="load")  # editor.js has run: a notice would be there
    expect(page.get_by_text("Brouillon local restauré")).to_have_count(0)
    assert page.errors == []


def test_places_with_the_commune_suggestions_and_the_point_picker(page, draft):
    page.goto(edit_url(draft, "lieux"))
    expect(page.locator(".point-picker-map")).to_have_count(2)  # one map per place row
    commune = page.locator("#id_places-1-commune")
    commune.press_sequentially("Landern", delay=30)
    expect(page.locator("datalist option[value='Landerneau (29800)']")).to_have_count(1)
    commune.fill("Landerneau (29800)")
    expect(page.locator("#id_places-1-commune_code")).to_have_value("29103")

    page.locator(".point-picker-map").nth(1).click()
    expect(page.locator("#id_places-1-latitude")).not_to_have_value("")
    save_button(page).click()
    expect(page.get_by_text("Vos modifications sont enregistrées.")).to_be_visible()
    landerneau = draft.places.get(commune__name="Landerneau")
    assert 48.3 < landerneau.latitude < 48.6 and -4.4 < landerneau.longitude < -4.1
    assert page.errors == []


def test_no_serious_accessibility_problem_in_the_editor(page, draft):

    paths = [reverse("editorial:my_fiches"), reverse("editorial:create"),
             reverse("editorial:coauthors", args=[draft.pk])]
    paths += [edit_url(draft, step) for step in ("identite", "lieux", "code-source", "images", "licence")]
    problems = {}
    for path in paths:
        assert page.goto(path, wait_until="load").status == 200, path
        violations = blocking_violations(page)
        if violations:
            problems[path] = [(v["id"], [n["target"] for n in v["nodes"][:5]]) for v in violations]
    assert not problems
    assert page.errors == []
