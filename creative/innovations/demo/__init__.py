"""Demo content: about forty realistic fiches of the pays de Brest.

Every demo fiche has `is_demo=True`, so `manage.py remove_demo` takes it all away
without touching real contributions. Loading is idempotent: fiches are matched on
their slug and updated in place.
"""

import datetime
import hashlib
import io
import json
import random
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from creative.territories.models import Territory

from ..models import Answer, CarrierKind, Image, Innovation, Place, Section, Theme
from ..signals import deferred_refresh

DEMO_DIR = Path(__file__).resolve().parent


class DemoDataError(ValueError):
    pass


def demo_entries():
    entries = []
    for path in sorted(DEMO_DIR.glob("fiches-*.json")):
        with path.open(encoding="utf-8") as fh:
            entries.extend(json.load(fh))
    return entries


def cover_image(slug):
    """A simple generated illustration, so demo fiches show how images and credits look."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    rnd = random.Random(slug)  # noqa: S311 (an illustration's colours, not a secret)
    palette = [(11, 92, 122), (242, 194, 48), (214, 93, 62), (56, 142, 96), (96, 76, 140), (240, 240, 232)]
    image = PILImage.new("RGB", (960, 480), palette[-1])
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        colour = rnd.choice(palette[:-1])
        x, y, r = rnd.randrange(960), rnd.randrange(480), rnd.randrange(40, 180)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=f"demo-{slug}.png")


@transaction.atomic
def load_demo(*, with_images=True):
    """Create or update the demo fiches; returns (created, updated)."""
    themes = {t.slug: t for t in Theme.objects.all()}
    kinds = {k.slug: k for k in CarrierKind.objects.all()}
    sections = {s.slug: s for s in Section.objects.all()}
    communes = {t.code: t for t in Territory.objects.communes()}
    if not communes:
        raise DemoDataError("No communes: run `manage.py load_territories` first.")
    created = updated = 0
    now = timezone.now()
    with deferred_refresh():
        for entry in demo_entries():
            slug = entry["slug"]
            # Publication dates spread over two years, stable from one load to the next.
            days_ago = int(hashlib.sha256(slug.encode()).hexdigest(), 16) % 730
            fields = {
                "title": entry["title"],
                "pitch": entry["pitch"],
                "description": entry["description"],
                "carrier_kind": kinds.get(entry["carrier_kind"]),
                "carrier_name": entry.get("carrier_name", ""),
                "status": entry["status"],
                "start_year": entry.get("start_year"),
                "website": entry.get("website", ""),
                "contact_email": entry.get("contact_email", ""),
                "state": Innovation.State.PUBLISHED,
                "is_demo": True,
            }
            innovation = Innovation.objects.filter(slug=slug).first()
            if innovation is None:
                innovation = Innovation(slug=slug, published_at=now - datetime.timedelta(days=days_ago), **fields)
                created += 1
            else:
                if not innovation.is_demo:
                    raise DemoDataError(f"A real fiche already uses the demo slug {slug!r}; nothing was changed.")
                for name, value in fields.items():
                    setattr(innovation, name, value)
                updated += 1
            innovation.save()
            innovation.themes.set([themes[s] for s in entry["themes"] if s in themes])
            innovation.places.all().delete()
            for place in entry["places"]:
                commune = communes.get(place["insee"])
                if commune is None:
                    raise DemoDataError(f"{slug}: unknown commune {place['insee']}")
                Place.objects.create(
                    innovation=innovation, commune=commune, address=place.get("address", ""),
                    latitude=place.get("lat"), longitude=place.get("lng"),
                )
            innovation.answers.exclude(section__slug__in=entry["answers"].keys()).delete()
            for section_slug, body in entry["answers"].items():
                Answer.objects.update_or_create(
                    innovation=innovation, section=sections[section_slug], defaults={"body": body}
                )
            if with_images and not innovation.images.exists():
                Image.objects.create(
                    innovation=innovation, file=cover_image(slug), is_cover=True,
                    alt_text="Illustration abstraite de démonstration (cercles colorés)",
                    author="Brest Créative (démonstration)", licence="CC0 1.0",
                    source="Image générée pour la démonstration",
                )
    return created, updated


@transaction.atomic
def remove_demo():
    """Delete every demo fiche (and their images' files); returns how many."""
    demo = Innovation.objects.demo()
    images = list(Image.objects.filter(innovation__in=demo))
    count = demo.count()
    demo.delete()
    for image in images:
        transaction.on_commit(lambda f=image.file: f.delete(save=False))
    return count
