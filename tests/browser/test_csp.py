"""The Content-Security-Policy holds on every page: Chromium reports no violation, to a visitor or an editor.

Each page is loaded in Chromium with an init script recording `securitypolicyviolation` events
in `window.__cspViolations`; console errors mentioning the Content Security Policy count too.
The pages are listed here by hand, and a last check walks the URL resolver: every named page
of the site that takes no parameter must be in the lists (or exempted below with its reason),
so a new page cannot be added without being crawled here.
"""

import contextlib
import re
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from creative.accounts.roles import Role
from creative.editorial import revisions, workflow
from creative.editorial.models import CoauthorInvitation
from creative.editorial.views.editor import invitation_token
from creative.imports.models import DuplicateCandidate, ImportRun, ImportSource
from creative.innovations.models import Authorship, Innovation, Place
from creative.letters.models import Issue, Subscriber
from creative.letters.tokens import confirm_token, subscriber_token
from creative.magazine import editing
from creative.magazine import workflow as magazine_workflow
from creative.magazine.models import Article, Category
from creative.notifications.models import Notification
from tests.browser_env import RECORD_CSP_VIOLATIONS, sign_in
from tests.factories import (
    InnovationFactory,
    LetterIssueFactory,
    LetterItemFactory,
    LetterSubscriberFactory,
    UserFactory,
    commune,
)
from tests.test_no_private_data import parameterless_url_names

from .conftest import PRECISE_TITLE

CSP_MESSAGE = re.compile(r"content.security.policy", re.IGNORECASE)

# Named pages without parameters that are not loaded as pages, and why.
NOT_PAGES = {
    "innovations:map_points": "JSON fetched by the maps of /, /carte/ and territory pages, which are crawled",
    "territories:communes": "JSON fetched by the commune picker of the places step, which is crawled",
    "robots_txt": "plain text",
    "editorial:preview": "POST only: the live preview of the editor's steps, which are crawled",
    "events:feed": "iCalendar, not a page (parsed in creative/events/tests/test_feeds.py)",
    "letters:feed": "Atom, not a page (parsed in creative/letters/tests/test_archive.py)",
    "letters:feed_rss": "RSS, not a page (parsed in creative/letters/tests/test_archive.py)",
    "letters:bounce_webhook": "JSON POST for a mail provider (creative/letters/tests/test_bounces.py)",
    "letters:compose": "POST only: the « Composer maintenant » button of the editors' page, which is crawled",
    "notifications:read_all": "POST only: the « Tout marquer comme lu » button of the notifications page, crawled",
    "magazine:feed": "Atom, not a page (parsed in creative/magazine/tests/test_feeds.py)",
    "magazine:feed_rss": "RSS, not a page (parsed in creative/magazine/tests/test_feeds.py)",
    "observatory:coverage_points": "JSON fetched by the observatory's coverage map, which is crawled",
    "opendata:export_csv": "a CSV download (creative/opendata/tests/test_exports.py)",
    "opendata:export_geojson": "a GeoJSON download (creative/opendata/tests/test_exports.py)",
    "opendata:export_jsonld": "a JSON-LD download (creative/opendata/tests/test_exports.py)",
    "opendata:feed": "Atom, not a page (parsed in creative/opendata/tests/test_feeds.py)",
    "opendata:feed_rss": "RSS, not a page (parsed in creative/opendata/tests/test_feeds.py)",
    "opendata:oembed": "oEmbed JSON (creative/opendata/tests/test_embeds.py)",
    "events:atom_feed": "Atom, not a page (parsed in creative/events/tests/test_syndication.py)",
    "events:rss_feed": "RSS, not a page (parsed in creative/events/tests/test_syndication.py)",
}
# Django's admin is not the site's own pages: its index, a list and a form are crawled, not each model.
NOT_OURS = ("admin:",)
# The JSON API answers JSON, never a page (creative/opendata/tests/test_api*.py, schemathesis).
NOT_PAGES_NAMESPACES = ("api:",)


