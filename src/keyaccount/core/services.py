"""Writes to users, API tokens, notifications (the one way a notification is made: ``notify``) and our
company's requisites."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import smtplib
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from keyaccount.core import access, audit, queries
from keyaccount.core.choices import GROUPED_KINDS, NotificationChannel, NotificationKind
from keyaccount.core.editing import assign_fields, require
from keyaccount.core.models import TOKEN_PREFIX, ApiToken, Company, Notification, NotificationPreference, User

log = logging.getLogger(__name__)


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


# Notifications of a grouped kind join the user's unread group of that kind while it is this recent.
GROUP_WINDOW = dt.timedelta(hours=24)
# The morning digest goes out from this hour of the user's own day.
DIGEST_HOUR = 8
# At most this many entries in a digest; the rest are counted.
DIGEST_ENTRIES = 30
MAILED = (NotificationChannel.APP_EMAIL, NotificationChannel.EMAIL)


def notification_mails(user: User, kind: str) -> bool:
    """Whether a notification of ``kind`` goes to ``user`` by e-mail as it happens."""
    return bool(user.email) and queries.notification_channel(user, kind) in MAILED


def _group_for(user: User, kind: str, when: dt.datetime) -> str | None:
    if kind not in GROUPED_KINDS:
        return None
    return (Notification.objects.filter(user=user, kind=kind, read_at__isnull=True,
                                        created_at__gte=when - GROUP_WINDOW, created_at__lte=when + GROUP_WINDOW)
            .order_by("-created_at", "-id").values_list("group", flat=True).first())


def notify(*, user: User | None, kind: str, title: str, body: str = "", url: str = "", key: str | None = None,
           when: dt.datetime | None = None, mail: bool = True) -> Notification | None:
    """The one way a notification is made: as ``user`` set ``kind`` up (in the app, by e-mail, both,
    in the morning digest, or not at all; ``core.choices.NOTIFICATION_DEFAULTS`` until they choose).

    ``key`` makes it idempotent: a second call with the same key makes and sends nothing. A grouped
    kind joins the user's recent unread group of that kind. An e-mail-only notification is kept as
    read (the history shows it, the bell does not). ``mail=False`` is for a caller that sends its own
    e-mail (the reminders, several to a message, with retries). Returns the notification made, or None.
    """
    if user is None or not user.is_active or not access.is_member(user):
        return None
    channel = queries.notification_channel(user, kind)
    if channel == NotificationChannel.OFF:
        return None
    if key is not None:
        key = key[:200]
        if Notification.objects.filter(key=key).exists():
            return None
    when = when or timezone.now()
    fields = {"user": user, "kind": kind, "title": title[:300], "body": body, "url": url[:500], "created_at": when,
              "read_at": when if channel == NotificationChannel.EMAIL else None}
    group = _group_for(user, kind, when) if channel != NotificationChannel.EMAIL else None
    if group:
        fields["group"] = group
    if key is None:
        notification = Notification.objects.create(**fields)
    else:
        notification, created = Notification.objects.get_or_create(key=key, defaults=fields)
        if not created:
            return None
    if mail and channel in MAILED and user.email:
        _mail(user, subject=notification.title, template="core/email/notification", context={
            "notification": notification})
    return notification


def _mail(user: User, *, subject: str, template: str, context: dict) -> bool:
    """One e-mail to ``user`` in their language and time zone; a mail server that refuses is logged
    (the notification itself stays in the app)."""
    with translation.override(user.language or settings.LANGUAGE_CODE), timezone.override(user.zone):
        context = {**context, "user": user, "base_url": settings.KAM_BASE_URL}
        message = EmailMultiAlternatives(subject=f"Keyaccount: {subject}"[:250],
                                         body=render_to_string(f"{template}.txt", context), to=[user.email])
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        log.warning("Notification mail to %s not sent: %s", user.email, error)
        return False
    return True


def notification_mark_read(*, user: User, notification: Notification) -> None:
    if notification.user_id == user.pk and notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def notification_group_mark_read(*, user: User, group: str) -> int:
    """Every notification of one of the user's own entries is read; how many were unread."""
    return Notification.objects.filter(user=user, group=group, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_all_read(*, user: User, keep: Iterable[str] = ()) -> int:
    """Every unread notification of the user's own is read (but those of the kinds in ``keep``);
    how many were unread."""
    return (Notification.objects.filter(user=user, read_at__isnull=True).exclude(kind__in=list(keep))
            .update(read_at=timezone.now()))


def _settings_snapshot(user: User) -> dict:
    """For the audit: one line per kind ("notifications: loyalty" → "app") and the digest."""
    channels = queries.notification_channels(user)
    return {**{f"notifications: {kind}": channel for kind, channel in channels.items()},
            "notification digest": str(user.notification_digest)}


@transaction.atomic
def notification_settings_update(*, user: User, channels: Mapping[str, str], digest: bool | None = None) -> User:
    """Store how each kind named in ``channels`` reaches ``user`` (only their own), and whether they
    want the morning digest of everything unread. An unknown kind or channel is named at its field."""
    require(access.is_member(user))
    errors = {}
    for kind, channel in channels.items():
        if kind not in NotificationKind.values:
            errors[kind] = [_("No such kind of notification.")]
        elif channel not in NotificationChannel.values:
            errors[kind] = [_("Choose in the app, by e-mail, both, the digest or off.")]
    wants_mail = digest or any(channel in (*MAILED, NotificationChannel.DIGEST) for channel in channels.values())
    if wants_mail and not user.email and not errors:
        errors["__all__"] = [_("Add your e-mail address to your profile first: e-mail needs it.")]
    if errors:
        raise ValidationError(errors)
    before = _settings_snapshot(user)
    for kind, channel in channels.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
    if digest is not None and digest != user.notification_digest:
        user.notification_digest = digest
        user.save(update_fields=["notification_digest"])
    after = _settings_snapshot(user)
    if after != before:
        audit.record_update(actor=user, instance=user, before=before, after=after)
    return user


def _digest_kinds(user: User) -> list[str] | None:
    """The kinds a user's digest lists: every kind kept in the app when they asked for the digest of
    everything, else the kinds they set to "digest" (None: no digest)."""
    channels = queries.notification_channels(user)
    if user.notification_digest:
        return [kind for kind, channel in channels.items()
                if channel not in (NotificationChannel.OFF, NotificationChannel.EMAIL)]
    kinds = [kind for kind, channel in channels.items() if channel == NotificationChannel.DIGEST]
    return kinds or None


def digest_send(*, user: User, now: dt.datetime | None = None) -> bool:
    """The morning digest of ``user``'s unread notifications, once a day at most (the user's local
    date is claimed before anything is sent, so two workers never both send it); False when it was
    already sent today, is not wanted, or nothing is unread."""
    now = now or timezone.now()
    today = timezone.localtime(now, user.zone).date()
    kinds = _digest_kinds(user)
    if not user.is_active or not user.email or kinds is None:
        return False
    previous = user.digest_sent_on
    claimed = User.objects.filter(pk=user.pk).filter(
        Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today)).update(digest_sent_on=today)
    if not claimed:
        return False
    user.digest_sent_on = today
    groups = queries.notification_groups(user, unread_only=True, kinds=kinds)
    total = groups.count()
    if not total:
        return False
    entries = queries.notification_entries(user, groups[:DIGEST_ENTRIES], unread_only=True)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = ngettext("%(counter)s unread notification", "%(counter)s unread notifications", total) % {
            "counter": total}
    sent = _mail(user, subject=subject, template="core/email/digest", context={
        "entries": entries, "total": total, "more": max(0, total - len(entries))})
    if not sent:
        User.objects.filter(pk=user.pk, digest_sent_on=today).update(digest_sent_on=previous)
        user.digest_sent_on = previous
    return sent


def digests_send(*, now: dt.datetime | None = None) -> int:
    """Every digest due: users who want one, whose morning (``DIGEST_HOUR`` in their time zone) has
    come and who have had none today. Run by the worker every quarter of an hour."""
    now = now or timezone.now()
    wanting = NotificationPreference.objects.filter(channel=NotificationChannel.DIGEST).values("user_id")
    users = (User.objects.filter(is_active=True).exclude(email="")
             .filter(Q(notification_digest=True) | Q(pk__in=wanting)))
    sent = 0
    for user in users.iterator(chunk_size=200):
        local = timezone.localtime(now, user.zone)
        if local.hour < DIGEST_HOUR or (user.digest_sent_on is not None and user.digest_sent_on >= local.date()):
            continue
        sent += digest_send(user=user, now=now)
    return sent


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
