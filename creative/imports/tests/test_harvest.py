"""harvest(): walking another instance's API with an injected fake client.

Pagination through `next`, `updated_since` from `last_synced_at`, the mapping to the pipeline's
record, errors reported (HTTP 500, bad JSON, foreign `next`), idempotence, fiches gone at the
source archived (and restored), the command, the « Synchroniser » view.
"""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from creative.audit.models import AuditEntry
from creative.imports import harvest as harvest_module
from creative.imports.harvest import OVERLAP, harvest, to_record
from creative.imports.models import ImportRun, ImportSource, Provenance
from creative.innovations.models import Innovation, Licence
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REMOTE = "https://pays-de-brest.example.org"
API = f"{REMOTE}/api/v1/"


def detail(slug, title, **overrides):
    """A fiche as the remote's /api/v1/innovations/<slug>/ documents it (creative.opendata.api_schemas)."""
    doc = {
        "slug": slug,
        "title": title,
        "pitch": f"{title} en bref.",
        "description": "Une **description**.",
        "url": f"{REMOTE}/innovations/{slug}/",
        "api_url": f"{API}innovations/{slug}/",
        "original_url": f"{REMOTE}/innovations/{slug}/",
        "status": "en-cours",
        "website": "https://exemple.org/",
        "carrier_name": "Asso",
        "kind": {"slug": "association", "name": "Association"},
        "themes": [{"slug": "num", "name": "Numérique (là-bas)"}, {"slug": "solidarites", "name": "Solidarités"}],
        "sections": [{"slug": "origine", "title": "Origine", "body": "Une idée de voisins."}],
        "places": [{
            "commune": {"slug": "brest", "code": "29019", "name": "Brest", "level": "commune"},
            "address": "1 rue de Siam", "point": {"lat": 48.39, "lng": -4.49}, "precise": True,
        }],
        "licence": {"code": "CC-BY-SA-4.0", "name": "CC BY-SA 4.0", "url": "", "shareable_as_cc_by_sa": True},
        "authors": [{"name": "Anne Le Gall", "url": None}, {"name": "Yann Tanguy", "url": None}],
        "contributors": [],
        "provenance": None,
        "updated_at": "2025-01-01T10:00:00Z",
    }
    doc.update(overrides)
    return doc


def summary(doc):
    return {k: doc[k] for k in ("slug", "title", "pitch", "url", "api_url", "status", "updated_at")}


class FakeRemote:
    """A fake HTTP client: `fiches` (details, in order) served by pages of `page_size`; `calls` recorded."""

    def __init__(self, fiches, page_size=2):
        self.fiches = {f["slug"]: f for f in fiches}
        self.page_size = page_size
        self.calls = []
        self.overrides = {}  # url prefix → (status, body)

    def __call__(self, url):
        self.calls.append(url)
        for prefix, answer in self.overrides.items():
            if url.startswith(prefix):
                return answer
        parts = urlsplit(url)
        if parts.path == "/api/v1/innovations/":
            query = parse_qs(parts.query)
            start = int(query.get("page", ["0"])[0])
            slugs = list(self.fiches)
            chunk = slugs[start:start + self.page_size]
            nxt = None
            if start + self.page_size < len(slugs):
                nxt = f"/api/v1/innovations/?limit=100&page={start + self.page_size}"  # relative on purpose
            body = {"next": nxt, "results": [summary(self.fiches[s]) for s in chunk]}
            return 200, json.dumps(body).encode()
        slug = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if slug in self.fiches:
            return 200, json.dumps(self.fiches[slug]).encode()
        return 404, b'{"detail": "Not found"}'

    def list_calls(self):
        return [c for c in self.calls if urlsplit(c).path == "/api/v1/innovations/"]


@pytest.fixture
def instance(db):
    return ImportSource.objects.create(
        name="Pays de Brest", slug="pays-de-brest-instance", kind=ImportSource.Kind.INSTANCE, url=REMOTE + "/",
        theme_mapping={"num": "numerique"}, read_only=True,
    )