@pytest.fixture
def site(fiches, live_server):
    """A published fiche with its history and a pending proposal, an editor's draft, people and roles."""
    editor = UserFactory(roles=[Role.EDITOR, Role.MODERATOR], scopes=["pays-de-brest"],
                         profile__display_name="Annaïg Éditrice", profile__bio="J'accompagne les **porteurs**.")
    contributor = UserFactory(profile__display_name="Paul Contributeur")
    published = fiches[PRECISE_TITLE]
    Authorship.objects.create(innovation=published, user=editor, is_creator=True)
    changed = {**revisions.snapshot(published), "pitch": "Un atelier ouvert à toutes et à tous, le jeudi soir."}
    revisions.save_edit(published, editor, changed, base_number=published.revision_number, summary="Horaires")
    published.refresh_from_db()
    proposal = {**revisions.snapshot(published), "description": "Une proposition de **Paul**."}
    revisions.save_edit(published, contributor, proposal, base_number=published.revision_number)
    pending = published.revisions.pending().get()

    draft = InnovationFactory(title="Bricothèque de Lambézellec", state=Innovation.State.DRAFT,
                              communes=["Brest"], themes=["solidarites"],
                              answers={"origine": "Une perceuse qui ne sert que dix minutes par an."})
    Authorship.objects.create(innovation=draft, user=editor, is_creator=True)
    Place.objects.create(innovation=draft, commune=commune("Brest"), address="Rue de Brest",
                         latitude=48.40, longitude=-4.49)
    workflow.submit(draft, editor, "Prête pour la relecture.")
    workflow.comment(draft, editor, "Un message avec un [lien](https://exemple.org).")
    invitation = CoauthorInvitation.objects.create(innovation=draft, email="invitee@example.org", invited_by=editor)
    network = network_of(editor, published, fiches)
    return {"editor": editor, "published": published, "pending": pending, "draft": draft,
            "invitation": invitation, "live_server": live_server, **network}


def network_of(editor, published, fiches):
    """The carriers' network and the agenda around the published fiche: every kind of page has content."""
    from datetime import timedelta

    from django.utils import timezone

    from creative.calls.models import CallForHelp
    from creative.events.editing import save_event
    from creative.events.models import Event, EventKind, Registration
    from creative.network.models import Ambassador, Membership, Organisation, TeamMember
    from creative.reuse.models import Reproduction

    profile = editor.profile
    profile.is_public, profile.commune = True, commune("Brest")
    profile.save()
    organisation = Organisation.objects.create(name="Les Bricoleurs de l'Élorn", commune=commune("Brest"),
                                               description="Une **association** de réparation.", created_by=editor)
    Membership.objects.create(organisation=organisation, user=editor, role=Membership.Role.MANAGER)
    TeamMember.objects.create(innovation=published, organisation=organisation, kind="partner", role="atelier")
    TeamMember.objects.create(innovation=published, user=editor, kind="carrier", role="coordinatrice")
    ambassador = Ambassador.objects.create(innovation=published, user=editor, topics="Démarrer un fablab.",
                                           means=["visit", "phone"], travel_km=30)
    call = CallForHelp.objects.create(innovation=published, kind="volunteers", title="Deux bénévoles le samedi",
                                      created_by=editor)
    other = next(fiche for fiche in fiches.values() if fiche.pk != published.pk)
    reproduction = Reproduction.objects.create(original=published, derived=other, kind="inspiration",
                                               adapted="Un atelier plus petit.", declared_by=editor)
    start = timezone.now() + timedelta(days=7)
    event = Event.objects.create(
        title="Atelier d'écriture publique", kind=EventKind.objects.first(), organiser=editor, starts_at=start,
        ends_at=start + timedelta(hours=2), commune=commune("Brest"), address="Médiathèque", capacity=10,
        state=Event.State.PUBLISHED, created_by=editor, description="Écrire *ensemble*.",
    )
    save_event(event, innovations=[published])
    Registration.objects.create(event=event, name="Léa Lectrice", email="lea@example.org",
                                status=Registration.Status.CONFIRMED)
    sent = LetterIssueFactory(state=Issue.State.SENT, sent_at=timezone.now(), editorial="Bonne *lecture*.")
    LetterItemFactory(issue=sent, title=published.title, url=published.get_absolute_url())
    draft_letter = LetterIssueFactory(editorial="À **relire**.")
    LetterItemFactory(issue=draft_letter, kind="event", title=event.title, url=event.get_absolute_url())
    subscriber = LetterSubscriberFactory()
    pending = LetterSubscriberFactory(state=Subscriber.State.PENDING, confirmation_sent_at=timezone.now())
    Notification.objects.create(recipient=editor, kind=Notification.Kind.COMMENT, key="csp-crawl",
                                text="Un commentaire sur votre fiche", url=published.get_absolute_url())
    category = Category.objects.get(slug="dossier")
    article = Article.objects.create(title="Vingt-cinq innovations du pays de Brest", lead="Un tour du territoire.",
                                     body="Des *initiatives* à **reproduire**.", category=category, is_dossier=True)
    editing.save_article(article, editor, fiches=[published, other], authors=[editor], summary="Première version")
    magazine_workflow.publish(article, editor)
    draft_article = Article.objects.create(title="Portrait d'une porteuse", lead="En cours d'écriture.",
                                           category=Category.objects.get(slug="portrait"), created_by=editor)
    editing.save_article(draft_article, editor, authors=[editor])
    source = ImportSource.objects.create(name="Tiers-lieux du Finistère", slug="tiers-lieux",
                                         kind=ImportSource.Kind.CSV, default_licence="ODbL-1.0",
                                         column_mapping={"title": "nom"}, theme_mapping={"fablab": "numerique"})
    run = ImportRun.objects.create(source=source, status=ImportRun.Status.DONE, total_rows=2, processed_rows=2,
                                   counts={"created": 1, "skipped": 1},
                                   report=[{"row": 1, "action": "created", "title": "Fablab", "reason": ""},
                                           {"row": 2, "action": "skipped", "title": "", "reason": "Pas de titre."}])
    first, second = sorted([published, other], key=lambda fiche: fiche.pk)
    candidate = DuplicateCandidate.objects.create(first=first, second=second, similarity=0.8, distance_m=120)
    return {"organisation": organisation, "ambassador": ambassador, "call": call, "reproduction": reproduction,
            "event": event, "sent_letter": sent, "draft_letter": draft_letter, "subscriber": subscriber,
            "pending_subscriber": pending, "article": article, "draft_article": draft_article,
            "import_source": source, "import_run": run, "duplicate": candidate}


