"""Email addresses never appear on a page someone else can see.

People with recognisable addresses write a fiche, co-author it, propose a change that is
accepted, discuss it in the review thread, are invited, keep a profile; the fiche has a contact
address. Then every page a visitor can reach — the pages listed here, every page of the site
without parameters (found in the URL resolver, so a new page is crawled too), and every link
found on the fiche's pages — is fetched as a visitor and as another signed-in contributor: no
address, and no local part of one, is in any of them.
"""

import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from creative.accounts.roles import Role
from creative.editorial import revisions, workflow
from creative.editorial.models import CoauthorInvitation
from creative.innovations.models import Authorship, Innovation
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "author": "maelle.autrice-privee@exemple-confidentiel.fr",
    "coauthor": "yann.coauteur-prive@exemple-confidentiel.fr",
    "editor": "annaig.editrice-privee@exemple-confidentiel.fr",
    "contributor": "paul.contributeur-prive@exemple-confidentiel.fr",
    "reader": "lea.lectrice@ailleurs.example",  # the contributor who browses: her own address may show
}
CONTACT = "contact.porteur-prive@exemple-confidentiel.fr"
INVITED = "invitee.privee@exemple-confidentiel.fr"
GUEST = "invitee.atelier-privee@exemple-confidentiel.fr"  # registered to an event as a guest
SUBSCRIBER = "abonnee.lettre-privee@exemple-confidentiel.fr"  # subscribed to the weekly letter


def secrets_of(*addresses):
    """What must never show: each address, its local part, and the domain they share."""
    found = set()
    for address in addresses:
        local, _, domain = address.partition("@")
        found |= {address, local, domain}
    return found


