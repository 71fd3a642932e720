"""Making, checking and revoking API tokens (jalon.api.models.ApiToken), and the authentication class the
API uses: `Authorization: Token <key>`, as before, but a key that has expired or was revoked is refused."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.api.models import ApiToken

LIFETIMES = (30, 90, 365)  # days a person may choose; 90 by default
DEFAULT_LIFETIME = 90
# Writing "last used" on every request would make each API call a write: once a minute is enough to tell.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, name: str, days: int = DEFAULT_LIFETIME) -> tuple[ApiToken, str]:
    """A new token for `actor` and its key, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, to recognise it in the list.")})
    if days not in LIFETIMES:
        raise ValidationError({"days": _("Choose how long the token lasts: 30, 90 or 365 days.")})
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=key[:8],
        key_hash=key_hash(key),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=token)
    return token, key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=token)
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's header parsing and challenge ("Token"); the key is looked up by its hash and must be active."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token was revoked: make a new one on your tokens page."))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired: make a new one on your tokens page."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
