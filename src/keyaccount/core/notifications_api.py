"""REST API for the user's own notifications (the bell): list them one by one or as the entries the
bell shows (groups), count the unread, mark one, a group or all read, and read or change how each
kind reaches the user. Nobody reaches another user's notifications or settings."""

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from keyaccount.core import queries, services
from keyaccount.core.api import DbId, ErrorOut, InputSchema, Listing, Pagination, ValidationErrorOut
from keyaccount.core.choices import NOTIFICATION_DEFAULTS, NotificationChannel, NotificationKind
from keyaccount.core.models import User

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    created_at: dt.datetime
    kind: NotificationKind
    group: str
    title: str
    body: str
    url: str
    read_at: dt.datetime | None


class NotificationFilter(Schema):
    unread: bool = False


class EntryOut(Schema):
    """One entry of the bell: a notification, or a group of one kind close in time."""

    group: str
    kind: NotificationKind
    title: str
    last_at: dt.datetime
    count: int
    unread: int
    items: list[NotificationOut]


class UnreadOut(Schema):
    unread: int
    entries: int


class KindSettingOut(Schema):
    kind: NotificationKind
    label: str
    channel: NotificationChannel
    default: NotificationChannel


class SettingsOut(Schema):
    digest: bool
    kinds: list[KindSettingOut]


class SettingsIn(InputSchema):
    """What to change: the kinds named (the rest keep theirs) and, when given, the morning digest."""

    digest: bool | None = None
    kinds: dict[NotificationKind, NotificationChannel] = {}


def _unread(user) -> dict:
    return {"unread": queries.unread_count(user), "entries": queries.unread_entries(user)}


def _settings(user) -> dict:
    channels = queries.notification_channels(user)
    return {"digest": user.notification_digest, "kinds": [
        {"kind": kind, "label": str(label), "channel": channels[kind], "default": NOTIFICATION_DEFAULTS[kind]}
        for kind, label in NotificationKind.choices]}


@router.get("/", response=list[NotificationOut])
@paginate(Pagination)
def list_notifications(request, filters: Query[NotificationFilter]):
    notifications = queries.notifications_of(request.user)
    return notifications.filter(read_at__isnull=True) if filters.unread else notifications


@router.get("/entries", response=list[EntryOut])
@paginate(Pagination)
def list_entries(request, filters: Query[NotificationFilter]):
    """The entries the bell shows, newest first: a group ("7 accounts changed loyalty tier") with its
    notifications in ``items``."""
    groups = queries.notification_groups(request.user, unread_only=filters.unread)
    return Listing(groups, lambda page: queries.notification_entries(request.user, page, unread_only=filters.unread))


@router.get("/unread", response=UnreadOut)
def unread(request):
    """``unread``: notifications one by one; ``entries``: what the bell counts (a group is one)."""
    return _unread(request.user)


@router.post("/read", response=UnreadOut)
def mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    return _unread(request.user)


@router.post("/groups/{group}/read", response={200: UnreadOut, 404: ErrorOut})
def mark_group_read(request, group: str):
    """Every notification of one entry (a group, or a notification alone: its ``group``) is read.
    404: no entry of the user's own has that group."""
    if not group.isascii() or not group.isalnum():
        raise Http404
    entry = queries.notification_entry_for_user(group=group, user=request.user)
    services.notification_group_mark_read(user=request.user, group=entry.group)
    return _unread(request.user)


@router.post("/{notification_id}/read", response={200: NotificationOut, 404: ErrorOut})
def mark_read(request, notification_id: DbId):
    """404: no notification of the user's own has that id."""
    notification = queries.notification_get_for_user(notification_id=notification_id, user=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    notification.refresh_from_db()
    return notification


@router.get("/settings", response=SettingsOut)
def get_settings(request):
    """How each kind of notification reaches the signed-in user, and whether they get the digest."""
    return _settings(request.user)


@router.put("/settings", response={200: SettingsOut, 422: ValidationErrorOut})
def put_settings(request, payload: SettingsIn):
    """Change how the kinds named reach the signed-in user. 422: an unknown kind or channel (named at
    ``kinds.<kind>``), or e-mail asked for by a user with no e-mail address (``__all__``)."""
    user = User.objects.get(pk=request.user.pk)
    services.notification_settings_update(
        user=user, channels={str(kind): str(channel) for kind, channel in payload.kinds.items()}, digest=payload.digest)
    return _settings(user)
