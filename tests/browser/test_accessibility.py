"""Accessibility: axe finds no serious or critical violation on the main pages; keyboard basics work."""

from playwright.sync_api import expect

from tests.browser_env import blocking_violations, describe_violations

from .conftest import PRECISE_TITLE

# (name, path or a callable of the fiches giving it, whether the page draws a map from the JSON endpoint)
PAGES = [
    ("home", "/", True),
    ("list", "/innovations/", False),
    ("search", "/innovations/?q=vélo", False),
    ("fiche", lambda fiches: fiches[PRECISE_TITLE].get_absolute_url(), False),
    ("map", "/carte/", True),
    ("territory", "/territoires/pays-de-brest/", True),
    ("not-found", "/cette-page-n-existe-pas/", False),
    ("letter subscription", "/lettre/abonnement/", False),
    ("letter archive", "/lettre/", False),
]



def test_no_serious_axe_violation_on_main_pages(page, fiches):
    """One pass over the pages (one data set); every page's problems are reported together."""
    problems = {}
    for name, path, has_map in PAGES:
        url = path(fiches) if callable(path) else path
        response = page.goto(url)
        expected_status = 404 if name == "not-found" else 200
        if response.status != expected_status:
            problems[url] = f"HTTP {response.status}, expected {expected_status}"
            continue
        if has_map:
            expect(page.locator("#map")).to_have_attribute("data-loaded", "true")
        if name == "fiche":
            expect(page.locator("#fiche-map .leaflet-marker-icon").first).to_be_visible()
        blocking = blocking_violations(page)
        if blocking:
            problems[url] = describe_violations(blocking)
    report = "\n".join(f"{url}:\n{text}" for url, text in problems.items())
    if report:
        print(report)
    assert not problems, f"serious or critical accessibility problems:\n{report}"


def test_skip_link_is_first_and_moves_focus_to_content(page, fiches):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Aller au contenu")
    expect(skip).to_be_in_viewport()  # shown when focused, hidden off-screen otherwise
    page.keyboard.press("Enter")
    expect(page.locator("#contenu")).to_be_focused()
    assert page.url.endswith("#contenu")
    # The next Tab continues from the content, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('contenu').contains(document.activeElement)")
