"""Composing the weekly letter: a draft issue made from what happened on the platform.

`compose_issue(period_end=…)` writes a DRAFT covering the 7 days before ``period_end``, numbered
after the last issue, with one `IssueItem` per thing worth telling: newly published fiches,
articles, upcoming events, calls for help opened during the week, reproductions declared or
confirmed during the week. Each item is a snapshot (title, summary, address, date and place)
with the territories (every level) and themes the letter is personalised with, so the archive
keeps what was sent even when the fiche changes or disappears later.

Where items come from is a registry: `register_source(kind, fn, position=…)`, where
``fn(period_start, period_end)`` returns `ItemDraft`s. The sources of this module are registered
below; another app (the magazine's articles, issue 9) registers its own from its
``AppConfig.ready()`` without touching this file::

    from creative.letters.composition import ItemDraft, register_source
    register_source("article", articles_of_week, position=20)

Items are ordered by source position (fiches 10, articles 20, events 30, calls 40,
reproductions 50), then as each source returns them. A ``source_key`` ("events.event:42")
keeps an item from being added twice to an issue, and from coming back in the next letters
once it was in a letter that went out (an event is announced once, not three weeks running).

Editors change a draft with `add_item`, `remove_item` and `move_item`; sent and sending issues
refuse changes (`NotEditable`). Every query is bounded: one per source and one per relation.
"""

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import formats, timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from creative.audit import record
from creative.calls.models import CallForHelp
from creative.core.markdown import render_markdown
from creative.events.models import Event
from creative.innovations.models import Innovation
from creative.reuse.models import Reproduction

from .models import Issue, IssueItem

PERIOD = datetime.timedelta(days=7)
# Upcoming events: those starting within this delay after the end of the period.
EVENTS_AHEAD = datetime.timedelta(days=21)
SUMMARY_CHARS = 280
# A letter is read, not scrolled through: at most this many items from one source.
MAX_PER_SOURCE = 30

Kind = IssueItem.Kind


class NotEditable(Exception):
    """The issue is being sent or was sent: it no longer changes."""


class DuplicateItem(Exception):
    """The issue already holds this item."""


@dataclass
class ItemDraft:
    """What a source proposes for a letter (an IssueItem not saved yet)."""

    kind: str
    title: str
    url: str
    summary: str = ""
    when: str = ""
    source_key: str = ""
    territory_ids: frozenset = field(default_factory=frozenset)
    theme_ids: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Source:
    kind: str
    fn: object
    position: int


_sources = {}


def register_source(kind, fn, *, position):
    """Add (or replace) the source of the items of `kind`: ``fn(period_start, period_end)`` → ItemDrafts."""
    _sources[kind] = Source(kind, fn, position)
    return fn


def unregister_source(kind):
    _sources.pop(kind, None)


def sources():
    return sorted(_sources.values(), key=lambda source: (source.position, source.kind))


# Helpers ------------------------------------------------------------------------------------------

