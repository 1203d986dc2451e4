"""The innovations map in a real browser: markers, clusters, popups, filters and server clusters."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PRECISE_TITLE, PROJECT_STATIC, project_static_configured

MAP_ENDPOINT = "/carte/points.json"
STATUS_RE = re.compile(r"(\d+) lieux? d'innovation dans cette vue")


def wait_for_map(page):
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true")


def in_view(page):
    """The number of places the map says it shows (from the live status line)."""
    text = page.locator("#map-status").text_content()
    match = STATUS_RE.search(text or "")
    assert match, f"unexpected map status: {text!r}"
    return int(match.group(1))


# Counts the map's requests to its endpoint as they start (init scripts are not subject to the CSP).
COUNT_MAP_FETCHES = """
window.__mapFetches = 0;
const originalFetch = window.fetch;
window.fetch = function (resource, ...rest) {
  if (String(resource).includes(ENDPOINT)) window.__mapFetches += 1;
  return originalFetch.call(this, resource, ...rest);
};
""".replace("ENDPOINT", repr(MAP_ENDPOINT))


@pytest.fixture
def page(page):
    page.add_init_script(COUNT_MAP_FETCHES)
    return page


MAP_STATE = """() => [
  document.querySelector("#map .leaflet-map-pane").style.transform,
  Boolean(document.querySelector(".leaflet-zoom-anim, .leaflet-cluster-anim")),
]"""


def wait_until_still(page):
    """Wait until the map neither pans (its pane stops moving) nor runs a zoom or cluster animation."""
    previous = None
    for _ in range(60):
        state = page.evaluate(MAP_STATE)
        if state == previous and not state[1]:
            return
        previous = state
        page.wait_for_timeout(150)
    pytest.fail("the map kept moving")


def settle(page, action):
    """Run `action` (a click that may move the map) and wait until the map is still and redrawn.

    A move refetches the markers and redraws them: clicking a cluster zooms in (or only
    spreads its markers out), opening a popup near the edge pans the map.
    """
    before = page.evaluate("window.__mapFetches")
    page.evaluate("delete document.getElementById('map').dataset.loaded")
    action()
    # Leaflet starts its animations on the next frame; the fetch starts when they end.
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    wait_until_still(page)
    if page.evaluate("window.__mapFetches") > before:
        wait_for_map(page)
        wait_until_still(page)


def in_map(page, locator):
    """The elements of `locator` drawn inside the map's frame (the plugin keeps some just outside)."""
    frame = page.locator("#map").bounding_box()
    found = []
    for element in locator.all():
        box = element.bounding_box()
        if box:
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            if frame["x"] < x < frame["x"] + frame["width"] and frame["y"] < y < frame["y"] + frame["height"]:
                found.append(element)
    return found


def cluster_size(element):
    return int(element.text_content().strip() or 0)


def open_a_popup(page, *, skip=()):
    """Click clusters, largest first, until a marker not titled in `skip` shows; open its popup.

    Returns the popup's link. Clicking a cluster zooms in, or spreads its markers out
    ("spiderfy") when they share a point.
    """
    popup_link = page.locator(".leaflet-popup-content a.popup-title")
    for _ in range(10):
        markers = in_map(page, page.locator(".leaflet-marker-icon:not(.marker-cluster)"))
        markers = [m for m in markers if m.get_attribute("title") not in skip]
        if markers:
            settle(page, markers[0].click)
            expect(popup_link).to_be_visible()
            return popup_link
        clusters = in_map(page, page.locator(".marker-cluster"))
        assert clusters, "neither a marker nor a cluster left to click"
        settle(page, max(clusters, key=cluster_size).click)
    pytest.fail("no single marker reached after clicking through the clusters")


