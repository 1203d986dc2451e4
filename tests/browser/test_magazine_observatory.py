"""The magazine, an article and the observatory in a real Chromium: axe finds no serious or critical
violation, the coverage map loads its points, and no Content-Security-Policy violation is reported."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from creative.magazine.models import Article, ArticleAuthor, ArticleFiche, Category
from tests.browser_env import RECORD_CSP_VIOLATIONS, blocking_violations, describe_violations
from tests.factories import UserFactory

from .conftest import FICHES, PRECISE_TITLE


@pytest.fixture
def articles(fiches):
    """Three published articles signed by two people (one a dossier of three fiches), built with the ORM."""
    portrait, _ = Category.objects.get_or_create(slug="portrait", defaults={"name": "Portrait"})
    dossier, _ = Category.objects.get_or_create(slug="dossier", defaults={"name": "Dossier"})
    writers = [UserFactory(profile__display_name="Maëlle Le Gall"), UserFactory(profile__display_name="Yann Kerbrat")]
    now = timezone.now()
    created = []
    for n, (title, category, is_dossier) in enumerate([
        ("Les premières innovations du pays de Brest", dossier, True),
        ("Portrait d'une réparatrice de vélos", portrait, False),
        ("Un café des parents à Gouesnou", portrait, False),
    ]):
        article = Article.objects.create(
            title=title, lead="Deux ou trois phrases qui donnent envie de lire la suite de l'article.",
            body="## Une rencontre\n\nUn texte en **Markdown**, avec une [référence](https://example.org/).",
            category=category, is_dossier=is_dossier, state=Article.State.PUBLISHED,
            published_at=now - timedelta(days=n + 1),
        )
        for position, writer in enumerate(writers[: n % 2 + 1]):
            ArticleAuthor.objects.create(article=article, user=writer, position=position)
        created.append(article)
    for position, (title, _commune, _themes) in enumerate(FICHES[:3]):
        ArticleFiche.objects.create(article=created[0], innovation=fiches[title], position=position)
    ArticleFiche.objects.create(article=created[1], innovation=fiches[PRECISE_TITLE], position=0)
    return created


def test_magazine_article_and_observatory_have_no_serious_axe_violation(context, articles):
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    pages = [
        ("magazine", "/magazine/"),
        ("dossier", articles[0].get_absolute_url()),
        ("article", articles[1].get_absolute_url()),
        ("observatory", "/observatoire/"),
        ("most read", "/observatoire/les-plus-lus/?periode=all"),
    ]
    problems = {}
    for name, url in pages:
        response = page.goto(url)
        if response.status != 200:
            problems[url] = f"HTTP {response.status}, expected 200"
            continue
        if name == "observatory":
            expect(page.locator("#coverage-map")).to_have_attribute("data-loaded", "true")
            expect(page.locator("#coverage-map path.leaflet-interactive").first).to_be_attached()
        blocking = blocking_violations(page)
        if blocking:
            problems[url] = describe_violations(blocking)
        csp = page.evaluate("window.__cspViolations")
        if csp:
            problems[f"{url} (CSP)"] = "\n".join(csp)
    report = "\n".join(f"{url}:\n{text}" for url, text in problems.items())
    assert not problems, f"problems on the magazine and observatory pages:\n{report}"


def test_the_coverage_table_and_csv_are_reachable_by_keyboard(page, fiches):
    page.goto("/observatoire/")
    summary = page.locator("#titre-couverture ~ details summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("#titre-couverture ~ details table")
    expect(table).to_be_visible()
    expect(table.locator("th[scope=row]", has_text="Brest")).to_be_visible()
    expect(page.locator("a[href='/observatoire/donnees/couverture.csv']")).to_be_visible()


def test_the_editors_dashboard_has_no_serious_axe_violation(context, fiches, live_server):
    from django.conf import settings
    from django.test import Client

    from creative.accounts.roles import Role
    from creative.innovations.models import Authorship, Innovation
    from creative.stats.counting import today
    from creative.stats.models import SearchMiss
    from creative.territories.models import Territory

    editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])
    old = fiches[FICHES[0][0]]
    Authorship.objects.create(innovation=old, user=UserFactory(), is_creator=True)
    Innovation.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=800))
    SearchMiss.objects.create(day=today(), query="couveuse", territory=Territory.objects.get(slug="brest"), count=3)
    client = Client()
    client.force_login(editor)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    assert page.goto("/tableau-de-bord/").status == 200
    page.get_by_role("button", name="Demander une vérification").first.click()
    expect(page.locator(".messages")).to_contain_text("Demande de vérification envoyée")
    blocking = blocking_violations(page)
    assert not blocking, describe_violations(blocking)
    assert page.evaluate("window.__cspViolations") == []
    expect(page.get_by_role("rowheader", name="couveuse")).to_be_visible()
