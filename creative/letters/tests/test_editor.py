"""The editors' pages of the letter: who may use them, and every action (text, order, items,
preview as a subscriber, test, schedule, send), audited; sent letters are read-only."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.audit.models import AuditEntry
from creative.innovations.models import Innovation, Theme
from creative.letters import composition
from creative.letters.composition import ItemDraft
from creative.letters.models import Delivery, Issue, IssueItem, Subscriber
from creative.territories.models import Territory
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = IssueItem.Kind


@pytest.fixture
def people(territories):
    return {
        "contributor": UserFactory(),
        "unverified": UserFactory(verified=False),
        "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
        "editor_brest": UserFactory(roles=[Role.EDITOR], scopes=["brest"]),
        "editor": UserFactory(email="redaction@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }


def territory_ids(*slugs):
    return set(Territory.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def add(issue, title, *, territories=(), themes=(), kind=Kind.INNOVATION, key=None):
    """An item for `territories` (slugs: every level is given, as the composer does) and `themes`."""
    draft = ItemDraft(kind=kind, title=title, url=f"/innovations/{title.lower().replace(' ', '-')}/",
                      summary=f"Résumé de {title}.", source_key=key or f"test:{title}",
                      territory_ids=frozenset(territory_ids(*territories)),
                      theme_ids=frozenset(Theme.objects.filter(slug__in=themes).values_list("pk", flat=True)))
    return composition.add_item(issue, draft)


BREST = ("brest", "brest-metropole", "pays-de-brest", "finistere", "bretagne")
CROZON = ("crozon", "pays-de-brest", "finistere", "bretagne")


@pytest.fixture
def issue(territories):
    letter = Issue.objects.create(
        number=7, subject="La lettre n° 7", period_start=timezone.now() - datetime.timedelta(days=7),
        period_end=timezone.now(),
    )
    add(letter, "Atelier à Brest", territories=BREST, themes=["numerique"])
    add(letter, "Jardin à Crozon", territories=CROZON, themes=["alimentation"])
    add(letter, "Webinaire", themes=["numerique"])
    return letter


def subscriber(email, territories=(), themes=(), state=Subscriber.State.ACTIVE):
    sub = Subscriber.objects.create(email=email, state=state)
    sub.territories.set(Territory.objects.filter(slug__in=territories))
    sub.themes.set(Theme.objects.filter(slug__in=themes))
    return sub


def titles(issue):
    return list(issue.items.order_by("position", "pk").values_list("title", flat=True))


def audit(action):
    return list(AuditEntry.objects.filter(action=action))


# Who may -------------------------------------------------------------------------------------------

PAGES = [
    ("get", "letters:manage", False, {}),
    ("post", "letters:compose", False, {}),
    ("get", "letters:edit", True, {}),
    ("post", "letters:edit", True, {"action": "save", "subject": "Changé", "editorial": ""}),
    ("get", "letters:preview", True, {}),
    ("post", "letters:send_test", True, {}),
    ("get", "letters:send", True, {}),
    ("post", "letters:send", True, {"confirm": "oui"}),
]


@pytest.mark.parametrize(("method", "name", "numbered", "data"), PAGES)
@pytest.mark.parametrize("who", [None, "unverified", "contributor", "editor_elsewhere", "editor_brest"])
def test_refused_to_everybody_but_the_letters_editors(client, people, issue, who, method, name, numbered, data):
    subscriber("lecteur@example.org")
    logged = AuditEntry.objects.count()
    if who:
        client.force_login(people[who])
    url = reverse(name, args=[issue.number] if numbered else [])
    response = getattr(client, method)(url, data)
    if who is None:
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
    issue.refresh_from_db()
    assert (issue.state, issue.subject, Issue.objects.count()) == (Issue.State.DRAFT, "La lettre n° 7", 1)
    assert not Delivery.objects.exists() and not mail.outbox
    assert AuditEntry.objects.count() == logged


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_editors_of_home_and_administrators_use_every_page(client, people, issue, who):
    client.force_login(people[who])
    for name, numbered in [("letters:manage", False), ("letters:edit", True), ("letters:preview", True),
                           ("letters:send", True)]:
        response = client.get(reverse(name, args=[issue.number] if numbered else []))
        assert response.status_code == 200, name


def test_unknown_issue_is_404(client, people):
    client.force_login(people["editor"])
    assert client.get(reverse("letters:edit", args=[999])).status_code == 404
    assert client.get(reverse("letters:preview", args=[999])).status_code == 404


# The list and composing -------------------------------------------------------------------------

def test_the_list_by_state(client, people, issue):
    subscriber("a@example.org")
    subscriber("b@example.org")
    subscriber("c@example.org", state=Subscriber.State.UNSUBSCRIBED)
    now = timezone.now()
    Issue.objects.create(number=5, subject="Programmée", period_start=now, period_end=now,
                         state=Issue.State.SCHEDULED, scheduled_at=now + datetime.timedelta(days=1))
    sending = Issue.objects.create(number=4, subject="En cours", period_start=now, period_end=now,
                                   state=Issue.State.SENDING)
    Issue.objects.create(number=3, subject="Partie", period_start=now, period_end=now,
                         state=Issue.State.SENT, sent_at=now)
    Delivery.objects.create(issue=sending, subscriber=Subscriber.objects.get(email="a@example.org"),
                            state=Delivery.State.SENT)
    Delivery.objects.create(issue=sending, subscriber=Subscriber.objects.get(email="b@example.org"))
    client.force_login(people["editor"])
    response = client.get(reverse("letters:manage"))
    context = response.context
    assert [i.number for i in context["drafts"]] == [7]
    assert [i.number for i in context["scheduled"]] == [5]
    assert [i.number for i in context["sending"]] == [4]
    assert [i.number for i in context["sent"]] == [3]
    assert context["sending"][0].progress["total"] == 2 and context["sending"][0].progress["sent"] == 1
    assert context["subscriber_count"] == 2
    html = response.content.decode()
    assert "2 personnes abonnées" in html and "Composer maintenant" in html
    assert "a@example.org" not in html


def test_compose_now_then_open_the_existing_draft(client, people, territories):
    InnovationFactory(title="Toute nouvelle", communes=["Brest"])
    client.force_login(people["editor"])
    response = client.post(reverse("letters:compose"))
    issue = Issue.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("letters:edit", args=[issue.number])
    assert titles(issue) == ["Toute nouvelle"] and issue.created_by == people["editor"]
    assert audit("letters.issue.composed")[0].actor == people["editor"]
    assert client.get(reverse("letters:compose")).status_code == 405
    response = client.post(reverse("letters:compose"))
    assert Issue.objects.count() == 1 and response["Location"] == reverse("letters:edit", args=[issue.number])


# Editing -----------------------------------------------------------------------------------------

def post(client, issue, **data):
    return client.post(reverse("letters:edit", args=[issue.number]), data)


def test_edit_subject_and_editorial(client, people, issue):
    client.force_login(people["editor"])
    response = post(client, issue, action="save", subject="  Une  lettre ", editorial="Bonjour **à tous**\r\n")
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.subject, issue.editorial) == ("Une lettre", "Bonjour **à tous**")
    entry = AuditEntry.objects.filter(action="letters.issue.edited").latest("pk")
    assert entry.actor == people["editor"] and entry.data == {"change": "text", "fields": ["editorial", "subject"]}
    response = post(client, issue, action="save", subject="", editorial="")
    assert response.status_code == 400 and "Le formulaire n'a pas été enregistré" in response.content.decode()
    issue.refresh_from_db()
    assert issue.subject == "Une lettre"


def test_the_editorial_is_sanitised_on_the_page(client, people, issue):
    Issue.objects.filter(pk=issue.pk).update(editorial="<script>alert(1)</script> [x](javascript:alert(1)) *ok*",
                                             state=Issue.State.SENT)
    client.force_login(people["editor"])
    html = client.get(reverse("letters:edit", args=[issue.number])).content.decode()
    assert "<script>alert" not in html and 'href="javascript:' not in html and "<em>ok</em>" in html


def test_reorder_with_buttons(client, people, issue):
    client.force_login(people["editor"])
    html = client.get(reverse("letters:edit", args=[issue.number])).content.decode()
    # The first item cannot go up, the last one cannot go down: 2 of each button.
    assert html.count('value="up"') == 2 and html.count('value="down"') == 2
    last = issue.items.get(title="Webinaire")
    response = post(client, issue, action="up", item=last.pk)
    assert response.status_code == 302 and response["Location"].endswith(f"#element-{last.pk}")
    assert titles(issue) == ["Atelier à Brest", "Webinaire", "Jardin à Crozon"]
    post(client, issue, action="down", item=issue.items.get(title="Atelier à Brest").pk)
    assert titles(issue) == ["Webinaire", "Atelier à Brest", "Jardin à Crozon"]
    assert len(audit("letters.issue.edited")) == 3 + 2  # the fixture's three items, two moves
    # Nonsense is refused without a 500.
    assert post(client, issue, action="up", item="abc").status_code == 302
    assert post(client, issue, action="jump", item=last.pk).status_code == 400
    assert titles(issue) == ["Webinaire", "Atelier à Brest", "Jardin à Crozon"]


def test_remove_an_item(client, people, issue):
    client.force_login(people["editor"])
    other = Issue.objects.create(number=8, subject="Autre", period_start=issue.period_start,
                                 period_end=issue.period_end)
    foreign = add(other, "Ailleurs")
    post(client, issue, action="remove", item=issue.items.get(title="Jardin à Crozon").pk)
    assert titles(issue) == ["Atelier à Brest", "Webinaire"]
    post(client, issue, action="remove", item=foreign.pk)  # not an item of this letter
    assert IssueItem.objects.filter(pk=foreign.pk).exists()
    assert AuditEntry.objects.filter(action="letters.issue.edited", target_id=str(issue.pk)).latest("pk").data == {
        "change": "item_removed", "item": "Jardin à Crozon"}


def test_add_a_fiche_by_address_title_or_choice(client, people, issue):
    one = InnovationFactory(title="Le repair café de Brest", communes=["Brest"], themes=["solidarites"])
    InnovationFactory(title="Le repair café de Crozon", communes=["Crozon"])
    InnovationFactory(title="Repair brouillon", state=Innovation.State.DRAFT)
    client.force_login(people["editor"])
    post(client, issue, action="add_fiche", fiche=f"http://testserver/innovations/{one.slug}/")
    added = issue.items.get(title="Le repair café de Brest")
    assert added.position == 3 and added.source_key == f"innovations.innovation:{one.pk}"
    assert {t.slug for t in added.territories.all()} >= {"brest", "pays-de-brest"}
    # Twice: said, not added.
    post(client, issue, action="add_fiche", fiche=one.slug)
    assert issue.items.filter(title="Le repair café de Brest").count() == 1
    # Several matches: a choice.
    response = post(client, issue, action="add_fiche", fiche="repair")
    assert response.status_code == 200
    assert [f.title for f in response.context["candidates"]] == ["Le repair café de Brest", "Le repair café de Crozon"]
    assert "Repair brouillon" not in response.content.decode()
    # Nothing: a French error, nothing added.
    response = post(client, issue, action="add_fiche", fiche="Repair brouillon")
    assert response.status_code == 400 and "Aucune fiche publiée ne correspond" in response.content.decode()
    assert issue.items.count() == 4


def test_add_a_link(client, people, issue):
    client.force_login(people["editor"])
    post(client, issue, action="add_link", title="Le programme", url="https://example.org/programme",
         summary="Tout le programme.")
    link = issue.items.get(kind=Kind.LINK)
    assert (link.title, link.url, link.summary, link.source_key) == (
        "Le programme", "https://example.org/programme", "Tout le programme.", "")
    post(client, issue, action="add_link", title="Sur le site", url="/agenda/")
    assert issue.items.filter(url="/agenda/").exists()
    for bad in ("javascript:alert(1)", "//evil.example/", "ftp://example.org/"):
        response = post(client, issue, action="add_link", title="Mauvais", url=bad)
        assert response.status_code == 400 and "Indiquez une adresse complète" in response.content.decode()
    assert issue.items.count() == 5


def test_schedule_in_the_future_then_cancel(client, people, issue):
    client.force_login(people["editor"])
    response = post(client, issue, action="schedule", scheduled_at="2001-01-01T08:00")
    assert response.status_code == 400 and "Choisissez une date et une heure à venir" in response.content.decode()
    response = post(client, issue, action="schedule", scheduled_at="demain")
    assert response.status_code == 400 and "Indiquez une date et une heure valides" in response.content.decode()
    moment = timezone.localtime() + datetime.timedelta(days=2)
    post(client, issue, action="schedule", scheduled_at=moment.strftime("%Y-%m-%dT%H:%M"))
    issue.refresh_from_db()
    assert issue.state == Issue.State.SCHEDULED
    assert issue.scheduled_at == moment.replace(second=0, microsecond=0)  # Europe/Paris wall-clock
    assert audit("letters.issue.scheduled")[0].actor == people["editor"]
    # A scheduled letter may still change.
    post(client, issue, action="save", subject="Encore modifiable", editorial="")
    issue.refresh_from_db()
    assert issue.subject == "Encore modifiable"
    post(client, issue, action="unschedule")
    issue.refresh_from_db()
    assert (issue.state, issue.scheduled_at) == (Issue.State.DRAFT, None)


def test_an_empty_letter_is_not_scheduled_nor_sent(client, people, issue):
    issue.items.all().delete()
    subscriber("lecteur@example.org")
    client.force_login(people["editor"])
    moment = timezone.localtime() + datetime.timedelta(days=2)
    post(client, issue, action="schedule", scheduled_at=moment.strftime("%Y-%m-%dT%H:%M"))
    client.post(reverse("letters:send", args=[issue.number]), {"confirm": "oui"})
    issue.refresh_from_db()
    assert issue.state == Issue.State.DRAFT and not Delivery.objects.exists()


@pytest.mark.parametrize("state", [Issue.State.SENDING, Issue.State.SENT])
def test_letters_gone_out_are_read_only(client, people, issue, state):
    Issue.objects.filter(pk=issue.pk).update(state=state)
    client.force_login(people["editor"])
    html = client.get(reverse("letters:edit", args=[issue.number])).content.decode()
    assert 'value="up"' not in html and 'name="action" value="save"' not in html
    assert "ne peut plus être modifiée" in html and "letter-progress" in html
    item = issue.items.get(title="Webinaire")
    for data in ({"action": "save", "subject": "Non", "editorial": ""}, {"action": "up", "item": item.pk},
                 {"action": "remove", "item": item.pk}, {"action": "add_link", "title": "L", "url": "/x/"},
                 {"action": "schedule", "scheduled_at": "2099-01-01T08:00"}):
        assert post(client, issue, **data).status_code == 302
    issue.refresh_from_db()
    assert (issue.state, issue.subject) == (state, "La lettre n° 7")
    assert titles(issue) == ["Atelier à Brest", "Jardin à Crozon", "Webinaire"]
    assert all(entry.actor is None for entry in audit("letters.issue.edited"))  # only the fixture's
    response = client.post(reverse("letters:send", args=[issue.number]), {"confirm": "oui"})
    assert response.status_code == 302 and not Delivery.objects.exists()


# Preview ------------------------------------------------------------------------------------------

def preview(client, issue, **params):
    return client.get(reverse("letters:preview", args=[issue.number]), params)


def test_preview_is_the_email_with_its_own_policy(client, people, issue):
    client.force_login(people["editor"])
    response = preview(client, issue)
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    for title in ("Atelier à Brest", "Jardin à Crozon", "Webinaire"):
        assert title in html
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "frame-ancestors 'self'" in policy
    assert "default-src 'none'" in policy and "script" not in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "<script" not in html
    text = preview(client, issue, format="texte")
    assert text["Content-Type"].startswith("text/plain") and "Atelier à Brest" in text.content.decode()
    # The editing page embeds it in a sandboxed frame, and keeps the site's strict policy.
    page = client.get(reverse("letters:edit", args=[issue.number]))
    assert 'sandbox=""' in page.content.decode()
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"


def test_preview_as_a_subscriber_shows_only_their_items(client, people, issue):
    subscriber("brest-numerique@example.org", territories=["brest"], themes=["numerique"])
    subscriber("crozon@example.org", territories=["crozon"])
    client.force_login(people["editor"])
    html = preview(client, issue, email="Brest-Numerique@Example.org ").content.decode()
    assert "Atelier à Brest" in html and "Webinaire" in html and "Jardin à Crozon" not in html
    html = preview(client, issue, email="crozon@example.org").content.decode()
    assert "Jardin à Crozon" in html and "Webinaire" in html and "Atelier à Brest" not in html
    # By territories and themes, without an address: the EPCI holds Brest's items.
    html = preview(client, issue, territoire="brest-metropole", theme="numerique").content.decode()
    assert "Atelier à Brest" in html and "Webinaire" in html and "Jardin à Crozon" not in html
    # The editing page says which items they receive and links the same preview.
    page = client.get(reverse("letters:edit", args=[issue.number]), {"email": "crozon@example.org"})
    items = {item.title: item.chosen for item in page.context["items"]}
    assert items == {"Atelier à Brest": False, "Jardin à Crozon": True, "Webinaire": True}
    assert "email=crozon%40example.org" in page.context["preview_url"]
    assert "Aperçu pour crozon@example.org" in page.content.decode()


def test_preview_fallback_when_nothing_matches(client, people, issue):
    subscriber("quimper@example.org", territories=["quimper"], themes=["patrimoine"])
    client.force_login(people["editor"])
    page = client.get(reverse("letters:edit", args=[issue.number]), {"email": "quimper@example.org"})
    assert page.context["audience"].selection.is_fallback
    assert "Aucun élément ne correspond à ce choix" in page.content.decode()
    html = preview(client, issue, email="quimper@example.org").content.decode()
    # The fallback: the letter's first items, with a notice.
    assert "Atelier à Brest" in html and "Jardin à Crozon" in html


def test_preview_of_an_unknown_address_is_the_whole_letter(client, people, issue):
    client.force_login(people["editor"])
    page = client.get(reverse("letters:edit", args=[issue.number]), {"email": "personne@example.org"})
    assert page.status_code == 200
    assert "Aucune personne abonnée n&#x27;a cette adresse" in page.content.decode()
    assert all(item.chosen for item in page.context["items"])
    assert "Jardin à Crozon" in preview(client, issue, email="personne@example.org").content.decode()
    # Nonsense in the form: no 500.
    assert client.get(reverse("letters:edit", args=[issue.number]), {"territoire": "nulle-part"}).status_code == 200
    assert preview(client, issue, territoire="nulle-part").status_code == 200


# Test, send ----------------------------------------------------------------------------------------

def test_send_a_test_to_oneself(client, people, issue):
    subscriber("lecteur@example.org")
    client.force_login(people["editor"])
    response = client.post(reverse("letters:send_test", args=[issue.number]))
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["redaction@example.org"] and message.subject.startswith("[TEST]")
    assert "Jardin à Crozon" in message.body
    assert audit("letters.issue.test_sent")[0].actor == people["editor"]
    issue.refresh_from_db()
    assert issue.state == Issue.State.DRAFT and not Delivery.objects.exists()
    assert client.get(reverse("letters:send_test", args=[issue.number])).status_code == 405


def test_send_now_after_confirmation(client, people, issue):
    subscriber("brest@example.org", territories=["brest"])
    subscriber("crozon@example.org", territories=["crozon"])
    subscriber("parti@example.org", state=Subscriber.State.UNSUBSCRIBED)
    client.force_login(people["editor"])
    page = client.get(reverse("letters:send", args=[issue.number]))
    assert "2 personnes abonnées vont la recevoir" in page.content.decode()
    assert not Delivery.objects.exists()
    # Without the confirmation field: the confirmation page again, nothing sent.
    assert client.post(reverse("letters:send", args=[issue.number])).status_code == 200
    assert not Delivery.objects.exists()
    response = client.post(reverse("letters:send", args=[issue.number]), {"confirm": "oui"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.state == Issue.State.SENDING
    rows = {d.subscriber.email: d for d in Delivery.objects.select_related("subscriber")}
    assert set(rows) == {"brest@example.org", "crozon@example.org"}
    crozon = issue.items.get(title="Jardin à Crozon").pk
    assert crozon in rows["crozon@example.org"].item_ids and crozon not in rows["brest@example.org"].item_ids
    [entry] = audit("letters.issue.sent")
    assert entry.actor == people["editor"] and entry.data["recipients"] == 2
    # Twice: nothing more.
    client.post(reverse("letters:send", args=[issue.number]), {"confirm": "oui"})
    assert Delivery.objects.count() == 2 and len(audit("letters.issue.sent")) == 1


def test_nothing_to_send_without_subscribers(client, people, issue):
    client.force_login(people["editor"])
    assert "Personne n'est abonné" in client.get(reverse("letters:send", args=[issue.number])).content.decode()
    client.post(reverse("letters:send", args=[issue.number]), {"confirm": "oui"})
    issue.refresh_from_db()
    assert issue.state == Issue.State.DRAFT


# The admin ------------------------------------------------------------------------------------------

def test_the_admin_pages(client, people, issue):
    sub = subscriber("cherchee@example.org")
    subscriber("autre@example.org")
    Delivery.objects.create(issue=issue, subscriber=sub)
    client.force_login(people["admin"])
    found = client.get(reverse("admin:letters_subscriber_changelist"), {"q": "cherchee"})
    assert found.status_code == 200
    assert "cherchee@example.org" in found.content.decode() and "autre@example.org" not in found.content.decode()
    page = client.get(reverse("admin:letters_issue_change", args=[issue.pk]))
    assert page.status_code == 200 and "Jardin à Crozon" in page.content.decode()
    assert client.get(reverse("admin:letters_delivery_changelist")).status_code == 200
    assert client.get(reverse("admin:letters_delivery_add")).status_code == 403
    assert client.get(reverse("admin:letters_subscriber_add")).status_code == 403
    assert client.get(reverse("admin:letters_issue_add")).status_code == 403
