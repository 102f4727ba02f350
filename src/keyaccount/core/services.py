"""Writes to users, API tokens and our company's requisites."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.core import access, audit
from keyaccount.core.editing import assign_fields, require
from keyaccount.core.models import TOKEN_PREFIX, ApiToken, Company, Notification, User


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


MAX_TOKEN_NAME = 100


def _token_name(*, owner: User, name: str) -> str:
    """The name a new token may have: short, not shaped like a prefix (``kam token --revoke`` takes
    either), and, when given, not the name of another of the owner's live tokens."""
    name = name.strip()
    if any(ord(character) < 32 for character in name):
        raise ValidationError({"name": [_("A token's name is one line of text.")]})
    if len(name) > MAX_TOKEN_NAME:
        raise ValidationError({"name": [_("A token's name has at most %(limit)d characters.")
                                        % {"limit": MAX_TOKEN_NAME}]})
    if name.lower().startswith(TOKEN_PREFIX):
        raise ValidationError({"name": [_("A token's name may not start with “%(prefix)s”: prefixes do.")
                                        % {"prefix": TOKEN_PREFIX}]})
    if name and ApiToken.objects.filter(user=owner, revoked_at__isnull=True, name__iexact=name).exists():
        raise ValidationError({"name": [_("There is already a live token called “%(name)s”: choose another name "
                                          "or revoke that one first.") % {"name": name}]})
    return name


@transaction.atomic
def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token of ``user``, made by ``user`` (on the command line, by the operator in their
    name); the secret is returned once and only its SHA-256 is stored."""
    require(access.can_manage_tokens_of(user, user))
    # The owner's row is locked so that two requests cannot both take the same name.
    User.objects.select_for_update().filter(pk=user.pk).first()
    name = _token_name(owner=user, name=name)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=secret[:12], key_hash=hash_token(secret))
    token.full_clean()
    token.save()
    audit.record_create(actor=user, instance=token, after={"name": name, "prefix": token.prefix})
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
def token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    """Stop ``token`` working at once; revoking a revoked token changes nothing."""
    require(access.can_manage_tokens_of(user, token.user))
    now = timezone.now()
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        token.revoked_at = now
        audit.record_update(actor=user, instance=token, before={"revoked_at": None},
                            after={"revoked_at": audit.snapshot(token)["revoked_at"]})
    else:
        token.refresh_from_db(fields=["revoked_at"])
    return token


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


PROFILE_FIELDS = ("first_name", "last_name", "patronymic", "email", "language", "time_zone", "extension",
                  "email_reminders", "reminder_minutes")


@transaction.atomic
def profile_update(*, user: User, data: Mapping[str, Any]) -> bool:
    """A user's own profile: name, e-mail, language, time zone, phone extension and reminders.
    Returns whether the reminders must be written anew (lead times or time zone changed)."""
    before = audit.snapshot(user)
    assign_fields(user, data, PROFILE_FIELDS)
    user.full_clean(exclude=["password"])
    user.save(update_fields=[name for name in PROFILE_FIELDS if name in data])
    after = audit.snapshot(user)
    audit.record_update(actor=user, instance=user, before=before, after=after)
    return any(before.get(name) != after.get(name) for name in ("reminder_minutes", "time_zone"))


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


COMPANY_FIELDS = ("name", "inn", "kpp", "ogrn", "address", "bank_name", "bic", "settlement_account",
                  "correspondent_account", "signatory", "signatory_position", "logo", "vat_rate")


@transaction.atomic
def company_update(*, actor, data: Mapping[str, Any]) -> Company:
    """Our company's requisites (the one record, made on its first save): administrators only;
    every identifier and account checked (each error at its field), audited."""
    require(access.can(actor, access.Capability.MANAGE_USERS))
    company = Company.objects.select_for_update().filter(key=1).first()
    created = company is None
    company = company or Company()
    before = {} if created else audit.snapshot(company)
    assign_fields(company, data, COMPANY_FIELDS)
    for name in ("inn", "kpp", "ogrn", "bic", "settlement_account", "correspondent_account"):
        setattr(company, name, "".join(getattr(company, name).split()))
    company.full_clean()
    if created:
        company.save()
        audit.record_create(actor=actor, instance=company, after=audit.snapshot(company))
    else:
        company.version += 1
        company.updated_at = timezone.now()
        company.save()
        audit.record_update(actor=actor, instance=company, before=before, after=audit.snapshot(company))
    return company
