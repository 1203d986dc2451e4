"""Publishing, editing and deleting a fiche's calls for help: who may, what is recorded, the anti-spam refusal."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from creative.audit.models import AuditEntry
from creative.calls import views
from creative.calls.models import CallForHelp
from creative.innovations.models import Innovation

pytestmark = pytest.mark.django_db

SPAM = (Path(__file__).resolve().parents[2] / "comments" / "tests" / "data" / "spam-2013.txt").read_text(
    encoding="utf-8").strip()
ALLOWED = ["author", "carrier", "editor", "administrator"]
REFUSED = ["unverified", "contributor", "partner", "moderator", "editor_elsewhere"]


def new_call(fiche, **fields):
    values = {"kind": CallForHelp.Kind.VOLUNTEERS, "title": "Deux bénévoles le samedi"}
    values.update(fields)
    return CallForHelp.objects.create(innovation=fiche, **values)


def manage_url(fiche):
    return reverse("calls:manage", args=[fiche.pk])


def test_the_manage_address_reaches_the_calls_view(fiche):
    # The editor's "contribuer/<pk>/<step>/" must not swallow it.
    assert resolve(manage_url(fiche)).func.__name__ == views.manage.__name__
    assert resolve(manage_url(fiche)).namespace == "calls"


def test_visitors_are_sent_to_login(client, fiche):
    for url in (manage_url(fiche), reverse("calls:edit", args=[new_call(fiche).pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"]


@pytest.mark.parametrize("persona", ALLOWED)
def test_authors_carriers_and_editors_manage_calls(client, fiche, persona, request):
    client.force_login(request.getfixturevalue(persona))
    call = new_call(fiche)
    assert client.get(manage_url(fiche)).status_code == 200
    assert client.get(reverse("calls:edit", args=[call.pk])).status_code == 200


@pytest.mark.parametrize("persona", REFUSED)
def test_other_people_may_not_manage_calls(client, fiche, persona, request):
    client.force_login(request.getfixturevalue(persona))
    call = new_call(fiche)
    assert client.get(manage_url(fiche)).status_code == 403
    response = client.post(manage_url(fiche), {"kind": "skills", "title": "Un graphiste"})
    assert response.status_code == 403
    response = client.post(reverse("calls:edit", args=[call.pk]), {"action": "delete"})
    assert response.status_code == 403
    assert list(CallForHelp.objects.values_list("title", flat=True)) == ["Deux bénévoles le samedi"]


def test_unknown_ids_are_404(client, fiche, author):
    client.force_login(author)
    assert client.get(reverse("calls:manage", args=[99999])).status_code == 404
    assert client.get(reverse("calls:edit", args=[99999])).status_code == 404


def test_an_author_publishes_a_call(client, fiche, author):
    client.force_login(author)
    ends = timezone.localdate() + timedelta(days=30)
    response = client.post(manage_url(fiche), {
        "kind": "premises", "title": "Un local pour l'atelier", "description": "Au moins **20 m²**.",
        "ends_on": ends.isoformat(),
    })
    assert response.status_code == 302 and response["Location"] == manage_url(fiche)
    call = CallForHelp.objects.get()
    assert (call.innovation, call.kind, call.status, call.ends_on, call.created_by) == (
        fiche, "premises", "open", ends, author)
    entry = AuditEntry.objects.get(action="call.created")
    assert entry.actor == author and entry.target_id == str(fiche.pk) and entry.data["call"] == call.pk
    page = client.get(manage_url(fiche)).content.decode()
    assert "Un local pour l&#x27;atelier" in page and reverse("calls:edit", args=[call.pk]) in page


def test_a_new_call_has_no_status_field_and_refuses_a_past_date(client, fiche, carrier):
    client.force_login(carrier)
    page = client.get(manage_url(fiche)).content.decode()
    assert 'name="status"' not in page and 'name="kind"' in page and 'type="date"' in page
    response = client.post(manage_url(fiche), {"kind": "funding", "title": "Financement", "status": "closed",
                                               "ends_on": (timezone.localdate() - timedelta(days=1)).isoformat()})
    assert response.status_code == 200 and "Cette date est passée" in response.content.decode()
    assert not CallForHelp.objects.exists()
    response = client.post(manage_url(fiche), {"kind": "funding", "title": "Financement", "status": "closed"})
    assert CallForHelp.objects.get().status == "open"


def test_a_missing_title_or_kind_is_a_form_error(client, fiche, author):
    client.force_login(author)
    response = client.post(manage_url(fiche), {"kind": "dragons", "title": ""})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Donnez un titre à votre appel" in content and "form-errors" in content
    assert not CallForHelp.objects.exists()


def test_a_carrier_marks_a_call_fulfilled(client, fiche, carrier):
    call = new_call(fiche, description="Le samedi matin.")
    client.force_login(carrier)
    response = client.post(reverse("calls:edit", args=[call.pk]), {
        "action": "save", "kind": "volunteers", "title": call.title, "description": call.description,
        "status": "fulfilled", "ends_on": "",
    })
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == "fulfilled" and call not in CallForHelp.objects.open()
    entry = AuditEntry.objects.get(action="call.updated")
    assert entry.actor == carrier and entry.data["fields"] == ["status"] and entry.data["status"] == "fulfilled"


def test_editing_keeps_a_past_end_date_already_there(client, fiche, author):
    past = timezone.localdate() - timedelta(days=3)
    call = new_call(fiche, ends_on=past)
    client.force_login(author)
    response = client.post(reverse("calls:edit", args=[call.pk]), {
        "kind": "volunteers", "title": call.title, "description": "", "status": "closed", "ends_on": past.isoformat(),
    })
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == "closed"


def test_an_editor_deletes_a_call(client, fiche, editor):
    call = new_call(fiche)
    client.force_login(editor)
    response = client.post(reverse("calls:edit", args=[call.pk]), {"action": "delete"})
    assert response.status_code == 302 and response["Location"] == manage_url(fiche)
    assert not CallForHelp.objects.exists()
    entry = AuditEntry.objects.get(action="call.deleted")
    assert entry.actor == editor and entry.data["title"] == "Deux bénévoles le samedi"


def test_a_spammy_call_is_refused_and_the_text_kept(client, fiche, author):
    client.force_login(author)
    response = client.post(manage_url(fiche), {"kind": "funding", "title": "Offre exceptionnelle",
                                               "description": SPAM})
    assert response.status_code == 200
    content = response.content.decode()
    assert "ressemble à un message indésirable" in content
    assert "Offre exceptionnelle" in content and SPAM[:40].replace("'", "&#x27;") in content
    assert not CallForHelp.objects.exists() and not AuditEntry.objects.filter(action="call.created").exists()


def test_a_spammy_edit_is_refused(client, fiche, author):
    call = new_call(fiche)
    client.force_login(author)
    response = client.post(reverse("calls:edit", args=[call.pk]), {
        "kind": "volunteers", "title": call.title, "description": SPAM, "status": "open", "ends_on": "",
    })
    assert response.status_code == 200 and "ressemble à un message indésirable" in response.content.decode()
    call.refresh_from_db()
    assert call.description == ""


def test_saving_or_deleting_a_call_reindexes_its_fiche_after_commit(fiche, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    indexed = []
    monkeypatch.setattr("creative.innovations.search.index_innovation", lambda f: indexed.append(f.pk))
    with django_capture_on_commit_callbacks(execute=True):
        call = new_call(fiche)
    assert indexed == [fiche.pk]
    with django_capture_on_commit_callbacks(execute=True):
        call.delete()
    assert indexed == [fiche.pk, fiche.pk]


def test_deleting_a_fiche_with_calls_does_not_reindex_it(fiche, monkeypatch, django_capture_on_commit_callbacks):
    new_call(fiche)
    indexed = []
    monkeypatch.setattr("creative.innovations.search.index_innovation", lambda f: indexed.append(f.pk))
    with django_capture_on_commit_callbacks(execute=True):
        Innovation.objects.filter(pk=fiche.pk).delete()
    assert indexed == [] and not CallForHelp.objects.exists()
