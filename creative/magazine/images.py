"""Images placed in an article's text, with their credits.

An author uploads an image on the article's edit page; it is decoded and re-encoded like the cover
(creative.core.images: a lying file is refused, metadata dropped, size bounded) and stored as an
`ArticleImage`. The edit page then gives the Markdown to paste in the text::

    ![description](/media/magazine/2025/12/image-….png "Crédit : Nolwenn Photo")

The article page lists every image's credit after the text (« Crédits des images »), so credits
are always visible, not only in a tooltip. Only images served by the site display: the CSP
allows `img-src 'self'`, so an image hosted elsewhere is blocked (`foreign_image_sources`).
"""

import re

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from creative.audit import record
from creative.core.images import reencode_image
from creative.core.markdown import render_markdown

from .models import ArticleImage

IMAGE_MAX_SIDE = 1600
MAX_IMAGES_PER_ARTICLE = 40
_IMG_SRC = re.compile(r'<img\b[^>]*\bsrc="([^"]*)"')
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>#|!])")


def _one_line(text):
    return " ".join((text or "").split())


def _escape_label(text):
    """Text safe inside `![…]` and in an emphasis line: Markdown punctuation backslash-escaped."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", _one_line(text))


def _escape_title(text):
    return _one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def credit_title(image):
    return _("Crédit : %(credit)s") % {"credit": _one_line(image.credit)}


def markdown_snippet(image):
    """The Markdown to paste in the text: the image, its credit as title, then its caption if any."""
    snippet = f'![{_escape_label(image.alt_text)}]({image.file.url} "{_escape_title(credit_title(image))}")'
    if image.caption:
        snippet += f"\n*{_escape_label(image.caption)}*"
    return snippet


def images_of(article):
    """The article's images, each with its `snippet` and whether the text uses it (`in_text`)."""
    images = list(ArticleImage.objects.filter(article=article).order_by("created_at", "pk"))
    for image in images:
        image.snippet = markdown_snippet(image)
        image.in_text = image.file.url in (article.body or "")
    return images


def can_add_more(article):
    return ArticleImage.objects.filter(article=article).count() < MAX_IMAGES_PER_ARTICLE


@transaction.atomic
def add_image(article, user, upload, *, alt_text, credit, caption=""):
    """Store a clean copy of `upload` (already checked by the form) for `article`; audited."""
    image = ArticleImage(
        article=article, alt_text=alt_text.strip(), credit=credit.strip(), caption=(caption or "").strip(),
        uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    image.file = reencode_image(upload, max_side=IMAGE_MAX_SIDE, name_prefix="image-")
    image.save()
    record(user, "magazine.article.image_added", article, image=image.pk, file=image.file.name)
    return image


@transaction.atomic
def remove_image(image, user):
    """Delete the row, and its file once the transaction commits; audited."""
    article, name, pk = image.article, image.file.name, image.pk
    storage = image.file.storage
    image.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    record(user, "magazine.article.image_removed", article, image=pk, file=name)


def credits_of(article):
    """[(description, credit)] for the article page: the cover, then each image the text shows."""
    rows = []
    if article.cover and article.cover_credit:
        rows.append((article.cover_alt or _("Image de couverture"), article.cover_credit))
    body = article.body or ""
    for image in ArticleImage.objects.filter(article=article).order_by("created_at", "pk"):
        if image.file and image.file.url in body:
            rows.append((image.alt_text, image.credit))
    return rows


def foreign_image_sources(body):
    """Addresses of the text's images that are not served by the site (the CSP would block them)."""
    site = f"{settings.SITE_URL.rstrip('/')}/" if getattr(settings, "SITE_URL", "") else None
    foreign = []
    for src in _IMG_SRC.findall(str(render_markdown(body or ""))):
        address = src.replace("&amp;", "&")
        local = address.startswith("/") and not address.startswith("//")
        if not local and not (site and address.startswith(site)):
            foreign.append(address)
    return list(dict.fromkeys(foreign))
