"""The contact relay: writing to a person, an organisation, an ambassador; answering; forgetting.

The recipient reads the sender's name and message, never their address, until they answer on
the site; the answer gives each one the other's address. Only metadata is stored.
"""

import html
import re
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from creative.accounts import personal_data
from creative.antispam.forms import HONEYPOT_FIELD, OPENED_FIELD, REFUSED
from creative.contact import services
from creative.contact.models import ContactMessage
from creative.innovations.models import Innovation
from creative.moderation.models import AccountBlock
from creative.network.models import Membership
from tests.factories import UserFactory
from tests.worker import run_tasks

pytestmark = pytest.mark.django_db

SPAM_2013 = (Path(__file__).resolve().parents[2] / "antispam" / "tests" / "data" / "spam-2013.txt").read_text(
    encoding="utf-8").strip()
VISITOR = {"name": "Loïc Visiteur", "email": "loic.visiteur@exemple-prive.fr"}
TEXT = "Bonjour, nous voudrions lancer un repair café à Plouzané : pourriez-vous nous raconter vos débuts ?"
REPLY_RE = re.compile(r"/contact/reponse/([0-9a-f-]{36})/")


def person_url(profile):
    return reverse("contact:person", args=[profile.slug])


def send(client, url, message=TEXT, **data):
    return client.post(url, {"message": message, HONEYPOT_FIELD: "", OPENED_FIELD: "", **data})


def text_of(response):
    return html.unescape(response.content.decode())


def html_of(mail):
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    return html


def everything_of(mail):
    """Every byte that leaves: headers, text and HTML parts."""
    return mail.message().as_string() + mail.body + html_of(mail)


def reply_path(mail):
    return REPLY_RE.search(mail.body).group(0)


def database_contains(text):
    """Whether any row of any table holds `text` (as stored, or JSON-escaped)."""
    needles = {text, text.encode("unicode_escape").decode("ascii")}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names come from the database itself)
            for row in cursor.fetchall():
                flat = " ".join(str(value) for value in row)
                if any(needle in flat for needle in needles):
                    return True
    return False


# Writing to a person --------------------------------------------------------------------------

def test_the_form_names_the_person_and_never_shows_an_address(client, person):
    response = client.get(person_url(person.profile))
    page = text_of(response)
    assert response.status_code == 200
    assert "Écrire à Gwen Le Goff" in page
    assert 'name="name"' in page and 'name="email"' in page and 'name="message"' in page
    assert "gwen.privee" not in page and "exemple-secret" not in page


def test_a_visitor_writes_the_person_receives_name_and_text_but_not_the_address(client, person, mailoutbox):
    response = send(client, person_url(person.profile), **VISITOR)

    assert response.status_code == 302
    assert response["Location"] == person.profile.get_absolute_url()
    [mail] = mailoutbox
    assert mail.to == [person.email] and not mail.cc and not mail.bcc
    assert mail.reply_to == [] and "Reply-To" not in mail.message()
    assert "Loïc Visiteur" in mail.subject
    for part in (mail.body, html_of(mail)):
        assert "Loïc Visiteur" in part
        assert "pourriez-vous nous raconter vos débuts" in part
        assert "/contact/reponse/" in part
    assert "loic.visiteur" not in everything_of(mail) and "exemple-prive" not in everything_of(mail)
    message = ContactMessage.objects.get()
    assert (message.status, message.sender, message.recipient) == (ContactMessage.Status.SENT, None, person)
    assert (message.sender_name, message.sender_email) == ("Loïc Visiteur", VISITOR["email"])
    assert message.spam_score is not None and message.spam_score < 5
    assert reply_path(mail) == reverse("contact:reply", args=[message.reply_token])
    follow = client.get(response["Location"])
    assert "Votre message est parti" in text_of(follow)


def test_a_member_writes_under_their_public_name_and_account_address(client, person, writer, mailoutbox):
    client.force_login(writer)
    page = text_of(client.get(person_url(person.profile)))
    assert 'name="email"' not in page and 'name="name"' not in page
    assert "Vous écrivez en tant que Erwan Membre" in page

    response = send(client, person_url(person.profile), name="Autre nom", email="autre@exemple-prive.fr")

    assert response.status_code == 302
    [mail] = mailoutbox
    assert "Erwan Membre" in mail.body and "Autre nom" not in mail.body
    assert "erwan.membre" not in everything_of(mail) and "exemple-secret.fr" not in mail.body
    message = ContactMessage.objects.get()
    assert (message.sender, message.sender_name, message.sender_email) == (writer, "Erwan Membre", writer.email)


