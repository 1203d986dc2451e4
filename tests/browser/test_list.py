"""The list of innovations works without JavaScript: filters, search, pagination, commune picker."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import FICHES, PRECISE_TITLE

THEME_COUNTS = {}
for _title, _commune, _themes in [*FICHES, (PRECISE_TITLE, "Plouzané", ["numerique", "design-creativite"])]:
    for _theme in _themes:
        THEME_COUNTS[_theme] = THEME_COUNTS.get(_theme, 0) + 1


@pytest.fixture
def nojs_page(new_context, offline):
    context = offline(new_context(java_script_enabled=False))
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def results_count(page):
    return page.locator(".results-count")


def cards(page):
    return page.locator("#resultats .cards > li")


def apply_filters(page):
    page.get_by_role("button", name="Appliquer les filtres").click()


def test_theme_filter_without_javascript(nojs_page, fiches):
    page = nojs_page
    page.goto("/innovations/")
    expect(results_count(page)).to_contain_text(f"{len(fiches)} innovations")
    expect(cards(page)).to_have_count(len(fiches))

    page.get_by_label(re.compile(r"^Numérique")).check()
    apply_filters(page)

    expect(page).to_have_url(re.compile(r"[?&]theme=numerique(&|$)"))
    expected = THEME_COUNTS["numerique"]
    assert 0 < expected < len(fiches)
    expect(results_count(page)).to_contain_text(f"{expected} innovations")
    expect(cards(page)).to_have_count(expected)
    for card in cards(page).all():
        expect(card.locator(".tags")).to_contain_text("Numérique")
    expect(page.locator("#theme-numerique")).to_be_checked()
    # The list links to the map of the same selection.
    expect(results_count(page).get_by_role("link", name="voir sur la carte")).to_have_attribute(
        "href", "/carte/?theme=numerique"
    )


def test_search_keeps_filters_and_highlights_matches(nojs_page, fiches):
    page = nojs_page
    page.goto("/innovations/?theme=solidarites")
    expect(cards(page)).to_have_count(THEME_COUNTS["solidarites"])

    page.locator("#filter-q").fill("vélos")
    apply_filters(page)

    expect(page).to_have_url(re.compile(r"[?&]q=v%C3%A9los(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]theme=solidarites(&|$)"))
    expect(results_count(page)).to_contain_text("1 innovation pour « vélos »")
    expect(cards(page)).to_have_count(1)
    title = cards(page).first.locator(".card-title")
    expect(title).to_have_text("Atelier vélo solidaire")
    # "vélos" matches "vélo" (French stemming) and the matching word is highlighted.
    expect(title.locator("mark")).to_have_text("vélo")
    expect(page).to_have_title(re.compile("« vélos » — recherche"))


def test_pagination_keeps_filters(nojs_page, fiches):
    from creative.innovations.signals import deferred_refresh
    from tests.factories import InnovationFactory

    with deferred_refresh():
        for n in range(23):
            InnovationFactory(title=f"Covoiturage de quartier {n}", communes=["Brest"], themes=["mobilite"])
    total = THEME_COUNTS["mobilite"] + 23
    page = nojs_page
    page.goto("/innovations/")
    page.locator("#theme-mobilite").check()
    page.locator("#filter-tri").select_option("az")
    apply_filters(page)

    expect(results_count(page)).to_contain_text(f"{total} innovations")
    expect(cards(page)).to_have_count(20)
    pagination = page.get_by_role("navigation", name="Pages de résultats")
    expect(pagination).to_contain_text("Page 1 sur 2")

    pagination.get_by_role("link", name="Page suivante").click()

    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]theme=mobilite(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]tri=az(&|$)"))
    expect(results_count(page)).to_contain_text(f"{total} innovations")
    expect(cards(page)).to_have_count(total - 20)
    expect(pagination).to_contain_text("Page 2 sur 2")
    expect(page.locator("#theme-mobilite")).to_be_checked()
    expect(page.locator("#filter-tri")).to_have_value("az")
    for card in cards(page).all():
        expect(card.locator(".tags")).to_contain_text("Mobilité")

    pagination.get_by_role("link", name="Page précédente").click()
    expect(page).to_have_url(re.compile(r"[?&]theme=mobilite(&|$)"))
    expect(cards(page)).to_have_count(20)


def test_commune_picker_filters_to_a_commune(nojs_page, fiches):
    from tests.factories import commune

    guipavas = commune("Guipavas")
    in_guipavas = [title for title, name, _ in FICHES if name == "Guipavas"]
    page = nojs_page
    page.goto("/innovations/")
    page.locator("select#filter-territoire").select_option(label="Guipavas")
    apply_filters(page)

    expect(page).to_have_url(re.compile(rf"[?&]territoire={guipavas.slug}(&|$)"))
    expect(results_count(page)).to_contain_text(f"{len(in_guipavas)} innovations")
    assert sorted(cards(page).locator(".card-title").all_text_contents()) == sorted(in_guipavas)
    for card in cards(page).all():
        expect(card.locator(".card-place")).to_have_text("Guipavas")
    # The picker gives way to the current territory, which can be removed.
    expect(page.locator(".current-territory strong")).to_have_text("Guipavas")
    page.locator(".current-territory").get_by_role("link", name="retirer ce filtre").click()
    expect(cards(page)).to_have_count(len(fiches))
