"""Helpers of the comment tests."""

import html
import re

from django.urls import reverse

from creative.comments.models import Comment
from creative.moderation.models import Visibility


def post_url(obj, label="innovations.innovation"):
    return reverse("comments:post", args=[label, obj.pk])


def page_text(response):
    """The page as a person reads it: tags dropped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def section(response):
    """The HTML of the « Commentaires » section of a page ("" when there is none)."""
    content = response.content.decode()
    match = re.search(r'<section class="comments".*?</section>', content, re.S)
    return match.group(0) if match else ""


def make_comment(target, author, body="Un commentaire.", visibility=Visibility.VISIBLE, **kwargs):
    return Comment.objects.create(content_object=target, author=author, body=body, visibility=visibility, **kwargs)