def console_errors(page):
    """Collect console errors and uncaught exceptions (a CSP violation is reported as a console error)."""
    errors = []
    page.on("console", lambda message: errors.append(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    return errors


def test_map_shows_clusters_and_markers_and_popups_lead_to_fiches(page, fiches):
    errors = console_errors(page)
    page.goto("/carte/")
    wait_for_map(page)
    icons = page.locator(".marker-cluster, .leaflet-marker-icon")
    expect(icons.first).to_be_visible()
    # Three fiches in Brest (and two in each of three other communes) share a point: clusters.
    expect(page.locator(".marker-cluster").first).to_be_visible()
    assert in_view(page) == len(fiches)
    # Tiles come from the stub (a valid 1x1 PNG), so Leaflet counts them as loaded.
    expect(page.locator("#map img.leaflet-tile-loaded").first).to_be_attached()

    # Go for a fiche hidden in a cluster: the markers already shown alone are skipped.
    alone = {m.get_attribute("title") for m in page.locator(".leaflet-marker-icon:not(.marker-cluster)").all()}
    link = open_a_popup(page, skip=alone)
    title = link.text_content()
    assert title in fiches
    assert title not in alone
    # Loading, clustering, zooming and the popup ran without a script error or a CSP violation,
    # and Leaflet came from the live server, not from a CDN.
    assert errors == []
    assert page.context.external_requests == []
    link.click()
    expect(page).to_have_url(re.compile(re.escape(fiches[title].get_absolute_url()) + "$"))
    expect(page.locator("h1")).to_have_text(title)


def test_precise_point_marker_has_its_own_popup(page, fiches):
    """The fiche placed on a precise point is reachable from its own marker (by its title)."""
    page.goto("/carte/?theme=design-creativite")
    wait_for_map(page)
    assert in_view(page) == 1
    marker = page.locator(f'.leaflet-marker-icon[title="{PRECISE_TITLE}"]')
    settle(page, marker.click)
    link = page.locator(".leaflet-popup-content a.popup-title")
    expect(link).to_have_text(PRECISE_TITLE)
    link.click()
    expect(page.locator("h1")).to_have_text(PRECISE_TITLE)


def test_filter_in_url_shows_fewer_places(page, fiches):
    page.goto("/carte/")
    wait_for_map(page)
    everything = in_view(page)

    page.goto("/carte/?theme=numerique")
    wait_for_map(page)
    numerique = sum(1 for f in fiches.values() if f.themes.filter(slug="numerique").exists())
    assert in_view(page) == numerique < everything
    expect(page.locator("#theme-numerique")).to_be_checked()
    # The accessible alternative links to the same selection as a list.
    expect(page.locator(".map-alternative a")).to_have_attribute("href", "/innovations/?theme=numerique")


def test_map_uses_server_clusters_above_the_marker_limit(page, fiches, settings):
    settings.MAP_MARKER_LIMIT = 3
    with page.expect_response(lambda r: MAP_ENDPOINT in r.url) as response_info:
        page.goto("/carte/")
    payload = response_info.value.json()
    wait_for_map(page)

    assert payload["clusters"], payload
    assert len(payload["markers"]) + len(payload["clusters"]) < len(fiches)
    # Server clusters are drawn as plain markers titled "N innovations" (the client
    # clustering plugin's own icons carry no title).
    server_clusters = page.locator('.marker-cluster[title$=" innovations"]')
    expect(server_clusters).to_have_count(len(payload["clusters"]))
    expect(server_clusters.first).to_be_visible()
    counts = sorted(int(t) for t in server_clusters.locator("span").all_text_contents())
    assert counts == sorted(c[2] for c in payload["clusters"])
    assert in_view(page) == payload["total"] == len(fiches)

    # Clicking a server cluster zooms in and loads that smaller area again.
    with page.expect_response(lambda r: MAP_ENDPOINT in r.url):
        server_clusters.first.click()
    wait_for_map(page)


# --- Static files the map depends on ------------------------------------------------------------


def test_project_static_directory_is_in_staticfiles_dirs():
    """Without it collectstatic (and the live server) miss css/site.css and js/*.js: no styles, no maps."""
    assert project_static_configured(), f"settings.STATICFILES_DIRS must include {PROJECT_STATIC}"


def test_site_css_and_map_scripts_are_served(page):
    for path in (
        "css/site.css",
        "js/map-common.js",
        "js/innovation-map.js",
        "js/fiche-map.js",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
    ):
        assert page.request.get(f"/static/{path}").status == 200, path
