"""Writes on accounts that go beyond one model's save."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from creative.core.images import reencode_image

from .models import Profile

PHOTO_MAX_SIDE = 800


def profile_of(user):
    """The user's profile, created with a neutral name for accounts made outside sign-up (admin, shell)."""
    profile, _created = Profile.objects.get_or_create(
        user=user, defaults={"display_name": _("Membre n° %(id)s") % {"id": user.pk}}
    )
    return profile


@transaction.atomic
def save_profile(form):
    """Save a valid ProfileForm; a new photo is stored re-encoded, without its metadata."""
    old_photo = form.initial.get("photo")
    old_name = old_photo.name if old_photo else ""
    photo = form.cleaned_data.get("photo")
    if isinstance(photo, UploadedFile):
        form.instance.photo = reencode_image(photo, max_side=PHOTO_MAX_SIDE)
    profile = form.save()
    if old_name and old_name != profile.photo.name:
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return profile
