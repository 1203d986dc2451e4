"""Writes on accounts that go beyond one model's save."""

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from creative.antispam.scoring import Verdict, assess, remember
from creative.core.images import reencode_image
from creative.moderation.models import ModerationItem, Visibility

from .models import Profile

PHOTO_MAX_SIDE = 800


def profile_of(user):
    """The user's profile, created with a neutral name for accounts made outside sign-up (admin, shell)."""
    profile, _created = Profile.objects.get_or_create(
        user=user, defaults={"display_name": _("Membre n° %(id)s") % {"id": user.pk}}
    )
    return profile


def spam_scope(profile):
    # A person's own texts are not "the same text sent again" when they save their profile twice.
    return f"profile:{profile.user_id}"


@dataclass(frozen=True)
class ProfileSaved:
    """What save_profile did: the profile, the spam verdict of the changed texts (or None), and if it is held."""

    profile: Profile
    verdict: Verdict | None
    held: bool


def judge_profile(form, request=None):
    """Score the texts the person changed (name, bio, links); None when nothing scored changed.

    An established profile whose name changes is judged on the name alone: an old bio is not
    judged again. A profile already waiting for a moderator is judged on its whole new text,
    so that the moderator reads the score of what they are about to publish.
    """
    changed = form.changed_texts()
    if not changed:
        return None
    if form.instance.visibility == Visibility.HELD:
        pieces = [form.cleaned_data.get(name) or "" for name in ("display_name", "bio", "links")]
    else:
        pieces = list(changed.values())
    return assess(pieces, author=form.instance.user, kind="profile", scope=spam_scope(form.instance),
                  request=request)


def save_profile(form, request=None):
    """Save a valid ProfileForm; a new photo is stored re-encoded, without its metadata.

    Texts scored as likely spam do not stop the save: the profile is stored and held for a
    moderator (its public page is not shown until one approves it). A profile that is already
    held stays held when edited again, its moderation item updated with the new text and score.
    The scoring (which may call an external checker) runs before the transaction.
    """
    verdict = judge_profile(form, request)
    return _store(form, verdict)


@transaction.atomic
def _store(form, verdict):
    from creative.moderation import services as moderation

    old_photo = form.initial.get("photo")
    old_name = old_photo.name if old_photo else ""
    photo = form.cleaned_data.get("photo")
    if isinstance(photo, UploadedFile):
        form.instance.photo = reencode_image(photo, max_side=PHOTO_MAX_SIDE)
    changed = form.changed_texts()
    profile = form.save()
    if old_name and old_name != profile.photo.name:
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    held = False
    if verdict is not None and (verdict.held or profile.visibility == Visibility.HELD):
        open_item = ModerationItem.objects.open().for_object(profile).first()
        cause = open_item.cause if open_item is not None and not verdict.held else ModerationItem.Cause.SPAM
        moderation.hold(profile, cause=cause, score=verdict.score, reasons=verdict.reasons)
        profile.visibility = Visibility.HELD
        held = True
    if changed:
        remember(list(changed.values()), scope=spam_scope(profile))  # the same text on other accounts
    return ProfileSaved(profile=profile, verdict=verdict, held=held or profile.visibility == Visibility.HELD)


@dataclass(frozen=True)
class PageStatus:
    """Whether a profile's public page is shown, and why not (`reason`, a French sentence for its person)."""

    code: str  # "public", "private", "held", "hidden", "blocked" or "inactive"
    reason: str = ""

    @property
    def is_shown(self):
        return self.code == "public"


def page_status(profile):
    """Why `profile`'s page is, or is not, in Profile.objects.public() (explained to the person themself)."""
    from creative.moderation.models import AccountBlock

    if not profile.user.is_active:
        return PageStatus("inactive", _("Ce compte est désactivé : sa page n'est pas publique."))
    if AccountBlock.objects.active().filter(user_id=profile.user_id).exists():
        return PageStatus("blocked", _(
            "Votre compte est bloqué par la modération : votre page n'est montrée à personne."))
    if profile.visibility == Visibility.HELD:
        return PageStatus("held", _(
            "Votre page attend la relecture d'un modérateur ou d'une modératrice : un texte de votre profil "
            "ressemble à un message publicitaire aux yeux du filtre automatique. Elle sera visible dès qu'elle "
            "aura été validée ; en attendant, vous seul la voyez."))
    if profile.visibility in (Visibility.HIDDEN, Visibility.REMOVED):
        return PageStatus("hidden", _(
            "Votre page a été masquée par la modération : vous seul la voyez. Si vous pensez que c'est une "
            "erreur, écrivez à l'équipe du site."))
    if not profile.is_public:
        return PageStatus("private", _(
            "Votre page n'est pas publique : vous seul la voyez. Cochez « Avoir une page publique » dans votre "
            "profil pour la montrer et figurer dans l'annuaire."))
    return PageStatus("public")
