"""The contact relay: write to a person, an organisation or an ambassador without seeing their address.

How a message travels:

1. The sender (a visitor giving a name and an address, or a signed-in person, under their public
   name and account address) writes on the site. Rate limits, the form's traps and the content
   score (`assess`) apply; a message scored as spam is not sent: a REFUSED `ContactMessage` keeps
   the score, and the person is told so with their text kept in the form.
2. Each recipient (the person; the active managers of an organisation) gets one email with the
   sender's name, the text and a reply link — never the sender's address, and no Reply-To.
3. The recipient answers on the site (`reply()`): the answer is mailed to the sender with Reply-To
   the recipient's address, and the recipient gets a copy that gives the sender's address, so
   that both can go on directly. The sender's address is then erased.

Only metadata is stored (who, to whom, when, status, score). The texts are never written to the
database: the mail is rendered and sent from the request, not through the task queue (whose
arguments are stored in a table). The sender's address is kept until the answer, or until
CONTACT_REPLY_DAYS have passed (`purge_expired`, run by `manage.py purge_contact_messages`).
"""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from email.headerregistry import Address

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creative.accounts.models import Profile, User
from creative.antispam.scoring import assess, remember
from creative.core.mail import send_templated_mail
from creative.moderation.models import AccountBlock
from creative.moderation.services import is_blocked
from creative.network.ambassadors import shown
from creative.network.models import Membership, Organisation

from .models import ContactMessage

logger = logging.getLogger(__name__)

REFUSED = gettext_lazy(
    "Votre message n'a pas été envoyé : il ressemble à un message publicitaire ou automatique. Reformulez-le "
    "avec vos mots (moins de liens, pas de majuscules en série), puis envoyez-le de nouveau. Votre texte est "
    "conservé ci-dessous."
)
NOT_SENT = gettext_lazy(
    "Votre message n'a pas pu partir : le service d'envoi des courriels ne répond pas. Réessayez dans quelques "
    "minutes. Votre texte est conservé ci-dessous."
)
MAIL_ERRORS = (smtplib.SMTPException, OSError)


class ContactError(Exception):
    """A message that cannot go; str() is a French message for the person, whose text is kept."""


class MessageRefused(ContactError):
    """The content score says spam: not sent (a REFUSED record keeps the score)."""


class ReplyGone(Exception):
    """The reply link was used already, or its time is over."""


def mailbox(name, address):
    """"Name <address>" for a header, quoted as needed (the mail library encodes it)."""
    return str(Address(display_name=" ".join(str(name).split()), addr_spec=address))


def reply_days():
    return int(getattr(settings, "CONTACT_REPLY_DAYS", 30))


def _absolute(url):
    return settings.SITE_URL + url


# Whom one writes to ----------------------------------------------------------------------------

@dataclass
class Target:
    """Whom a message goes to: `kind` ("person", "organisation", "ambassador") and its object."""

    kind: str
    obj: object
    name: str  # the public name shown to the sender
    url: str  # the public page the sender comes from
    accepts_contact: bool
    recipients: list = field(default_factory=list)  # users who receive the message
    innovation: object = None  # the ambassador's fiche

    @property
    def fields(self):
        """The ContactMessage fields naming the recipient."""
        if self.kind == "organisation":
            return {"organisation": self.obj}
        if self.kind == "ambassador":
            return {"ambassador": self.obj, "recipient": self.obj.user}
        return {"recipient": self.obj.user}

    @property
    def scope(self):
        # The repetition check: the same text sent to the same target twice is not "sent around".
        return f"contact:{self.kind}:{self.obj.pk}"

    def refusal(self, user):
        """Why this target cannot be written to now (a French sentence), or None."""
        if not self.accepts_contact:
            if self.kind == "organisation":
                return _("%(name)s ne reçoit pas de messages par le site.") % {"name": self.name}
            return _("%(name)s a choisi de ne pas recevoir de messages par le site.") % {"name": self.name}
        recipients = self.recipients_for(user)
        if not recipients and self.recipients:
            return _("Vous ne pouvez pas vous écrire à vous-même.")
        if not recipients:
            return _("%(name)s n'a pas de responsable joignable par le site pour l'instant.") % {"name": self.name}
        return None

    def recipients_for(self, user):
        """The recipients, the sender left out."""
        sender_pk = user.pk if getattr(user, "is_authenticated", False) else None
        return [person for person in self.recipients if person.pk != sender_pk]