@pytest.fixture
def remote():
    return FakeRemote([
        detail("repair-cafe", "Repair café"),
        detail("jardin-partage", "Jardin partagé", licence={"code": "ODbL-1.0", "name": "ODbL"}),
        detail("fablab", "Fablab du quartier"),
    ])


def test_first_harvest_walks_every_page_and_creates_copies_with_provenance(instance, remote, territories):
    run = harvest(instance, client=remote)
    assert run.status == ImportRun.Status.DONE, run.error
    assert run.counts["created"] == 3 and not run.error
    assert run.total_rows == run.processed_rows == 3
    assert len(remote.list_calls()) == 2  # two pages, the second through the relative `next`
    assert "updated_since" not in remote.list_calls()[0]  # never synchronised: everything

    fiche = Innovation.objects.get(title="Repair café")
    assert fiche.state == Innovation.State.PUBLISHED
    provenance = fiche.provenance
    assert provenance.source == instance and provenance.original_id == "repair-cafe"
    assert provenance.original_url == f"{REMOTE}/innovations/repair-cafe/"
    assert provenance.original_authors == "Anne Le Gall, Yann Tanguy"
    assert provenance.read_only is True
    assert sorted(fiche.themes.values_list("slug", flat=True)) == ["numerique", "solidarites"]  # mapped + same slug
    assert fiche.carrier_kind.slug == "association"
    place = fiche.places.get()
    assert place.commune.code == "29019" and place.latitude == 48.39 and place.address == "1 rue de Siam"
    assert fiche.answers.get().section.slug == "origine"
    odbl = Innovation.objects.get(title="Jardin partagé")
    assert odbl.licence == Licence.ODBL_1 and odbl.provenance.original_licence == "ODbL-1.0"

    instance.refresh_from_db()
    assert instance.last_synced_at is not None and instance.last_synced_at <= run.started_at + timedelta(seconds=1)
    assert AuditEntry.objects.filter(action="imports.harvest.done").exists()


def test_reharvest_asks_only_what_changed_since_last_sync_and_is_idempotent(instance, remote, territories):
    harvest(instance, client=remote)
    instance.refresh_from_db()
    synced = instance.last_synced_at
    remote.calls.clear()

    again = harvest(instance, client=remote)
    first_list = remote.list_calls()[0]
    since = parse_qs(urlsplit(first_list).query)["updated_since"][0]
    assert abs(timezone.datetime.fromisoformat(since) - (synced - OVERLAP)) < timedelta(seconds=1)
    assert again.counts["unchanged"] == 3 and again.counts["created"] == 0
    assert Innovation.objects.count() == 3 and Provenance.objects.count() == 3


def test_changed_fiche_is_updated_in_place(instance, remote, territories):
    harvest(instance, client=remote)
    copy = Innovation.objects.get(title="Repair café")
    remote.fiches["repair-cafe"]["title"] = "Repair café de Recouvrance"
    remote.fiches["repair-cafe"]["authors"].append({"name": "Soizic"})
    run = harvest(instance, client=remote)
    assert run.counts["updated"] == 1 and run.counts["unchanged"] == 2
    copy.refresh_from_db()
    assert copy.title == "Repair café de Recouvrance"
    assert copy.provenance.original_authors == "Anne Le Gall, Yann Tanguy, Soizic"
    assert Innovation.objects.count() == 3


def test_full_ignores_last_synced_at(instance, remote, territories):
    instance.last_synced_at = timezone.now()
    instance.save()
    harvest(instance, client=remote, full=True)
    assert "updated_since" not in remote.list_calls()[0]


def test_http_500_from_the_remote_is_reported_not_raised(instance, remote, territories):
    remote.overrides[f"{API}innovations/?"] = (500, b"<h1>Server Error</h1>")
    run = harvest(instance, client=remote)
    assert run.status == ImportRun.Status.FAILED
    assert "500" in run.error
    instance.refresh_from_db()
    assert instance.last_synced_at is None
    assert AuditEntry.objects.filter(action="imports.harvest.failed").exists()


