"""Composing the weekly letter: each source over a controlled week, the order, the subject and
number, snapshots, bounded queries, the registry, and the editors' item services."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creative.audit.models import AuditEntry
from creative.calls.models import CallForHelp
from creative.events import editing
from creative.events.models import Event, EventKind
from creative.innovations.models import Innovation, Theme
from creative.letters import composition
from creative.letters.composition import ItemDraft, compose_issue
from creative.letters.models import Issue, IssueItem
from creative.reuse.models import Reproduction
from creative.territories.models import Territory
from tests.factories import InnovationFactory, UserFactory, commune

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Monday 24 November 2025, 06:00 in Brest: the week covered is 17 → 24 November.
END = datetime.datetime(2025, 11, 24, 6, 0, tzinfo=PARIS)
START = END - datetime.timedelta(days=7)
IN = START + datetime.timedelta(days=2)
BEFORE = START - datetime.timedelta(hours=1)
Kind = IssueItem.Kind


def fiche(title, *, published_at=IN, communes=("Brest",), themes=("numerique",), **fields):
    return InnovationFactory(title=title, published_at=published_at, communes=list(communes), themes=list(themes),
                             **fields)


def event(title, *, starts_in_days=3, commune_name="Brest", state=Event.State.PUBLISHED, themes=("numerique",)):
    start = END + datetime.timedelta(days=starts_in_days)
    saved = editing.save_event(Event(
        title=title, description="Un **atelier** pour apprendre ensemble.", kind=EventKind.objects.first(),
        starts_at=start, ends_at=start + datetime.timedelta(hours=2),
        commune=commune(commune_name) if commune_name else None, is_online=commune_name is None, state=state,
    ))
    saved.themes.set(Theme.objects.filter(slug__in=themes))
    return saved


def call(fiche_obj, title, *, created_at=IN, **fields):
    made = CallForHelp.objects.create(innovation=fiche_obj, kind="volunteers", title=title,
                                      description="Le samedi *matin*.", **fields)
    CallForHelp.objects.filter(pk=made.pk).update(created_at=created_at)
    return made


def titles(issue):
    return list(issue.items.order_by("position").values_list("title", flat=True))


def item(issue, title):
    return issue.items.get(title=title)


def slugs(queryset):
    return {obj.slug for obj in queryset}


@pytest.fixture
def brest_levels(territories):
    brest = Territory.objects.get(slug="brest")
    return {t.slug for t in (*brest.ancestors, brest)}


# Sources ------------------------------------------------------------------------------------------

def test_new_fiches_of_the_week_only_published_ones(territories, brest_levels):
    fiche("Le repair café", pitch="On répare ensemble, le samedi.")
    fiche("Trop ancienne", published_at=BEFORE)
    fiche("Trop récente", published_at=END + datetime.timedelta(minutes=1))
    fiche("Brouillon", state=Innovation.State.DRAFT)
    fiche("Archivée", state=Innovation.State.ARCHIVED)
    issue = compose_issue(period_end=END)
    assert titles(issue) == ["Le repair café"]
    entry = item(issue, "Le repair café")
    saved = Innovation.objects.get(title="Le repair café")
    assert entry.kind == Kind.INNOVATION
    assert entry.summary == "On répare ensemble, le samedi."
    assert entry.url == f"/innovations/{saved.slug}/"
    assert entry.source_key == f"innovations.innovation:{saved.pk}"
    # Every level containing the fiche's commune, from the commune to the région.
    assert slugs(entry.territories.all()) == brest_levels
    assert slugs(entry.themes.all()) == {"numerique"}
    assert (issue.period_start, issue.period_end, issue.state) == (START, END, Issue.State.DRAFT)


def test_upcoming_published_events(territories, brest_levels):
    event("Atelier vélo", starts_in_days=3)
    event("Dans trois semaines moins un jour", starts_in_days=20)
    event("Trop loin", starts_in_days=22)
    event("Déjà passé", starts_in_days=-1)
    event("Proposé", state=Event.State.PROPOSED)
    event("Annulé", state=Event.State.CANCELLED)
    event("Webinaire", commune_name=None, starts_in_days=5)
    issue = compose_issue(period_end=END)
    assert titles(issue) == ["Atelier vélo", "Webinaire", "Dans trois semaines moins un jour"]
    velo = item(issue, "Atelier vélo")
    assert velo.kind == Kind.EVENT
    assert velo.when == "jeudi 27 novembre à 06:00 — Brest"
    assert velo.summary == "Un atelier pour apprendre ensemble."  # Markdown flattened to text
    assert velo.url.startswith("/agenda/")
    assert slugs(velo.territories.all()) == brest_levels
    webinar = item(issue, "Webinaire")
    assert webinar.when.endswith("— en ligne")
    assert not webinar.territories.exists()  # online: for everybody


def test_open_calls_created_during_the_week(territories, brest_levels):
    published = fiche("Le jardin partagé", published_at=BEFORE, communes=("Plouzané",), themes=("alimentation",))
    hidden = fiche("Brouillon", published_at=BEFORE, state=Innovation.State.DRAFT)
    call(published, "Des bras pour bêcher")
    call(published, "Appel ancien", created_at=BEFORE)
    call(published, "Appel pourvu", status=CallForHelp.Status.FULFILLED)
    call(published, "Appel échu", ends_on=datetime.date(2025, 11, 20))
    call(hidden, "Appel d'une fiche non publiée")
    issue = compose_issue(period_end=END)
    assert titles(issue) == ["Des bras pour bêcher"]
    entry = item(issue, "Des bras pour bêcher")
    assert entry.kind == Kind.CALL
    assert entry.url == f"/innovations/{published.slug}/#appels-a-l-aide"
    assert entry.summary.startswith("« Le jardin partagé » cherche : bénévoles.")
    assert "Plouzané".lower() in {t.name.lower() for t in entry.territories.all()}
    assert "pays-de-brest" in slugs(entry.territories.all())
    assert slugs(entry.themes.all()) == {"alimentation"}


def test_reproductions_declared_or_confirmed_during_the_week(territories):
    original = fiche("Le repair café", published_at=BEFORE)
    derived = fiche("Le repair café de Crozon", published_at=BEFORE, communes=("Crozon",), themes=("solidarites",))
    confirmed_late = fiche("Inspiré il y a longtemps", published_at=BEFORE)
    old = fiche("Déclaré il y a longtemps", published_at=BEFORE)
    refused = fiche("Lien refusé", published_at=BEFORE)
    Reproduction.objects.create(original=original, derived=derived, adapted="Le même, à Crozon.")
    link = Reproduction.objects.create(original=original, derived=confirmed_late, kind=Reproduction.Kind.INSPIRATION,
                                       status=Reproduction.Status.CONFIRMED, decided_at=IN)
    Reproduction.objects.create(original=original, derived=old)
    Reproduction.objects.create(original=original, derived=refused, status=Reproduction.Status.DECLINED)
    Reproduction.objects.filter(pk=link.pk).update(declared_at=BEFORE - datetime.timedelta(days=30))
    Reproduction.objects.filter(derived__in=[derived, refused]).update(declared_at=IN)
    Reproduction.objects.filter(derived=old).update(declared_at=BEFORE)
    issue = compose_issue(period_end=END)
    assert set(titles(issue)) == {
        "« Le repair café de Crozon » reproduit « Le repair café »",
        "« Inspiré il y a longtemps » s'inspire de « Le repair café »",
    }
    entry = issue.items.get(title__contains="Crozon")
    assert entry.kind == Kind.REPRODUCTION
    assert entry.summary == "Le même, à Crozon."
    assert entry.url == f"/innovations/{derived.slug}/#essaimage"
    assert "crozon" in slugs(entry.territories.all())
    assert slugs(entry.themes.all()) == {"solidarites"}


def test_order_of_the_letter_and_an_article_source(territories):
    fiche_obj = fiche("Une fiche")
    event("Un atelier")
    call(fiche_obj, "Un appel")

    def articles(period_start, period_end):
        assert (period_start, period_end) == (START, END)
        return [ItemDraft(kind=Kind.ARTICLE, title="Un article", url="/magazine/un-article/",
                          source_key="magazine.article:1")]

    composition.register_source(Kind.ARTICLE, articles, position=20)
    try:
        issue = compose_issue(period_end=END)
    finally:
        composition.unregister_source(Kind.ARTICLE)
    assert titles(issue) == ["Une fiche", "Un article", "Un atelier", "Un appel"]
    assert list(issue.items.order_by("position").values_list("position", flat=True)) == [0, 1, 2, 3]


def test_a_source_key_is_added_once(territories):
    def twice(period_start, period_end):
        draft = ItemDraft(kind=Kind.LINK, title="Deux fois", url="https://example.org/", source_key="x:1")
        return [draft, draft]

    composition.register_source("twice", twice, position=99)
    try:
        issue = compose_issue(period_end=END)
    finally:
        composition.unregister_source("twice")
    assert titles(issue) == ["Deux fois"]


def test_an_event_already_in_a_letter_gone_out_is_not_announced_again(territories):
    event("Atelier vélo", starts_in_days=10)
    first = compose_issue(period_end=END - datetime.timedelta(days=7))
    assert titles(first) == ["Atelier vélo"]
    # Still a draft: the next week's composition proposes it too.
    assert titles(compose_issue(period_end=END)) == ["Atelier vélo"]
    Issue.objects.filter(pk=first.pk).update(state=Issue.State.SENT)
    assert titles(compose_issue(period_end=END)) == []


def test_subject_number_and_audit(territories):
    Issue.objects.create(number=11, subject="Ancienne", period_start=START, period_end=START)
    editor = UserFactory()
    issue = compose_issue(period_end=END, user=editor)
    assert issue.number == 12
    assert issue.subject == "La lettre de Brest Créative n° 12 — semaine du 17 novembre"
    assert issue.created_by == editor
    entry = AuditEntry.objects.get(action="letters.issue.composed")
    assert entry.actor == editor and entry.target_id == str(issue.pk) and entry.data["items"] == 0
    assert composition.french_day(datetime.date(2025, 12, 1)) == "1er décembre"


def test_the_snapshot_outlives_the_fiche(territories):
    fiche("Une fiche éphémère", pitch="Elle va disparaître.")
    issue = compose_issue(period_end=END)
    Innovation.objects.filter(title="Une fiche éphémère").delete()
    entry = issue.items.get()
    assert (entry.title, entry.summary) == ("Une fiche éphémère", "Elle va disparaître.")
    assert entry.territories.exists()


def test_summaries_are_plain_and_short(territories):
    long_text = "**Gras** " + "mot " * 200
    event("Long", starts_in_days=2)
    Event.objects.filter(title="Long").update(description=long_text)
    issue = compose_issue(period_end=END)
    summary = issue.items.get().summary
    assert len(summary) <= composition.SUMMARY_CHARS and summary.endswith("…")
    assert "**" not in summary and summary.startswith("Gras mot")


def test_queries_do_not_grow_with_the_items(territories):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            compose_issue(period_end=END)
        return len(queries)

    fiche("Seule")
    event("Seul")
    few = count_queries()
    for n in range(8):
        fiche(f"Fiche {n}", communes=("Brest", "Landerneau"), themes=("numerique", "solidarites"))
        event(f"Atelier {n}", starts_in_days=n + 1)
    assert count_queries() == few


# Editing services ------------------------------------------------------------------------------------

@pytest.fixture
def draft(territories):
    for title in ("Un", "Deux", "Trois"):
        fiche(title, published_at=IN)
    issue = compose_issue(period_end=END)
    assert len(titles(issue)) == 3
    return issue


def test_move_item(draft):
    order = titles(draft)
    last = item(draft, order[2])
    assert composition.move_item(draft, last, -1) is True
    assert titles(draft) == [order[0], order[2], order[1]]
    assert composition.move_item(draft, item(draft, order[0]), -1) is False  # already first
    assert composition.move_item(draft, item(draft, order[1]), +1) is False  # already last
    assert AuditEntry.objects.filter(action="letters.issue.edited", data__change="item_moved").count() == 1


def test_add_and_remove_items(draft, territories):
    extra = fiche("Ajoutée à la main", published_at=BEFORE)
    added = composition.add_item(draft, composition.fiche_draft(extra))
    assert titles(draft)[-1] == "Ajoutée à la main" and added.position == 3
    assert "pays-de-brest" in slugs(added.territories.all())
    with pytest.raises(composition.DuplicateItem):
        composition.add_item(draft, composition.fiche_draft(extra))
    link = composition.add_item(draft, composition.link_draft("Un lien", "https://example.org/", "Résumé"))
    assert (link.kind, link.source_key, link.territories.count()) == (Kind.LINK, "", 0)
    composition.remove_item(draft, added)
    assert "Ajoutée à la main" not in titles(draft)


def test_sent_issues_do_not_change(draft):
    Issue.objects.filter(pk=draft.pk).update(state=Issue.State.SENDING)
    draft.refresh_from_db()
    entry = draft.items.first()
    with pytest.raises(composition.NotEditable):
        composition.move_item(draft, entry, 1)
    with pytest.raises(composition.NotEditable):
        composition.remove_item(draft, entry)
    with pytest.raises(composition.NotEditable):
        composition.add_item(draft, composition.link_draft("Lien", "https://example.org/"))
    assert draft.items.count() == 3


def test_find_fiches(territories):
    one = fiche("Le repair café de Brest")
    fiche("Le repair café de Crozon")
    fiche("Brouillon repair", state=Innovation.State.DRAFT)
    assert composition.find_fiches(f"https://brest-creative.example/innovations/{one.slug}/") == [one]
    assert composition.find_fiches(f"/innovations/{one.slug}/") == [one]
    assert composition.find_fiches(one.slug) == [one]
    assert {f.title for f in composition.find_fiches("repair")} == {
        "Le repair café de Brest", "Le repair café de Crozon"}
    assert composition.find_fiches("inconnu") == []
    assert composition.find_fiches("  ") == []
