"""Which items of a letter each subscriber receives.

A subscriber chose territories (none: the whole platform) and themes (none: every theme).
An item is for them when it is inside one of their territories — an item's territories hold
every level containing it, so a subscriber to the pays de Brest receives a fiche of any of its
communes — or has no territory (online event, link), and when it shares one of their themes or
has none. When nothing matches, the subscriber receives the letter's first items
(``FALLBACK_ITEMS``): a letter is never empty, and says so (``is_fallback``).

Pure functions over ids, so that queuing 100,000 personalised letters computes each distinct
choice of territories and themes once (see delivery.queue_issue).
"""

from dataclasses import dataclass

FALLBACK_ITEMS = 6


@dataclass(frozen=True)
class ItemScope:
    id: int
    territory_ids: frozenset
    theme_ids: frozenset


@dataclass(frozen=True)
class Selection:
    item_ids: tuple
    is_fallback: bool


def scopes_of(issue):
    """The ItemScope of each item of ``issue``, in the letter's order (three queries)."""
    items = list(issue.items.order_by("position", "pk").values_list("pk", flat=True))
    Item = issue.items.model
    territories, themes = {pk: set() for pk in items}, {pk: set() for pk in items}
    for item_id, territory_id in Item.territories.through.objects.filter(issueitem__issue=issue).values_list(
        "issueitem_id", "territory_id"
    ):
        territories[item_id].add(territory_id)
    for item_id, theme_id in Item.themes.through.objects.filter(issueitem__issue=issue).values_list(
        "issueitem_id", "theme_id"
    ):
        themes[item_id].add(theme_id)
    return [ItemScope(pk, frozenset(territories[pk]), frozenset(themes[pk])) for pk in items]


def select(scopes, territory_ids, theme_ids):
    """The items (ids, in order) for a subscriber with these territories and themes."""
    territory_ids, theme_ids = frozenset(territory_ids), frozenset(theme_ids)
    chosen = tuple(
        scope.id
        for scope in scopes
        if (not territory_ids or not scope.territory_ids or scope.territory_ids & territory_ids)
        and (not theme_ids or not scope.theme_ids or scope.theme_ids & theme_ids)
    )
    if chosen:
        return Selection(chosen, False)
    return Selection(tuple(scope.id for scope in scopes[:FALLBACK_ITEMS]), True)
