"""A person's data: the JSON download, and the erasure of the account (anonymised, never a deleted row)."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from creative.accounts import personal_data
from creative.accounts.models import EditorScope, Profile, User
from creative.accounts.personal_data import erase_account
from creative.accounts.roles import Role, roles_of
from creative.audit.models import AuditEntry
from creative.core.tasks import send_templated_mail_task
from creative.editorial import revisions
from creative.editorial.models import CoauthorInvitation, ReviewMessage, Revision, Suggestion
from creative.editorial.views.editor import invite_coauthor
from creative.innovations.models import Authorship, Innovation
from tests.factories import UserFactory, commune
from tests.worker import run_tasks

pytestmark = pytest.mark.django_db

EMAIL = "camille.secret@example.org"
NEW_EMAIL = "camille.nouvelle@example.org"  # an address change waiting for confirmation
PASSWORD = "une phrase de passe solide"
OTHER_EMAILS = ("bruno.coauteur@example.org", "edith.editrice@example.org", "ines.invitee@example.org")
DATA_URL = reverse("accounts:personal_data")
DELETE_URL = reverse("accounts:delete_account")


def new_fiche(user, title, state=Innovation.State.DRAFT):
    fiche = revisions.create_innovation(user, {
        "title": title,
        "pitch": "Une initiative du quartier.",
        "places": [{"commune": commune("Brest").code, "address": "", "latitude": None, "longitude": None}],
    })
    published_at = timezone.now() if state in (Innovation.State.PUBLISHED, Innovation.State.ARCHIVED) else None
    Innovation.objects.filter(pk=fiche.pk).update(state=state, published_at=published_at)
    fiche.refresh_from_db()
    return fiche


@pytest.fixture
def people(territories, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    camille = UserFactory(email=EMAIL, password=PASSWORD, profile__display_name="Camille Le Gall",
                          profile__bio="J'anime des **ateliers** de cartographie.",
                          profile__commune=territories["plougastel-daoulas"])
    camille.first_name, camille.last_name = "Camille", "Le Gall"
    camille.save()
    camille.profile.photo.save("camille.jpg", ContentFile(b"not really a jpeg"), save=True)
    EmailAddress.objects.create(user=camille, email=NEW_EMAIL, verified=False, primary=False)
    return {
        "camille": camille,
        "bruno": UserFactory(email=OTHER_EMAILS[0], profile__display_name="Bruno Coauteur"),
        "editor": UserFactory(email=OTHER_EMAILS[1], roles=[Role.EDITOR], scopes=["pays-de-brest"],
                              profile__display_name="Edith Éditrice"),
    }


@pytest.fixture
def story(people):
    """Camille's life on the platform: fiches in every state, messages, invitations, a proposal, mail."""
    camille, bruno, editor = people["camille"], people["bruno"], people["editor"]
    published = new_fiche(camille, "Cartes participatives", Innovation.State.PUBLISHED)
    Innovation.objects.filter(pk=published.pk).update(contact_email=EMAIL.upper())
    draft = new_fiche(camille, "Brouillon secret")
    submitted = new_fiche(camille, "Soumise jamais publiée", Innovation.State.SUBMITTED)
    shared = new_fiche(bruno, "Écrite à deux")
    Authorship.objects.create(innovation=shared, user=camille)
    bruno_published = new_fiche(bruno, "Jardin partagé", Innovation.State.PUBLISHED)
    data = {**revisions.snapshot(bruno_published), "pitch": "Un jardin ouvert à tout le quartier."}
    proposal = revisions.save_edit(bruno_published, camille, data, base_number=bruno_published.revision_number,
                                   summary="Plus précis").revision
    assert proposal.state == Revision.State.PENDING
    mine = ReviewMessage.objects.create(innovation=shared, author=camille, body="Mon numéro : 06 12 34 56 78.")
    submission = ReviewMessage.objects.create(innovation=published, author=camille,
                                              kind=ReviewMessage.Kind.SUBMITTED, body="Relisez-moi !")
    event = ReviewMessage.objects.create(innovation=shared, author=camille, kind=ReviewMessage.Kind.EVENT,
                                         body="Soumission retirée pour continuer l'écriture.")
    theirs = ReviewMessage.objects.create(innovation=shared, author=editor, body="Bien reçu.")
    suggestion = Suggestion.objects.create(innovation=shared, author=camille, target="pitch",
                                           proposed="Deux voix, une fiche.", note="Note privée de Camille.")
    sent = CoauthorInvitation.objects.create(innovation=published, email=OTHER_EMAILS[2], invited_by=camille)
    received = CoauthorInvitation.objects.create(innovation=bruno_published, email=EMAIL, invited_by=bruno)
    other_invitation = CoauthorInvitation.objects.create(innovation=shared, email="quelquun@example.org",
                                                         invited_by=bruno)
    # A mail to her waiting in the queue, and one already sent.
    send_templated_mail_task.enqueue("test_message", {}, [EMAIL])
    send_templated_mail_task.enqueue("test_message", {}, [NEW_EMAIL.upper()])
    return {
        "published": published, "draft": draft, "submitted": submitted, "shared": shared,
        "bruno_published": bruno_published, "proposal": proposal, "mine": mine, "submission": submission,
        "event": event, "theirs": theirs, "suggestion": suggestion, "sent": sent, "received": received,
        "other_invitation": other_invitation,
    }