def source_key(obj):
    """"innovations.innovation:42": what an item points to."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def summarise(text, *, markdown=False, limit=SUMMARY_CHARS):
    """Plain text of at most `limit` characters, cut on a word with an ellipsis."""
    if markdown:
        text = strip_tags(render_markdown(text))
    text = " ".join((text or "").split())
    return Truncator(text).chars(limit, truncate="…")


def related_ids(model, name, pks):
    """{pk: frozenset(ids)} of the many-to-many `name` of `model` for these pks, in one query."""
    relation = model._meta.get_field(name)
    through = relation.remote_field.through
    source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    found = {pk: set() for pk in pks}
    rows = through.objects.filter(**{f"{source}_id__in": list(pks)}).values_list(f"{source}_id", f"{target}_id")
    for pk, other in rows:
        found[pk].add(other)
    return {pk: frozenset(ids) for pk, ids in found.items()}


def french_day(day):
    """« 23 novembre », « 1er décembre »."""
    with translation.override(settings.LANGUAGE_CODE):
        month = formats.date_format(day, "F")
    return f"{'1er' if day.day == 1 else day.day} {month}"


def describe_when(event):
    """« mardi 4 novembre à 18:30 — Brest », « mardi 1er décembre à 12:30 — en ligne » (local time)."""
    local = timezone.localtime(event.starts_at)
    with translation.override(settings.LANGUAGE_CODE):
        moment = f"{formats.date_format(local, 'l')} {french_day(local)} {formats.date_format(local, r'\à H:i')}"
        if event.commune_id:
            place = event.commune.name + (f" {_('et en ligne')}" if event.is_online else "")
        else:
            place = _("en ligne")
    return f"{moment} — {place}"


# The sources ----------------------------------------------------------------------------------------

def fiche_draft(innovation, territory_ids=None, theme_ids=None):
    """The item of a published fiche (also used by editors adding a fiche by hand)."""
    if territory_ids is None:
        territory_ids = related_ids(Innovation, "territories", [innovation.pk])[innovation.pk]
    if theme_ids is None:
        theme_ids = related_ids(Innovation, "themes", [innovation.pk])[innovation.pk]
    return ItemDraft(
        kind=Kind.INNOVATION,
        title=innovation.title,
        url=innovation.get_absolute_url(),
        summary=summarise(innovation.pitch) or summarise(innovation.description, markdown=True),
        source_key=source_key(innovation),
        territory_ids=territory_ids,
        theme_ids=theme_ids,
    )


def new_fiches(period_start, period_end):
    fiches = list(
        Innovation.objects.published()
        .filter(published_at__gte=period_start, published_at__lt=period_end)
        .order_by("-published_at", "-pk")[:MAX_PER_SOURCE]
    )
    pks = [f.pk for f in fiches]
    territories, themes = related_ids(Innovation, "territories", pks), related_ids(Innovation, "themes", pks)
    return [fiche_draft(f, territories[f.pk], themes[f.pk]) for f in fiches]


def upcoming_events(period_start, period_end):
    """Published (not cancelled) events starting in the weeks after the period."""
    events = list(
        Event.objects.filter(
            state=Event.State.PUBLISHED, starts_at__gte=period_end, starts_at__lt=period_end + EVENTS_AHEAD,
        ).select_related("commune").order_by("starts_at", "pk")[:MAX_PER_SOURCE]
    )
    pks = [e.pk for e in events]
    territories, themes = related_ids(Event, "territories", pks), related_ids(Event, "themes", pks)
    return [
        ItemDraft(
            kind=Kind.EVENT,
            title=event.title,
            url=event.get_absolute_url(),
            summary=summarise(event.description, markdown=True),
            when=describe_when(event),
            source_key=source_key(event),
            territory_ids=territories[event.pk],
            theme_ids=themes[event.pk],
        )
        for event in events
    ]


def open_calls(period_start, period_end):
    """Calls for help published during the period and still open at its end."""
    calls = list(
        CallForHelp.objects.open(today=timezone.localdate(period_end))
        .filter(created_at__gte=period_start, created_at__lt=period_end)
        .select_related("innovation")
        .order_by("-created_at", "-pk")[:MAX_PER_SOURCE]
    )
    fiche_ids = {call.innovation_id for call in calls}
    territories = related_ids(Innovation, "territories", fiche_ids)
    themes = related_ids(Innovation, "themes", fiche_ids)
    drafts = []
    with translation.override(settings.LANGUAGE_CODE):
        for call in calls:
            need = _("« %(fiche)s » cherche : %(kind)s.") % {
                "fiche": call.innovation.title, "kind": call.get_kind_display(),
            }
            drafts.append(ItemDraft(
                kind=Kind.CALL,
                title=call.title,
                url=call.innovation.get_absolute_url() + "#appels-a-l-aide",
                summary=summarise(f"{need} {summarise(call.description, markdown=True)}"),
                source_key=source_key(call),
                territory_ids=territories[call.innovation_id],
                theme_ids=themes[call.innovation_id],
            ))
    return drafts


def reproductions(period_start, period_end):
    """Reproductions and inspirations declared, or confirmed, during the period (both fiches public)."""
    in_period = Q(declared_at__gte=period_start, declared_at__lt=period_end) | Q(
        status=Reproduction.Status.CONFIRMED, decided_at__gte=period_start, decided_at__lt=period_end,
    )
    links = list(
        Reproduction.objects.shown().filter(in_period).select_related("original", "derived")
        .order_by("-declared_at", "-pk")[:MAX_PER_SOURCE]
    )
    fiche_ids = {link.derived_id for link in links}
    territories = related_ids(Innovation, "territories", fiche_ids)
    themes = related_ids(Innovation, "themes", fiche_ids)
    drafts = []
    with translation.override(settings.LANGUAGE_CODE):
        for link in links:
            if link.kind == Reproduction.Kind.INSPIRATION:
                title = _("« %(derived)s » s'inspire de « %(original)s »")
            else:
                title = _("« %(derived)s » reproduit « %(original)s »")
            title = title % {"derived": link.derived.title, "original": link.original.title}
            drafts.append(ItemDraft(
                kind=Kind.REPRODUCTION,
                title=Truncator(title).chars(250, truncate="…"),
                url=link.derived.get_absolute_url() + "#essaimage",
                summary=summarise(link.adapted) or summarise(link.derived.pitch),
                source_key=source_key(link),
                territory_ids=territories[link.derived_id],
                theme_ids=themes[link.derived_id],
            ))
    return drafts


register_source(Kind.INNOVATION, new_fiches, position=10)
register_source(Kind.EVENT, upcoming_events, position=30)
register_source(Kind.CALL, open_calls, position=40)
register_source(Kind.REPRODUCTION, reproductions, position=50)


# Composing ------------------------------------------------------------------------------------------

def collect(period_start, period_end):
    """The drafts of every source, in the letter's order, each source_key once."""
    drafts, seen = [], set()
    for source in sources():
        for draft in source.fn(period_start, period_end) or ():
            if draft.source_key:
                if draft.source_key in seen:
                    continue
                seen.add(draft.source_key)
            drafts.append(draft)
    return drafts