def _active_accounts(users):
    blocked = AccountBlock.objects.active().values("user_id")
    return users.filter(is_active=True).exclude(pk__in=blocked).exclude(email="")


def person_target(slug):
    profile = Profile.objects.public().select_related("user").filter(slug=slug).first()
    if profile is None:
        raise Http404(_("Cette personne n'a pas de profil public."))
    return Target(
        kind="person", obj=profile, name=profile.display_name, url=profile.get_absolute_url(),
        accepts_contact=profile.accepts_contact, recipients=[profile.user],
    )


def organisation_target(slug):
    organisation = Organisation.objects.public().filter(slug=slug).first()
    if organisation is None:
        raise Http404(_("Cette organisation n'existe pas."))
    managers = _active_accounts(User.objects.filter(
        memberships__organisation=organisation, memberships__role=Membership.Role.MANAGER,
    )).select_related("profile").order_by("pk")
    return Target(
        kind="organisation", obj=organisation, name=organisation.name, url=organisation.get_absolute_url(),
        accepts_contact=organisation.accepts_contact, recipients=list(managers),
    )


def ambassador_target(pk):
    ambassador = shown().select_related("user__profile", "innovation").filter(pk=pk).first()
    if ambassador is None:
        raise Http404(_("Cette offre d'ambassadeur n'existe pas ou n'est plus proposée."))
    profile = ambassador.user.profile
    return Target(
        kind="ambassador", obj=ambassador, name=profile.display_name, url=ambassador.innovation.get_absolute_url(),
        accepts_contact=profile.accepts_contact, recipients=[ambassador.user], innovation=ambassador.innovation,
    )


def sending_refusal(user):
    """Why `user` may not write to anyone through the site (a French sentence), or None."""
    if is_blocked(user):
        return _("Votre compte a été bloqué par l'équipe de modération : vous ne pouvez pas écrire aux membres "
                 "par le site.")
    return None


# Sending ---------------------------------------------------------------------------------------

def _clean_name(name):
    return " ".join(str(name or "").split())[:80]


def send_message(target, text, *, sender=None, name="", email="", request=None):
    """Send `text` to `target`'s recipients, from `sender` (a signed-in user) or a visitor (`name`, `email`).

    Returns the ContactMessage (SENT). Raises MessageRefused (scored as spam: a REFUSED record is
    kept, nothing is sent) or ContactError (blocked sender, target closed, mail server down).
    """
    user = sender if getattr(sender, "is_authenticated", False) else None
    if user is not None:
        refusal = sending_refusal(user)
        if refusal:
            raise ContactError(refusal)
        name, email = user.display_name, user.email
    refusal = target.refusal(user)
    if refusal:
        raise ContactError(refusal)
    name = _clean_name(name)
    verdict = assess(text, author=user, kind="message", scope=target.scope, request=request)
    if verdict.held:
        # The address is not kept: nobody will answer a refused message.
        ContactMessage.objects.create(
            sender=user, sender_name=name, sender_email="", status=ContactMessage.Status.REFUSED,
            spam_score=verdict.score, **target.fields,
        )
        raise MessageRefused(str(REFUSED))
    message = ContactMessage.objects.create(
        sender=user, sender_name=name, sender_email=email, status=ContactMessage.Status.SENT,
        spam_score=verdict.score, **target.fields,
    )
    sent = 0
    for recipient in target.recipients_for(user):
        try:
            sent += send_templated_mail("contact_message", _message_context(message, target, recipient, text, user),
                                        [recipient.email])
        except MAIL_ERRORS:
            logger.exception("Contact message %s could not be mailed to one recipient.", message.pk)
    if not sent:
        message.delete()
        raise ContactError(str(NOT_SENT))
    remember(text, scope=target.scope)
    return message


def _message_context(message, target, recipient, text, user):
    until = timezone.localtime(message.sent_at + timedelta(days=reply_days()))
    sender_profile = None
    if user is not None:
        sender_profile = Profile.objects.public().filter(user=user).first()
    context = {
        "kind": target.kind,
        "recipient_name": str(recipient.display_name),
        "sender_name": message.sender_name,
        "sender_is_member": user is not None,
        "sender_profile_url": _absolute(sender_profile.get_absolute_url()) if sender_profile else "",
        "text": text,
        "target_name": str(target.name),
        "target_url": _absolute(target.url),
        "reply_url": _absolute(reverse("contact:reply", args=[message.reply_token])),
        "reply_until": formats.date_format(until, "DATE_FORMAT"),
        "reply_days": reply_days(),
        "settings_url": _absolute(reverse("accounts:profile_edit")),
    }
    if target.kind == "organisation":
        context["settings_url"] = _absolute(reverse("network:organisation_edit", args=[target.obj.slug]))
    if target.innovation is not None:
        context["fiche_title"] = target.innovation.title
        context["fiche_url"] = _absolute(target.innovation.get_absolute_url())
    return context


