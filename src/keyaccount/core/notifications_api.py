"""REST API for the user's own notifications (the bell): list, unread count, mark read."""

import datetime as dt

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from keyaccount.core import queries, services
from keyaccount.core.api import DbId, Pagination

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    created_at: dt.datetime
    title: str
    body: str
    url: str
    read_at: dt.datetime | None


class NotificationFilter(Schema):
    unread: bool = False


class UnreadOut(Schema):
    unread: int


@router.get("/", response=list[NotificationOut])
@paginate(Pagination)
def list_notifications(request, filters: Query[NotificationFilter]):
    notifications = queries.notifications_of(request.user)
    return notifications.filter(read_at__isnull=True) if filters.unread else notifications


@router.get("/unread", response=UnreadOut)
def unread(request):
    return {"unread": queries.unread_count(request.user)}


@router.post("/{notification_id}/read", response=NotificationOut)
def mark_read(request, notification_id: DbId):
    notification = queries.notification_get_for_user(notification_id=notification_id, user=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    notification.refresh_from_db()
    return notification


@router.post("/read", response=UnreadOut)
def mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    return {"unread": 0}