def already_sent_keys(keys, before):
    """The keys among `keys` that were in a letter gone out (or scheduled) covering an earlier period."""
    keys = [key for key in keys if key]
    if not keys:
        return set()
    return set(
        IssueItem.objects.filter(
            source_key__in=keys,
            issue__state__in=(Issue.State.SCHEDULED, Issue.State.SENDING, Issue.State.SENT),
            issue__period_end__lt=before,
        ).values_list("source_key", flat=True)
    )


def subject_for(number, period_start):
    with translation.override(settings.LANGUAGE_CODE):
        return _("La lettre de %(site)s n° %(number)s — semaine du %(day)s") % {
            "site": settings.SITE_NAME, "number": number, "day": french_day(timezone.localdate(period_start)),
        }


def next_number():
    return (Issue.objects.aggregate(last=Max("number"))["last"] or 0) + 1


def compose_issue(*, period_end=None, user=None):
    """Write a DRAFT issue for the 7 days before `period_end` (default: now) and return it."""
    period_end = period_end or timezone.now()
    period_start = period_end - PERIOD
    drafts = collect(period_start, period_end)
    sent = already_sent_keys([d.source_key for d in drafts], period_end)
    drafts = [d for d in drafts if d.source_key not in sent]
    for attempt in range(3):
        try:
            with transaction.atomic():
                number = next_number()
                issue = Issue.objects.create(
                    number=number, subject=subject_for(number, period_start), period_start=period_start,
                    period_end=period_end, created_by=user if user is not None and user.is_authenticated else None,
                )
                write_items(issue, drafts)
                record(user, "letters.issue.composed", issue, items=len(drafts), automatic=user is None)
            return issue
        except IntegrityError:  # another composer took the number at the same moment
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def write_items(issue, drafts, *, first_position=0):
    """Save drafts as items of `issue` from `first_position` on (a few queries whatever their number)."""
    items = IssueItem.objects.bulk_create([
        IssueItem(
            issue=issue, kind=draft.kind, position=first_position + index, source_key=draft.source_key,
            title=Truncator(draft.title).chars(250, truncate="…"), summary=(draft.summary or "")[:1000],
            url=draft.url[:500], when=(draft.when or "")[:200],
        )
        for index, draft in enumerate(drafts)
    ])
    if any(item.pk is None for item in items):  # a database that does not return ids from bulk inserts
        items = list(issue.items.filter(position__gte=first_position).order_by("position"))
    territory_rows, theme_rows = [], []
    for item, draft in zip(items, drafts, strict=True):
        territory_rows += [IssueItem.territories.through(issueitem_id=item.pk, territory_id=pk)
                           for pk in draft.territory_ids]
        theme_rows += [IssueItem.themes.through(issueitem_id=item.pk, theme_id=pk) for pk in draft.theme_ids]
    IssueItem.territories.through.objects.bulk_create(territory_rows)
    IssueItem.themes.through.objects.bulk_create(theme_rows)
    return items


