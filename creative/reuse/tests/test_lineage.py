"""The « Essaimage » block: descendants with their map data, the lineage of a derived fiche, the button."""

import json
import re

import pytest
from django.urls import reverse

from creative.innovations.models import Innovation
from creative.reuse.models import Reproduction

from .helpers import authored

pytestmark = pytest.mark.django_db
Status, Kind = Reproduction.Status, Reproduction.Kind


def block_of(content):
    return content.split('class="lineage"', 1)[1].split("</section>", 1)[0]


def summary_of(block):
    return re.sub(r"<[^>]+>", "", block.split('class="lineage-summary">', 1)[1].split("</p>", 1)[0]).strip()


def map_data(content):
    found = re.search(r'<script id="diffusion-map-data" type="application/json">(.*?)</script>', content, re.S)
    return json.loads(found.group(1)) if found else None


def test_the_original_lists_its_descendants_with_a_map(client, original, link):
    link.status = Status.CONFIRMED
    link.save()
    content = client.get(original.get_absolute_url()).content.decode()
    block = block_of(content)
    assert "Essaimage" in block and "Reproduite ou source d'inspiration à…" in block
    assert f'href="{link.derived.get_absolute_url()}"' in block and "Repair café de Plouarzel" in block
    assert "Plouarzel" in block and "Ouvert le dimanche." in block and "depuis 2021" in block
    assert "reproduite 1 fois" in summary_of(block) and "lineage-pending" not in block
    data = map_data(content)
    assert data["original"]["title"] == "Repair café du Bellevue"
    assert [p["label"] for p in data["original"]["places"]] == ["Brest"]
    [item] = data["descendants"]
    assert item["title"] == "Repair café de Plouarzel" and item["kind"] == "reproduction"
    assert item["from"] == original.pk and [p["label"] for p in item["places"]] == ["Plouarzel"]
    assert all(isinstance(p["lat"], float) and isinstance(p["lng"], float) for p in item["places"])
    # The map's script is a nonce'd module; no inline code.
    assert re.search(r'<script type="module" src="[^"]*diffusion-map\.js" nonce="[^"]+">', content)


def test_pending_links_say_so(client, original, link):
    block = block_of(client.get(original.get_absolute_url()).content.decode())
    assert "Repair café de Plouarzel" in block
    assert '<span class="badge lineage-pending">à confirmer</span>' in block
    assert map_data(client.get(original.get_absolute_url()).content.decode())["descendants"][0]["pending"] is True


def test_descendants_of_descendants_are_drawn_from_their_own_source(client, original, mine, declarer, link):
    grandchild = authored(declarer, title="Repair café de Landerneau", communes=["Landerneau"])
    Reproduction.objects.create(original=mine, derived=grandchild, kind=Kind.INSPIRATION, status=Status.CONFIRMED)
    content = client.get(original.get_absolute_url()).content.decode()
    data = map_data(content)
    by_title = {d["title"]: d for d in data["descendants"]}
    assert by_title["Repair café de Landerneau"]["from"] == mine.pk
    assert by_title["Repair café de Landerneau"]["depth"] == 2 and by_title["Repair café de Landerneau"]["kind"] == (
        "inspiration")
    # In the list too: nested under its source.
    block = block_of(content)
    assert block.index("Repair café de Plouarzel") < block.index("Repair café de Landerneau")
    # Only direct descendants count for the fiche's own summary.
    assert summary_of(block) == "reproduite 1 fois"


def test_the_depth_is_bounded(client, original, mine, declarer, link):
    parent = mine
    for n in range(5):
        child = authored(declarer, title=f"Génération {n + 2}")
        Reproduction.objects.create(original=parent, derived=child)
        parent = child
    data = map_data(client.get(original.get_absolute_url()).content.decode())
    assert max(d["depth"] for d in data["descendants"]) == 3 and len(data["descendants"]) == 3


def test_declined_and_unpublished_descendants_are_not_shown(client, original, mine, declarer, link):
    link.status = Status.DECLINED
    link.save()
    Reproduction.objects.create(original=original, derived=authored(declarer, title="Brouillon caché",
                                                                   state=Innovation.State.DRAFT))
    content = client.get(original.get_absolute_url()).content.decode()
    block = block_of(content)
    assert "Repair café de Plouarzel" not in block and "Brouillon caché" not in block
    assert map_data(content) is None


def test_the_derived_fiche_shows_its_lineage(client, original, mine, declarer, link, original_author):
    grandparent = authored(original_author, title="Le tout premier repair café")
    Reproduction.objects.create(original=grandparent, derived=original, kind=Kind.INSPIRATION)
    block = block_of(client.get(mine.get_absolute_url()).content.decode())
    assert "Reproduction de" in block and f'href="{original.get_absolute_url()}"' in block
    assert "elle-même inspirée de" in block and "Le tout premier repair café" in block
    assert '<span class="badge lineage-pending">à confirmer</span>' in block and "Ouvert le dimanche." in block


def test_the_button_is_there_for_everyone(client, original, contributor):
    url = reverse("reuse:declare", args=[original.slug])
    block = block_of(client.get(original.get_absolute_url()).content.decode())
    assert f'href="{url}"' in block and "Je m'en suis inspiré·e / Je l'ai reproduite" in block
    client.force_login(contributor)
    assert f'href="{url}"' in block_of(client.get(original.get_absolute_url()).content.decode())


def test_the_originals_people_get_a_link_to_decide(client, original, link, original_carrier, contributor):
    decide = reverse("reuse:decide", args=[link.pk])
    assert decide not in client.get(original.get_absolute_url()).content.decode()
    client.force_login(contributor)
    assert decide not in client.get(original.get_absolute_url()).content.decode()
    client.force_login(original_carrier)
    assert decide in client.get(original.get_absolute_url()).content.decode()


def test_the_derived_fiches_people_get_a_link_to_manage(client, mine, link, declarer):
    client.force_login(declarer)
    assert reverse("reuse:decide", args=[link.pk]) in client.get(mine.get_absolute_url()).content.decode()


def test_no_block_on_a_draft(client, declarer):
    draft = authored(declarer, title="Brouillon", state=Innovation.State.DRAFT)
    client.force_login(declarer)
    assert 'class="lineage"' not in client.get(draft.get_absolute_url()).content.decode()


def test_what_people_typed_is_escaped(client, original, mine, declarer):
    Reproduction.objects.create(original=original, derived=mine, adapted="<script>alert(1)</script>")
    content = client.get(original.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content