def visitor_pages(site):
    fiche = site["published"]
    slug, last = fiche.slug, fiche.revision_number
    return [
        "/", reverse("innovations:list"), f"{reverse('innovations:list')}?q=vélo&theme=numerique",
        fiche.get_absolute_url(), reverse("innovations:map"), f"{reverse('innovations:map')}?theme=numerique",
        reverse("territories:index"), reverse("territories:detail", args=["pays-de-brest"]),
        reverse("territories:detail", args=["brest"]),
        reverse("editorial:history", args=[slug]), reverse("editorial:revision", args=[slug, last]),
        f"{reverse('editorial:diff', args=[slug])}?a={last}",
        reverse("account_login"), reverse("account_signup"), reverse("account_reset_password"),
        reverse("account_reset_password_done"), reverse("account_email_verification_sent"),
        reverse("account_inactive"), reverse("account_reset_password_from_key_done"),
        reverse("accounts:account_deleted"),
        "/mentions-legales/", "/conditions-d-utilisation/", "/confidentialite/",
        "/cette-page-n-existe-pas/",
        # The carriers' network and the agenda.
        reverse("network:people"), site["editor"].profile.get_absolute_url(), reverse("network:organisations"),
        site["organisation"].get_absolute_url(), reverse("network:ambassadors"), reverse("calls:list"),
        reverse("matchmaking:project"), f"{reverse('matchmaking:project')}?idee=Un+fablab+ouvert+aux+coll%C3%A9giens"
        "+et+aux+retrait%C3%A9s&commune=Brest",
        reverse("contact:person", args=[site["editor"].profile.slug]),
        reverse("contact:organisation", args=[site["organisation"].slug]),
        reverse("contact:ambassador", args=[site["ambassador"].pk]),
        reverse("events:agenda"), reverse("events:agenda_map"), reverse("events:past"),
        site["event"].get_absolute_url(),
        # The weekly letter: archive, subscription and a subscriber's signed links.
        reverse("letters:archive"), site["sent_letter"].get_absolute_url(), reverse("letters:subscribe"),
        reverse("letters:subscribe_done"), reverse("letters:confirm", args=[confirm_token(site["pending_subscriber"])]),
        reverse("letters:preferences", args=[subscriber_token(site["subscriber"])]),
        reverse("letters:unsubscribe", args=[subscriber_token(site["subscriber"])]),
        # The magazine and the observatory.
        reverse("magazine:index"), reverse("magazine:category", args=["dossier"]),
        reverse("magazine:author", args=[site["editor"].profile.slug]),
        reverse("magazine:month", args=[site["article"].published_at.year, site["article"].published_at.month]),
        site["article"].get_absolute_url(), reverse("observatory:index"), reverse("observatory:most_read"),
        # Open data: the page, the API's documentation, the embeds (framable by other sites).
        reverse("opendata:open_data"), reverse("opendata:api_docs"),
        reverse("opendata:embed_card", args=[site["published"].slug]),
        f"{reverse('opendata:embed_map')}?theme=numerique",
        # Pages for signed-in people: a visitor is sent to the login page, which is checked again.
        reverse("editorial:my_fiches"), reverse("accounts:profile_edit"),
    ]


