"""Punctuality and activity per manager and period: meetings held and how late they started, calls
made, missed calls not returned within a working day, accounts nobody has contacted for too long."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
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


# How many of a manager's silent accounts the report names (the rest are counted).
SILENT_SHOWN = 8


@dataclass
class ManagerActivity:
    manager: User
    meetings_held: int = 0
    meetings_late: int = 0
    average_lateness_minutes: float | None = None
    calls_made: int = 0
    missed_calls: int = 0
    missed_not_returned: int = 0
    # Every account without contact for too long, by name; the first SILENT_SHOWN of them as accounts.
    silent_account_ids: list[int] = field(default_factory=list)
    silent_accounts: list[Account] = field(default_factory=list)

    @property
    def late_share(self) -> float | None:
        return None if not self.meetings_held else self.meetings_late / self.meetings_held

    @property
    def silent_count(self) -> int:
        return len(self.silent_account_ids)

    @property
    def silent_not_shown(self) -> int:
        return len(self.silent_account_ids) - len(self.silent_accounts)


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
    """The report for every manager ``user`` may see, in a fixed number of queries whatever the number of
    managers, calls and accounts (a head of a large team reads it over the whole team's history)."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = {manager.pk: ManagerActivity(manager=manager) for manager in managers_visible_to(user)}
    if not rows:
        return []
    period = Interaction.objects.filter(owner_id__in=list(rows), starts_at__gte=start, starts_at__lt=end).order_by()
    lateness: dict[int, list[float]] = {}
    for owner_id, planned, actual in period.filter(kind=InteractionKind.MEETING, meeting_status=MeetingStatus.HELD) \
            .values_list("owner_id", "starts_at", "actual_start_at"):
        rows[owner_id].meetings_held += 1
        if actual is not None and actual > planned + dt.timedelta(seconds=59):
            lateness.setdefault(owner_id, []).append((actual - planned).total_seconds() / 60)
    for owner_id, late in lateness.items():
        rows[owner_id].meetings_late = len(late)
        rows[owner_id].average_lateness_minutes = round(sum(late) / len(late), 1)
    for owner_id, count in period.filter(kind=InteractionKind.CALL, direction=CallDirection.OUTBOUND) \
            .values("owner_id").annotate(count=Count("id")).values_list("owner_id", "count"):
        rows[owner_id].calls_made = count
    _missed_calls(rows, period, now)
    _silent_accounts(rows, now)
    return list(rows.values())


def _missed_calls(rows: dict[int, ManagerActivity], period, now: dt.datetime) -> None:
    """Missed calls, and those nobody returned within a working day: an outbound call by anyone to the
    same number after the missed one and by its deadline (calls still within their day are not counted)."""
    calendar = working_time.company_calendar()
    due = []
    for owner_id, number, moment in period.filter(
            kind=InteractionKind.CALL, direction=CallDirection.INBOUND, outcome=CallOutcome.MISSED) \
            .values_list("owner_id", "their_number", "starts_at"):
        rows[owner_id].missed_calls += 1
        deadline = call_back_by(moment, calendar)
        if deadline <= now:
            due.append((owner_id, number, moment, deadline))
    if not due:
        return
    numbers = sorted({number for _owner, number, _moment, _deadline in due})
    first, last = min(moment for *_rest, moment, _deadline in due), max(deadline for *_rest, deadline in due)
    returns: dict[str, list[dt.datetime]] = {}
    for chunk in range(0, len(numbers), 900):
        for number, moment in Interaction.objects.filter(
                kind=InteractionKind.CALL, direction=CallDirection.OUTBOUND,
                their_number__in=numbers[chunk:chunk + 900], starts_at__gt=first,
                starts_at__lte=last).order_by().values_list("their_number", "starts_at"):
            returns.setdefault(number, []).append(moment)
    for moments in returns.values():
        moments.sort()
    for owner_id, number, moment, deadline in due:
        moments = returns.get(number, [])
        after = bisect.bisect_right(moments, moment)  # the first call back after the missed one
        if after == len(moments) or moments[after] > deadline:
            rows[owner_id].missed_not_returned += 1


def _silent_accounts(rows: dict[int, ManagerActivity], now: dt.datetime) -> None:
    """The managers' accounts with no contact (any interaction up to now) within their status's limit:
    one query per status, each account looked up in the index of its interactions by time."""
    owned = Account.objects.filter(owner_id__in=list(rows)).order_by()
    found = []
    for status, days in SILENCE_DAYS.items():
        recent = Interaction.objects.filter(account=OuterRef("pk"), starts_at__gte=now - dt.timedelta(days=days),
                                            starts_at__lte=now)
        found.extend(owned.filter(status=status).filter(~Exists(recent)).values_list("owner_id", "name", "pk"))
    found.sort(key=lambda row: (row[1], row[2]))
    for owner_id, _name, pk in found:
        rows[owner_id].silent_account_ids.append(pk)
    shown = [pk for row in rows.values() for pk in row.silent_account_ids[:SILENT_SHOWN]]
    accounts = Account.objects.in_bulk(shown)
    for row in rows.values():
        row.silent_accounts = [accounts[pk] for pk in row.silent_account_ids[:SILENT_SHOWN]]
