"""Writes to users and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from keyaccount.core import audit
from keyaccount.core.models import ApiToken, Notification, User

TOKEN_PREFIX = "kam_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token; the secret is returned once and only its SHA-256 is stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=secret[:12], key_hash=hash_token(secret))
    return token, secret


def token_authenticate(secret: str) -> User | None:
    """The active user a bearer secret belongs to, or None (unknown, revoked, or user deactivated)."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True).first())
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


@transaction.atomic
def user_create(*, actor, username: str, password: str, role: str, team=None, first_name: str = "",
                last_name: str = "", email: str = "", check_password: bool = True) -> User:
    user = User(username=username, role=role, team=team, first_name=first_name, last_name=last_name, email=email)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_create(actor=actor, instance=user, after=audit.snapshot(user, password="(set)"))
    return user


@transaction.atomic
def user_deactivate(*, actor, user: User) -> User:
    """Deactivate a user. Their sessions and tokens stop working on the next request: sessions are
    deleted here, and both session and token authentication refuse inactive users anyway."""
    before = audit.snapshot(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    audit.record_update(actor=actor, instance=user, before=before, after=audit.snapshot(user))
    return user


@transaction.atomic
def calendar_key_rotate(*, user: User) -> str:
    """A new secret for the user's calendar-feed URL; the previous URL stops working at once."""
    secret = secrets.token_urlsafe(24)
    user.calendar_key_hash = hash_token(secret)
    user.save(update_fields=["calendar_key_hash"])
    audit.record_update(actor=user, instance=user, before={"calendar feed": "old link"},
                        after={"calendar feed": "new link"})
    return secret


def calendar_owner(secret: str) -> User | None:
    """The active user whose calendar-feed URL carries ``secret``, or None."""
    if not secret or len(secret) > 100:
        return None
    return User.objects.filter(calendar_key_hash=hash_token(secret), is_active=True).first()


def notification_mark_read(*, user: User, notification: Notification) -> None:
    if notification.user_id == user.pk and notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
