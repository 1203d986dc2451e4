"""Two instances: B (this test's database) harvests A (a real second server with its own database).

Instance A is `manage.py runserver` in a subprocess on a free port, with its own SQLite file
(migrated, the sample territories, three published fiches — one under ODbL — created by a
`manage.py shell -c` script). B calls A's public /api/v1/ through the real HTTP client of
creative.imports.harvest, then A changes a fiche, adds one and unpublishes one, and B
re-harvests: no duplicates, changes applied, provenance intact, the ODbL fiche still ODbL, the
unpublished one archived here. Skipped (with the reason) only if A cannot start.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from creative.imports.harvest import harvest
from creative.imports.models import ImportRun, ImportSource, Provenance
from creative.innovations.models import Innovation, Licence

START_TIMEOUT = 90  # seconds for A to migrate, load and answer (a loaded CI machine is slow)

SETUP_A = """
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from creative.innovations.models import Authorship, Licence
from tests.factories import InnovationFactory, UserFactory, load_sample_territories
load_sample_territories()
anne = UserFactory(email="anne.secret@example.org", profile__display_name="Anne Le Gall")
yann = UserFactory(email="yann.secret@example.org", profile__display_name="Yann Tanguy")
fiches = [
    InnovationFactory(title="Repair café de Recouvrance", slug="repair-cafe", communes=["Brest"],
                      themes=["developpement-durable"], answers={"origine": "Une idée de voisins."},
                      contact_email="contact.secret@example.org"),
    InnovationFactory(title="Jardin partagé du Bourg", slug="jardin-partage", communes=["Plougastel-Daoulas"],
                      themes=["alimentation"], licence=Licence.ODBL_1),
    InnovationFactory(title="Fablab de Landerneau", slug="fablab", communes=["Landerneau"], themes=["numerique"]),
]
for fiche in fiches:
    Authorship.objects.create(innovation=fiche, user=anne, is_creator=True)
Authorship.objects.create(innovation=fiches[0], user=yann)
print("SETUP-DONE", flush=True)
# The same process then serves: one interpreter start instead of two.
call_command("runserver", ADDRESS, use_reloader=False, use_threading=False)
"""

CHANGE_A = """
from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory
repair = Innovation.objects.get(slug="repair-cafe")
repair.title = "Repair café de Brest"
repair.pitch = "On répare ensemble, tous les samedis."
repair.save()
new = InnovationFactory(title="Recyclerie solidaire", slug="recyclerie", communes=["Brest"], themes=["solidarites"])
Authorship.objects.create(innovation=new, user=repair.authors.first(), is_creator=True)
fablab = Innovation.objects.get(slug="fablab")
fablab.state = Innovation.State.ARCHIVED
fablab.save()
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(args, env, timeout=60):
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=timeout, check=False,
    )


@pytest.fixture(scope="session", autouse=True)
def _instance_a_process(tmp_path_factory):
    """Start instance A as early as possible (a session fixture of this module: it sets itself up while
    pytest-django creates B's test database), and stop it at the end."""
    tmp = tmp_path_factory.mktemp("instance-a")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'a.sqlite3'}",
        "DEBUG": "1", "SECRET_KEY": "instance-a-test-key", "SITE_URL": url, "SITE_NAME": "Instance A",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "STATIC_MANIFEST": "0",
        "API_RATE_LIMIT": "10000", "STATS_ENABLED": "0", "PYTHONDONTWRITEBYTECODE": "1",
    }
    log_path = tmp / "a.log"
    with log_path.open("w") as log:
        # Set up (migrate, territories, fiches), then serve: `manage.py shell -c` (see SETUP_A).
        server = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "shell", "-c",
             SETUP_A.replace("ADDRESS", repr(f"127.0.0.1:{port}"))],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            yield {"url": url, "env": env, "server": server, "log": log_path}
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


@pytest.fixture
def instance_a(_instance_a_process):
    """(base URL, environment) of instance A once it answers; skipped only if its server cannot start."""
    url, server, log_path = _instance_a_process["url"], _instance_a_process["server"], _instance_a_process["log"]
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if server.poll() is not None:
            output = log_path.read_text()
            if "SETUP-DONE" not in output:
                pytest.fail(f"instance A could not be set up:\n{output[-3000:]}")
            pytest.skip(f"instance A's server did not start: {output[-1500:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/innovations/", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return url, _instance_a_process["env"]
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            pytest.skip(f"instance A did not answer within {START_TIMEOUT} s: {log_path.read_text()[-1500:]}")
        time.sleep(0.2)


@pytest.mark.django_db
def test_harvest_another_instance_then_resynchronise(instance_a, territories):
    url, env = instance_a
    source = ImportSource.objects.create(
        name="Instance A", slug="instance-a", kind=ImportSource.Kind.INSTANCE, url=url + "/", read_only=True,
    )

    run = harvest(source)
    assert run.status == ImportRun.Status.DONE and not run.error, run.error
    assert run.counts["created"] == 3, run.report
    repair = Provenance.objects.get(source=source, original_id="repair-cafe")
    assert repair.original_url == f"{url}/innovations/repair-cafe/"
    assert repair.original_authors == "Anne Le Gall, Yann Tanguy"
    assert repair.read_only
    copy = repair.innovation
    assert copy.state == Innovation.State.PUBLISHED and copy.title == "Repair café de Recouvrance"
    assert copy.places.get().commune.name == "Brest"
    assert copy.answers.get(section__slug="origine").body == "Une idée de voisins."
    odbl = Provenance.objects.get(source=source, original_id="jardin-partage")
    assert odbl.innovation.licence == Licence.ODBL_1 == odbl.original_licence
    assert Provenance.objects.get(original_id="fablab").innovation.licence == Licence.CC_BY_SA_4
    # Nothing private crosses over: no email address of A's people or fiches.
    for fiche in Innovation.objects.all():
        assert "@" not in fiche.provenance.original_authors and not fiche.contact_email
        assert "secret@" not in f"{fiche.title} {fiche.pitch} {fiche.description}"

    changed = _manage(["shell", "-c", CHANGE_A], env)
    assert changed.returncode == 0, changed.stderr[-3000:]

    again = harvest(source)
    assert again.status == ImportRun.Status.DONE and not again.error, again.error
    assert again.counts["created"] == 1 and again.counts["updated"] == 1 and again.counts["archived"] == 1
    assert Innovation.objects.count() == 4 == Provenance.objects.filter(source=source).count()  # no duplicate
    repair.refresh_from_db()
    copy.refresh_from_db()
    assert copy.title == "Repair café de Brest" and copy.pitch == "On répare ensemble, tous les samedis."
    assert repair.original_url == f"{url}/innovations/repair-cafe/" and repair.source == source
    assert repair.original_authors == "Anne Le Gall, Yann Tanguy"
    odbl.refresh_from_db()
    assert odbl.innovation.licence == Licence.ODBL_1 == odbl.original_licence
    new = Provenance.objects.get(source=source, original_id="recyclerie")
    assert new.original_url == f"{url}/innovations/recyclerie/" and new.original_authors == "Anne Le Gall"
    gone = Provenance.objects.get(source=source, original_id="fablab").innovation
    assert gone.state == Innovation.State.ARCHIVED

    third = harvest(source)
    assert third.counts["created"] == third.counts["updated"] == 0 and not third.error
    assert Innovation.objects.count() == 4