def test_bad_json_is_reported(instance, remote, territories):
    remote.overrides[f"{API}innovations/?"] = (200, b"{not json")
    run = harvest(instance, client=remote)
    assert run.status == ImportRun.Status.FAILED and "JSON" in run.error


def test_unexpected_shape_is_reported(instance, remote, territories):
    remote.overrides[f"{API}innovations/?"] = (200, b'{"hello": "world"}')
    run = harvest(instance, client=remote)
    assert run.status == ImportRun.Status.FAILED and "forme attendue" in run.error


def test_network_error_of_the_client_is_reported(instance, territories):
    def broken(url):
        raise TimeoutError("timed out")

    run = harvest(instance, client=broken)
    assert run.status == ImportRun.Status.FAILED and "ne répond pas" in run.error


def test_one_failing_detail_does_not_stop_the_others_but_keeps_last_synced_at(instance, remote, territories):
    remote.overrides[f"{API}innovations/fablab/"] = (500, b"")
    run = harvest(instance, client=remote)
    assert run.status == ImportRun.Status.DONE
    assert run.counts["created"] == 2 and run.counts["errors"] == 1 and "fablab" in run.error
    instance.refresh_from_db()
    assert instance.last_synced_at is None  # the next run asks again for everything since the last good one


def test_next_link_to_another_site_is_refused(instance, territories):
    def client(url):
        return 200, json.dumps({"next": "https://evil.example.com/steal", "results": []}).encode()

    run = harvest(instance, client=client)
    assert run.status == ImportRun.Status.FAILED and "autre site" in run.error


def test_endless_pagination_stops(instance, territories):
    def client(url):
        return 200, json.dumps({"next": url, "results": []}).encode()

    run = harvest(instance, client=client)
    assert run.status == ImportRun.Status.FAILED and "ne se termine pas" in run.error


def test_non_instance_source_is_refused(db):
    csv_source = ImportSource.objects.create(name="CSV", slug="csv", kind=ImportSource.Kind.CSV)
    run = harvest(csv_source, client=lambda url: (200, b"[]"))
    assert run.status == ImportRun.Status.FAILED and run.error


def test_fiche_gone_at_the_source_is_archived_then_restored(instance, remote, territories):
    harvest(instance, client=remote)
    gone = remote.fiches.pop("fablab")
    run = harvest(instance, client=remote)
    copy = Innovation.objects.get(title="Fablab du quartier")
    assert copy.state == Innovation.State.ARCHIVED and run.counts["archived"] == 1
    assert copy.review_messages.filter(body__contains="plus publiée à la source").exists()
    assert Innovation.objects.count() == 3  # archived, never deleted

    remote.fiches["fablab"] = gone
    run = harvest(instance, client=remote)
    copy.refresh_from_db()
    assert copy.state == Innovation.State.PUBLISHED and run.counts["restored"] == 1


def test_copy_archived_by_hand_stays_archived(instance, remote, territories):
    from creative.editorial import workflow

    harvest(instance, client=remote)
    admin = UserFactory(is_superuser=True)
    copy = Innovation.objects.get(title="Fablab du quartier")
    workflow.archive(copy, admin, reason="Plus d'actualité ici")
    harvest(instance, client=remote, full=True)
    copy.refresh_from_db()
    assert copy.state == Innovation.State.ARCHIVED


def test_empty_remote_list_archives_nothing(instance, remote, territories):
    harvest(instance, client=remote)
    remote.fiches.clear()
    harvest(instance, client=remote)
    assert not Innovation.objects.filter(state=Innovation.State.ARCHIVED).exists()


def test_copy_of_one_of_our_fiches_is_not_reimported(instance, territories, settings):
    settings.SITE_URL = "https://ici.example.org"
    ours = detail("chez-nous", "Chez nous", provenance={
        "source": "x", "original_url": "https://ici.example.org/innovations/chez-nous/",
        "original_authors": "", "original_licence": "CC-BY-SA-4.0", "read_only": True,
    })
    run = harvest(instance, client=FakeRemote([ours]))
    assert run.counts["skipped"] == 1 and not Innovation.objects.exists()