def columns_mentioning(text):
    """Every column of every model holding `text` somewhere: a raw scan of text, char, file and JSON columns."""
    found = []
    for model in apps.get_models():
        rows = model._base_manager.all()
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.FileField):
                hits = rows.filter(**{f"{field.attname}__icontains": text})
            elif isinstance(field, models.JSONField):
                hits = rows.annotate(as_text=Cast(field.attname, models.TextField())).filter(as_text__icontains=text)
            else:
                continue
            if hits.exists():
                found.append(f"{model._meta.label}.{field.name}")
    return sorted(found)


def sign_in(client, email=EMAIL, password=PASSWORD):
    """Through allauth's real form, as a person would (and the session is stored in the database)."""
    client.post(reverse("account_login"), {"login": email, "password": password})
    return client.session.get("_auth_user_id")


def delete(client, **changes):
    data = {"signature": "name", "confirmation": "SUPPRIMER", "password": PASSWORD, **changes}
    return client.post(DELETE_URL, {k: v for k, v in data.items() if v is not None})


# --- Download ----------------------------------------------------------------------------------------------


def test_visitors_are_sent_to_sign_in(client):
    for response in (client.get(DATA_URL), client.post(DATA_URL), client.get(DELETE_URL), client.post(DELETE_URL)):
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("roles", [[], [Role.TRUSTED], [Role.EDITOR], [Role.MODERATOR]])
@pytest.mark.parametrize("verified", [True, False])
def test_every_signed_in_account_reaches_both_pages(client, db, roles, verified):
    client.force_login(UserFactory(roles=roles, verified=verified))
    assert client.get(DATA_URL).status_code == 200
    assert client.get(DELETE_URL).status_code == 200


def test_the_page_explains_what_is_kept_and_offers_the_download(client, people):
    client.force_login(people["camille"])
    content = client.get(DATA_URL).content.decode()
    assert "Ce que contient le fichier" in content and EMAIL in content  # her own address, to her only
    assert f'<form method="post" action="{DATA_URL}">' in content
    assert f'href="{DELETE_URL}"' in content


