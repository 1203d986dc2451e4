"""The profile edit page: plain form, Markdown bio, checked photo, nothing lost on error."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from creative.accounts.models import Profile
from tests.factories import UserFactory

URL = reverse("accounts:profile_edit")


@pytest.fixture
def camille(client, territories, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(profile__display_name="Camille", profile__bio="Ancienne bio.")
    client.force_login(user)
    return user


def image_file(name="photo.jpg", fmt="JPEG", size=(600, 400), exif=None):
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (11, 92, 122)).save(out, format=fmt, **options)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def post(client, territories, **changes):
    data = {"display_name": "Camille Le Gall", "commune": territories["plougastel-daoulas"].pk,
            "bio": "Je fabrique des **cartes** avec les habitants."}
    data.update(changes)
    return client.post(URL, data)


def test_the_form_works_without_javascript(client, camille):
    content = client.get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in content
    for name in ("display_name", "commune", "bio", "photo"):
        assert f'<label for="id_{name}"' in content, name
    assert "<script" not in content.split("<main", 1)[1]


def test_saving_the_profile(client, camille, territories):
    response = post(client, territories, photo=image_file())
    assert response.status_code == 302 and response["Location"] == URL
    profile = Profile.objects.get(user=camille)
    assert profile.display_name == "Camille Le Gall" and profile.commune.name == "Plougastel-Daoulas"
    assert profile.photo.name.startswith("profiles/") and "photo" not in profile.photo.name
    page = client.get(URL).content.decode()
    assert "Votre profil est enregistré." in page
    assert "<strong>cartes</strong>" in page  # the bio is rendered from Markdown


def test_the_photo_is_stored_without_its_metadata(client, camille, territories):
    exif = Image.Exif()
    exif[0x010F] = "Appareil de Camille"  # Make
    exif[0x8825] = {2: (48.0, 23.0, 0.0)}  # GPS latitude
    post(client, territories, photo=image_file(exif=exif.tobytes(), size=(3000, 2000)))
    with Image.open(Profile.objects.get(user=camille).photo) as stored:
        assert not stored.getexif() and max(stored.size) <= 800


def test_a_text_file_named_png_is_refused_and_nothing_else_is_lost(client, camille, territories):
    liar = SimpleUploadedFile("photo.png", b"Ceci est un fichier texte, pas une image.", content_type="image/png")
    response = post(client, territories, photo=liar, display_name="Nouveau nom", bio="Ma **nouvelle** bio.")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ce fichier n&#x27;est pas une image lisible. Envoyez une photo au format JPEG, PNG ou WebP." in content
    assert 'aria-describedby="id_photo_helptext id_photo_error"' in content and 'id="id_photo_error"' in content
    assert 'href="#id_photo"' in content  # the error summary links to the field
    # What was typed is still in the form…
    assert 'value="Nouveau nom"' in content and "Ma **nouvelle** bio." in content
    assert f'<option value="{territories["plougastel-daoulas"].pk}" selected>' in content
    # …and nothing was saved.
    profile = Profile.objects.get(user=camille)
    assert profile.display_name == "Camille" and profile.bio == "Ancienne bio." and not profile.photo


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: image_file("anim.gif", fmt="GIF"), "Le format GIF n&#x27;est pas accepté"),
        (lambda: SimpleUploadedFile("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1)), "la limite est de 5,0"),
        (lambda: SimpleUploadedFile("cut.jpg", image_file().read()[:2000]), "pas une image lisible"),
    ],
    ids=["gif", "over-5-mb", "truncated-jpeg"],
)
def test_other_refused_photos(client, camille, territories, upload, message):
    response = post(client, territories, photo=upload())
    assert response.status_code == 200 and message in response.content.decode()
    assert not Profile.objects.get(user=camille).photo


def test_png_and_webp_are_accepted(client, camille, territories):
    for fmt in ("PNG", "WEBP"):
        assert post(client, territories, photo=image_file(f"p.{fmt.lower()}", fmt=fmt)).status_code == 302
        assert Profile.objects.get(user=camille).photo.name.endswith(f".{fmt.lower()}")


def test_bio_is_limited_to_1000_characters(client, camille, territories):
    response = post(client, territories, bio="x" * 1001)
    assert response.status_code == 200 and 'id="id_bio_error"' in response.content.decode()
    assert post(client, territories, bio="x" * 1000).status_code == 302


def test_the_display_name_may_not_be_an_email_address(client, camille, territories):
    response = post(client, territories, display_name="camille@example.org")
    assert response.status_code == 200 and 'id="id_display_name_error"' in response.content.decode()


def test_bio_markdown_is_sanitised(client, camille, territories):
    post(client, territories, bio='<script>alert(1)</script> [lien](javascript:alert(1))')
    content = client.get(URL).content.decode()
    assert "<script>alert" not in content and 'href="javascript' not in content


def test_an_account_made_in_the_admin_gets_a_profile_on_first_visit(client, db):
    user = UserFactory(profile=None)
    client.force_login(user)
    assert client.get(URL).status_code == 200
    assert Profile.objects.get(user=user).display_name == f"Membre n° {user.pk}"