def test_mapping_tolerates_other_shapes(instance):
    record = to_record(instance, {
        "id": 7, "slug": "s", "title": "T", "licence": "ODbL-1.0", "kind": "cooperative", "status": "idee",
        "answers": {"origine": "o"}, "themes": ["num", "culture-arts"], "authors": ["Anne", ""],
        "places": [{"commune": "Brest", "latitude": 48.1, "longitude": -4.2},
                   {"commune": {"code": "29019"}, "point": {"type": "Point", "coordinates": [-4.4, 48.4]}}],
    })
    assert record["original_id"] == "7"
    assert record["themes"] == ["numerique", "culture-arts"]
    assert record["carrier_kind"] == "cooperative" and record["answers"] == {"origine": "o"}
    assert record["original_authors"] == "Anne" and record["licence"] == "ODbL-1.0"
    assert record["places"][0]["latitude"] == 48.1 and record["places"][1]["latitude"] == 48.4
    assert record["original_url"] == f"{REMOTE}/innovations/s/"


def test_not_precise_place_keeps_no_point(instance):
    doc = detail("a", "A")
    doc["places"][0]["precise"] = False
    record = to_record(instance, doc)
    assert record["places"][0]["latitude"] is None and record["places"][0]["commune"] == "29019"


def test_http_client_sends_our_user_agent_and_a_timeout(monkeypatch, settings):
    seen = {}

    class Answer:
        status = 200

        def read(self, n):
            return b"{}"

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_urlopen(request, timeout):
        seen["ua"], seen["timeout"] = request.get_header("User-agent"), timeout
        return Answer()

    monkeypatch.setattr(harvest_module.urllib.request, "urlopen", fake_urlopen)
    assert harvest_module.http_client(f"{API}innovations/") == (200, b"{}")
    assert settings.SITE_NAME in seen["ua"] and seen["timeout"] == harvest_module.TIMEOUT


def test_http_client_refuses_other_schemes():
    with pytest.raises(harvest_module.HarvestError):
        harvest_module.http_client("file:///etc/passwd")


# --- The command and the « Synchroniser » button ---------------------------------------------


def test_command_harvests_every_instance_source(instance, remote, territories, monkeypatch, capsys):
    monkeypatch.setattr(harvest_module, "http_client", remote)
    call_command("harvest")
    assert Innovation.objects.count() == 3
    assert "created 3" in capsys.readouterr().out
    call_command("harvest", instance.slug, "--full")
    assert "unchanged 3" in capsys.readouterr().out


def test_command_fails_loudly_for_cron(instance, monkeypatch):
    monkeypatch.setattr(harvest_module, "http_client", lambda url: (503, b""))
    with pytest.raises(CommandError):
        call_command("harvest")
    with pytest.raises(CommandError):
        call_command("harvest", "unknown-source")


@pytest.fixture
def tasks_now(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_sync_button_enqueues_a_harvest(client, instance, remote, territories, monkeypatch, tasks_now,
                                        django_capture_on_commit_callbacks):
    from creative.accounts.roles import Role

    monkeypatch.setattr(harvest_module, "http_client", remote)
    editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])
    client.force_login(editor)
    url = reverse("imports:sync", args=[instance.slug])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("imports:source_detail", args=[instance.slug])
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE and run.created_by == editor and run.counts["created"] == 3
    assert AuditEntry.objects.filter(action="imports.harvest.requested", actor=editor).exists()


def test_sync_button_is_for_editors_only(client, instance):
    url = reverse("imports:sync", args=[instance.slug])
    assert client.post(url).status_code == 302  # to the sign-in page
    client.force_login(UserFactory())
    assert client.post(url).status_code == 403
    assert not ImportRun.objects.exists()


def test_sync_of_a_file_source_says_why(client, db):
    csv_source = ImportSource.objects.create(name="CSV", slug="csv", kind=ImportSource.Kind.CSV)
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(reverse("imports:sync", args=[csv_source.slug]))
    assert response.status_code == 302 and not ImportRun.objects.exists()