def test_an_unverified_account_may_write_too(client, person, mailoutbox, territories):
    newcomer = UserFactory(verified=False, profile__display_name="Nouvelle Venue")
    client.force_login(newcomer)
    assert send(client, person_url(person.profile)).status_code == 302
    assert len(mailoutbox) == 1 and "Nouvelle Venue" in mailoutbox[0].body


def test_a_visitor_must_give_a_name_and_a_valid_address(client, person, mailoutbox):
    response = send(client, person_url(person.profile), name="", email="pas-une-adresse")
    assert response.status_code == 400
    assert "pourriez-vous nous raconter" in text_of(response)  # the text is kept
    assert not mailoutbox and not ContactMessage.objects.exists()


def test_a_profile_that_is_not_public_cannot_be_written_to(client, person, mailoutbox):
    person.profile.is_public = False
    person.profile.save()
    assert client.get(person_url(person.profile)).status_code == 404
    assert send(client, person_url(person.profile), **VISITOR).status_code == 404
    assert client.get(reverse("contact:person", args=["personne-inconnue"])).status_code == 404
    assert not mailoutbox


def test_contact_switched_off_is_explained_and_nothing_is_sent(client, person, mailoutbox):
    person.profile.accepts_contact = False
    person.profile.save()
    response = client.get(person_url(person.profile))
    assert response.status_code == 403
    assert "a choisi de ne pas recevoir de messages" in text_of(response)
    assert 'name="message"' not in text_of(response)
    assert send(client, person_url(person.profile), **VISITOR).status_code == 403
    assert not mailoutbox and not ContactMessage.objects.exists()


def test_a_blocked_account_cannot_write(client, person, writer, moderator, mailoutbox):
    AccountBlock.objects.create(user=writer, reason="Spam.", blocked_by=moderator)
    client.force_login(writer)
    response = send(client, person_url(person.profile))
    assert response.status_code == 403
    assert "bloqué par l'équipe de modération" in text_of(response)
    assert client.get(person_url(person.profile)).status_code == 403
    assert not mailoutbox and not ContactMessage.objects.exists()


def test_nobody_writes_to_themselves(client, person, mailoutbox):
    client.force_login(person)
    response = send(client, person_url(person.profile))
    assert response.status_code == 403
    assert "Vous ne pouvez pas vous écrire à vous-même" in text_of(response)
    assert not mailoutbox


# Anti-spam ------------------------------------------------------------------------------------

def test_the_rate_limit_answers_429_after_five_messages(client, person, mailoutbox):
    for n in range(5):
        assert send(client, person_url(person.profile), f"{TEXT} Question numéro {n}.", **VISITOR).status_code == 302
    response = send(client, person_url(person.profile), f"{TEXT} Encore une.", **VISITOR)
    assert response.status_code == 429
    assert "messages de contact" in text_of(response)
    assert response.has_header("Retry-After")
    assert len(mailoutbox) == 5 and ContactMessage.objects.count() == 5


def test_a_spam_paragraph_is_refused_kept_in_the_form_and_recorded_without_address(client, person, mailoutbox):
    response = send(client, person_url(person.profile), SPAM_2013, **VISITOR)

    assert response.status_code == 400
    page = text_of(response)
    assert "ressemble à un message publicitaire" in page
    assert "Coffre-fort et armoire forte" in page  # nothing lost
    assert 'value="Loïc Visiteur"' in page
    assert not mailoutbox
    message = ContactMessage.objects.get()
    assert message.status == ContactMessage.Status.REFUSED
    assert message.spam_score >= 5
    assert message.sender_email == "" and message.recipient == person
    assert not database_contains("armoire forte")


def test_the_honeypot_refuses_robots(client, person, mailoutbox):
    response = send(client, person_url(person.profile), **VISITOR, **{HONEYPOT_FIELD: "http://spam.example"})
    assert response.status_code == 400
    assert str(REFUSED)[:40] in text_of(response)
    assert "pourriez-vous nous raconter" in text_of(response)
    assert not mailoutbox and not ContactMessage.objects.exists()