def parameterless_url_names(resolver=None, namespace=None):
    """(name, path) of every named URL of the site that takes no argument (the admin's included)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from parameterless_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            try:
                yield name, reverse(name)
            except Exception:  # noqa: S112 (it needs arguments: the pages with parameters are listed by hand)
                continue


@pytest.fixture
def world(territories, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = {
        "author": UserFactory(email=ADDRESSES["author"], profile__display_name="Maëlle Autrice",
                              profile__bio="J'anime des ateliers de réparation."),
        "coauthor": UserFactory(email=ADDRESSES["coauthor"], profile__display_name="Yann Coauteur"),
        "editor": UserFactory(email=ADDRESSES["editor"], roles=[Role.EDITOR], scopes=["pays-de-brest"],
                              profile__display_name="Annaïg Éditrice"),
        "contributor": UserFactory(email=ADDRESSES["contributor"], profile__display_name="Paul Contributeur"),
        "reader": UserFactory(email=ADDRESSES["reader"], profile__display_name="Léa Lectrice"),
    }
    brest = commune("Brest")
    data = {
        **revisions.empty_snapshot(),
        "title": "Repair café de Recouvrance", "pitch": "On répare ensemble, chaque samedi.",
        "description": "Des bénévoles et des habitants réparent vélos, grille-pain et vêtements.",
        "carrier_name": "Association Répare", "carrier_kind": "association", "themes": ["numerique"],
        "website": "https://exemple.org/repair-cafe",
        "sections": {"origine": "Un samedi de 2019, un grille-pain en panne."},
        "places": [{"commune": brest.code, "commune_name": brest.name, "address": "12 rue de la Porte",
                    "latitude": 48.3837, "longitude": -4.5006}],
        "links": [{"label": "Article", "url": "https://exemple.org/article"}],
    }
    fiche = revisions.create_innovation(people["author"], data)
    Innovation.objects.filter(pk=fiche.pk).update(contact_email=CONTACT)
    Authorship.objects.create(innovation=fiche, user=people["coauthor"])
    CoauthorInvitation.objects.create(innovation=fiche, email=INVITED, invited_by=people["author"])
    workflow.submit(fiche, people["author"], "Voici notre fiche.")
    workflow.comment(fiche, people["editor"], "Merci ! Précisez les horaires.")
    workflow.comment(fiche, people["coauthor"], "Le samedi de 14 h à 18 h.")
    workflow.publish(fiche, people["editor"], "Publiée.")
    fiche.refresh_from_db()
    proposal = {**revisions.snapshot(fiche), "pitch": "On répare ensemble, chaque samedi après-midi."}
    revisions.save_edit(fiche, people["contributor"], proposal, base_number=fiche.revision_number,
                        summary="Les horaires")
    revisions.approve_revision(fiche.revisions.pending().get(), people["editor"])
    fiche.refresh_from_db()
    assert fiche.contact_email == CONTACT and fiche.state == Innovation.State.PUBLISHED
    return {"fiche": fiche, **people, **network_around(fiche, people)}


def network_around(fiche, people):
    """Public profiles, an organisation, a team, an ambassador, a call, a reproduction, an event with guests."""
    from datetime import timedelta

    from django.utils import timezone

    from creative.calls.models import CallForHelp
    from creative.events.editing import save_event
    from creative.events.models import Event, Registration
    from creative.network.models import Ambassador, Membership, Organisation, TeamMember
    from creative.reuse.models import Reproduction
    from tests.factories import InnovationFactory

    for role in ("author", "coauthor", "editor"):
        profile = people[role].profile
        profile.is_public, profile.commune = True, commune("Brest")
        profile.save()
    organisation = Organisation.objects.create(name="Association Répare", commune=commune("Brest"),
                                               created_by=people["author"])
    Membership.objects.create(organisation=organisation, user=people["author"], role=Membership.Role.MANAGER)
    Membership.objects.create(organisation=organisation, user=people["coauthor"])
    TeamMember.objects.create(innovation=fiche, user=people["author"], kind="carrier", role="coordinatrice")
    TeamMember.objects.create(innovation=fiche, organisation=organisation, kind="carrier")
    ambassador = Ambassador.objects.create(innovation=fiche, user=people["author"], topics="Lancer un repair café.",
                                           means=["visit"], travel_km=20)
    CallForHelp.objects.create(innovation=fiche, kind="volunteers", title="Des bénévoles le samedi")
    other = InnovationFactory(title="Repair café de Landerneau", communes=["Landerneau"])
    Reproduction.objects.create(original=fiche, derived=other, declared_by=people["contributor"])
    start = timezone.now() + timedelta(days=3)
    event = Event.objects.create(title="Atelier réparation", organiser=people["author"], organisation=organisation,
                                 starts_at=start, ends_at=start + timedelta(hours=2), commune=commune("Brest"),
                                 capacity=1, state=Event.State.PUBLISHED)
    save_event(event, innovations=[fiche])
    Registration.objects.create(event=event, user=people["coauthor"], name="Yann Coauteur",
                                email=ADDRESSES["coauthor"], status=Registration.Status.CONFIRMED)
    Registration.objects.create(event=event, name="Invitée", email=GUEST, status=Registration.Status.WAITING,
                                waiting_since=timezone.now())
    # The weekly letter: a sent issue about the fiche, a subscriber, and her outbox row.
    from creative.letters.models import Delivery, Issue
    from creative.notifications.models import Follow, Notification
    from tests.factories import LetterIssueFactory, LetterItemFactory, LetterSubscriberFactory

    letter = LetterIssueFactory(number=1, state=Issue.State.SENT, sent_at=timezone.now(), editorial="Bonne lecture.")
    LetterItemFactory(issue=letter, title=fiche.title, url=fiche.get_absolute_url())
    subscriber = LetterSubscriberFactory(email=SUBSCRIBER)
    Delivery.objects.create(issue=letter, subscriber=subscriber, state=Delivery.State.SENT, sent_at=timezone.now())
    # Follows and a notification: who follows whom is nobody else's business either.
    Follow.objects.create(user=people["contributor"], target="innovation", innovation=fiche)
    Notification.objects.create(recipient=people["author"], kind=Notification.Kind.COMMENT, key="leak-test",
                                text="Un commentaire sur votre fiche", url=fiche.get_absolute_url())
    return {"organisation": organisation, "ambassador": ambassador, "event": event, "letter": letter}


def listed_pages(fiche):
    """The public pages with parameters, and a few with query strings."""
    slug, last = fiche.slug, fiche.revision_number
    lists = reverse("innovations:list")
    return [
        fiche.get_absolute_url(),
        f"{lists}?{urlencode({'q': 'répare'})}", f"{lists}?theme=numerique&territoire=brest",
        reverse("editorial:history", args=[slug]),
        *(reverse("editorial:revision", args=[slug, number]) for number in range(1, last + 1)),
        f"{reverse('editorial:diff', args=[slug])}?de=1&a={last}",
        f"{reverse('editorial:diff', args=[slug])}?a={last}",
        reverse("territories:detail", args=["brest"]), reverse("territories:detail", args=["pays-de-brest"]),
        reverse("territories:detail", args=["finistere"]),
        f"{reverse('innovations:map_points')}?bbox=-5,48,-4,49&zoom=12",
        f"{reverse('innovations:map_points')}?bbox=-5,48,-4,49&zoom=6",
        f"{reverse('territories:communes')}?q=Brest",
        "/robots.txt",
        "/cette-page-n-existe-pas/",
        reverse("matchmaking:project") + "?" + urlencode(
            {"idee": "Ouvrir un repair café dans mon quartier", "commune": "Brest"}),
        reverse("network:people") + "?territoire=brest",
        reverse("events:event_ics", args=[fiche.events.get().slug]),
        reverse("events:theme_feed", args=["numerique"]), reverse("events:territory_feed", args=["brest"]),
        reverse("letters:issue", args=[1]), reverse("letters:feed"), reverse("letters:feed_rss"),
        # Open data: the API, exports, feeds and embeds carry public names only.
        f"/api/v1/innovations/{slug}/", "/api/v1/innovations/?limit=100", "/api/v1/people/", "/api/v1/events/",
        "/api/v1/organisations/", f"{reverse('opendata:export_csv')}?theme=numerique",
        reverse("opendata:export_geojson"), reverse("opendata:export_jsonld"), reverse("opendata:feed"),
        f"{reverse('opendata:feed_rss')}?territoire=brest", reverse("opendata:embed_card", args=[slug]),
        f"{reverse('opendata:oembed')}?{urlencode({'url': settings.SITE_URL + fiche.get_absolute_url()})}",
    ]


def local_links(html):
    """The site's own addresses linked from a page (no external sites, no anchors)."""
    for href in re.findall(r'href="([^"]+)"', html):
        href = href.replace("&amp;", "&")
        parts = urlsplit(href)
        if not parts.netloc and parts.path.startswith("/") and not parts.path.startswith("/static/"):
            yield href