def test_the_download_holds_everything_about_the_person_and_nobody_elses_address(client, people, story):
    client.force_login(people["camille"])
    response = client.post(DATA_URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="brest-creative-donnees-{timezone.localdate().isoformat()}.json"')
    assert response["Cache-Control"] == "no-store"
    raw = response.content.decode()
    for other in (*OTHER_EMAILS, "quelquun@example.org"):
        assert other not in raw, other
    data = json.loads(raw)

    account = data["account"]
    assert account["email"] == EMAIL and account["has_password"] and account["is_active"]
    assert account["last_name"] == "Le Gall" and account["date_joined"]
    assert {(a["email"], a["verified"]) for a in account["email_addresses"]} == {(EMAIL, True), (NEW_EMAIL, False)}
    assert [r["role"] for r in account["roles"]] == ["contributor"]

    profile = data["profile"]
    assert profile["display_name"] == "Camille Le Gall" and profile["commune"] == "Plougastel-Daoulas"
    assert profile["bio"] == "J'anime des **ateliers** de cartographie."
    assert profile["photo_url"].startswith("http") and "/media/profiles/" in profile["photo_url"]

    fiches = {f["title"]: f for f in data["fiches"]}
    assert set(fiches) == {"Cartes participatives", "Brouillon secret", "Soumise jamais publiée", "Écrite à deux"}
    assert fiches["Cartes participatives"]["role"] == "creator" and fiches["Écrite à deux"]["role"] == "coauthor"
    assert fiches["Cartes participatives"]["state"] == "published"
    assert fiches["Cartes participatives"]["url"].endswith(story["published"].get_absolute_url())

    by_fiche = {(r["fiche"]["title"], r["number"]): r for r in data["revisions"]}
    creation = by_fiche[("Cartes participatives", 1)]
    assert creation["summary"] == "Création de la fiche" and "proposal" not in creation  # no whole snapshots
    proposal = by_fiche[("Jardin partagé", story["proposal"].number)]
    assert proposal["state"] == "pending" and proposal["proposal"]["pitch"] == "Un jardin ouvert à tout le quartier."

    bodies = [m["body"] for m in data["review_messages"]]
    assert "Mon numéro : 06 12 34 56 78." in bodies and "Bien reçu." not in bodies  # hers only
    assert data["suggestions"][0]["proposed"] == "Deux voix, une fiche."
    assert data["suggestions"][0]["note"] == "Note privée de Camille."
    invitations = data["coauthor_invitations"]
    assert invitations["sent"] == [{"fiche": {"title": "Cartes participatives", "url": fiches[
        "Cartes participatives"]["url"]}, "date": invitations["sent"][0]["date"], "accepted": False}]
    assert [(i["fiche"]["title"], i["email"], i["invited_by"]) for i in invitations["received"]] == [
        ("Jardin partagé", EMAIL, "Bruno Coauteur")]
    actions = {(e["action"], e["object"]) for e in data["audit_log"]}
    assert ("innovation.created", "Cartes participatives") in actions
    assert ("revision.proposed", "Jardin partagé") in actions
    assert all(e["label"] for e in data["audit_log"])
    assert data["editor_scopes"] == []


def test_an_editors_download_lists_their_territories_and_roles(client, people):
    client.force_login(people["editor"])
    data = json.loads(client.post(DATA_URL).content)
    assert data["editor_scopes"] == [{"territory": "Pays de Brest", "slug": "pays-de-brest", "level": "pays"}]
    assert {r["role"] for r in data["account"]["roles"]} == {"contributor", "editor"}


def test_an_unverified_account_downloads_its_data_too(client, db):
    newcomer = UserFactory(email="nouvelle@example.org", verified=False)
    client.force_login(newcomer)
    assert client.get(DATA_URL).status_code == 200
    data = json.loads(client.post(DATA_URL).content)
    assert data["account"]["email"] == "nouvelle@example.org" and data["account"]["roles"] == []
    assert data["fiches"] == [] and data["profile"]["display_name"]


# --- Erasure: what goes, what stays ------------------------------------------------------------------------


def test_after_erasure_the_address_is_nowhere_in_the_database(
    client, people, story, django_capture_on_commit_callbacks
):
    camille = people["camille"]
    assert sign_in(client) == str(camille.pk)
    # The scan sees the address where it was stored (so finding nothing later means something).
    before = columns_mentioning(EMAIL)
    for column in ("accounts.User.email", "account.EmailAddress.email", "editorial.CoauthorInvitation.email",
                   "innovations.Innovation.contact_email", "django_tasks_database.DBTaskResult.args_kwargs"):
        assert column in before, column
    with django_capture_on_commit_callbacks(execute=True):
        erase_account(camille, anonymous=False)
    assert columns_mentioning(EMAIL) == []
    assert columns_mentioning(NEW_EMAIL) == []
    assert columns_mentioning("camille.secret") == []
    assert columns_mentioning("Le Gall") == ["accounts.Profile.display_name", "audit.AuditEntry.actor_name",
                                             "audit.AuditEntry.target_repr"]  # the name she chose to keep
    # Other people's data is untouched.
    assert User.objects.filter(email=OTHER_EMAILS[0]).exists()
    assert CoauthorInvitation.objects.filter(pk=story["other_invitation"].pk).exists()


def test_the_account_row_stays_anonymised_and_can_no_longer_sign_in(client, people, story):
    camille = people["camille"]
    erase_account(camille, anonymous=False)
    stored = User.objects.get(pk=camille.pk)
    assert stored.email.startswith("supprime-") and stored.email.endswith("@invalid")
    assert not stored.has_usable_password() and not stored.is_active
    assert stored.first_name == stored.last_name == "" and stored.last_login is None
    assert not EmailAddress.objects.filter(user=stored).exists()
    assert roles_of(stored) == {Role.VISITOR}
    assert sign_in(Client()) is None
    assert sign_in(Client(), email=stored.email) is None
    assert not Client().login(email=EMAIL, password=PASSWORD)
    # Two erased accounts never collide on the unique address.
    erase_account(people["bruno"], anonymous=True)
    assert User.objects.get(pk=people["bruno"].pk).email != stored.email


def test_her_sessions_are_deleted(people):
    camille = people["camille"]
    browsers = [Client(), Client()]
    for browser in browsers:
        assert sign_in(browser) == str(camille.pk)
    bruno = Client()
    bruno.force_login(people["bruno"])
    assert Session.objects.count() == 3
    erase_account(camille, anonymous=False)
    assert Session.objects.count() == 1
    for browser in browsers:
        assert browser.get(DATA_URL).status_code == 302
    assert bruno.get(DATA_URL).status_code == 200


def test_the_profile_is_emptied_and_the_photo_file_deleted(people, django_capture_on_commit_callbacks, tmp_path):
    camille = people["camille"]
    photo = tmp_path / camille.profile.photo.name
    assert photo.exists()
    with django_capture_on_commit_callbacks(execute=True):
        erase_account(camille, anonymous=False)
    profile = Profile.objects.get(user=camille)
    assert profile.display_name == "Camille Le Gall"
    assert profile.bio == "" and profile.commune is None and not profile.photo
    assert not photo.exists()


@pytest.mark.parametrize(("anonymous", "name"), [(False, "Camille Le Gall"), (True, "Contributeur anonyme")])
def test_published_fiches_stay_signed_as_chosen(client, people, story, anonymous, name):
    erase_account(people["camille"], anonymous=anonymous)
    published = story["published"]
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<dd class="people">{name}</dd>' in content
    assert f"« Cartes participatives », par {name}, sur" in response.context["attribution"]
    assert f"par {name}, sur" in content  # the text to copy, in the page
    assert EMAIL not in content
    if anonymous:
        assert "Camille Le Gall" not in content
        assert Profile.objects.get(user=people["camille"]).display_name == "Contributeur anonyme"
    # Her authorship and her revisions keep pointing at the (anonymised) account.
    assert Authorship.objects.filter(innovation=published, user=people["camille"], is_creator=True).exists()
    assert published.revisions.get(number=1).author_id == people["camille"].pk
    history = client.get(reverse("editorial:history", args=[published.slug])).content.decode()
    assert name in history


def test_never_published_drafts_only_she_signs_are_deleted_the_others_kept(people, story):
    result = erase_account(people["camille"], anonymous=True)
    assert sorted(result.deleted_drafts) == ["Brouillon secret", "Soumise jamais publiée"]
    remaining = set(Innovation.objects.values_list("title", flat=True))
    assert remaining == {"Cartes participatives", "Écrite à deux", "Jardin partagé"}
    deleted = AuditEntry.objects.filter(action="innovation.deleted").order_by("pk")
    assert [(e.target_repr, e.data["reason"]) for e in deleted] == [
        ("Brouillon secret", "account.deleted"), ("Soumise jamais publiée", "account.deleted")]


def test_archived_fiches_she_alone_signs_were_published_and_stay(people):
    archived = new_fiche(people["camille"], "Archivée", Innovation.State.ARCHIVED)
    erase_account(people["camille"], anonymous=False)
    assert Innovation.objects.filter(pk=archived.pk).exists()


def test_private_texts_are_erased_and_invitations_deleted(people, story):
    erase_account(people["camille"], anonymous=False)
    erased = "Message supprimé à la demande de son auteur."
    for key in ("mine", "submission"):
        story[key].refresh_from_db()
        assert story[key].body == erased, key
    story["event"].refresh_from_db()
    story["theirs"].refresh_from_db()
    assert story["event"].body == "Soumission retirée pour continuer l'écriture."  # the platform's words
    assert story["theirs"].body == "Bien reçu."
    story["suggestion"].refresh_from_db()
    assert story["suggestion"].note == erased and story["suggestion"].proposed == "Deux voix, une fiche."
    assert not CoauthorInvitation.objects.filter(pk__in=[story["sent"].pk, story["received"].pk]).exists()
    story["proposal"].refresh_from_db()
    assert story["proposal"].state == Revision.State.SUPERSEDED  # never goes online after she left
    story["published"].refresh_from_db()
    assert story["published"].contact_email == ""


def test_roles_and_territories_are_removed_and_the_erasure_is_audited(people):
    editor = people["editor"]
    name = editor.display_name
    erase_account(editor, anonymous=True)
    assert not EditorScope.objects.filter(user=editor).exists() and not editor.groups.exists()
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.actor_id == editor.pk and entry.actor_name == name  # the name at the time (append-only)
    assert entry.data == {"anonymous": True, "by_self": True, "deleted_drafts": 0, "roles": ["editor"],
                          "territories": ["pays-de-brest"]}
    assert OTHER_EMAILS[1] not in json.dumps(entry.data) + entry.target_repr + entry.actor_name


def test_the_last_administrator_cannot_erase_their_account(client, db):
    admin = UserFactory(roles=[Role.ADMINISTRATOR], password=PASSWORD)
    with pytest.raises(personal_data.ErasureRefused):
        erase_account(admin, anonymous=False)
    client.force_login(admin)
    page = client.get(DELETE_URL).content.decode()
    assert "seul compte d&#x27;administration" in page and "Supprimer définitivement" not in page
    delete(client)
    assert User.objects.get(pk=admin.pk).is_active
    UserFactory(roles=[Role.ADMINISTRATOR])
    erase_account(admin, anonymous=False)
    assert not User.objects.get(pk=admin.pk).is_active


# --- Erasure: the page -------------------------------------------------------------------------------------


def test_the_confirmation_page_names_the_drafts_that_will_be_deleted(client, people, story):
    client.force_login(people["camille"])
    content = client.get(DELETE_URL).content.decode()
    for title in ("Brouillon secret", "Soumise jamais publiée"):
        assert title in content.split("Ce qui reste")[0]
    for title in ("Cartes participatives", "Écrite à deux"):
        assert title in content.split("Ce qui reste")[1]
    assert "Contributeur anonyme" in content and "Camille Le Gall" in content
    assert 'name="password"' in content


def test_no_password_is_asked_of_an_account_without_one(client, people):
    bruno = people["bruno"]  # made without a password (invitation, admin)
    client.force_login(bruno)
    assert 'name="password"' not in client.get(DELETE_URL).content.decode()
    response = client.post(DELETE_URL, {"signature": "anonymous", "confirmation": OTHER_EMAILS[0].upper()})
    assert response.status_code == 302
    assert not User.objects.get(pk=bruno.pk).is_active


def test_deleting_from_the_page_logs_out_and_says_goodbye(client, people, story, django_capture_on_commit_callbacks):
    camille = people["camille"]
    sign_in(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = delete(client, signature="anonymous", confirmation=f"  {EMAIL.upper()} ")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account_deleted")
    assert "_auth_user_id" not in client.session
    goodbye = client.get(response["Location"])
    assert goodbye.status_code == 200 and "Votre compte est supprimé" in goodbye.content.decode()
    assert Profile.objects.get(user=camille).display_name == "Contributeur anonyme"
    assert AuditEntry.objects.get(action="account.deleted").data["anonymous"] is True
    assert columns_mentioning(EMAIL) == []


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"confirmation": "supprimer mon compte"}, "Ce n&#x27;est ni votre adresse électronique ni le mot SUPPRIMER"),
        ({"confirmation": OTHER_EMAILS[0]}, "Ce n&#x27;est ni votre adresse électronique ni le mot SUPPRIMER"),
        ({"password": "pas le bon mot de passe"}, "Ce mot de passe n&#x27;est pas le bon"),
        ({"password": None}, "Tapez votre mot de passe."),
        ({"signature": None}, "Choisissez comment signer vos contributions publiées."),
    ],
)
def test_a_wrong_confirmation_erases_nothing(client, people, story, changes, error):
    camille = people["camille"]
    client.force_login(camille)
    response = delete(client, **changes)
    assert response.status_code == 200
    content = response.content.decode()
    assert error in content and "Votre compte n&#x27;a pas été supprimé" in content
    stored = User.objects.get(pk=camille.pk)
    assert stored.email == EMAIL and stored.is_active and stored.check_password(PASSWORD)
    assert Profile.objects.get(user=camille).bio and Innovation.objects.filter(title="Brouillon secret").exists()
    assert not AuditEntry.objects.filter(action="account.deleted").exists()
    assert client.get(DATA_URL).status_code == 200  # still signed in


