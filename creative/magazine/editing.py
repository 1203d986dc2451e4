"""The one write path of an article's content: `save_article()`.

It saves the article, its chosen territories (and `covered_territories`: every level containing
them), themes, events, the ordered fiches (with their notes) and the ordered signatures, then
writes an `ArticleRevision` when the text changed (the snapshot differs from the last one).

A snapshot is a JSON-ready dict::

    {"title", "lead", "body", "cover_alt", "cover_credit", "category": slug | None,
     "is_dossier", "territories": [slug…], "themes": [slug…], "events": [slug…],
     "fiches": [{"slug", "title", "note"}…], "authors": [user id…]}
"""

from contextlib import suppress

from django.db import transaction

from .models import ArticleAuthor, ArticleFiche, ArticleRevision

SNAPSHOT_TEXT = ("title", "lead", "body", "cover_alt", "cover_credit")


def snapshot(article):
    """The content of a saved `article` as stored now."""
    data = {name: getattr(article, name) for name in SNAPSHOT_TEXT}
    data["category"] = article.category.slug if article.category_id else None
    data["is_dossier"] = article.is_dossier
    data["territories"] = sorted(article.territories.values_list("slug", flat=True))
    data["themes"] = sorted(article.themes.values_list("slug", flat=True))
    data["events"] = sorted(article.events.values_list("slug", flat=True))
    data["fiches"] = [
        {"slug": link.innovation.slug, "title": link.innovation.title, "note": link.note}
        for link in article.fiche_links.select_related("innovation").order_by("position", "pk")
    ]
    data["authors"] = list(article.signatures.order_by("position", "pk").values_list("user_id", flat=True))
    return data


def refresh_covered_territories(article):
    """`covered_territories` = the chosen territories and every territory containing them."""
    covered = {}
    for territory in article.territories.all():
        for node in (*territory.ancestors, territory):
            covered[node.pk] = node
    article.covered_territories.set(list(covered.values()))


def _fiche_items(fiches):
    """Accept innovations, (innovation, note) pairs or {"innovation", "note"} dicts; drop repeats."""
    seen, items = set(), []
    for item in fiches:
        if isinstance(item, dict):
            innovation, note = item["innovation"], item.get("note", "")
        elif isinstance(item, (tuple, list)):
            innovation, note = item[0], (item[1] if len(item) > 1 else "")
        else:
            innovation, note = item, ""
        if innovation.pk in seen:
            continue
        seen.add(innovation.pk)
        items.append((innovation, (note or "")[:300]))
    return items


def set_fiches(article, fiches):
    ArticleFiche.objects.filter(article=article).delete()
    ArticleFiche.objects.bulk_create([
        ArticleFiche(article=article, innovation=innovation, position=position, note=note)
        for position, (innovation, note) in enumerate(_fiche_items(fiches))
    ])


def set_authors(article, authors):
    seen, rows = set(), []
    for user in authors:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(ArticleAuthor(article=article, user=user, position=len(rows)))
    ArticleAuthor.objects.filter(article=article).delete()
    ArticleAuthor.objects.bulk_create(rows)


def last_snapshot(article):
    revision = article.revisions.order_by("-number").first()
    return revision.snapshot if revision else None


@transaction.atomic
def save_article(article, user, *, fiches=None, events=None, territories=None, themes=None,
                 authors=None, summary=""):
    """Save `article` and its links (each left unchanged when None); return the new revision or None.

    A new article is signed by `user` unless `authors` says otherwise, and records `created_by`.
    """
    is_new = article.pk is None
    if is_new and article.created_by_id is None and user is not None and user.is_authenticated:
        article.created_by = user
    article.save()
    if territories is not None:
        article.territories.set(list(territories))
    if territories is not None or is_new:
        refresh_covered_territories(article)
    if themes is not None:
        article.themes.set(list(themes))
    if events is not None:
        article.events.set(list(events))
    if fiches is not None:
        set_fiches(article, fiches)
    if authors is None and is_new and article.created_by_id:
        authors = [article.created_by]
    if authors is not None:
        set_authors(article, authors)

    current = snapshot(article)
    if current == last_snapshot(article):
        return None
    article.revision_number += 1
    type(article).objects.filter(pk=article.pk).update(revision_number=article.revision_number)
    return ArticleRevision.objects.create(
        article=article,
        number=article.revision_number,
        snapshot=current,
        author=user if (user is not None and user.is_authenticated) else None,
        summary=(summary or "")[:200],
    )


# Spam --------------------------------------------------------------------------------------------

SCORED_FIELDS = ("title", "lead", "body")


def score_article(article, user, request=None):
    """Hold the article for a moderator when its text looks like spam (visibility HELD); the Verdict.

    Like organisations: the text is scored at each change of it; a held article may go through its
    review but is public only once a moderator approved it (`Article.objects.published()`).
    """
    from creative.antispam.scoring import assess, remember
    from creative.audit import record
    from creative.moderation import services as moderation
    from creative.moderation.models import ModerationItem, Visibility

    texts = [getattr(article, name) for name in SCORED_FIELDS if getattr(article, name)]
    scope = f"article:{article.pk}"
    verdict = assess(texts, author=user, kind="article", scope=scope, request=request)
    if verdict.held and article.visibility == Visibility.VISIBLE:
        # Without the article kind registered with moderation (integrations), the state alone holds it.
        with suppress(moderation.ModerationError):
            moderation.hold(article, cause=ModerationItem.Cause.SPAM, score=verdict.score, reasons=verdict.reasons)
        type(article).objects.filter(pk=article.pk).update(visibility=Visibility.HELD)
        article.visibility = Visibility.HELD
        record(user, "magazine.article.held", article, score=verdict.score)
    remember(texts, scope=scope)
    return verdict
