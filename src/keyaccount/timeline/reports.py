"""Punctuality and activity per manager and period: meetings held and how late they started, calls
made, missed calls not returned within a working day, accounts nobody has contacted for too long."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from keyaccount.accounts.choices import AccountStatus
from keyaccount.accounts.models import Account
from keyaccount.core import access, working_time
from keyaccount.core.models import User
from keyaccount.timeline.choices import CallDirection, CallOutcome, InteractionKind, MeetingStatus
from keyaccount.timeline.models import Interaction

# How long an account may go without any contact before it counts as neglected, by status: key
# accounts need the closest attention; lost ones are not counted.
SILENCE_DAYS = {AccountStatus.KEY: 14, AccountStatus.REPEAT: 30, AccountStatus.ONE_TIME: 60,
                AccountStatus.PROSPECT: 30}


@dataclass
class ManagerActivity:
    manager: User
    meetings_held: int = 0
    meetings_late: int = 0
    average_lateness_minutes: float | None = None
    calls_made: int = 0
    missed_calls: int = 0
    missed_not_returned: int = 0
    silent_accounts: list[Account] = field(default_factory=list)

    @property
    def late_share(self) -> float | None:
        return None if not self.meetings_held else self.meetings_late / self.meetings_held


def call_back_by(moment: dt.datetime, calendar: working_time.WorkingCalendar) -> dt.datetime:
    """One working day later in the company's calendar: Friday's missed call is due back on Monday,
    not on Saturday, and one missed on 30 April on 4 May."""
    return calendar.add_working_days(moment, 1)


def managers_visible_to(user) -> list[User]:
    scope = access.colleagues_q(user)
    if scope is None:
        return []
    return list(access.sellers().filter(scope).order_by("last_name", "username"))


def activity(user, *, date_from: dt.date, date_to: dt.date, now: dt.datetime | None = None) -> list[ManagerActivity]:
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows, calendar = [], working_time.company_calendar()
    for manager in managers_visible_to(user):
        row = ManagerActivity(manager=manager)
        mine = Interaction.objects.filter(owner=manager, starts_at__gte=start, starts_at__lt=end)
        held = list(mine.filter(kind=InteractionKind.MEETING, meeting_status=MeetingStatus.HELD)
                    .values_list("starts_at", "actual_start_at"))
        row.meetings_held = len(held)
        lateness = [(actual - planned).total_seconds() / 60 for planned, actual in held
                    if actual is not None and actual > planned + dt.timedelta(seconds=59)]
        row.meetings_late = len(lateness)
        row.average_lateness_minutes = round(sum(lateness) / len(lateness), 1) if lateness else None
        row.calls_made = mine.filter(kind=InteractionKind.CALL, direction=CallDirection.OUTBOUND).count()
        missed = list(mine.filter(kind=InteractionKind.CALL, direction=CallDirection.INBOUND,
                                  outcome=CallOutcome.MISSED).values_list("their_number", "starts_at"))
        row.missed_calls = len(missed)
        for number, moment in missed:
            deadline = call_back_by(moment, calendar)
            if deadline > now:
                continue  # still time to call back
            returned = Interaction.objects.filter(kind=InteractionKind.CALL, their_number=number,
                                                  direction=CallDirection.OUTBOUND, starts_at__gt=moment,
                                                  starts_at__lte=deadline).exists()
            row.missed_not_returned += 0 if returned else 1
        for account in (Account.objects.filter(owner=manager, status__in=list(SILENCE_DAYS))
                        .annotate(last_contact=Max("interactions__starts_at", filter=Q(
                            interactions__starts_at__lte=now))).order_by("name")):
            limit = now - dt.timedelta(days=SILENCE_DAYS[account.status])
            if account.last_contact is None or account.last_contact < limit:
                row.silent_accounts.append(account)
        rows.append(row)
    return rows