def covering_issue(period_end, states=None):
    """An issue whose period ends less than half a week away from `period_end` (this week's letter)."""
    half = PERIOD / 2
    queryset = Issue.objects.filter(period_end__gt=period_end - half, period_end__lt=period_end + half)
    if states is not None:
        queryset = queryset.filter(state__in=states)
    return queryset.order_by("-number").first()


# Editing --------------------------------------------------------------------------------------------

def _check_editable(issue):
    if not issue.is_editable:
        raise NotEditable(issue)


def add_item(issue, draft, *, user=None):
    """Append `draft` at the end of `issue`; DuplicateItem when the issue already holds its source."""
    _check_editable(issue)
    with transaction.atomic():
        if draft.source_key and issue.items.filter(source_key=draft.source_key).exists():
            raise DuplicateItem(draft.source_key)
        last = issue.items.aggregate(last=Max("position"))["last"]
        [item] = write_items(issue, [draft], first_position=0 if last is None else last + 1)
        _touch(issue)
        record(user, "letters.issue.edited", issue, change="item_added", item=item.title, kind=item.kind)
    return item


def remove_item(issue, item, *, user=None):
    _check_editable(issue)
    if item.issue_id != issue.pk:
        raise IssueItem.DoesNotExist
    with transaction.atomic():
        title = item.title
        item.delete()
        _touch(issue)
        record(user, "letters.issue.edited", issue, change="item_removed", item=title)


def move_item(issue, item, offset, *, user=None):
    """Move `item` by `offset` places (-1: up, +1: down); returns whether it moved."""
    _check_editable(issue)
    with transaction.atomic():
        items = list(issue.items.select_for_update().order_by("position", "pk"))
        index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
        if index is None:
            raise IssueItem.DoesNotExist
        target = index + offset
        if not 0 <= target < len(items) or offset == 0:
            return False
        items.insert(target, items.pop(index))
        changed = []
        for position, other in enumerate(items):
            if other.position != position:
                other.position = position
                changed.append(other)
        IssueItem.objects.bulk_update(changed, ["position"])
        _touch(issue)
        record(user, "letters.issue.edited", issue, change="item_moved", item=item.title, position=target + 1)
    return True


def _touch(issue):
    Issue.objects.filter(pk=issue.pk).update(updated_at=timezone.now())


# Editors' lookups -------------------------------------------------------------------------------------

_FICHE_PATH = re.compile(r"/innovations/(?P<slug>[-\w]+)/?$")


def find_fiches(text, limit=10):
    """Published fiches an editor means by `text`: an address of the fiche, its slug, or words of its title."""
    text = (text or "").strip()
    if not text:
        return []
    published = Innovation.objects.published()
    match = _FICHE_PATH.search(urlsplit(text).path or "")
    if match:
        return list(published.filter(slug=match["slug"])[:1])
    exact = list(published.filter(slug=text)[:1])
    if exact:
        return exact
    return list(published.filter(title__icontains=text).order_by("title", "pk")[:limit])


def link_draft(title, url, summary=""):
    return ItemDraft(kind=Kind.LINK, title=title, url=url, summary=summarise(summary, limit=1000))
