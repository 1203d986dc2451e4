"""The kinds of content that can be reported and held (see registry.py)."""

from django.utils.translation import gettext

from creative.accounts.models import Profile
from creative.comments.models import Comment
from creative.events.models import Event
from creative.innovations.models import Innovation
from creative.network.models import Organisation

from .models import Visibility
from .registry import register


def _own_visibility_setter(*fields):
    """Content with its own `visibility` field (comments, profiles, organisations)."""

    def set_visibility(obj, visibility):
        obj.visibility = visibility
        obj.save(update_fields=["visibility", *fields])

    return set_visibility


register(
    Comment,
    label="commentaire",
    author=lambda comment: comment.author,
    text=lambda comment: comment.body,
    visibility=lambda comment: comment.visibility,
    set_visibility=_own_visibility_setter(),
)


def _fiche_visibility(fiche):
    if fiche.state == Innovation.State.HIDDEN:
        return Visibility.HIDDEN
    return Visibility.VISIBLE if fiche.is_published else Visibility.HELD


def _set_fiche_visibility(fiche, visibility):
    # A fiche's public state is its editorial state: hiding takes it offline, restoring puts it back.
    # A fiche that was never public (a draft held for spam) is refused when a moderator removes it.
    if visibility == Visibility.VISIBLE:
        if fiche.state == Innovation.State.HIDDEN:
            fiche.state = Innovation.State.PUBLISHED
            fiche.save(update_fields=["state", "updated_at"])
    elif fiche.state == Innovation.State.PUBLISHED:
        fiche.state = Innovation.State.HIDDEN
        fiche.save(update_fields=["state", "updated_at"])
    elif visibility in (Visibility.HIDDEN, Visibility.REMOVED) and fiche.state in UNPUBLISHED_WORK:
        fiche.state = Innovation.State.REJECTED
        fiche.rejection_reason = gettext("Retirée par la modération : contenu indésirable.")
        fiche.save(update_fields=["state", "rejection_reason", "updated_at"])


UNPUBLISHED_WORK = (Innovation.State.DRAFT, Innovation.State.SUBMITTED, Innovation.State.CHANGES_REQUESTED)


def _fiche_text(fiche):
    """What a moderator reads: the title, the pitch, the description and the code-source answers."""
    answers = [answer.body for answer in fiche.answers.all()]
    return "\n\n".join(part for part in (fiche.title, fiche.pitch, fiche.description, *answers) if part)


def _fiche_author(fiche):
    authorship = fiche.authorships.select_related("user").order_by("-is_creator", "added_at").first()
    return authorship.user if authorship else None


register(
    Innovation,
    label="fiche",
    author=_fiche_author,
    text=_fiche_text,
    visibility=_fiche_visibility,
    set_visibility=_set_fiche_visibility,
)


register(
    Profile,
    label="profil",
    author=lambda profile: profile.user,
    text=lambda profile: f"{profile.display_name}\n\n{profile.bio}\n{profile.links}".strip(),
    visibility=lambda profile: profile.visibility,
    set_visibility=_own_visibility_setter("updated_at"),
)

register(
    Organisation,
    label="organisation",
    author=lambda organisation: organisation.created_by,
    text=lambda organisation: f"{organisation.name}\n\n{organisation.description}",
    visibility=lambda organisation: organisation.visibility,
    set_visibility=_own_visibility_setter("updated_at"),
)


def _event_visibility(event):
    if event.is_public:
        return Visibility.VISIBLE
    return Visibility.HIDDEN if event.state == Event.State.REJECTED else Visibility.HELD


def _set_event_visibility(event, visibility):
    # Like fiches, an event's public state is its editorial state.
    if visibility == Visibility.VISIBLE:
        if event.state in (Event.State.PROPOSED, Event.State.REJECTED):
            event.state = Event.State.PUBLISHED
            event.save(update_fields=["state", "updated_at"])
    elif visibility in (Visibility.HIDDEN, Visibility.REMOVED) and event.state != Event.State.REJECTED:
        event.state = Event.State.REJECTED
        event.rejection_reason = gettext("Retiré par la modération.")
        event.save(update_fields=["state", "rejection_reason", "updated_at"])


register(
    Event,
    label="événement",
    author=lambda event: event.created_by or event.organiser,
    text=lambda event: f"{event.title}\n\n{event.description}",
    visibility=_event_visibility,
    set_visibility=_set_event_visibility,
)