def test_too_many_links_from_a_visitor_are_refused(client, person, mailoutbox):
    text = "Voyez https://a.example.org, https://b.example.org et https://c.example.org pour nos ateliers de quartier."
    response = send(client, person_url(person.profile), text, **VISITOR)
    assert response.status_code == 400
    assert "ce texte en contient 3" in text_of(response)
    assert not mailoutbox


# Organisations and ambassadors ------------------------------------------------------------------

def test_every_active_manager_of_an_organisation_receives_the_message(client, organisation, mailoutbox):
    url = reverse("contact:organisation", args=[organisation.slug])
    assert "Écrire à Répare Brest" in text_of(client.get(url))

    assert send(client, url, **VISITOR).status_code == 302

    people = organisation.people
    assert sorted(m.to[0] for m in mailoutbox) == sorted([people["manager"].email, people["manager2"].email])
    for mail in mailoutbox:
        assert len(mail.to) == 1 and "Répare Brest" in mail.body and "Loïc Visiteur" in mail.body
        assert "loic.visiteur" not in everything_of(mail)
    message = ContactMessage.objects.get()
    assert (message.organisation, message.recipient) == (organisation, None)


def test_an_organisation_without_contact_or_managers_explains_it(client, organisation, mailoutbox):
    url = reverse("contact:organisation", args=[organisation.slug])
    organisation.accepts_contact = False
    organisation.save()
    response = send(client, url, **VISITOR)
    assert response.status_code == 403 and "ne reçoit pas de messages" in text_of(response)
    organisation.accepts_contact = True
    organisation.save()
    Membership.objects.filter(organisation=organisation, role="manager").update(role="member")
    response = client.get(url)
    assert response.status_code == 403 and "pas de responsable joignable" in text_of(response)
    assert not mailoutbox


def test_a_manager_writing_to_their_organisation_reaches_the_other_managers(client, organisation, mailoutbox):
    client.force_login(organisation.people["manager"])
    assert send(client, reverse("contact:organisation", args=[organisation.slug])).status_code == 302
    assert [m.to for m in mailoutbox] == [[organisation.people["manager2"].email]]


def test_the_ambassador_receives_a_message_about_the_fiche(client, ambassador, fiche, mailoutbox):
    url = reverse("contact:ambassador", args=[ambassador.pk])
    page = text_of(client.get(url))
    assert "Écrire à Maëlle Ambassadrice" in page and "Repair café du Bellevue" in page

    response = send(client, url, **VISITOR)

    assert response.status_code == 302 and response["Location"] == fiche.get_absolute_url()
    [mail] = mailoutbox
    assert mail.to == [ambassador.user.email]
    assert "Repair café du Bellevue" in mail.subject
    assert "Repair café du Bellevue" in mail.body and fiche.get_absolute_url() in mail.body
    message = ContactMessage.objects.get()
    assert (message.ambassador, message.recipient) == (ambassador, ambassador.user)


@pytest.mark.parametrize("change", ["inactive", "unpublished", "private", "off"])
def test_an_ambassador_not_shown_or_closed_cannot_be_written_to(client, ambassador, fiche, change, mailoutbox):
    if change == "inactive":
        ambassador.is_active = False
        ambassador.save()
    elif change == "unpublished":
        Innovation.objects.filter(pk=fiche.pk).update(state=Innovation.State.ARCHIVED)
    elif change == "private":
        ambassador.user.profile.is_public = False
        ambassador.user.profile.save()
    else:
        ambassador.user.profile.accepts_contact = False
        ambassador.user.profile.save()
    response = send(client, reverse("contact:ambassador", args=[ambassador.pk]), **VISITOR)
    assert response.status_code == (403 if change == "off" else 404)
    assert not mailoutbox


# Answering ---------------------------------------------------------------------------------------

def _visitor_writes_to(client, url, mailoutbox, text=TEXT):
    assert send(client, url, text, **VISITOR).status_code == 302
    return reply_path(mailoutbox[-1])


