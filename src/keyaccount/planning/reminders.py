"""Account-plan review dates in the manager's reminders and calendar feed."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from keyaccount.core import access
from keyaccount.core.choices import NotificationKind
from keyaccount.planning.models import AccountPlan
from keyaccount.timeline import calendar, reminders
from keyaccount.timeline.models import Reminder

SOURCE = "account_plan_review"
PREPARE_DAYS = 3


def _deadlines(plan) -> list[reminders.Deadline]:
    owner = plan.owner
    if plan.next_review_on is None or not owner.is_active:
        return []
    day = plan.next_review_on
    prefix = f"ap{plan.pk}@{day.isoformat()}:u{owner.pk}"
    return [reminders.Deadline(key=f"{prefix}:d{lead}", user_id=owner.pk, event_at=reminders.at_morning(day, owner),
                               remind_at=reminders.at_morning(day - dt.timedelta(days=lead), owner),
                               lead_minutes=lead * 1440) for lead in (PREPARE_DAYS, 0)]


def schedule_review(plan) -> None:
    reminders.schedule_deadlines(source=SOURCE, object_id=plan.pk, account_id=plan.account_id,
                                 deadlines=_deadlines(plan))


def withdraw_review(plan) -> None:
    reminders.withdraw_deadlines(source=SOURCE, object_id=plan.pk)


def _describe(reminder: Reminder, now: dt.datetime):
    plan = AccountPlan.objects.filter(pk=reminder.object_id).select_related("account").first()
    if plan is None or plan.next_review_on != timezone.localtime(reminder.event_at).date():
        return None
    return reminders.Message(
        reminder=reminder, title=_("Account plan review %(date)s: %(account)s") % {
            "date": formats.date_format(plan.next_review_on, "SHORT_DATE_FORMAT"), "account": plan.account},
        details=[], path=plan.get_absolute_url(), brief_path="", late_since=reminders.late_since(reminder, now))


def _calendar_events(*, user, now: dt.datetime, base_url: str):
    today = timezone.localdate(now)
    label = _("Account plan review")
    if not access.can(user, access.Capability.VIEW_FINANCES):
        return
    for plan in AccountPlan.objects.filter(access.account_q(user, prefix="account__"), owner=user,
                                           next_review_on__gte=today - calendar.PAST,
                                           next_review_on__lte=today + calendar.FUTURE).select_related("account"):
        yield calendar.all_day_event(
            uid=f"account-plan-review-{plan.pk}@keyaccount", sequence=plan.version, stamp=plan.updated_at,
            day=plan.next_review_on, summary=f"◎ {label}: {plan.account}",
            url=f"{base_url}{plan.get_absolute_url()}", alarm_days=PREPARE_DAYS)


def register() -> None:
    reminders.register_source(SOURCE, reminders.ReminderSource(
        describe=_describe, needs=access.Capability.VIEW_FINANCES, kind=NotificationKind.PLAN_DEADLINE))
    calendar.register_source(_calendar_events)
