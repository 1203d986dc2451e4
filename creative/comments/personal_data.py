"""The comments part of a person's data download (creative.accounts.personal_data).

Comments are public, signed contributions: on erasure they stay, under the name the person
chose (their display name or « Contributeur anonyme »), like their fiches.
"""

from django.conf import settings

from .models import Comment


def export(user):
    return [
        {
            "date": comment.created_at.isoformat(),
            "on": str(comment.content_object) if comment.content_object is not None else None,
            "url": settings.SITE_URL + comment.get_absolute_url() if comment.content_object is not None else "",
            "text": comment.body,
            "visibility": comment.visibility,
            "deleted": comment.is_deleted,
        }
        for comment in Comment.objects.filter(author=user).order_by("created_at")
    ]