def crawl(client, world):
    """{url: body} of every page reachable as `client`: listed, without parameters, linked from those."""
    urls = listed_pages(world["fiche"]) + [path for _name, path in parameterless_url_names()]
    seen, bodies = set(), {}
    while urls:
        url = urls.pop(0)
        if url in seen or url.startswith(("/admin/", "/media/")) or len(seen) > 400:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            raise AssertionError(f"{url}: HTTP {response.status_code}")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        body = content.decode(errors="replace")
        bodies[url] = body
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            urls.extend(link for link in local_links(body) if link not in seen)
    return bodies


def leaks(bodies, secrets):
    return {url: sorted(s for s in secrets if s.lower() in body.lower())
            for url, body in bodies.items() if any(s.lower() in body.lower() for s in secrets)}


def test_a_visitor_sees_no_email_address(world):
    bodies = crawl(Client(), world)
    fiche = world["fiche"]
    # The crawl did see the people and the fiche: by their public names only.
    page = bodies[fiche.get_absolute_url()]
    assert "Maëlle Autrice" in page and "Yann Coauteur" in page and "Paul Contributeur" in page
    assert "Paul Contributeur" in bodies[reverse("editorial:history", args=[fiche.slug])]
    assert len(bodies) > 30
    # And the network around it: profiles, organisation, ambassador, contact forms, agenda.
    assert "Association Répare" in bodies[world["organisation"].get_absolute_url()]
    assert "Atelier réparation" in bodies[world["event"].get_absolute_url()]
    assert reverse("contact:ambassador", args=[world["ambassador"].pk]) in bodies
    assert "Bonne lecture." in bodies[reverse("letters:issue", args=[1])]
    secrets = secrets_of(*ADDRESSES.values(), CONTACT, INVITED, GUEST, SUBSCRIBER)
    assert not leaks(bodies, secrets)


def test_another_contributor_sees_no_one_elses_address(world):
    reader = Client()
    reader.force_login(world["reader"])
    bodies = crawl(reader, world)
    assert "Léa Lectrice" in bodies["/"]  # signed in: her name in the header
    others = [address for role, address in ADDRESSES.items() if role != "reader"]
    assert not leaks(bodies, secrets_of(*others, CONTACT, INVITED, GUEST, SUBSCRIBER))


def test_the_admin_login_and_the_fiche_json_ld_keep_addresses_out(world):
    """Two places a crawl of links would not reach on its own."""
    fiche_page = Client().get(world["fiche"].get_absolute_url()).content.decode()
    json_ld = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', fiche_page, re.S).group(1)
    assert "exemple-confidentiel" not in json_ld and "@" in json_ld  # @context and @type, not addresses
    admin_login = Client().get(reverse("admin:login")).content.decode()
    assert "exemple-confidentiel" not in admin_login