def test_the_recipient_answers_and_each_one_gets_the_others_address(client, ambassador, mailoutbox):
    path = _visitor_writes_to(client, reverse("contact:ambassador", args=[ambassador.pk]), mailoutbox)
    mailoutbox.clear()
    client.force_login(ambassador.user)
    page = client.get(path)
    assert page.status_code == 200
    assert "Répondre à Loïc Visiteur" in text_of(page)
    assert "loic.visiteur" not in text_of(page)

    response = send(client, path, "Avec plaisir ! Appelez-moi samedi matin, je vous raconte tout.")

    assert response.status_code == 302
    answer, copy = mailoutbox
    assert answer.to == [VISITOR["email"]]
    assert answer.reply_to == ["Maëlle Ambassadrice <maelle.ambassadrice@exemple-secret.fr>"]
    assert "Appelez-moi samedi matin" in answer.body and "Appelez-moi samedi matin" in html_of(answer)
    assert "Maëlle Ambassadrice" in answer.subject and "Repair café du Bellevue" in answer.subject
    assert copy.to == [ambassador.user.email]
    assert copy.reply_to == [f"Loïc Visiteur <{VISITOR['email']}>"]
    assert VISITOR["email"] in copy.body and VISITOR["email"] in html_of(copy)
    message = ContactMessage.objects.get()
    assert message.status == ContactMessage.Status.REPLIED
    assert message.replied_by == ambassador.user and message.replied_at is not None
    assert message.sender_email == ""

    again = client.get(path)
    assert again.status_code == 410 and "Vous avez déjà répondu" in text_of(again)
    assert send(client, path, "Une deuxième réponse").status_code == 410
    assert len(mailoutbox) == 2


def test_the_reply_page_is_only_for_the_recipient(client, person, writer, moderator, mailoutbox, territories):
    path = _visitor_writes_to(client, person_url(person.profile), mailoutbox)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    administrator = UserFactory(roles=["administrator"])
    for other in (writer, moderator, administrator):
        client.force_login(other)
        assert client.get(path).status_code == 403
        assert send(client, path, "Je réponds à sa place").status_code == 403
    assert len(mailoutbox) == 1
    client.force_login(person)
    assert client.get(reverse("contact:reply", args=[uuid.uuid4()])).status_code == 404


def test_any_manager_answers_for_the_organisation_but_not_a_plain_member(client, organisation, mailoutbox):
    path = _visitor_writes_to(client, reverse("contact:organisation", args=[organisation.slug]), mailoutbox)
    client.force_login(organisation.people["member"])
    assert client.get(path).status_code == 403
    client.force_login(organisation.people["manager2"])
    assert send(client, path, "Bonjour, passez nous voir jeudi.").status_code == 302
    answer = mailoutbox[-2]
    assert answer.to == [VISITOR["email"]]
    assert answer.reply_to == ["Yann Responsable <yann.responsable@exemple-secret.fr>"]
    assert "Répare Brest" in answer.body
    assert ContactMessage.objects.get().replied_by == organisation.people["manager2"]


def test_an_expired_reply_link_says_so_with_410(client, person, mailoutbox, settings):
    path = _visitor_writes_to(client, person_url(person.profile), mailoutbox)
    ContactMessage.objects.update(sent_at=timezone.now() - timedelta(days=31))
    client.force_login(person)
    response = client.get(path)
    assert response.status_code == 410
    assert "expiré" in text_of(response)
    assert send(client, path, "Trop tard ?").status_code == 410
    settings.CONTACT_REPLY_DAYS = 40
    assert client.get(path).status_code == 200


def test_refused_messages_have_no_reply_page(client, person, mailoutbox):
    send(client, person_url(person.profile), SPAM_2013, **VISITOR)
    message = ContactMessage.objects.get()
    client.force_login(person)
    assert client.get(reverse("contact:reply", args=[message.reply_token])).status_code == 404


# What is kept -----------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_texts_are_never_stored_only_mailed(client, ambassador, mailoutbox):
    marker = "Zorglub-7731 pommes de Plougastel"
    path = _visitor_writes_to(client, reverse("contact:ambassador", args=[ambassador.pk]), mailoutbox,
                              text=f"Bonjour, une question sur les {marker} et votre atelier.")
    client.force_login(ambassador.user)
    send(client, path, "Réponse Kwarkus-4410 : venez le samedi.")
    run_tasks()  # whatever the worker has to do, it does now

    assert marker in mailoutbox[0].body and "Kwarkus-4410" in mailoutbox[1].body
    assert not database_contains(marker)
    assert not database_contains("Kwarkus-4410")
    assert ContactMessage.objects.get().status == ContactMessage.Status.REPLIED