def test_guessing_the_password_is_rate_limited(client, people):
    client.force_login(people["camille"])
    for _attempt in range(10):
        delete(client, password="mauvais")
    response = delete(client)  # the right password, too late
    assert "Trop d&#x27;essais" in response.content.decode()
    assert User.objects.get(pk=people["camille"].pk).is_active


def test_the_profile_page_links_to_download_and_delete(client, people):
    client.force_login(people["camille"])
    content = client.get(reverse("accounts:profile_edit")).content.decode()
    assert f'href="{DATA_URL}"' in content and f'href="{DELETE_URL}"' in content


# --- Erasure: the mail queue -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_mail_waiting_for_her_is_never_sent_other_mail_is(db, mailoutbox, territories):
    camille = UserFactory(email=EMAIL)
    bruno = UserFactory(email=OTHER_EMAILS[0], profile__display_name="Bruno Coauteur")
    fiche = new_fiche(bruno, "Jardin partagé")
    invite_coauthor(fiche, bruno, EMAIL)  # committed: queued for the worker
    invite_coauthor(fiche, bruno, OTHER_EMAILS[2])
    erase_account(camille, anonymous=False)
    run_tasks()
    assert [message.to for message in mailoutbox] == [[OTHER_EMAILS[2]]]
    assert columns_mentioning(EMAIL) == []


def test_other_apps_add_their_part_to_the_download_and_the_erasure(client, people, monkeypatch):
    seen = []

    def erase(user, *, anonymous, addresses):
        seen.append((user.email, anonymous, addresses, Profile.objects.get(user=user).bio != ""))

    monkeypatch.setitem(personal_data._PARTS, "comments", None)
    personal_data.register("comments", export=lambda user: [{"body": f"Commentaire de {user.display_name}"}],
                           erase=erase)
    client.force_login(people["camille"])
    assert json.loads(client.post(DATA_URL).content)["comments"] == [{"body": "Commentaire de Camille Le Gall"}]
    erase_account(people["camille"], anonymous=True)
    # Called once, inside the erasure, while the address and the profile are still there.
    assert seen == [(EMAIL, True, sorted([EMAIL, NEW_EMAIL]), True)]