def editor_pages(site):
    fiche, draft = site["published"], site["draft"]
    slug, last = fiche.slug, fiche.revision_number
    return [
        reverse("editorial:my_fiches"), reverse("editorial:create"),
        *(reverse("editorial:edit", args=[draft.pk, step])
          for step in ("identite", "lieux", "code-source", "images", "licence")),
        reverse("editorial:coauthors", args=[draft.pk]),
        reverse("editorial:accept_invitation", args=[invitation_token(site["invitation"])]),
        reverse("editorial:review", args=[draft.pk]), reverse("editorial:queue"),
        reverse("editorial:proposal", args=[site["pending"].pk]),
        reverse("editorial:history", args=[slug]), f"{reverse('editorial:diff', args=[slug])}?de=1&a={last}",
        reverse("editorial:revision", args=[slug, 1]), reverse("editorial:revert", args=[slug, 1]),
        fiche.get_absolute_url(), draft.get_absolute_url(), "/", reverse("innovations:map"),
        reverse("audit:log"), reverse("moderation:queue"), reverse("moderation:blocked"),
        reverse("accounts:profile_edit"), reverse("accounts:personal_data"), reverse("accounts:delete_account"),
        reverse("account_email"), reverse("account_change_password"), reverse("account_set_password"),
        reverse("account_reauthenticate"), reverse("account_request_reauthentication_code"),
        reverse("account_confirm_reauthentication_code"), reverse("account_confirm_login_code"),
        reverse("account_logout"),
        reverse("network:organisation_create"), reverse("network:organisation_edit", args=[site["organisation"].slug]),
        reverse("network:organisation_members", args=[site["organisation"].slug]),
        reverse("network:team", args=[fiche.pk]), reverse("network:ambassador_declare", args=[slug]),
        reverse("calls:manage", args=[fiche.pk]), reverse("calls:edit", args=[site["call"].pk]),
        reverse("reuse:declare", args=[slug]), reverse("reuse:decide", args=[site["reproduction"].pk]),
        site["editor"].profile.get_absolute_url(), fiche.get_absolute_url(),
        reverse("events:propose"), reverse("events:review_queue"), site["event"].get_absolute_url(),
        reverse("events:edit", args=[site["event"].slug]), reverse("events:attendees", args=[site["event"].slug]),
        reverse("events:write", args=[site["event"].slug]), reverse("events:calendar_token"),
        reverse("letters:manage"), reverse("letters:edit", args=[site["draft_letter"].number]),
        reverse("letters:preview", args=[site["draft_letter"].number]),
        reverse("letters:send", args=[site["draft_letter"].number]),
        reverse("notifications:list"), reverse("notifications:follows"), reverse("notifications:preferences"),
        reverse("magazine:create"), reverse("magazine:mine"), reverse("magazine:queue"),
        *(reverse(f"magazine:{name}", args=[site["draft_article"].pk]) for name in ("edit", "review")),
        reverse("magazine:history", args=[site["article"].pk]),
        reverse("magazine:revision", args=[site["article"].pk, 1]),
        site["article"].get_absolute_url(), reverse("observatory:dashboard"),
        reverse("opendata:tokens"), reverse("imports:sources"), reverse("imports:source_create"),
        reverse("imports:source_detail", args=[site["import_source"].slug]),
        reverse("imports:upload", args=[site["import_source"].slug]),
        reverse("imports:run", args=[site["import_run"].pk]),
        reverse("imports:duplicates"), reverse("imports:duplicate", args=[site["duplicate"].pk]),
        reverse("admin:index"), reverse("admin:innovations_innovation_changelist"),
        reverse("admin:innovations_innovation_change", args=[fiche.pk]),
    ]


