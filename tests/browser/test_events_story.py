"""The agenda's acceptance story in a real browser, with a real SMTP server and the real task worker.

An editor of the pays de Brest (who covers Brest, so the event is published at once) proposes a
workshop with two seats through the form. Three guests, each in a browser of their own and not
signed in, register from the event page with a name and an address and confirm through the link
of the mail the SMTP server received: the first two get a seat and a confirmation mail with the
event as an .ics attachment (parsed with icalendar: 18:00 Europe/Paris), the third is put on the
waiting list (the page and the mail say so). The first guest cancels through the link of their
mail; the third is promoted at once and mailed; the organiser's attendee list shows the two
people who now hold the seats. axe-core checks the agenda, the event page, the confirmation page
(and the other pages met on the way).
"""

import re
import zoneinfo
from datetime import datetime, time, timedelta

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from creative.accounts.roles import Role
from creative.events.models import Event, Registration
from tests.browser_env import assert_accessible
from tests.factories import UserFactory
from tests.smtp import SMTPTestServer
from tests.worker import run_tasks

TITLE = "Atelier d'écriture publique"
DESCRIPTION = (
    "Deux heures pour écrire ensemble la page d'une initiative du quartier : on part d'un entretien, "
    "on relit à voix haute, on publie. Venez avec une initiative que vous aimez."
)
ADDRESS = "Médiathèque des Capucins, 25 rue de Pontaniou"
PASSWORD = "un mot de passe solide 2026"
ORGANISER_EMAIL = "ateliers@example.org"
ORGANISER_NAME = "Annaïg Accompagnatrice"
GUESTS = [
    ("Gwenaëlle Premier", "gwenaelle@example.org"),
    ("Yann Deuxième", "yann@example.org"),
    ("Soizic Troisième", "soizic@example.org"),
]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

CONFIRM_LINK = r"https?://\S+/inscriptions/confirmer/\S+/"
MANAGE_LINK = r"https?://\S+/inscriptions/annuler/[0-9a-f-]{36}/"



# --- Helpers (the same shape as the other stories) -----------------------------------------------


@pytest.fixture
def smtp(settings):
    with SMTPTestServer() as server:
        settings.MAILERS = {"default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": server.host, "port": server.port, "timeout": 10},
        }}
        yield server


@pytest.fixture
def organiser(settings, territories, taxonomy):
    # Playwright fills a form faster than any person: the traps' time check would refuse it.
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""
    return UserFactory(email=ORGANISER_EMAIL, roles=[Role.EDITOR], scopes=["pays-de-brest"], password=PASSWORD,
                       profile__display_name=ORGANISER_NAME)


def mails_to(smtp, address):
    return [m for m in smtp.received if address in m.rcpt_tos]


def deliver(smtp, address, count):
    """Run the worker, then return the messages `address` received (exactly `count` so far)."""
    run_tasks()
    received = mails_to(smtp, address)
    assert len(received) == count, [(m.rcpt_tos, m.message["Subject"]) for m in smtp.received]
    return received


def link_in(mail, pattern):
    found = re.search(pattern, mail.text)
    assert found, mail.text
    return found.group(0)


