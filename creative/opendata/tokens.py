"""Personal API tokens: issuing, revoking, and recognising the one a request carries.

The secret is shown once, when it is issued (ApiToken keeps only its SHA-256). A revoked
token, or the token of a deactivated account, authenticates nobody.
"""

from datetime import timedelta

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creative.audit import record

from .models import TOKEN_PREFIX, ApiToken, hash_token

MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often per token: one UPDATE per request is wasted work.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"), max_length=100,
        help_text=_("Pour vous en souvenir : « script d'import de l'association », « site du réseau »…"),
        error_messages={"required": _("Donnez un nom à ce jeton.")},
    )


def issue(user, name):
    """A new token for `user`: (ApiToken, raw secret to show once)."""
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name.strip()[:100])
        record(user, "opendata.token_created", token, name=token.name, prefix=token.prefix)
    return token, raw


def revoke(token, user):
    """Revoke `token` (idempotent); `user` is who did it, for the audit log."""
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(user, "opendata.token_revoked", token, name=token.name, prefix=token.prefix)
    return token


def authenticate(raw):
    """The user a raw secret belongs to (its token active, the account active), or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    token.user.api_token = token
    return token.user
