"""The public pages count their views: fiche, event, territory; the fiche list records the
searches that found nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creative.accounts.roles import Role, grant
from creative.events.models import Event
from creative.innovations.models import Innovation
from creative.stats import counting
from creative.stats.models import SearchMiss, ViewCount
from tests.factories import InnovationFactory, UserFactory, commune

from .conftest import FIREFOX

pytestmark = pytest.mark.django_db
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def counted(kind, obj):
    counting.flush()
    return sum(ViewCount.objects.filter(kind=kind, object_id=obj.pk).values_list("views", flat=True))


def test_fiche_page_counts_readers_not_bots_nor_previews(client, territories):
    fiche = InnovationFactory(communes=["Brest"])
    url = fiche.get_absolute_url()
    assert client.get(url, HTTP_USER_AGENT=BOT).status_code == 200
    assert client.get(url).status_code == 200  # the test client sends no user agent: a script
    assert client.get(url, HTTP_USER_AGENT=FIREFOX, HTTP_SEC_PURPOSE="prefetch").status_code == 200
    assert counted("innovation", fiche) == 0
    assert client.get(url, HTTP_USER_AGENT=FIREFOX).status_code == 200
    assert client.get(url, HTTP_USER_AGENT=FIREFOX).status_code == 200
    assert counted("innovation", fiche) == 1
    assert "Set-Cookie" not in client.get(url, HTTP_USER_AGENT=FIREFOX).headers


def test_a_draft_fiche_preview_is_not_counted(client, territories):
    draft = InnovationFactory(state=Innovation.State.DRAFT)
    admin = UserFactory()
    grant(admin, Role.ADMINISTRATOR)
    client.force_login(admin)
    assert client.get(draft.get_absolute_url(), HTTP_USER_AGENT=FIREFOX).status_code == 200
    assert counted("innovation", draft) == 0
    client.logout()
    assert client.get(draft.get_absolute_url(), HTTP_USER_AGENT=FIREFOX).status_code == 404
    assert counted("innovation", draft) == 0


def test_event_page_counts_public_events_only(client, territories):
    start = timezone.now() + timedelta(days=5)
    event = Event.objects.create(title="Atelier vélo", starts_at=start, ends_at=start + timedelta(hours=2),
                                 state=Event.State.PUBLISHED, commune=commune("Brest"))
    proposed = Event.objects.create(title="Proposé", starts_at=start, ends_at=start + timedelta(hours=2),
                                    state=Event.State.PROPOSED, commune=commune("Brest"))
    assert client.get(event.get_absolute_url(), HTTP_USER_AGENT=FIREFOX).status_code == 200
    assert client.get(event.get_absolute_url(), HTTP_USER_AGENT=BOT).status_code == 200
    assert client.get(proposed.get_absolute_url(), HTTP_USER_AGENT=FIREFOX).status_code == 404
    assert counted("event", event) == 1
    assert counted("event", proposed) == 0


def test_territory_page_counts(client, territories):
    brest = commune("Brest")
    url = reverse("territories:detail", args=[brest.slug])
    assert client.get(url, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.1").status_code == 200
    assert client.get(url, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.2").status_code == 200
    assert client.get(url, HTTP_USER_AGENT=BOT).status_code == 200
    assert counted("territory", brest) == 2


def test_views_are_written_after_the_request_when_due(client, territories, settings):
    settings.STATS_FLUSH_EVERY = 2
    fiche = InnovationFactory()
    client.get(fiche.get_absolute_url(), HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.1")
    assert not ViewCount.objects.exists()
    client.get(fiche.get_absolute_url(), HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.2")
    # request_finished flushed the buffer: no explicit flush.
    assert ViewCount.objects.get(kind="innovation", object_id=fiche.pk).views == 2


def test_a_search_that_found_nothing_is_recorded(client, territories):
    InnovationFactory(title="Repair café", communes=["Brest"])
    url = reverse("innovations:list")
    assert client.get(url, {"q": "Ferme  Aquaponique"}, HTTP_USER_AGENT=FIREFOX).status_code == 200
    here = {"q": "ferme aquaponique", "territoire": "brest"}
    assert client.get(url, here, HTTP_USER_AGENT=FIREFOX).status_code == 200
    assert client.get(url, {"q": "ferme aquaponique"}, HTTP_USER_AGENT=BOT).status_code == 200
    assert client.get(url, {"q": "repair"}, HTTP_USER_AGENT=FIREFOX).status_code == 200  # found something
    assert client.get(url, {"theme": "inconnu"}, HTTP_USER_AGENT=FIREFOX).status_code == 200  # no query
    misses = {(m.query, m.territory_id): m.count for m in SearchMiss.objects.all()}
    assert misses == {("ferme aquaponique", None): 1, ("ferme aquaponique", commune("Brest").pk): 1}


def test_article_page_counts_public_articles_only(client, db):
    from creative.magazine.tests.test_public import make_article

    public = make_article("Vingt-cinq innovations sociales")
    draft = make_article("Un brouillon", state="draft")
    editor = UserFactory(roles=[Role.ADMINISTRATOR])
    assert client.get(public.get_absolute_url(), HTTP_USER_AGENT=BOT).status_code == 200
    assert client.get(public.get_absolute_url(), HTTP_USER_AGENT=FIREFOX).status_code == 200
    assert client.get(public.get_absolute_url(), HTTP_USER_AGENT=FIREFOX).status_code == 200
    client.force_login(editor)
    assert client.get(draft.get_absolute_url(), HTTP_USER_AGENT=FIREFOX).status_code == 200  # seen, not counted
    assert counted("article", public) == 1
    assert counted("article", draft) == 0
