"""The journal page (/journal/): who reads it, its filters, its rows and its pages."""

import datetime
import re
import zoneinfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role
from creative.audit import record
from creative.audit.models import AuditEntry
from creative.audit.views import PAGE_SIZE
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("audit:log")
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(*args):
    """An aware datetime, given in Paris time."""
    return datetime.datetime(*args, tzinfo=PARIS)


def entry(actor, action, target=None, created_at=None, **data):
    """record(), or an entry written as record() would have written it at `created_at`."""
    if created_at is None:
        return record(actor, action, target, **data)
    return AuditEntry.objects.create(
        created_at=created_at, actor=actor, actor_name=str(actor.display_name) if actor else "", action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "", target_repr=str(target) if target is not None else "",
        data=data,
    )


def rows(response):
    return [row.entry for row in response.context["rows"]]


@pytest.fixture
def editor(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], profile__display_name="Anne Accompagnatrice")


# --- Who reads the log -------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), [
    ("visitor", 302), ("unverified", 403), ("contributor", 403), ("trusted", 403),
    ("editor", 200), ("editor_without_territory", 200), ("moderator", 200), ("administrator", 200),
])
def test_the_log_is_for_editors_moderators_and_administrators(client, territories, persona, expected):
    users = {
        "unverified": lambda: UserFactory(verified=False),
        "contributor": lambda: UserFactory(),
        "trusted": lambda: UserFactory(roles=[Role.TRUSTED]),
        "editor": lambda: UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        "editor_without_territory": lambda: UserFactory(roles=[Role.EDITOR]),
        "moderator": lambda: UserFactory(roles=[Role.MODERATOR]),
        "administrator": lambda: UserFactory(roles=[Role.ADMINISTRATOR]),
    }
    if persona in users:
        client.force_login(users[persona]())
    response = client.get(URL)
    assert response.status_code == expected
    if expected == 302:
        assert reverse("account_login") in response["Location"]


def test_a_deactivated_editor_is_refused(client, territories):
    client.force_login(UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], is_active=False))
    assert client.get(URL).status_code in (302, 403)


def test_the_log_is_read_only(client, editor):
    client.force_login(editor)
    assert client.post(URL, {"action": "innovation.published"}).status_code == 405


def test_the_navigation_links_to_the_log_for_those_who_read_it(client, editor):
    client.force_login(UserFactory())
    assert f'href="{URL}"' not in client.get(reverse("innovations:list")).content.decode()
    client.force_login(editor)
    assert f'href="{URL}"' in client.get(reverse("innovations:list")).content.decode()


# --- What a row shows --------------------------------------------------------------------------


def test_a_row_shows_date_in_paris_person_action_object_and_data(client, editor):
    fiche = InnovationFactory(title="Repair café de Recouvrance", communes=["Brest"])
    author = UserFactory(email="secret.author@example.org", profile__display_name="Bruno Porteur")
    entry(author, "innovation.submitted", fiche, created_at=datetime.datetime(2026, 1, 15, 11, 5, tzinfo=datetime.UTC))
    entry(editor, "role.granted", author, role="trusted", reason="Fiches soignées", automatic=False)
    client.force_login(editor)

    content = client.get(URL).content.decode()

    assert '<time datetime="2026-01-15T12:05:00+01:00">15 janvier 2026 12:05</time>' in content  # Paris, winter
    assert "Bruno Porteur" in content and "Anne Accompagnatrice" in content
    assert "@example.org" not in content  # never an address
    assert "Fiche soumise à relecture" in content and "Rôle accordé" in content
    assert f'<a href="{fiche.get_absolute_url()}">Repair café de Recouvrance</a>' in content
    assert f'href="{URL}?objet=innovations.innovation%3A{fiche.pk}"' in content
    assert f'href="{URL}?personne={author.pk}"' in content
    # Data, key: value, with the role's name and yes/no in French.
    assert '<span class="audit-key">role</span> : contribution de confiance' in content
    assert '<span class="audit-key">automatic</span> : non' in content
    assert '<span class="audit-key">reason</span> : Fiches soignées' in content


def test_the_table_is_accessible(client, editor):
    entry(editor, "innovation.created", InnovationFactory())
    client.force_login(editor)
    content = client.get(URL).content.decode()
    assert "<caption>" in content and content.count('<th scope="col">') == 5
    for name in ("objet", "personne", "action", "du", "au"):
        assert f'<label for="id_{name}">' in content and f'id="id_{name}"' in content
    assert "style=" not in content and "onclick" not in content  # the strict CSP


def test_long_data_values_are_shortened(client, editor):
    entry(editor, "revision.declined", InnovationFactory(), note="x" * 500, numbers=[1, 2, 3], empty="",
          nested={"b": 2, "a": 1})
    client.force_login(editor)
    [row] = client.get(URL).context["rows"]
    data = dict(row.data)
    assert len(data["note"]) == 80 and data["note"].endswith("…")
    assert data["numbers"] == "1, 2, 3" and data["empty"] == "—" and data["nested"] == '{"a": 1, "b": 2}'


