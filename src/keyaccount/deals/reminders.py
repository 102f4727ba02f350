"""Tender submission deadlines in the owner's reminders and calendar feed."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from keyaccount.core import access
from keyaccount.core.choices import NotificationKind
from keyaccount.deals.models import Deal
from keyaccount.timeline import calendar, reminders
from keyaccount.timeline.models import Reminder

SOURCE = "tender"
# Besides the owner's own lead times: three days ahead, to prepare the bid.
PREPARE_DAYS = 3


def _deadlines(deal) -> list[reminders.Deadline]:
    if deal.submission_deadline is None or deal.stage.is_closed or not deal.owner.is_active:
        return []
    moment = deal.submission_deadline
    leads = sorted(set(deal.owner.reminder_leads) | {PREPARE_DAYS * 24 * 60})
    stamp = int(moment.timestamp())
    return [reminders.Deadline(key=f"tender{deal.pk}@{stamp}:u{deal.owner_id}:m{lead}", user_id=deal.owner_id,
                               event_at=moment, remind_at=moment - dt.timedelta(minutes=lead), lead_minutes=lead)
            for lead in leads]


def schedule_tender(deal) -> None:
    reminders.schedule_deadlines(source=SOURCE, object_id=deal.pk, account_id=deal.account_id,
                                 deadlines=_deadlines(deal))


def withdraw_tender(deal) -> None:
    reminders.withdraw_deadlines(source=SOURCE, object_id=deal.pk)


def _describe(reminder: Reminder, now: dt.datetime):
    deal = Deal.objects.filter(pk=reminder.object_id).select_related("stage", "account").first()
    if deal is None or deal.stage.is_closed or deal.submission_deadline != reminder.event_at:
        return None
    when = formats.date_format(timezone.localtime(deal.submission_deadline), "DATETIME_FORMAT")
    details = [text for text in (deal.tender_number and _("Tender № %(number)s") % {"number": deal.tender_number},
                                 deal.tender_platform) if text]
    return reminders.Message(reminder=reminder, title=_("Tender submission due %(when)s: %(title)s, %(account)s") % {
        "when": when, "title": deal.title, "account": deal.account}, details=details, path=deal.get_absolute_url(),
        brief_path="", late_since=reminders.late_since(reminder, now))


def _sweep(now: dt.datetime) -> int:
    soon = now + dt.timedelta(days=PREPARE_DAYS + 1)
    written = 0
    for deal in (Deal.objects.filter(submission_deadline__gt=now, submission_deadline__lte=soon,
                                     stage__outcome="open").select_related("stage", "owner")):
        written += reminders.schedule_deadlines(source=SOURCE, object_id=deal.pk, account_id=deal.account_id,
                                                deadlines=_deadlines(deal), now=now)
    return written


def _calendar_events(*, user, now: dt.datetime, base_url: str):
    from icalendar import Event


    if not access.can(user, access.Capability.VIEW_FINANCES):
        return
    for deal in Deal.objects.filter(access.account_q(user, prefix="account__"), owner=user,
                                    submission_deadline__gte=now - calendar.PAST,
                                    submission_deadline__lte=now + calendar.FUTURE,
                                    stage__outcome="open").select_related("account"):
        event = Event()
        event.add("uid", f"tender-{deal.pk}@keyaccount")
        event.add("sequence", deal.version)
        event.add("dtstamp", deal.updated_at)
        label = _("Tender submission")
        event.add("summary", f"⚑ {label}: {deal.title} — {deal.account}")
        event.add("dtstart", deal.submission_deadline - dt.timedelta(minutes=30))
        event.add("dtend", deal.submission_deadline)
        url = f"{base_url}{reverse('deals:deal_detail', args=[deal.pk])}"
        event.add("url", url)
        event.add("description", url)
        yield event


def register() -> None:
    reminders.register_source(SOURCE, reminders.ReminderSource(
        describe=_describe, sweep=_sweep, needs=access.Capability.VIEW_FINANCES, kind=NotificationKind.DEAL_DEADLINE))
    calendar.register_source(_calendar_events)
