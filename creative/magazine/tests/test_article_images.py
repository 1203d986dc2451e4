"""Images in an article's text: upload on the edit page (checked and re-encoded like the cover),
description and credit required, who may add and remove them, the Markdown to paste, removal of
the file, and the article page (the image under the CSP, the « Crédits des images » list)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from creative.audit.models import AuditEntry
from creative.core.images import MAX_UPLOAD_BYTES
from creative.core.markdown import render_markdown
from creative.magazine import images as article_images
from creative.magazine.models import Article, ArticleImage

from . import test_editing_support as support
from .test_editing_support import client_for, image_bytes

pytestmark = pytest.mark.django_db

_quiet_antispam = support._quiet_antispam
article = support.article
people = support.people


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def edit_url(article):
    return reverse("magazine:edit", args=[article.pk])


def upload(fmt="PNG", name="photo.png", content=None):
    data = content if content is not None else image_bytes(fmt)
    return SimpleUploadedFile(name, data, content_type=f"image/{fmt.lower()}")


def add(client, article, **overrides):
    data = {"image_action": "add", "file": upload(), "alt_text": "La façade du repair café",
            "credit": "Nolwenn Photo, CC BY-SA 4.0", "caption": ""}
    data.update(overrides)
    return client.post(edit_url(article), {k: v for k, v in data.items() if v is not None})


def jpeg_with_exif():
    image = Image.new("RGB", (2400, 1200), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Appareil secret"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


# Upload ----------------------------------------------------------------------------------------

def test_author_uploads_a_png_listed_with_its_markdown(client, people, article, _media):
    client_for(client, people["author"])
    response = add(client, article, caption="Le jour de l'ouverture")
    assert response.status_code == 302 and response["Location"].endswith("#images")
    image = ArticleImage.objects.get()
    assert image.article == article and image.uploaded_by == people["author"]
    assert image.file.name.startswith(f"magazine/{timezone.now():%Y}/{article.pk}/image-")
    assert image.file.name.endswith(".png")
    assert (_media / image.file.name).exists()
    entry = AuditEntry.objects.get(action="magazine.article.image_added")
    assert entry.target_id == str(article.pk) and entry.data["image"] == image.pk

    page = client.get(edit_url(article)).content.decode()
    snippet = f'![La façade du repair café]({image.file.url} "Crédit : Nolwenn Photo, CC BY-SA 4.0")'
    assert snippet.replace('"', "&quot;").replace("'", "&#x27;") in page
    assert f'<label for="image-snippet-{image.pk}">' in page
    assert f'id="image-snippet-{image.pk}" rows="2" readonly' in page
    assert "Pas encore dans le texte" in page


def test_a_jpeg_is_reencoded_without_metadata_and_bounded(client, people, article):
    client_for(client, people["editor"])  # a reviewer of the article
    response = add(client, article, file=upload("JPEG", "photo.jpg", jpeg_with_exif()))
    assert response.status_code == 302
    image = ArticleImage.objects.get()
    assert image.file.name.endswith(".jpg")
    with Image.open(image.file.path) as stored:
        assert max(stored.size) == article_images.IMAGE_MAX_SIDE
        assert not stored.getexif()


def test_a_lying_file_is_refused(client, people, article):
    client_for(client, people["author"])
    fake = SimpleUploadedFile("photo.png", b"<?php system($_GET['c']); ?>" * 20, content_type="image/png")
    response = add(client, article, file=fake)
    assert response.status_code == 400
    assert response.context["image_form"].errors["file"]
    assert "choisissez à nouveau l'image" in response.content.decode()
    assert not ArticleImage.objects.exists()


def test_a_truncated_or_oversized_image_is_refused(client, people, article):
    client_for(client, people["author"])
    data = image_bytes("JPEG", size=(300, 200))
    response = add(client, article, file=upload("JPEG", "photo.jpg", data[: len(data) // 2]))
    assert response.status_code == 400 and response.context["image_form"].errors["file"]
    too_big = image_bytes() + b"\0" * MAX_UPLOAD_BYTES
    response = add(client, article, file=upload(content=too_big))
    assert response.status_code == 400
    assert "la limite est de" in str(response.context["image_form"].errors["file"])
    assert not ArticleImage.objects.exists()


@pytest.mark.parametrize("missing", ["alt_text", "credit", "file"])
def test_description_credit_and_file_are_required(client, people, article, missing):
    client_for(client, people["author"])
    response = add(client, article, **{missing: None})
    assert response.status_code == 400
    assert missing in response.context["image_form"].errors
    assert not ArticleImage.objects.exists()


def test_blank_description_is_refused(client, people, article):
    client_for(client, people["author"])
    response = add(client, article, alt_text="   ", credit="   ")
    assert response.status_code == 400
    errors = response.context["image_form"].errors
    assert "alt_text" in errors and "credit" in errors


def test_bad_input_is_never_a_500(client, people, article):
    client_for(client, people["author"])
    assert client.post(edit_url(article), {"image_action": "bogus"}).status_code == 400
    for value in ("abc", "", "-1", "9" * 40, "99999"):
        response = client.post(edit_url(article), {"image_action": "remove", "image": value})
        assert response.status_code == 404
    response = add(client, article, alt_text="x" * 300)
    assert response.status_code == 400 and "alt_text" in response.context["image_form"].errors


def test_images_per_article_are_limited(client, people, article, monkeypatch):
    monkeypatch.setattr(article_images, "MAX_IMAGES_PER_ARTICLE", 1)
    client_for(client, people["author"])
    assert add(client, article).status_code == 302
    response = add(client, article)
    assert response.status_code == 400 and response.context["image_form"].non_field_errors()
    assert ArticleImage.objects.count() == 1


# Permissions -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "expected"), [
    ("author", 302), ("coauthor", 302), ("editor", 302), ("admin", 302),
    ("contributor", 404), ("editor_elsewhere", 404), ("unverified", 404), ("anonymous", "login"),
])
def test_who_may_add_an_image_to_a_draft(client, people, article, settings, role, expected):
    client_for(client, people[role])
    response = add(client, article)
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        assert not ArticleImage.objects.exists()
        return
    assert response.status_code == expected
    assert ArticleImage.objects.exists() == (expected == 302)


def test_authors_may_not_add_images_once_published_but_reviewers_may(client, people, article):
    Article.objects.filter(pk=article.pk).update(state=Article.State.PUBLISHED,
                                                 published_at=timezone.now() - datetime.timedelta(days=1))
    client_for(client, people["author"])
    assert add(client, article).status_code == 403
    assert not ArticleImage.objects.exists()
    client_for(client, people["editor"])
    assert add(client, article).status_code == 302


def test_only_editors_of_the_article_may_remove_an_image(client, people, article, _media):
    client_for(client, people["author"])
    add(client, article)
    image = ArticleImage.objects.get()
    client_for(client, people["contributor"])
    assert client.post(edit_url(article), {"image_action": "remove", "image": image.pk}).status_code == 404
    client_for(client, None)
    assert client.post(edit_url(article), {"image_action": "remove", "image": image.pk}).status_code == 302
    assert ArticleImage.objects.filter(pk=image.pk).exists()
    assert (_media / image.file.name).exists()


def test_csrf_is_required(people, article):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["author"])
    response = strict.post(edit_url(article), {"image_action": "add", "file": upload(), "alt_text": "a",
                                               "credit": "b"})
    assert response.status_code == 403
    assert not ArticleImage.objects.exists()


# Removal ---------------------------------------------------------------------------------------

def test_removal_deletes_the_row_and_the_file(client, people, article, _media, django_capture_on_commit_callbacks):
    client_for(client, people["author"])
    add(client, article)
    image = ArticleImage.objects.get()
    path = _media / image.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(article), {"image_action": "remove", "image": image.pk})
    assert response.status_code == 302
    assert not ArticleImage.objects.exists()
    assert not path.exists()
    assert AuditEntry.objects.filter(action="magazine.article.image_removed", target_id=str(article.pk)).exists()


def test_an_image_of_another_article_cannot_be_removed(client, people, article):
    other = support.make_article(people["author"], title="Un autre article")
    client_for(client, people["author"])
    add(client, other)
    image = ArticleImage.objects.get()
    assert client.post(edit_url(article), {"image_action": "remove", "image": image.pk}).status_code == 404
    assert ArticleImage.objects.filter(pk=image.pk).exists()


# Markdown snippet ------------------------------------------------------------------------------

def test_snippet_escapes_and_renders_as_the_image_with_its_credit(article):
    image = ArticleImage(article=article, alt_text="Le [vrai] atelier", credit='Anne "Photo" Le Gall',
                         caption="Samedi *matin*")
    image.file.name = "magazine/2025/1/image-abc.png"
    snippet = article_images.markdown_snippet(image)
    first, second = snippet.split("\n")
    assert first == r'![Le \[vrai\] atelier](/media/magazine/2025/1/image-abc.png "Crédit : Anne \"Photo\" Le Gall")'
    assert second == r"*Samedi \*matin\**"
    html = str(render_markdown(snippet))
    assert '<img src="/media/magazine/2025/1/image-abc.png" alt="Le [vrai] atelier"' in html
    assert 'title="Crédit : Anne &quot;Photo&quot; Le Gall"' in html
    assert "<em>Samedi *matin*</em>" in html


def test_foreign_images_are_named_on_the_edit_page(client, people, article):
    article.body = "![ailleurs](https://exemple.org/a.png)\n\n![ici](/media/magazine/a.png)"
    article.save()
    assert article_images.foreign_image_sources(article.body) == ["https://exemple.org/a.png"]
    client_for(client, people["author"])
    page = client.get(edit_url(article)).content.decode()
    assert "https://exemple.org/a.png" in page and "ne s'afficheront pas" in page


# Article page ----------------------------------------------------------------------------------

def test_article_page_shows_the_image_and_the_credits(client, people, article, settings):
    client_for(client, people["author"])
    add(client, article)
    add(client, article, alt_text="Une image non utilisée", credit="Personne")
    used = ArticleImage.objects.get(alt_text="La façade du repair café")
    article.body = "Un texte.\n\n" + article_images.markdown_snippet(used)
    article.cover_credit = "Yann Couverture"
    article.cover_alt = "Le local"
    article.cover.name = "magazine/2025/cover.png"
    article.state = Article.State.PUBLISHED
    article.published_at = timezone.now() - datetime.timedelta(hours=1)
    article.save()
    client_for(client, None)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<img src="{used.file.url}" alt="La façade du repair café"' in page
    assert used.file.url.startswith(settings.MEDIA_URL) and used.file.url.startswith("/")
    csp = response.headers.get("Content-Security-Policy", "")
    assert "img-src 'self'" in csp
    assert "Crédits des images" in page
    assert "La façade du repair café — Nolwenn Photo, CC BY-SA 4.0" in page
    assert "Le local — Yann Couverture" in page
    assert "Une image non utilisée" not in page
    assert article_images.credits_of(article) == [
        ("Le local", "Yann Couverture"), ("La façade du repair café", "Nolwenn Photo, CC BY-SA 4.0"),
    ]


def test_article_without_images_has_no_credits_list(client, article):
    Article.objects.filter(pk=article.pk).update(state=Article.State.PUBLISHED,
                                                 published_at=timezone.now() - datetime.timedelta(hours=1))
    page = client.get(Article.objects.get(pk=article.pk).get_absolute_url()).content.decode()
    assert "Crédits des images" not in page