def test_an_entry_by_the_platform_or_about_a_deleted_object(client, editor):
    fiche = InnovationFactory(title="Une fiche disparue")
    entry(None, "role.granted", editor, role="trusted", automatic=True)
    entry(editor, "innovation.deleted", fiche)
    fiche.delete()
    client.force_login(editor)
    content = client.get(URL).content.decode()
    assert "La plateforme (automatique)" in content
    assert "Une fiche disparue" in content and "/innovations/une-fiche-disparue/" not in content


def test_objects_without_a_public_page_are_not_linked(client, editor):
    someone = UserFactory(profile__display_name="Claire Contributrice")
    entry(editor, "role.granted", someone, role="trusted")
    client.force_login(editor)
    [row] = client.get(URL).context["rows"]
    assert row.url is None and row.object_filter == f"accounts.user:{someone.pk}"


def test_an_empty_log(client, editor):
    client.force_login(editor)
    response = client.get(URL)
    assert response.status_code == 200 and "Le journal est vide." in response.content.decode()


# --- Filters -----------------------------------------------------------------------------------


@pytest.fixture
def journal(editor):
    """A small log: two fiches, two people, several actions, spread over January 2026."""
    other = UserFactory(profile__display_name="Bruno Porteur")
    garden, cafe = InnovationFactory(title="Jardin"), InnovationFactory(title="Café")
    return {
        "other": other, "garden": garden, "cafe": cafe,
        "created": entry(other, "innovation.created", garden, created_at=at(2026, 1, 2, 9, 0)),
        "submitted": entry(other, "innovation.submitted", garden, created_at=at(2026, 1, 10, 9, 0)),
        "published": entry(editor, "innovation.published", garden, created_at=at(2026, 1, 31, 23, 30)),
        "cafe_published": entry(editor, "innovation.published", cafe, created_at=at(2026, 2, 1, 0, 30)),
        "granted": entry(editor, "role.granted", other, role="trusted", created_at=at(2026, 2, 3, 10, 0)),
    }


def test_unfiltered_newest_first(client, editor, journal):
    client.force_login(editor)
    assert rows(client.get(URL)) == [journal[k] for k in ("granted", "cafe_published", "published", "submitted",
                                                          "created")]


def test_filter_by_object(client, editor, journal):
    client.force_login(editor)
    response = client.get(URL, {"objet": f"innovations.innovation:{journal['garden'].pk}"})
    assert rows(response) == [journal["published"], journal["submitted"], journal["created"]]
    assert "Actions sur <strong>Jardin</strong>" in response.content.decode()
    # Spaces and capitals are forgiven.
    response = client.get(URL, {"objet": f" Innovations.Innovation : {journal['cafe'].pk} "})
    assert rows(response) == [journal["cafe_published"]]
    response = client.get(URL, {"objet": f"accounts.user:{journal['other'].pk}"})
    assert rows(response) == [journal["granted"]]


def test_filter_by_person(client, editor, journal):
    client.force_login(editor)
    response = client.get(URL, {"personne": journal["other"].pk})
    assert rows(response) == [journal["submitted"], journal["created"]]
    assert "Actions de <strong>Bruno Porteur</strong>" in response.content.decode()
    assert rows(client.get(URL, {"personne": 10**9})) == []


def test_filter_by_a_person_whose_account_is_gone_keeps_their_name(client, editor, journal):
    other_pk = journal["other"].pk
    journal["other"].delete()
    client.force_login(editor)
    response = client.get(URL, {"personne": other_pk})
    assert len(rows(response)) == 2 and "Actions de <strong>Bruno Porteur</strong>" in response.content.decode()


def test_filter_by_action(client, editor, journal):
    client.force_login(editor)
    response = client.get(URL, {"action": "innovation.published"})
    assert rows(response) == [journal["cafe_published"], journal["published"]]
    assert '<option value="innovation.published" selected>' in response.content.decode()


def test_filter_by_dates_in_paris_time_with_the_last_day_included(client, editor, journal):
    client.force_login(editor)
    january = rows(client.get(URL, {"du": "2026-01-01", "au": "2026-01-31"}))
    # 31 January 23:30 in Paris is in January, 1 February 00:30 in Paris is not (both are 31 January in UTC).
    assert january == [journal["published"], journal["submitted"], journal["created"]]
    assert rows(client.get(URL, {"du": "2026-02-01"})) == [journal["granted"], journal["cafe_published"]]
    assert rows(client.get(URL, {"au": "2026-01-02"})) == [journal["created"]]
    assert rows(client.get(URL, {"du": "02/01/2026", "au": "10/01/2026"})) == [journal["submitted"],
                                                                              journal["created"]]


