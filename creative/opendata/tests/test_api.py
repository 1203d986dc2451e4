"""The read API: filters, cursor pagination, public content only, CORS, conditional requests, 429, JSON errors."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from creative.accounts.models import Profile
from creative.innovations.models import Innovation, Place, SlugRedirect
from tests.factories import InnovationFactory, ProfileFactory, UserFactory, commune

pytestmark = pytest.mark.django_db

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
API = "/api/v1/"


def get(client, path, **params):
    response = client.get(API + path, params)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def slugs(response):
    return [row["slug"] for row in response.json()["results"]]


def age(fiche, days):
    Innovation.objects.filter(pk=fiche.pk).update(updated_at=timezone.now() - timedelta(days=days))
    fiche.refresh_from_db()
    return fiche


@pytest.fixture
def fiches(territories):
    brest = InnovationFactory(title="Repair café de Brest", communes=["Brest"], themes=["numerique"],
                              status=Innovation.Status.RUNNING, contact_email="porteur.secret@exemple-prive.fr")
    plougastel = InnovationFactory(title="Jardin partagé", communes=["Plougastel-Daoulas"], themes=["solidarites"],
                                   status=Innovation.Status.IDEA)
    quimper = InnovationFactory(title="Épicerie solidaire de Quimper", communes=["Quimper"],
                                themes=["solidarites"], status=Innovation.Status.RUNNING)
    draft = InnovationFactory(title="Brouillon secret", communes=["Brest"], state=Innovation.State.DRAFT)
    hidden = InnovationFactory(title="Fiche masquée", communes=["Brest"], state=Innovation.State.HIDDEN)
    age(brest, 3)
    age(plougastel, 2)
    age(quimper, 1)
    return {"brest": brest, "plougastel": plougastel, "quimper": quimper, "draft": draft, "hidden": hidden}


# --- Fiches: filters -----------------------------------------------------------------------------

def test_the_list_holds_published_fiches_only_oldest_change_first(client, fiches):
    assert slugs(get(client, "innovations/")) == [fiches[k].slug for k in ("brest", "plougastel", "quimper")]


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "repair"}, ["brest"]),
    ({"theme": "solidarites"}, ["plougastel", "quimper"]),
    ({"theme": ["numerique", "solidarites"]}, ["brest", "plougastel", "quimper"]),
    ({"territory": "pays-de-brest"}, ["brest", "plougastel"]),
    ({"territory": "quimper"}, ["quimper"]),
    ({"kind": "association"}, ["brest", "plougastel", "quimper"]),
    ({"status": "idee"}, ["plougastel"]),
    ({"status": ["idee", "en-cours"], "theme": "solidarites"}, ["plougastel", "quimper"]),
])
def test_each_filter(client, fiches, params, expected):
    assert slugs(get(client, "innovations/", **params)) == [fiches[k].slug for k in expected]


def test_kind_filter_excludes_other_kinds(client, fiches):
    from creative.innovations.models import CarrierKind

    other = CarrierKind.objects.exclude(slug="association").first()
    Innovation.objects.filter(pk=fiches["quimper"].pk).update(carrier_kind=other)
    assert fiches["quimper"].slug not in slugs(get(client, "innovations/", kind="association"))
    assert slugs(get(client, "innovations/", kind=other.slug)) == [fiches["quimper"].slug]


def test_bbox_keeps_fiches_with_a_place_inside(client, fiches):
    brest = commune("Brest")
    box = f"{brest.longitude - 0.01},{brest.latitude - 0.01},{brest.longitude + 0.01},{brest.latitude + 0.01}"
    assert slugs(get(client, "innovations/", bbox=box)) == [fiches["brest"].slug]
    # A precise point outside the commune's reference point counts where it is.
    Place.objects.create(innovation=fiches["quimper"], commune=commune("Quimper"),
                         latitude=brest.latitude, longitude=brest.longitude)
    assert slugs(get(client, "innovations/", bbox=box)) == [fiches["brest"].slug, fiches["quimper"].slug]


def test_updated_since(client, fiches):
    since = (timezone.now() - timedelta(days=2, hours=1)).isoformat()
    assert slugs(get(client, "innovations/", updated_since=since)) == [fiches["plougastel"].slug,
                                                                       fiches["quimper"].slug]
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert fiches["quimper"].slug in slugs(get(client, "innovations/", updated_since=day))
    assert get(client, "innovations/", updated_since="hier").status_code == 400


@pytest.mark.parametrize("params", [
    {"theme": "inconnu"}, {"territory": "nulle-part"}, {"status": "fini"}, {"kind": "x"},
    {"bbox": "1,2,3"}, {"bbox": "a,b,c,d"}, {"bbox": "0,50,1,40"}, {"cursor": "pas-un-curseur"},
    {"cursor": "W10"}, {"q": "le la les"},
])
def test_bad_filters_are_400_json_naming_the_problem(client, fiches, params):
    response = get(client, "innovations/", **params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_unknown_value_is_named(client, fiches):
    assert "inconnu" in get(client, "innovations/", theme="inconnu").json()["detail"]


@pytest.mark.parametrize("limit", ["0", "101", "abc"])
def test_bad_limit_is_422_json(client, fiches, limit):
    response = get(client, "innovations/", limit=limit)
    assert response.status_code == 422
    assert "limit" in response.json()["errors"]


# --- Cursor pagination ---------------------------------------------------------------------------

def test_cursor_pagination_is_stable_across_inserts_and_updates(client, territories):
    created = [InnovationFactory(title=f"Fiche {i}", communes=["Brest"]) for i in range(7)]
    for i, fiche in enumerate(created):
        Innovation.objects.filter(pk=fiche.pk).update(updated_at=timezone.now() - timedelta(hours=10 - i))
    first = get(client, "innovations/", limit=3).json()
    assert [r["slug"] for r in first["results"]] == [f.slug for f in created[:3]]
    # While the client reads, a fiche is added and one already read changes: both go to the end.
    added = InnovationFactory(title="Nouvelle venue", communes=["Brest"])
    created[0].pitch = "Changée"
    created[0].save()
    seen = [r["slug"] for r in first["results"]]
    next_url = first["next"]
    assert "limit=3" in next_url and "cursor=" in next_url
    while next_url:
        page = client.get(next_url).json()
        seen += [r["slug"] for r in page["results"]]
        next_url = page["next"]
    assert seen[:7] == [f.slug for f in created]  # nothing skipped, nothing shifted
    assert set(seen[7:]) == {added.slug, created[0].slug}


def test_ties_on_updated_at_are_broken_by_id(client, territories):
    fiches = [InnovationFactory(communes=["Brest"]) for _ in range(5)]
    moment = timezone.now() - timedelta(days=1)
    Innovation.objects.filter(pk__in=[f.pk for f in fiches]).update(updated_at=moment)
    seen, url = [], API + "innovations/?limit=2"
    while url:
        page = client.get(url).json()
        seen += [r["slug"] for r in page["results"]]
        url = page["next"]
    assert seen == [f.slug for f in sorted(fiches, key=lambda f: f.pk)]


def test_other_lists_paginate_by_id(client, territories):
    page = get(client, "territories/", limit=5, level="commune").json()
    assert len(page["results"]) == 5 and page["next"]
    second = client.get(page["next"]).json()
    assert {r["slug"] for r in second["results"]}.isdisjoint({r["slug"] for r in page["results"]})


# --- Detail and the other resources -------------------------------------------------------------

def test_detail_has_sections_places_licence_authors_and_provenance(client, fiches):
    from creative.innovations.models import Answer, Authorship, Section

    fiche = fiches["brest"]
    author = UserFactory(email="autrice.privee@exemple-prive.fr", profile__display_name="Maëlle Autrice")
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    section = Section.objects.active().first()
    Answer.objects.create(innovation=fiche, section=section, body="Né d'un **atelier**.")
    data = get(client, f"innovations/{fiche.slug}/").json()
    assert data["title"] == "Repair café de Brest"
    assert data["sections"] == [{"slug": section.slug, "title": section.title, "body": "Né d'un **atelier**."}]
    assert data["places"][0]["commune"]["name"] == "Brest" and data["places"][0]["precise"] is False
    assert {t["slug"] for t in data["territories"]} >= {"brest", "pays-de-brest"}
    assert data["themes"][0]["slug"] == "numerique" and data["kind"]["slug"] == "association"
    assert data["licence"]["code"] == "CC-BY-SA-4.0" and data["licence"]["url"].startswith("https://creativecommons")
    assert data["authors"] == [{"name": "Maëlle Autrice", "url": None}]
    assert data["original_url"] == data["url"] == f"http://testserver/innovations/{fiche.slug}/"
    assert "Maëlle Autrice" in data["attribution"] and data["provenance"] is None


def test_unpublished_fiches_are_404_and_old_slugs_redirect(client, fiches):
    for key in ("draft", "hidden"):
        response = get(client, f"innovations/{fiches[key].slug}/")
        assert response.status_code == 404 and response.json()["detail"]
    SlugRedirect.objects.create(old_slug="ancien-nom", innovation=fiches["brest"])
    response = client.get(API + "innovations/ancien-nom/")
    assert response.status_code == 301 and response["Location"].endswith(f"/innovations/{fiches['brest'].slug}/")


def test_people_are_public_profiles_only_without_email(client, territories):
    public = UserFactory(email="visible.privee@exemple-prive.fr", profile__display_name="Anne Publique")
    Profile.objects.filter(user=public).update(is_public=True, bio="Bénévole.", links="https://anne.example.org")
    UserFactory(email="cachee.privee@exemple-prive.fr", profile__display_name="Bruno Discret")
    data = get(client, "people/").json()
    assert [p["name"] for p in data["results"]] == ["Anne Publique"]
    assert data["results"][0]["links"] == ["https://anne.example.org"]


def test_every_resource_answers_and_no_email_anywhere(client, fiches):
    from creative.events.models import Event
    from creative.network.models import Organisation

    Profile.objects.update(is_public=True)
    ProfileFactory(display_name="Personne publique", is_public=True)
    Organisation.objects.create(name="Asso visible")
    Organisation.objects.create(name="Asso masquée", visibility="hidden")
    start = timezone.now() + timedelta(days=3)
    Event.objects.create(title="Atelier", starts_at=start, ends_at=start + timedelta(hours=2),
                         state=Event.State.PUBLISHED, online_url="https://visio.example.org/secret-room")
    Event.objects.create(title="Proposé", starts_at=start, ends_at=start, state=Event.State.PROPOSED)
    texts = []
    for path in ("innovations/", f"innovations/{fiches['brest'].slug}/", "territories/", "territories/brest/",
                 "themes/", "kinds/", "sections/", "events/", "organisations/", "people/", "articles/",
                 "reproductions/", "openapi.json", ""):
        response = get(client, path)
        assert response.status_code == 200, path
        texts.append(response.content.decode())
    everything = "\n".join(texts)
    assert not EMAIL_RE.findall(everything.replace("\\u00e9", "é"))
    assert "exemple-prive" not in everything and "porteur.secret" not in everything
    assert "secret-room" not in everything and "Proposé" not in everything and "Asso masquée" not in everything
    assert "Brouillon secret" not in everything and "Fiche masquée" not in everything
    events = json.loads(texts[7])["results"]
    assert [e["title"] for e in events] == ["Atelier"]


# --- CORS, conditional requests, HEAD, rate limit, errors -------------------------------------------------

def test_reads_are_open_to_every_origin_writes_are_not(client, fiches):
    assert get(client, "innovations/")["Access-Control-Allow-Origin"] == "*"
    assert get(client, "nowhere/")["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(API + "innovations/", HTTP_ORIGIN="https://partenaire.example.org",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    write = client.post(API + "innovations/", {}, content_type="application/json")
    assert write.status_code == 401 and not write.has_header("Access-Control-Allow-Origin")


def test_etag_and_last_modified_give_304(client, fiches):
    path = f"innovations/{fiches['brest'].slug}/"
    first = get(client, path)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag and last_modified
    again = client.get(API + path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(API + path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    listing = get(client, "innovations/")
    assert client.get(API + "innovations/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304
    fiches["brest"].pitch = "Changé"
    fiches["brest"].save()
    assert client.get(API + path, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get(API + "innovations/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 200


def test_head_is_a_get_without_body(client, fiches):
    response = client.head(API + "innovations/")
    assert response.status_code == 200 and response.content == b"" and response["ETag"]


def test_rate_limit_answers_429_json_with_retry_after(client, fiches, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert get(client, "themes/").status_code == 200
    response = get(client, "themes/")
    assert response.status_code == 429
    assert "3 par minute" in response.json()["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another address is counted apart.
    assert client.get(API + "themes/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_errors_are_json(client, fiches):
    assert get(client, "nowhere/").status_code == 404
    not_allowed = client.delete(API + "themes/")
    assert not_allowed.status_code == 405 and not_allowed.json()["detail"] and "GET" in not_allowed["Allow"]
    assert client.put(API + "innovations/", "{}", content_type="application/json").status_code == 405
    assert client.get(API + "innovations").status_code == 301  # the missing slash
    assert get(client, "territories/", level="planete").status_code == 400


def test_openapi_document_is_3_1_with_bearer_security(client):
    doc = get(client, "openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert doc["paths"]["/api/v1/innovations/"]["post"]["security"] == [{"BearerToken": []}]
    assert "security" not in doc["paths"]["/api/v1/innovations/"]["get"]
    assert client.get(API + "docs").status_code == 404  # no Swagger page (its scripts come from a CDN)


def test_docs_page(client, fiches):
    response = client.get("/donnees-ouvertes/api/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/openapi.json" in text and "curl" in text and "Retry-After" in text and "Bearer" in text
    assert "<script>" not in text
