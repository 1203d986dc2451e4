"""The images step: clean copies only (no EXIF, never the original), thumbnails, credits, audit."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from creative.audit.models import AuditEntry
from creative.innovations.models import Image, Innovation
from tests.factories import InnovationFactory, UserFactory

from .test_editor import draft_by, edit_url, form_values, page_text

pytestmark = pytest.mark.django_db
GPS, MAKE = 0x8825, 0x010F


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def camille(territories):
    return UserFactory()


@pytest.fixture
def draft(camille):
    return draft_by(camille)


def photo(name="photo.jpg", fmt="JPEG", size=(2000, 1200), exif=None):
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    PILImage.new("RGB", size, (11, 92, 122)).save(out, format=fmt, **options)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def exif_with_gps():
    exif = PILImage.Exif()
    exif[MAKE] = "Appareil de Camille"
    exif[GPS] = {1: "N", 2: (48.0, 23.0, 12.5), 3: "W", 4: (4.0, 29.0, 10.0)}
    return exif.tobytes()


def upload(client, fiche, file, **fields):
    data = {"alt_text": "Des enfants et des aînés autour d'une table", "author": "Camille Le Gall",
            "source": "", "licence": "CC BY-SA 4.0", "caption": "Atelier du mardi", "action": "upload",
            "file": file, **fields}
    return client.post(edit_url(fiche, "images"), data)


def opened(field_file):
    field_file.open("rb")
    try:
        image = PILImage.open(io.BytesIO(field_file.read()))
        image.load()
    finally:
        field_file.close()
    return image


def test_a_photo_is_stored_without_its_metadata_and_with_a_thumbnail(client, camille, draft, tmp_path):
    client.force_login(camille)
    original = photo("IMG_2041_maison_de_camille.jpg", exif=exif_with_gps())
    assert PILImage.open(io.BytesIO(original.read())).getexif()[MAKE] == "Appareil de Camille"
    original.seek(0)

    response = upload(client, draft, original)
    assert response.status_code == 302 and response["Location"] == edit_url(draft, "images")
    image = Image.objects.get()
    assert image.innovation == draft and image.is_cover  # the first image is the cover
    assert image.alt_text == "Des enfants et des aînés autour d'une table" and image.author == "Camille Le Gall"
    assert "IMG_2041" not in image.file.name and "camille" not in image.file.name

    stored = opened(image.file)
    assert stored.format == "JPEG" and max(stored.size) == 1600  # bounded
    assert len(stored.getexif()) == 0 and "exif" not in stored.info
    thumbnail = opened(image.thumbnail)
    assert thumbnail.size[0] <= 480 and thumbnail.size[1] <= 360 and len(thumbnail.getexif()) == 0
    # Nothing but the clean copy and the thumbnail was written: the original never reaches the disk.
    written = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted([image.file.name.rsplit("/", 1)[1], image.thumbnail.name.rsplit("/", 1)[1]])

    entry = AuditEntry.objects.get(action="image.added")
    assert entry.actor == camille and entry.target_id == str(draft.pk) and entry.data["image"] == image.pk
    page = page_text(client.get(edit_url(draft, "images")))
    assert "L'image est ajoutée." in page and "© Camille Le Gall — CC BY-SA 4.0" in page


def test_a_file_lying_about_its_type_is_refused_and_the_fields_are_kept(client, camille, draft):
    client.force_login(camille)
    liar = SimpleUploadedFile("photo.jpg", b"Ceci est un texte, pas une image.", content_type="image/jpeg")
    response = upload(client, draft, liar, caption="Atelier du jeudi")
    assert response.status_code == 200
    text = page_text(response)
    assert "Ce fichier n'est pas une image lisible. Envoyez une photo au format JPEG, PNG ou WebP." in text
    assert "choisissez à nouveau l'image" in text
    values = form_values(response.text, lambda attrs: attrs.get("enctype") == "multipart/form-data")
    assert values["alt_text"] == "Des enfants et des aînés autour d'une table"
    assert values["author"] == "Camille Le Gall" and values["caption"] == "Atelier du jeudi"
    assert not Image.objects.exists() and not AuditEntry.objects.filter(action="image.added").exists()


def test_a_gif_is_refused(client, camille, draft):
    client.force_login(camille)
    response = upload(client, draft, photo("anim.gif", fmt="GIF", size=(40, 40)))
    assert response.status_code == 200
    assert "Le format GIF n'est pas accepté. Envoyez une photo au format JPEG, PNG ou WebP." in page_text(response)
    assert not Image.objects.exists()


def test_credits_are_required(client, camille, draft):
    client.force_login(camille)
    response = upload(client, draft, photo(), alt_text="", author="")
    assert "Décrivez l'image en quelques mots." in page_text(response)
    assert "Indiquez qui a fait l'image." in page_text(response)
    assert not Image.objects.exists()


def test_choosing_the_cover_and_removing_an_image(client, camille, draft, tmp_path,
                                                  django_capture_on_commit_callbacks):
    client.force_login(camille)
    upload(client, draft, photo("a.jpg"), alt_text="Première")
    upload(client, draft, photo("b.png", fmt="PNG", size=(300, 200)), alt_text="Seconde")
    first, second = Image.objects.order_by("pk")
    assert first.is_cover and not second.is_cover and second.file.name.endswith(".png")

    client.post(edit_url(draft, "images"), {"action": "cover", "image": second.pk})
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_cover and not first.is_cover

    files = [second.file.name, second.thumbnail.name]
    assert all((tmp_path / name).exists() for name in files)
    with django_capture_on_commit_callbacks(execute=True):  # files go once the removal is committed
        response = client.post(edit_url(draft, "images"), {"action": "delete", "image": second.pk})
    assert response.status_code == 302
    assert list(draft.images.all()) == [first]
    first.refresh_from_db()
    assert first.is_cover  # a cover is never left missing
    assert not any((tmp_path / name).exists() for name in files)
    entry = AuditEntry.objects.get(action="image.removed")
    assert entry.actor == camille and entry.data["image"] == second.pk

    # An image of another fiche cannot be reached through this one.
    other = draft_by(UserFactory())
    client.force_login(other.authorships.get().user)
    assert client.post(edit_url(other, "images"), {"action": "delete", "image": first.pk}).status_code == 302
    assert Image.objects.filter(pk=first.pk).exists()


def test_only_authors_and_editors_manage_images(client, territories, camille, draft):
    contributor = UserFactory()
    published = InnovationFactory(state=Innovation.State.PUBLISHED, communes=["Brest"])
    client.force_login(contributor)
    assert client.get(edit_url(published, "images")).status_code == 403
    assert upload(client, published, photo()).status_code == 403
    assert client.get(edit_url(draft, "images")).status_code == 403
    assert not Image.objects.exists()
    client.logout()
    assert client.get(edit_url(draft, "images"))["Location"].startswith(reverse("account_login"))


def test_continuing_adds_the_image_if_one_was_chosen(client, camille, draft):
    client.force_login(camille)
    licence = edit_url(draft, "licence")
    # Nothing chosen: straight on to the next step, nothing refused.
    response = client.post(edit_url(draft, "images"), {"licence": "CC BY-SA 4.0", "action": "continue"})
    assert response.status_code == 302 and response["Location"] == licence
    assert not Image.objects.exists()
    # An image started but incomplete: refused, on this step, nothing lost.
    response = upload(client, draft, photo(), author="", action="continue")
    assert response.status_code == 200 and "Indiquez qui a fait l'image." in page_text(response)
    # Complete: added, then the next step.
    response = upload(client, draft, photo(), action="continue")
    assert response["Location"] == licence and Image.objects.count() == 1