def calendar_of(mail):
    """The .ics attached to `mail`, parsed."""
    attached = [part for part in mail.message.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(attached) == 1, [part.get_content_type() for part in mail.message.iter_attachments()]
    assert (attached[0].get_filename() or "").endswith(".ics")
    content = attached[0].get_content()
    return icalendar.Calendar.from_ical(content if isinstance(content, str) else content.decode())




def log_in(page, email):
    page.goto("/comptes/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".account-name")).to_be_visible()


def labelled(scope, text):
    """The input labelled `text` (Django adds the French label suffix " :")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(text)}\s*:?$"))


def post_and_follow(page, button):
    """Click a form's submit `button`; the POST must be accepted (a redirect), not refused (CSRF 403…)."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        button.click()
    response = answer.value
    assert response.status < 400, f"POST {response.url} answered {response.status}: {response.text()[:300]}"


def next_week_tuesday():
    """The Tuesday of next week, in Brest."""
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday() + 1)


def guest_page(new_context, offline):
    context = offline(new_context())
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def register_and_confirm(page, smtp, event_url, name, email):
    """A guest registers from the event page, then confirms through the mail's link; returns the page."""
    page.goto(event_url)
    registration = page.locator("#inscription")
    labelled(registration, "Votre nom").fill(name)
    labelled(registration, "Votre adresse électronique").fill(email)
    registration.get_by_role("button", name=re.compile("^M'inscrire")).click()
    expect(page.locator(".messages")).to_contain_text("suivez le lien")
    assert Registration.objects.get(email=email).status == Registration.Status.PENDING

    [request] = deliver(smtp, email, 1)
    assert TITLE in request.message["Subject"]
    assert "Confirmez" in request.message["Subject"]
    page.goto(link_in(request, CONFIRM_LINK))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer votre inscription")
    expect(page.get_by_text(name, exact=False).first).to_be_visible()
    return page


# --- The story ----------------------------------------------------------------------------------


def test_workshop_with_two_seats_and_a_waiting_list(page, new_context, offline, live_server, smtp, organiser,
                                                    settings):
    settings.SITE_URL = live_server.url  # links in the emails point at this server
    day = next_week_tuesday()

    # 1. The organiser, an editor covering Brest, proposes the workshop: it is published at once.
    log_in(page, ORGANISER_EMAIL)
    page.goto("/agenda/proposer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer un événement")
    assert_accessible(page, "propose form")
    labelled(page, "Titre").fill(TITLE)
    labelled(page, "Type d'événement").select_option(label="Atelier d'écriture publique")
    labelled(page, "Description").fill(DESCRIPTION)
    labelled(page, "Date").fill(day.isoformat())
    labelled(page, "Heure de début").fill("18:00")
    labelled(page, "Heure de fin").fill("20:00")
    labelled(page, "Commune").fill("Brest")
    labelled(page, "Adresse").fill(ADDRESS)
    labelled(page, "Nombre de places").fill("2")
    page.get_by_role("button", name="Proposer l'événement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("L'événement est publié dans l'agenda.")).to_be_visible()

    event = Event.objects.get(title=TITLE)
    assert event.state == Event.State.PUBLISHED
    assert event.organiser == organiser
    assert event.capacity == 2
    assert event.kind.slug == "atelier-ecriture-publique"
    assert event.commune.name == "Brest"
    start = timezone.localtime(event.starts_at, PARIS)
    assert (start.date(), start.time()) == (day, time(18, 0))
    assert timezone.localtime(event.ends_at, PARIS).time() == time(20, 0)
    assert start.weekday() == 1  # a Tuesday
    event_url = event.get_absolute_url()
    assert page.url.endswith(event_url)

    # 2. Three guests, each in a browser of their own, register and confirm by email.
    guests = [guest_page(new_context, offline) for _ in GUESTS]
    calendars = {}
    for index, (guest, (name, email)) in enumerate(zip(guests, GUESTS, strict=True)):
        if index == 0:
            # The visitors' pages (no account) pass axe: the agenda and the event with its guest form.
            guest.goto("/agenda/")
            expect(guest.get_by_role("link", name=TITLE)).to_be_visible()
            assert_accessible(guest, "agenda")
            guest.get_by_role("link", name=TITLE).click()
            expect(guest.get_by_role("heading", level=1)).to_have_text(TITLE)
            expect(guest.locator("#inscription")).to_contain_text("2 places restantes sur 2")
            assert_accessible(guest, "event page (visitor)")
        register_and_confirm(guest, smtp, event_url, name, email)
        if index == 0:
            assert_accessible(guest, "registration confirmation page")
        if index < 2:
            expect(guest.get_by_text(re.compile(r"Il reste \d+ place"))).to_be_visible()
        else:
            expect(guest.get_by_text("L'événement est complet")).to_be_visible()
        post_and_follow(guest, guest.get_by_role("button", name="Confirmer mon inscription"))

        # The registration page: a seat for the first two, the waiting list for the third.
        expect(guest.get_by_role("heading", level=1)).to_contain_text(TITLE)
        registration = Registration.objects.get(email=email)
        if index < 2:
            expect(guest.get_by_text("Inscrit·e : votre place est réservée.", exact=True)).to_be_visible()
            assert registration.status == Registration.Status.CONFIRMED
            [_, confirmed] = deliver(smtp, email, 2)
            assert "Inscription confirmée" in confirmed.message["Subject"]
            assert "votre place est réservée" in confirmed.text
            calendars[email] = calendar_of(confirmed)
        else:
            expect(guest.get_by_text("Sur la liste d'attente, en position 1.", exact=True)).to_be_visible()
            expect(guest.locator(".messages")).to_contain_text("vous êtes sur la liste d'attente, en position 1")
            assert registration.status == Registration.Status.WAITING
            [_, waiting] = deliver(smtp, email, 2)
            assert "Liste d'attente" in waiting.message["Subject"]
            assert "liste d'attente, en position 1" in waiting.text
            assert not list(waiting.message.iter_attachments())  # no seat, no calendar entry

    # The .ics of a confirmed seat: the workshop at 18:00, Brest time, on that Tuesday.
    for email, document in calendars.items():
        [vevent] = document.walk("VEVENT")
        starts = vevent.decoded("dtstart")
        assert isinstance(starts, datetime) and starts.tzinfo is not None, email
        assert vevent["dtstart"].params.get("TZID") == "Europe/Paris", vevent.to_ical()
        local_start = starts.astimezone(PARIS)
        assert (local_start.date(), local_start.time()) == (day, time(18, 0)), local_start
        assert vevent.decoded("dtend").astimezone(PARIS).time() == time(20, 0)
        assert str(vevent["summary"]) == TITLE
        assert ADDRESS in str(vevent["location"])
        assert email not in vevent.to_ical().decode()
    assert Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count() == 2

    # The full event says so to a visitor.
    guests[1].goto(event_url)
    expect(guests[1].locator("#inscription")).to_contain_text("Complet — liste d'attente")

    # 3. The first guest cancels through the link of their confirmation mail.
    first, (first_name, first_email) = guests[0], GUESTS[0]
    confirmed_mail = mails_to(smtp, first_email)[-1]
    first.goto(link_in(confirmed_mail, MANAGE_LINK))
    expect(first.get_by_text("Inscrit·e : votre place est réservée.", exact=True)).to_be_visible()
    post_and_follow(first, first.get_by_role("button", name="Annuler mon inscription"))
    expect(first.locator(".messages")).to_contain_text("Votre inscription est annulée")
    assert Registration.objects.get(email=first_email).status == Registration.Status.CANCELLED
    [*_, cancelled] = deliver(smtp, first_email, 3)
    assert "Inscription annulée" in cancelled.message["Subject"]

    # 4. The third guest is promoted at once and told by mail, with the event to add to their calendar.
    third_email = GUESTS[2][1]
    assert Registration.objects.get(email=third_email).status == Registration.Status.CONFIRMED
    [*_, promoted] = deliver(smtp, third_email, 3)
    assert "Une place s'est libérée" in promoted.message["Subject"]
    assert TITLE in promoted.message["Subject"]
    assert "vous êtes inscrit·e" in promoted.text
    [vevent] = calendar_of(promoted).walk("VEVENT")
    assert vevent.decoded("dtstart").astimezone(PARIS).time() == time(18, 0)
    guests[2].goto(link_in(promoted, MANAGE_LINK))
    expect(guests[2].get_by_text("Inscrit·e : votre place est réservée.", exact=True)).to_be_visible()
    assert_accessible(guests[2], "registration page")
    # The second guest kept their seat and heard nothing more.
    assert len(mails_to(smtp, GUESTS[1][1])) == 2

    # The organiser's attendee list: guests 2 and 3 hold the seats, nobody waits, guest 1 is gone.
    page.goto(f"/agenda/{event.slug}/inscrits/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    seated = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Inscrits")))
    expect(seated.get_by_role("heading", level=2)).to_contain_text("(2/2)")
    expect(seated.get_by_role("rowheader", name=re.compile(GUESTS[1][0]))).to_be_visible()
    expect(seated.get_by_role("rowheader", name=re.compile(GUESTS[2][0]))).to_be_visible()
    expect(page.locator("#attente")).to_contain_text("(0)")
    expect(page.get_by_text(first_name)).to_have_count(0)
    assert_accessible(page, "attendee list")
    statuses = dict(Registration.objects.filter(event=event).values_list("email", "status"))
    assert statuses == {
        GUESTS[0][1]: Registration.Status.CANCELLED,
        GUESTS[1][1]: Registration.Status.CONFIRMED,
        GUESTS[2][1]: Registration.Status.CONFIRMED,
    }

    # 5. Nobody's address is public: the event page as a visitor shows none of them.
    guests[1].goto(event_url)
    content = guests[1].content()
    for _, email in GUESTS:
        assert email not in content
    assert ORGANISER_EMAIL not in content
    # The browsers never left the site.
    assert not page.context.external_requests
    assert not any(guest.context.external_requests for guest in guests)
