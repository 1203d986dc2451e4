"""The admin keeps the history and the log: read-only log and editorial rows, fiche edits as
revisions, state changes through the workflow, authors and images recorded."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage

from creative.accounts.roles import Role
from creative.audit import record
from creative.audit.models import AuditEntry
from creative.editorial import revisions
from creative.editorial.models import CoauthorInvitation, ReviewMessage, Revision, Suggestion
from creative.editorial.revisions import record_admin_revision
from creative.innovations.models import Authorship, Image, Innovation
from tests.factories import InnovationFactory, UserFactory

from .admin_forms import change_form_data

pytestmark = pytest.mark.django_db
State = Innovation.State


@pytest.fixture
def people(territories):
    return {
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR], profile__display_name="Alice Admin"),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], profile__display_name="Anne Acc"),
        "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "trusted": UserFactory(roles=[Role.TRUSTED]),
    }


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The log in the admin ----------------------------------------------------------------------


def test_nobody_adds_changes_or_deletes_an_entry_in_the_admin_not_even_administrators(client, people):
    entry = record(people["editor"], "innovation.published", InnovationFactory())
    login(client, people["administrator"])
    changelist = client.get(reverse("admin:audit_auditentry_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"action": "innovation.deleted"}).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "innovation.published"


@pytest.mark.parametrize(("persona", "expected"), [
    ("editor", 200), ("moderator", 200), ("administrator", 200), ("trusted", 302),
])
def test_the_log_in_the_admin_is_for_those_who_read_the_log(client, people, persona, expected):
    record(people["editor"], "innovation.published", InnovationFactory())
    response = login(client, people[persona]).get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == expected


def test_the_admin_log_filters_by_action_and_searches(client, people):
    fiche = InnovationFactory(title="Recyclerie de Brest")
    record(people["editor"], "innovation.published", fiche)
    record(people["editor"], "innovation.archived", fiche)
    login(client, people["administrator"])
    url = reverse("admin:audit_auditentry_changelist")
    assert client.get(url, {"action": "innovation.archived"}).context["cl"].result_count == 1
    assert client.get(url, {"q": "recyclerie"}).context["cl"].result_count == 2


# --- Editorial rows in the admin ---------------------------------------------------------------


@pytest.fixture
def editorial_rows(people):
    """A revision, a review message, a suggestion and an invitation on a fiche in Brest and one in Quimper."""
    rows = {}
    for place in ("Brest", "Quimper"):
        fiche = InnovationFactory(title=f"Fiche de {place}", communes=[place], themes=["numerique"])
        revisions.ensure_baseline(fiche)
        ReviewMessage.objects.create(innovation=fiche, author=people["editor"], body="Bonjour")
        Suggestion.objects.create(innovation=fiche, author=people["editor"], target="pitch", proposed="Mieux")
        CoauthorInvitation.objects.create(innovation=fiche, email="invite@example.org",
                                          invited_by=people["administrator"])
        rows[place] = fiche
    return rows


EDITORIAL_MODELS = ("revision", "reviewmessage", "suggestion", "coauthorinvitation")


@pytest.mark.parametrize("model", EDITORIAL_MODELS)
def test_editorial_rows_are_read_only_for_everyone(client, people, editorial_rows, model):
    login(client, people["administrator"])
    changelist = client.get(reverse(f"admin:editorial_{model}_changelist"))
    assert changelist.status_code == 200 and changelist.context["cl"].result_count == 2
    assert "delete_selected" not in changelist.content.decode()
    assert client.get(reverse(f"admin:editorial_{model}_add")).status_code == 403
    pk = changelist.context["cl"].result_list[0].pk
    page = client.get(reverse(f"admin:editorial_{model}_change", args=[pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(reverse(f"admin:editorial_{model}_delete", args=[pk]), {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("model", EDITORIAL_MODELS)
def test_editors_see_the_editorial_rows_of_their_territories_only(client, people, editorial_rows, model):
    login(client, people["editor"])
    changelist = client.get(reverse(f"admin:editorial_{model}_changelist"))
    assert changelist.status_code == 200
    assert [row.innovation for row in changelist.context["cl"].result_list] == [editorial_rows["Brest"]]
    other = type(changelist.context["cl"].result_list[0]).objects.get(innovation=editorial_rows["Quimper"])
    response = client.get(reverse(f"admin:editorial_{model}_change", args=[other.pk]))
    assert response.status_code == 302  # "does not exist" for them: back to the admin index


@pytest.mark.parametrize(("model", "expected"), [
    ("revision", 200), ("reviewmessage", 403), ("suggestion", 403), ("coauthorinvitation", 403),
])
def test_moderators_read_the_history_not_the_review(client, people, editorial_rows, model, expected):
    response = login(client, people["moderator"]).get(reverse(f"admin:editorial_{model}_changelist"))
    assert response.status_code == expected


def test_a_revision_links_to_its_page_on_the_site(client, people, editorial_rows):
    revision = editorial_rows["Brest"].revisions.get()
    login(client, people["administrator"])
    response = client.get(reverse("admin:editorial_revision_change", args=[revision.pk]))
    url = reverse("editorial:revision", args=[editorial_rows["Brest"].slug, 1])
    assert f'href="{url}"' in response.content.decode()


# --- Fiche edits become revisions --------------------------------------------------------------


def edit_fiche(client, user, fiche, **changes):
    login(client, user)
    url = reverse("admin:innovations_innovation_change", args=[fiche.pk])
    response = client.post(url, change_form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    fiche.refresh_from_db()
    return response


def test_an_admin_edit_of_a_fiche_without_history_keeps_the_content_before_and_after(client, people):
    fiche = InnovationFactory(title="Ancien titre", communes=["Brest"], themes=["numerique"])
    before = revisions.snapshot(fiche)

    edit_fiche(client, people["editor"], fiche, title="Nouveau titre", pitch="Un nouveau pitch.")

    baseline, admin_edit = fiche.revisions.order_by("number")
    assert (baseline.number, baseline.kind, baseline.snapshot) == (1, Revision.Kind.BASELINE, before)
    assert (admin_edit.number, admin_edit.kind, admin_edit.author, admin_edit.base_number) == (
        2, Revision.Kind.ADMIN, people["editor"], 1)
    assert admin_edit.snapshot == revisions.snapshot(fiche) and admin_edit.snapshot["title"] == "Nouveau titre"
    assert fiche.revision_number == 2
    entry = AuditEntry.objects.for_object(fiche).get()
    assert entry.action == "revision.saved" and entry.actor == people["editor"]
    assert entry.data == {"number": 2, "summary": "Modification dans l'administration", "admin": True}


def test_changes_of_themes_and_inline_parts_are_in_the_admin_revision(client, people):
    fiche = InnovationFactory(communes=["Brest"], themes=["numerique"], answers={"origine": "Au début."})
    revisions.ensure_baseline(fiche)
    edit_fiche(client, people["administrator"], fiche, themes=[], **{"answers-0-body": "Tout autrement."})
    revision = fiche.revisions.get(number=2)
    assert revision.snapshot["themes"] == [] and revision.snapshot["sections"] == {"origine": "Tout autrement."}


def test_saving_a_fiche_unchanged_in_the_admin_adds_no_revision(client, people):
    fiche = InnovationFactory(communes=["Brest"], themes=["numerique"])
    edit_fiche(client, people["editor"], fiche)
    assert [r.kind for r in fiche.revisions.all()] == [Revision.Kind.BASELINE]
    edit_fiche(client, people["editor"], fiche, contact_email="porteur@example.org")  # not content
    assert fiche.revisions.count() == 1 and not AuditEntry.objects.filter(action="revision.saved").exists()


def test_an_admin_edit_after_site_edits_continues_the_history(client, people):
    author = UserFactory()
    fiche = revisions.create_innovation(author, {"title": "Créée sur le site", "pitch": "Un pitch.",
                                                 "themes": ["numerique"]})
    edit_fiche(client, people["administrator"], fiche, pitch="Corrigé dans l'administration.")
    assert [(r.number, r.kind) for r in fiche.revisions.order_by("number")] == [
        (1, Revision.Kind.CREATE), (2, Revision.Kind.ADMIN)]
    # The site's next edit starts from the admin's version.
    result = revisions.save_edit(fiche, author, {**revisions.snapshot(fiche), "title": "Retouchée"}, base_number=2)
    assert result.revision.number == 3 and not result.merged


def test_a_fiche_added_in_the_admin_is_a_draft_with_revision_1(client, people):
    login(client, people["administrator"])
    url = reverse("admin:innovations_innovation_add")
    data = change_form_data(client.get(url), title="Ajoutée dans l'administration", pitch="Un pitch.",
                            status="en-cours", licence="CC-BY-SA-4.0", state="published")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    fiche = Innovation.objects.get(title="Ajoutée dans l'administration")
    assert fiche.state == State.DRAFT  # the state is not a field of the form
    [revision] = fiche.revisions.all()
    assert (revision.number, revision.kind, revision.author) == (1, Revision.Kind.ADMIN, people["administrator"])
    assert fiche.revision_number == 1
    assert [e.action for e in AuditEntry.objects.for_object(fiche).order_by("pk")] == [
        "innovation.created", "revision.saved"]


def test_the_state_is_not_changed_by_the_change_form(client, people):
    fiche = InnovationFactory(state=State.DRAFT, communes=["Brest"], themes=["numerique"])
    edit_fiche(client, people["administrator"], fiche, state="published")
    assert fiche.state == State.DRAFT


def test_record_admin_revision_stores_nothing_when_the_live_revision_has_the_content(people):
    author = UserFactory()
    fiche = revisions.create_innovation(author, {"title": "Sur le site", "pitch": "Un pitch."})
    assert record_admin_revision(fiche, people["administrator"]) is None
    fiche.title = "Changée à la main"
    fiche.save()
    revision = record_admin_revision(fiche, people["administrator"])
    assert revision.number == 2 and fiche.revision_number == 2
    assert Innovation.objects.get(pk=fiche.pk).revision_number == 2


# --- State changes go through the workflow -----------------------------------------------------


def run_action(client, user, action, *fiches):
    login(client, user)
    return client.post(reverse("admin:innovations_innovation_changelist"),
                       {"action": action, "_selected_action": [f.pk for f in fiches]})


def test_publishing_from_the_admin_goes_through_the_workflow(client, people):
    fiche = InnovationFactory(state=State.SUBMITTED, communes=["Brest"], themes=["numerique"])
    response = run_action(client, people["editor"], "publish", fiche)
    fiche.refresh_from_db()
    assert fiche.state == State.PUBLISHED and fiche.published_at is not None
    assert ReviewMessage.objects.get(innovation=fiche).kind == ReviewMessage.Kind.PUBLISHED
    entry = AuditEntry.objects.for_object(fiche).get()
    assert (entry.action, entry.actor) == ("innovation.published", people["editor"])
    assert messages_of(response) == ["1 fiche publiée."]


def test_fiches_the_workflow_refuses_are_reported_one_by_one(client, people):
    ready = InnovationFactory(title="Prête", state=State.SUBMITTED, communes=["Brest"], themes=["numerique"])
    draft = InnovationFactory(title="Brouillon", state=State.DRAFT, communes=["Brest"], themes=["numerique"])
    incomplete = InnovationFactory(title="Incomplète", state=State.SUBMITTED, communes=["Brest"])
    response = run_action(client, people["administrator"], "publish", ready, draft, incomplete)
    states = dict(Innovation.objects.values_list("title", "state"))
    assert states == {"Prête": State.PUBLISHED, "Brouillon": State.DRAFT, "Incomplète": State.SUBMITTED}
    assert messages_of(response) == [
        "« Brouillon » : Seule une fiche soumise à relecture peut être publiée.",
        "« Incomplète » : Avant de publier, il manque : au moins un thème.",
        "1 fiche publiée.",
    ]
    assert [e.target_repr for e in AuditEntry.objects.all()] == ["Prête"]


def test_archiving_and_putting_back_online_from_the_admin(client, people):
    published = InnovationFactory(title="En ligne", communes=["Brest"])
    draft = InnovationFactory(title="Pas en ligne", state=State.DRAFT, communes=["Brest"])
    response = run_action(client, people["editor"], "archive", published, draft)
    assert messages_of(response) == ["« Pas en ligne » : Seule une fiche publiée peut être archivée.",
                                     "1 fiche archivée."]
    published.refresh_from_db()
    assert published.state == State.ARCHIVED
    run_action(client, people["editor"], "unarchive", published)
    published.refresh_from_db()
    assert published.state == State.PUBLISHED
    assert [e.action for e in AuditEntry.objects.for_object(published).order_by("pk")] == [
        "innovation.archived", "innovation.unarchived"]


def test_moderators_are_not_offered_the_state_actions(client, people):
    InnovationFactory(communes=["Brest"])
    login(client, people["moderator"])
    content = client.get(reverse("admin:innovations_innovation_changelist")).content.decode()
    assert 'value="publish"' not in content and 'value="archive"' not in content
    fiche = InnovationFactory(state=State.SUBMITTED, communes=["Brest"], themes=["numerique"])
    run_action(client, people["moderator"], "publish", fiche)
    fiche.refresh_from_db()
    assert fiche.state == State.SUBMITTED


def test_deleting_a_fiche_is_recorded(client, people):
    fiche = InnovationFactory(title="À supprimer", state=State.DRAFT)
    login(client, people["administrator"])
    response = client.post(reverse("admin:innovations_innovation_delete", args=[fiche.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Innovation.objects.filter(pk=fiche.pk).exists()
    entry = AuditEntry.objects.get(action="innovation.deleted")
    assert entry.target_repr == "À supprimer" and entry.data == {"title": "À supprimer", "state": "draft"}


# --- Authors and images ------------------------------------------------------------------------


def test_authors_are_shown_to_editors_without_their_address(client, people):
    author = UserFactory(email="secret.author@example.org", profile__display_name="Bruno Porteur")
    fiche = InnovationFactory(communes=["Brest"])
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    login(client, people["editor"])
    content = client.get(reverse("admin:innovations_innovation_change", args=[fiche.pk])).content.decode()
    assert "Bruno Porteur" in content and "secret.author" not in content
    assert 'name="authorships-0-user"' not in content  # read-only for editors


def test_authors_changed_by_an_administrator_are_recorded(client, people):
    creator, coauthor = UserFactory(), UserFactory()
    fiche = InnovationFactory(communes=["Brest"], themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=creator, is_creator=True)
    edit_fiche(client, people["administrator"], fiche, **{
        "authorships-TOTAL_FORMS": "2",
        "authorships-1-user": str(coauthor.pk),
        "authorships-1-innovation": str(fiche.pk),
    })
    assert set(fiche.authorships.values_list("user", flat=True)) == {creator.pk, coauthor.pk}
    edit_fiche(client, people["administrator"], fiche, **{"authorships-0-DELETE": "on"})
    assert list(fiche.authorships.values_list("user", flat=True)) == [coauthor.pk]
    log = [(e.action, e.data) for e in AuditEntry.objects.for_object(fiche).order_by("pk")
           if e.action.startswith("coauthor.")]
    assert log == [("coauthor.added", {"user": coauthor.pk, "admin": True}),
                   ("coauthor.removed", {"user": creator.pk, "admin": True})]
    assert not fiche.revisions.filter(kind=Revision.Kind.ADMIN).exists()  # authors are not content


def png(name="photo.png"):
    out = io.BytesIO()
    PillowImage.new("RGB", (40, 30), (200, 80, 20)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_images_added_and_removed_in_the_admin_are_recorded(client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fiche = InnovationFactory(communes=["Brest"], themes=["numerique"])
    edit_fiche(client, people["editor"], fiche, **{
        "images-TOTAL_FORMS": "1",
        "images-0-file": png(), "images-0-alt_text": "Un atelier de réparation", "images-0-author": "Anne",
        "images-0-licence": "CC BY-SA 4.0", "images-0-position": "0", "images-0-innovation": str(fiche.pk),
    })
    image = Image.objects.get(innovation=fiche)
    edit_fiche(client, people["editor"], fiche, **{"images-0-DELETE": "on"})
    assert not Image.objects.filter(innovation=fiche).exists()
    log = [(e.action, e.actor, e.data) for e in AuditEntry.objects.for_object(fiche).order_by("pk")
           if e.action.startswith("image.")]
    assert log == [
        ("image.added", people["editor"], {"image": image.pk, "alt_text": "Un atelier de réparation",
                                           "author": "Anne", "admin": True}),
        ("image.removed", people["editor"], {"image": image.pk, "alt_text": "Un atelier de réparation",
                                             "admin": True}),
    ]