def test_filters_combine(client, editor, journal):
    client.force_login(editor)
    response = client.get(URL, {"personne": editor.pk, "action": "innovation.published", "du": "2026-02-01",
                                "objet": f"innovations.innovation:{journal['cafe'].pk}"})
    assert rows(response) == [journal["cafe_published"]]


@pytest.mark.parametrize(("params", "message"), [
    ({"objet": "n'importe quoi"}, "sous la forme « type:numéro »"),
    ({"objet": "innovations.innovation:"}, "sous la forme « type:numéro »"),
    ({"objet": "nulle.part:3"}, "Le type d&#x27;objet « nulle.part » n&#x27;existe pas."),
    ({"objet": "innovations.innovation:" + "9" * 80}, "sous la forme « type:numéro »"),
    ({"personne": "Bruno"}, "Le numéro de compte est un nombre entier."),
    ({"personne": "-3"}, "nombre entier positif"),
    ({"personne": "9" * 30}, "Ce numéro de compte n&#x27;existe pas."),
    ({"action": "tout.effacer"}, "Cette action n&#x27;existe pas dans le journal."),
    ({"du": "31/02/2026"}, "Saisissez une date"),
    ({"du": "demain"}, "Saisissez une date"),
    ({"au": "0001-01-01"}, "Choisissez une date entre 2000 et 2999."),
    ({"au": "9999-12-31"}, "Choisissez une date entre 2000 et 2999."),
    ({"suite": "abc"}, "Cette page du journal n&#x27;existe pas"),
    ({"suite": "999999999"}, "Cette page du journal n&#x27;existe pas"),
    ({"suite": "²"}, "Cette page du journal n&#x27;existe pas"),
    ({"suite": "9" * 5000}, "Cette page du journal n&#x27;existe pas"),
])
def test_a_bad_filter_is_reported_and_left_out(client, editor, journal, params, message):
    client.force_login(editor)
    response = client.get(URL, params)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Certains filtres ont été ignorés" in content and message in content
    assert len(rows(response)) == 5  # the bad filter is not applied
    assert 'role="alert"' in content


def test_a_nul_in_a_filter_never_reaches_the_database(client, editor, journal):
    # The site removes NUL characters from every query parameter (creative.core.middleware):
    # the filter reads what remains, on SQLite as on PostgreSQL (which refuses NUL in text).
    client.force_login(editor)
    response = client.get(URL, {"objet": "innovations.innovation:999999\x00"})
    assert response.status_code == 200
    assert "Certains filtres ont été ignorés" not in response.content.decode()


def test_a_bad_filter_does_not_stop_the_good_ones(client, editor, journal):
    client.force_login(editor)
    response = client.get(URL, {"personne": "Bruno", "action": "innovation.published"})
    assert rows(response) == [journal["cafe_published"], journal["published"]]
    assert "Certains filtres ont été ignorés" in response.content.decode()


def test_an_end_before_the_start_is_left_out(client, editor, journal):
    client.force_login(editor)
    response = client.get(URL, {"du": "2026-02-01", "au": "2026-01-01"})
    assert "La date de fin précède la date de début." in response.content.decode()
    assert rows(response) == [journal["granted"], journal["cafe_published"]]  # from the start date on


# --- Pages -------------------------------------------------------------------------------------


def test_pages_follow_each_other_without_gap_or_repeat(client, editor):
    fiche = InnovationFactory()
    same_instant = timezone.now()
    # More than two pages, many entries sharing the same instant (the order then follows the id).
    expected = [entry(editor, "revision.saved", fiche, created_at=same_instant if n % 3 else None, number=n)
                for n in range(2 * PAGE_SIZE + 7)]
    expected.sort(key=lambda e: (e.created_at, e.pk), reverse=True)
    client.force_login(editor)

    seen, params = [], {"action": "revision.saved"}
    for _page in range(3):
        response = client.get(URL, params)
        page = rows(response)
        seen += page
        content = response.content.decode()
        found = re.search(r'<a rel="next" href="\?([^"]+)"', content)
        if found is None:
            break
        assert len(page) == PAGE_SIZE
        params = dict(pair.split("=") for pair in found.group(1).replace("&amp;", "&").split("&"))
        assert params["action"] == "revision.saved"  # the filters follow the pages
    assert seen == expected
    assert "Entrées les plus récentes" in content  # a way back to the start


def test_a_page_costs_the_same_few_queries_and_no_count(client, editor, territories):
    client.force_login(editor)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    fiche = InnovationFactory()
    entry(editor, "innovation.created", fiche)
    few = queries()
    for n in range(30):
        entry(editor, "revision.saved", InnovationFactory(), number=n)
        entry(None, "role.granted", UserFactory(), role="trusted")
    many = queries()
    assert len(many) == len(few)
    assert not any("COUNT(" in sql.upper() for sql in many)
