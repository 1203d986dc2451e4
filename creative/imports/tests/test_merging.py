"""Merging two fiches: both histories kept, content combined, address redirected, things moved."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from creative.accounts.roles import Role
from creative.audit.models import AuditEntry
from creative.editorial import revisions
from creative.editorial.models import Revision
from creative.imports import duplicates, merging
from creative.imports.models import DuplicateCandidate, ImportSource, Merge, Provenance
from creative.innovations.models import Authorship, Innovation, Link, Place
from tests.factories import InnovationFactory, ThemeFactory, UserFactory, commune

BREST = (48.3904, -4.4861)
NORTH_150M = (48.3904 + 150 / 111_320, -4.4861)


def fiche(title, point, **kwargs):
    innovation = InnovationFactory(title=title, **kwargs)
    Place.objects.create(innovation=innovation, commune=commune("Brest"), latitude=point[0], longitude=point[1])
    return innovation


@pytest.fixture
def editor(territories):
    return UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])


@pytest.fixture
def pair(territories):
    ThemeFactory(slug="alimentation", name="Alimentation")
    ThemeFactory(slug="solidarite", name="Solidarité")
    kept = fiche("Repair café de Brest", BREST, themes=["alimentation"])
    merged = fiche("Le Repair Café Brest", NORTH_150M, themes=["solidarite"])
    Place.objects.create(innovation=merged, commune=commune("Brest"), latitude=BREST[0], longitude=BREST[1])
    Link.objects.create(innovation=kept, label="Site", url="https://repair.example/")
    Link.objects.create(innovation=merged, label="Site", url="https://repair.example/")
    Link.objects.create(innovation=merged, label="Agenda", url="https://agenda.example/")
    anne, bruno = UserFactory(), UserFactory()
    Authorship.objects.create(innovation=kept, user=anne, is_creator=True)
    Authorship.objects.create(innovation=merged, user=bruno, is_creator=True)
    Authorship.objects.create(innovation=merged, user=anne)
    # Both fiches have a history of their own.
    for innovation in (kept, merged):
        data = revisions.snapshot(innovation)
        data["pitch"] = f"{innovation.title} : réparer ensemble."
        revisions.save_edit(innovation, anne, data, base_number=innovation.revision_number, force_live=True)
    [candidate] = duplicates.find_for(merged)
    return kept, merged, candidate


def test_merge_keeps_both_histories_and_combines(pair, editor):
    kept, merged, candidate = pair
    merged_revisions = list(merged.revisions.values_list("pk", "number"))
    kept_revisions = list(kept.revisions.values_list("pk", flat=True))
    assert merged_revisions and kept_revisions

    result = merging.merge(kept, merged, editor, note="Même atelier")

    assert isinstance(result, Merge) and result.note == "Même atelier"
    merged.refresh_from_db()
    kept.refresh_from_db()
    assert merged.state == Innovation.State.ARCHIVED
    assert merged.merged_into.kept == kept
    # Nothing of either history is lost; the kept fiche notes the merge.
    assert list(merged.revisions.values_list("pk", "number")) == merged_revisions
    assert set(kept_revisions) < set(kept.revisions.values_list("pk", flat=True))
    last = kept.revisions.order_by("-number").first()
    assert last.number == kept.revision_number
    assert last.kind == Revision.Kind.ADMIN and "Fusion avec" in last.summary and merged.title in last.summary
    # Combined content; the kept fiche's own text wins.
    assert kept.title == "Repair café de Brest"
    assert kept.pitch == "Repair café de Brest : réparer ensemble."
    assert set(kept.themes.values_list("slug", flat=True)) == {"alimentation", "solidarite"}
    points = sorted((p.latitude, p.longitude) for p in kept.places.all())
    assert points == sorted([BREST, NORTH_150M])  # the shared point is not doubled
    assert sorted(kept.links.values_list("url", flat=True)) == ["https://agenda.example/", "https://repair.example/"]
    assert set(kept.authors.all()) == set(merged.authors.all())
    assert kept.authorships.filter(is_creator=True).count() == 1
    # The pair is closed; the audit log says who merged what.
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED and candidate.decided_by == editor
    entry = AuditEntry.objects.get(action="imports.duplicate.merged")
    assert entry.actor == editor and entry.target_id == str(kept.pk) and entry.data["merged"] == merged.pk


def test_merge_with_nothing_new_still_notes_it(territories, editor):
    kept = fiche("Repair café", BREST)
    merged = fiche("Repair café", BREST)
    before = kept.revision_number
    merging.merge(kept, merged, editor)
    kept.refresh_from_db()
    assert kept.revision_number > before
    assert "Fusion avec" in kept.revisions.get(number=kept.revision_number).summary


def test_merge_refuses_same_or_already_merged(pair, editor):
    kept, merged, _ = pair
    with pytest.raises(merging.MergeError):
        merging.merge(kept, kept, editor)
    merging.merge(kept, merged, editor)
    with pytest.raises(merging.MergeError):
        merging.merge(kept, merged, editor)
    assert Merge.objects.count() == 1


def test_provenance_moves_only_when_kept_has_none(pair, editor):
    kept, merged, _ = pair
    source = ImportSource.objects.create(name="Bretagne", slug="bretagne", kind=ImportSource.Kind.INSTANCE)
    Provenance.objects.create(innovation=merged, source=source, original_id="42")
    merging.merge(kept, merged, editor)
    assert Provenance.objects.get().innovation_id == kept.pk


def test_provenance_of_kept_wins(pair, editor):
    kept, merged, _ = pair
    source = ImportSource.objects.create(name="Bretagne", slug="bretagne", kind=ImportSource.Kind.INSTANCE)
    Provenance.objects.create(innovation=kept, source=source, original_id="1")
    Provenance.objects.create(innovation=merged, source=source, original_id="2")
    merging.merge(kept, merged, editor)
    assert Provenance.objects.get(original_id="1").innovation_id == kept.pk
    assert Provenance.objects.get(original_id="2").innovation_id == merged.pk


def test_comments_follows_and_reproductions_move(pair, editor):
    from creative.comments.models import Comment
    from creative.notifications.models import Follow
    from creative.reuse.models import Reproduction

    kept, merged, _ = pair
    reader, both = UserFactory(), UserFactory()
    content_type = ContentType.objects.get_for_model(Innovation)
    comment = Comment.objects.create(content_type=content_type, object_id=merged.pk, author=reader, body="Bravo")
    Follow.objects.create(user=reader, target="innovation", innovation=merged)
    Follow.objects.create(user=both, target="innovation", innovation=merged)
    Follow.objects.create(user=both, target="innovation", innovation=kept)
    other = fiche("Atelier vélo", (47.0, -2.0))
    Reproduction.objects.create(original=merged, derived=other)
    Reproduction.objects.create(original=kept, derived=merged)  # would link the kept fiche to itself: stays
    merging.merge(kept, merged, editor)
    comment.refresh_from_db()
    assert comment.object_id == kept.pk
    assert Follow.objects.filter(innovation=kept).count() == 2
    assert Reproduction.objects.filter(original=kept, derived=other).exists()
    assert Reproduction.objects.filter(original=kept, derived=merged).exists()


def test_merged_address_redirects_301(pair, editor, client):
    kept, merged, _ = pair
    merging.merge(kept, merged, editor)
    response = client.get(reverse("innovations:detail", args=[merged.slug]))
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()


def test_histories_link_to_each_other(pair, editor, client):
    kept, merged, _ = pair
    merging.merge(kept, merged, editor)
    client.force_login(editor)
    page = client.get(reverse("editorial:history", args=[kept.slug]))
    assert page.status_code == 200
    assert reverse("editorial:history", args=[merged.slug]) in page.content.decode()
    other = client.get(reverse("editorial:history", args=[merged.slug]))
    assert other.status_code == 200  # the merged fiche's own history still works
    body = other.content.decode()
    assert reverse("editorial:history", args=[kept.slug]) in body
    assert "Fusion" in body
    # Both histories' revisions are listed.
    for revision in merged.revisions.all():
        assert reverse("editorial:revision", args=[merged.slug, revision.number]) in body


def test_a_visitor_reads_both_histories_but_not_an_ordinary_archived_one(pair, editor, client, territories):
    from creative.innovations.models import Innovation
    from tests.factories import InnovationFactory

    kept, merged, _ = pair
    merging.merge(kept, merged, editor)
    assert client.get(reverse("editorial:history", args=[kept.slug])).status_code == 200
    assert client.get(reverse("editorial:history", args=[merged.slug])).status_code == 200
    archived = InnovationFactory(communes=["Brest"], state=Innovation.State.ARCHIVED)
    assert client.get(reverse("editorial:history", args=[archived.slug])).status_code == 404


def test_dismiss(pair, editor):
    _, _, candidate = pair
    merging.dismiss(candidate, editor)
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.DISMISSED
    assert AuditEntry.objects.filter(action="imports.duplicate.dismissed", actor=editor).exists()
    with pytest.raises(merging.MergeError):
        merging.dismiss(candidate, editor)