def violations_on(page, url, console):
    """CSP violations reported while `url` loads and its scripts run."""
    console.clear()
    response = page.goto(url)
    assert response is not None and response.status < 500, f"{url}: HTTP {response and response.status}"
    # Give the page's scripts time to run. On a loaded CI machine a page with maps (tiles,
    # marker JSON) may not reach "network idle" quickly: the violations are read all the same.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("networkidle", timeout=30_000)
    if page.locator("#map").count():
        expect(page.locator("#map")).to_have_attribute("data-loaded", "true")
    found = page.evaluate("window.__cspViolations || []")
    return found + [message for message in console if CSP_MESSAGE.search(message)]


def watch(page):
    console = []
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    return console


def test_no_csp_violation_for_a_visitor_nor_an_editor(page, context, new_context, offline, site, live_server):
    problems = {}
    console = watch(page)
    for url in visitor_pages(site):
        if found := violations_on(page, url, console):
            problems[f"visiteur {url}"] = found

    editor_context = offline(new_context())
    sign_in(editor_context, site["editor"], live_server)
    editor_page = editor_context.new_page()
    editor_page.set_default_timeout(10_000)
    console = watch(editor_page)
    for url in editor_pages(site):
        if found := violations_on(editor_page, url, console):
            problems[f"éditrice {url}"] = found
        assert not urlsplit(editor_page.url).path.startswith(reverse("account_login")), f"{url}: signed out"

    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())


def test_the_recorder_sees_a_violation(page, live_server):
    """The crawl above would notice: an inline handler added to a page is reported."""
    console = watch(page)
    assert violations_on(page, reverse("account_login"), console) == []
    page.evaluate("""() => { const img = document.createElement("img");
        img.setAttribute("onerror", "document.title = 'exécuté'"); img.src = "/nulle-part.png";
        document.body.append(img); }""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert "script-src-attr" in page.evaluate("window.__cspViolations")[0]
    assert page.title() != "exécuté"


def test_every_page_without_parameters_is_crawled(site):
    """A new page must be added to the lists above (or to NOT_PAGES with its reason)."""
    crawled = {resolve(urlsplit(url).path).view_name for url in visitor_pages(site) + editor_pages(site)
               if not url.startswith("/cette-page")}
    names = {name for name, _path in parameterless_url_names()}
    missing = sorted(name for name in names - crawled - set(NOT_PAGES)
                     if not name.startswith(NOT_OURS + NOT_PAGES_NAMESPACES))
    assert not missing, f"pages not crawled by the CSP test: {missing}"
    assert not set(NOT_PAGES) - names, "NOT_PAGES names a page that no longer exists"


def test_a_place_address_is_shown_as_text_in_the_map_popup(page, fiches):
    fiche = fiches["Atelier vélo solidaire"]
    Place.objects.filter(innovation=fiche).update(address='<img src="/x.png" onerror="document.title=1">')
    watch(page)
    page.goto(fiche.get_absolute_url())
    marker = page.locator("#fiche-map .leaflet-marker-icon").first
    expect(marker).to_be_visible()
    marker.click()
    popup = page.locator("#fiche-map .leaflet-popup-content")
    expect(popup).to_contain_text("Brest")
    assert popup.locator("img").count() == 0, "the address was inserted as HTML"
    assert not page.evaluate("window.__cspViolations")