def test_purge_erases_the_addresses_past_the_reply_window(person, territories):
    old = ContactMessage.objects.create(sender_name="Ancien", sender_email="ancien@exemple-prive.fr", recipient=person,
                                        sent_at=timezone.now() - timedelta(days=31))
    recent = ContactMessage.objects.create(sender_name="Récent", sender_email="recent@exemple-prive.fr",
                                           recipient=person, sent_at=timezone.now() - timedelta(days=29))
    out = StringIO()
    call_command("purge_contact_messages", "--dry-run", stdout=out)
    assert "1 sender address(es)" in out.getvalue()
    old.refresh_from_db()
    assert old.sender_email

    call_command("purge_contact_messages", stdout=out)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.sender_email == "" and old.sender_name == "Ancien"
    assert recent.sender_email == "recent@exemple-prive.fr"


def test_personal_data_lists_the_messages_and_erasure_forgets_the_sender(client, person, writer, mailoutbox):
    client.force_login(writer)
    send(client, person_url(person.profile))
    client.logout()
    send(client, person_url(person.profile), "Encore moi, en visiteur, avec la même adresse.",
         name="Erwan", email=writer.email.upper())

    data = personal_data.export_personal_data(writer)["contact_messages"]
    assert [row["to"] for row in data["sent"]] == ["Gwen Le Goff", "Gwen Le Goff"]
    assert all("text" not in row for row in data["sent"])
    received = personal_data.export_personal_data(person)["contact_messages"]["received"]
    assert [row["from"] for row in received] == ["Erwan Membre", "Erwan"]

    personal_data.erase_account(writer, anonymous=True)

    rows = list(ContactMessage.objects.order_by("pk").values_list("sender_email", "sender_name"))
    assert rows == [("", "Contributeur anonyme"), ("", "Contributeur anonyme")]


# The link -----------------------------------------------------------------------------------------

def _link(kind, target, user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return render_to_string("contact/_contact_link.html", {"kind": kind, "target": target, "user": request.user},
                            request=request)


def test_the_contact_link_goes_to_the_right_form_or_is_absent(person, organisation, ambassador):
    assert reverse("contact:person", args=[person.profile.slug]) in _link("person", person.profile)
    assert "Contacter" in _link("person", person.profile)
    assert reverse("contact:organisation", args=[organisation.slug]) in _link("organisation", organisation)
    assert reverse("contact:ambassador", args=[ambassador.pk]) in _link("ambassador", ambassador)
    assert _link("person", person.profile, user=person).strip() == ""  # one's own profile

    person.profile.accepts_contact = False
    organisation.accepts_contact = False
    ambassador.user.profile.accepts_contact = False
    assert _link("person", person.profile).strip() == ""
    assert _link("organisation", organisation).strip() == ""
    assert _link("ambassador", ambassador).strip() == ""


def test_a_mail_server_failure_keeps_the_text_and_stores_nothing(client, person, settings, mailoutbox):
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # discard port: nothing listens
    }}
    response = send(client, person_url(person.profile), **VISITOR)
    assert response.status_code == 503
    assert "n'a pas pu partir" in text_of(response)
    assert "pourriez-vous nous raconter" in text_of(response)
    assert not ContactMessage.objects.exists()


def test_services_refuse_a_blocked_sender_too(person, writer, moderator):
    AccountBlock.objects.create(user=writer, reason="Spam.", blocked_by=moderator)
    with pytest.raises(services.ContactError):
        services.send_message(services.person_target(person.profile.slug), TEXT, sender=writer)
    assert not ContactMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_purge_task_runs_in_the_worker(person):
    from creative.contact.tasks import purge_contact_messages_task

    old = ContactMessage.objects.create(sender_name="Ancien", sender_email="ancien@exemple-prive.fr", recipient=person,
                                        sent_at=timezone.now() - timedelta(days=31))
    purge_contact_messages_task.enqueue()
    run_tasks()
    old.refresh_from_db()
    assert old.sender_email == ""