# Answering -------------------------------------------------------------------------------------

def is_expired(message, now=None):
    return message.sent_at < (now or timezone.now()) - timedelta(days=reply_days())


def can_answer(user, message):
    """The recipient, or, for an organisation, one of its active managers; not a blocked account."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or is_blocked(user):
        return False
    if message.recipient_id is not None:
        return message.recipient_id == user.pk
    if message.organisation_id is not None:
        return Membership.objects.filter(
            organisation_id=message.organisation_id, user=user, role=Membership.Role.MANAGER,
        ).exists()
    return False


def gone_reason(message):
    """Why the reply link no longer works (a French sentence), or None while it does."""
    if message.status == ContactMessage.Status.REPLIED:
        return _("Vous avez déjà répondu à ce message : la réponse est partie, avec votre adresse. Pour continuer "
                 "l'échange, écrivez directement à l'adresse donnée dans la copie de votre réponse.")
    if is_expired(message) or not message.sender_email:
        return _("Ce lien de réponse a expiré : l'adresse de l'expéditeur n'est gardée que %(days)s jours, puis "
                 "elle est effacée.") % {"days": reply_days()}
    return None


def about(message):
    """What the message was sent about, for the reply page and mails (a French phrase)."""
    if message.ambassador_id is not None:
        return _("votre offre d'ambassadeur pour la fiche « %(title)s »") % {"title": message.ambassador.innovation}
    if message.organisation_id is not None:
        return _("l'organisation %(name)s") % {"name": message.organisation.name}
    return _("votre profil")


def reply(message, replier, text):
    """Mail `replier`'s answer to the sender (Reply-To: the replier), a copy to the replier, then erase the address.

    Raises ReplyGone when the link was used or has expired, ContactError when the mail cannot go.
    """
    with transaction.atomic():
        message = ContactMessage.objects.select_for_update(of=("self",)).select_related(
            "organisation", "ambassador__innovation").get(pk=message.pk)
        if gone_reason(message):
            raise ReplyGone(gone_reason(message))
        replier_name = str(replier.display_name)
        context = {
            "replier_name": replier_name,
            "sender_name": message.sender_name,
            "text": text,
            "sent_on": formats.date_format(timezone.localtime(message.sent_at), "DATE_FORMAT"),
            "organisation_name": message.organisation.name if message.organisation_id else "",
            "fiche_title": message.ambassador.innovation.title if message.ambassador_id else "",
        }
        try:
            send_templated_mail("contact_reply", context, [message.sender_email],
                                reply_to=[mailbox(replier_name, replier.email)])
        except MAIL_ERRORS:
            logger.exception("The answer to contact message %s could not be mailed.", message.pk)
            raise ContactError(_("Votre réponse n'a pas pu partir : le service d'envoi des courriels ne répond pas. "
                                 "Réessayez dans quelques minutes. Votre texte est conservé ci-dessous.")) from None
        try:
            send_templated_mail("contact_reply_copy", {**context, "sender_email": message.sender_email},
                                [replier.email], reply_to=[mailbox(message.sender_name, message.sender_email)])
        except MAIL_ERRORS:  # the answer itself left: the copy is a convenience
            logger.exception("The copy of the answer to contact message %s could not be mailed.", message.pk)
        message.status = ContactMessage.Status.REPLIED
        message.replied_at = timezone.now()
        message.replied_by = replier
        message.sender_email = ""
        message.save(update_fields=["status", "replied_at", "replied_by", "sender_email"])
    return message


# Keeping as little as possible -------------------------------------------------------------------

def expired_with_address(now=None):
    """Messages past the reply window that still hold the sender's address."""
    cutoff = (now or timezone.now()) - timedelta(days=reply_days())
    return ContactMessage.objects.filter(sent_at__lt=cutoff).exclude(sender_email="")


def purge_expired(now=None):
    """Erase the sender's address of messages older than CONTACT_REPLY_DAYS; returns how many."""
    return expired_with_address(now).update(sender_email="")
