"""The editors' dashboard: who sees it and what, the freshness requests, the searches that found nothing."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from creative.audit.models import AuditEntry
from creative.core.mail import render_templated_mail
from creative.innovations.models import Authorship, Innovation, Section
from creative.network.models import TeamMember
from creative.observatory import freshness
from creative.observatory.models import FreshnessRequest
from creative.stats.counting import today
from creative.stats.models import SearchMiss
from creative.territories.models import Territory
from tests.factories import UserFactory

from .conftest import at, fiche

OLD = timezone.now() - timedelta(days=800)


def make_old(innovation, when=OLD):
    Innovation.objects.filter(pk=innovation.pk).update(updated_at=when)
    innovation.refresh_from_db()
    return innovation


@pytest.fixture
def old_fiche(people):
    """A published fiche in Brest, unchanged for 800 days, with an author and a carrier."""
    innovation = fiche("Jardin partagé", at(2022, 3), communes=["Brest"])
    Authorship.objects.create(innovation=innovation, user=people["author"], is_creator=True)
    TeamMember.objects.create(innovation=innovation, user=people["carrier"], kind=TeamMember.Kind.CARRIER)
    return make_old(innovation)


def page(client, user):
    client.force_login(user)
    return client.get(reverse("observatory:dashboard"))


# Who sees it --------------------------------------------------------------------------------------

def test_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("observatory:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona, status", [
    ("author", 403), ("contributor", 403), ("moderator", 403),
    ("editor", 200), ("editor_elsewhere", 200), ("administrator", 200),
])
def test_only_editors_and_administrators_see_the_dashboard(client, people, persona, status):
    assert page(client, people[persona]).status_code == status


def test_the_dashboard_link_is_in_the_editors_navigation(client, people):
    url = reverse("observatory:dashboard")
    assert f'href="{url}"' in page(client, people["editor"]).content.decode()
    client.force_login(people["contributor"])
    assert f'href="{url}"' not in client.get("/").content.decode()


def test_old_fiches_are_listed_within_the_editors_scope(client, people, old_fiche):
    recent = fiche("Récente", at(2026, 1), communes=["Brest"])
    draft = make_old(fiche("Brouillon ancien", None, communes=["Brest"], state=Innovation.State.DRAFT))
    html = page(client, people["editor"]).content.decode()
    section = html.split('id="anciennes"', 1)[1].split("</section>", 1)[0]
    assert old_fiche.title in section
    assert recent.title not in section and draft.title not in section
    assert reverse("observatory:ask_freshness", args=[old_fiche.pk]) in section
    assert old_fiche.title not in page(client, people["editor_elsewhere"]).content.decode()
    assert old_fiche.title in page(client, people["administrator"]).content.decode()


def test_old_fiches_are_paginated(client, people):
    for n in range(23):
        make_old(fiche(f"Ancienne {n:02d}", at(2022, 1), communes=["Brest"]))
    client.force_login(people["editor"])
    first = client.get(reverse("observatory:dashboard")).content.decode()
    assert "Page 1 sur 2" in first and "Ancienne 00" in first and "Ancienne 22" not in first
    second = client.get(reverse("observatory:dashboard"), {"page_anciennes": 2}).content.decode()
    assert "Ancienne 22" in second


def test_waiting_items_are_counted_with_links_to_the_queues(client, people):
    fiche("Soumise à Brest", None, communes=["Brest"], state=Innovation.State.SUBMITTED)
    fiche("Soumise à Quimper", None, communes=["Quimper"], state=Innovation.State.SUBMITTED)
    html = page(client, people["editor"]).content.decode()
    waiting = html.split('id="en-attente"', 1)[1].split("</section>", 1)[0]
    assert f'href="{reverse("editorial:queue")}#soumises"><span class="count">1</span>' in waiting
    assert reverse("events:review_queue") in waiting
    assert reverse("magazine:queue") in waiting
    html = page(client, people["administrator"]).content.decode()
    assert f'href="{reverse("editorial:queue")}#soumises"><span class="count">2</span>' in html


def test_fiches_with_missing_sections_name_them(client, people):
    sections = list(Section.objects.active())
    complete = fiche("Complète", at(2026, 1), communes=["Brest"],
                     answers={s.slug: "Une réponse." for s in sections})
    partial = fiche("Partielle", at(2026, 1), communes=["Brest"],
                    answers={s.slug: "Une réponse." for s in sections[1:]})
    html = unescape(page(client, people["editor"]).content.decode())
    section = html.split('id="incompletes"', 1)[1].split("</section>", 1)[0]
    assert partial.title in section and complete.title not in section
    line = section.split(partial.title, 1)[1].split("</li>", 1)[0]
    assert sections[0].title in line and sections[1].title not in line


def test_searches_that_found_nothing_are_scoped_to_the_editors_territories(client, people):
    day = today()
    brest = Territory.objects.get(slug="brest")
    quimper = Territory.objects.get(slug="quimper")
    SearchMiss.objects.create(day=day, query="couveuse", territory=brest, count=4)
    SearchMiss.objects.create(day=day, query="crêperie solidaire", territory=quimper, count=2)
    SearchMiss.objects.create(day=day - timedelta(days=40), query="trop ancienne", territory=brest, count=9)
    html = unescape(page(client, people["editor"]).content.decode())
    section = html.split('id="recherches"', 1)[1].split("</section>", 1)[0]
    assert "couveuse" in section and "<td>4</td>" in section
    assert "crêperie solidaire" not in section and "trop ancienne" not in section
    html = unescape(page(client, people["administrator"]).content.decode())
    assert "couveuse" in html and "crêperie solidaire" in html


def test_the_most_read_items_of_the_territory(client, people):
    from creative.stats.models import ViewCount

    brest_fiche = fiche("Lue à Brest", at(2026, 1), communes=["Brest"])
    quimper_fiche = fiche("Lue à Quimper", at(2026, 1), communes=["Quimper"])
    for innovation in (brest_fiche, quimper_fiche):
        ViewCount.objects.create(kind="innovation", object_id=innovation.pk, day=today(), views=3)
    html = page(client, people["editor"]).content.decode()
    section = html.split('id="plus-lus"', 1)[1].split("</section>", 1)[0]
    assert "Lue à Brest" in section and "Lue à Quimper" not in section


# Asking for a check -------------------------------------------------------------------------------

def ask(client, user, innovation):
    client.force_login(user)
    return client.post(reverse("observatory:ask_freshness", args=[innovation.pk]), {"page_anciennes": "1"})


def queued_recipients():
    return sorted(r.args_kwargs["args"][2][0] for r in DBTaskResult.objects.all()
                  if r.args_kwargs["args"][0] == "observatory_freshness")


def test_asking_mails_the_authors_and_carriers_records_and_audits(client, people, old_fiche,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, people["editor"], old_fiche)
    assert response.status_code == 302
    assert response["Location"] == reverse("observatory:dashboard") + "?page_anciennes=1#anciennes"
    assert queued_recipients() == sorted([people["author"].email, people["carrier"].email])
    request = FreshnessRequest.objects.get(innovation=old_fiche)
    assert request.requested_by == people["editor"] and request.recipients == 2
    entry = AuditEntry.objects.get(action="observatory.freshness_requested")
    assert entry.actor == people["editor"] and entry.target_id == str(old_fiche.pk)
    assert entry.data == {"recipients": 2}
    assert entry.label == "vérification d'une fiche demandée à ses porteurs"
    followed = client.get(response["Location"]).content.decode()
    assert "Demande de vérification envoyée" in unescape(followed)


def test_the_mail_carries_the_edit_link(settings, old_fiche):
    context = {"title": old_fiche.title, "edit_url": "https://exemple.fr/contribuer/1/identite/",
               "public_url": "https://exemple.fr/f/", "actor": "Anne", "updated": "3 mars 2024"}
    mail = render_templated_mail("observatory_freshness", context)
    assert mail.subject == f"« {old_fiche.title} » est-elle toujours à jour ?"
    for part in (mail.text, mail.html):
        assert "https://exemple.fr/contribuer/1/identite/" in part
        assert "3 mars 2024" in part and "Anne" in part


def test_the_edit_link_of_the_real_request(people, old_fiche, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        freshness.ask(old_fiche, people["editor"])
    context = next(r.args_kwargs["args"][1] for r in DBTaskResult.objects.all())
    assert context["edit_url"].endswith(reverse("editorial:edit", args=[old_fiche.pk, "identite"]))


def test_a_second_request_within_30_days_is_refused(client, people, old_fiche):
    ask(client, people["editor"], old_fiche)
    response = ask(client, people["administrator"], old_fiche)
    assert FreshnessRequest.objects.count() == 1
    html = unescape(client.get(response["Location"]).content.decode())
    assert "Une demande de vérification a déjà été envoyée pour « Jardin partagé »" in html
    assert "attendez au moins 30 jours" in html
    assert AuditEntry.objects.filter(action="observatory.freshness_requested").count() == 1
    # The button is gone while a request is recent.
    assert reverse("observatory:ask_freshness", args=[old_fiche.pk]) not in html


def test_after_30_days_one_may_ask_again(people, old_fiche):
    FreshnessRequest.objects.create(innovation=old_fiche, requested_by=people["editor"],
                                    requested_at=timezone.now() - timedelta(days=31))
    freshness.ask(old_fiche, people["editor"])
    assert FreshnessRequest.objects.count() == 2


def test_editors_elsewhere_and_others_may_not_ask(client, people, old_fiche):
    assert ask(client, people["editor_elsewhere"], old_fiche).status_code == 403
    assert ask(client, people["contributor"], old_fiche).status_code == 403
    client.logout()
    assert client.post(reverse("observatory:ask_freshness", args=[old_fiche.pk])).status_code == 302
    assert not FreshnessRequest.objects.exists()


def test_asking_needs_a_post(client, people, old_fiche):
    client.force_login(people["editor"])
    assert client.get(reverse("observatory:ask_freshness", args=[old_fiche.pk])).status_code == 405


def test_a_fiche_without_anybody_to_ask_is_refused_clearly(client, people):
    lonely = make_old(fiche("Sans auteur", at(2022, 1), communes=["Brest"]))
    response = ask(client, people["editor"], lonely)
    assert not FreshnessRequest.objects.exists()
    assert "n'a ni auteur ni porteur joignable" in unescape(client.get(response["Location"]).content.decode())


def test_inactive_authors_get_nothing(people, old_fiche):
    gone = UserFactory(is_active=False)
    Authorship.objects.create(innovation=old_fiche, user=gone)
    assert gone not in freshness.recipients_of(old_fiche)
    assert len(freshness.recipients_of(old_fiche)) == 2
