"""The diffusion map in a real browser (Playwright + Chromium), under the strict CSP.

Same set-up as tests/browser (system Chromium, nothing leaves localhost; skipped locally without
Chromium, a failure on CI).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from creative.calls.models import CallForHelp
from creative.reuse.models import Reproduction
from tests.browser_env import blocking_violations, browser_module_marks, sign_in

from .helpers import authored

pytestmark = browser_module_marks()


@pytest.fixture
def page(browser_page):
    return browser_page


def test_the_map_draws_the_original_its_descendants_and_the_lines(page, original, mine, declarer, link):
    grandchild = authored(declarer, title="Repair café de Landerneau", communes=["Landerneau"])
    Reproduction.objects.create(original=mine, derived=grandchild, kind="inspiration", status="confirmed")
    page.goto(original.get_absolute_url())
    figure = page.locator("#diffusion-map-figure")
    expect(figure).to_be_visible()
    expect(page.locator("#diffusion-map.leaflet-container")).to_have_count(1)
    # Two lines (original → Plouarzel, Plouarzel → Landerneau) and three circles, as SVG paths.
    expect(page.locator("#diffusion-map path.leaflet-interactive")).to_have_count(3)
    expect(page.locator("#diffusion-map path")).to_have_count(5)
    expect(page.locator('#diffusion-map path[stroke-dasharray="8 6"]')).to_have_count(1)  # the inspiration
    page.locator("#diffusion-map path.leaflet-interactive").last.click(force=True)
    expect(page.locator(".leaflet-popup-content a")).to_have_text("Repair café du Bellevue")
    expect(page.get_by_text("Légende de la carte")).to_have_count(0)  # a label, not text
    expect(page.locator(".lineage-legend li")).to_have_count(4)
    assert page.errors == []


def test_no_serious_accessibility_problem_on_the_reuse_and_calls_pages(page, live_server, original, mine, declarer,
                                                                       link, original_author):
    call = CallForHelp.objects.create(innovation=original, kind="volunteers", title="Deux bénévoles",
                                      description="Le **samedi**.")
    sign_in(page.context, original_author, live_server)
    paths = [original.get_absolute_url(), mine.get_absolute_url(), reverse("calls:list"),
             reverse("calls:manage", args=[original.pk]), reverse("calls:edit", args=[call.pk]),
             reverse("reuse:declare", args=[original.slug]), reverse("reuse:decide", args=[link.pk])]
    problems = {}
    for path in paths:
        assert page.goto(path, wait_until="load").status == 200, path
        violations = blocking_violations(page)
        if violations:
            problems[path] = [(v["id"], [n["target"] for n in v["nodes"][:5]]) for v in violations]
    assert not problems
    assert page.errors == []
