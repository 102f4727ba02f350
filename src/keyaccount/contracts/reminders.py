"""Contract deadlines in reminders, alerts and the calendar feed.

* An open obligation reminds its responsible person (else the contract's manager) the morning
  ``remind_days_before`` days ahead (the working day before, if that is a day off) and on the due
  day (the next working day, if it is a day off: Civil Code, art. 193).
* The next working morning after that, an overdue alert goes to the responsible person, the
  contract's manager and the heads of sales of the manager's team: never on a Sunday or a holiday.
* A contract in force with an end date reminds its manager and the heads of sales
  ``remind_days_before`` days before the last day to give notice, and on that day.

Each reminder is a row in the timeline's outbox, written when the contract or obligation is saved
(and by the worker's sweep for bulk-loaded ones); at delivery a fulfilled obligation or a changed
date withdraws it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from keyaccount.contracts.choices import ContractStatus, ObligationStatus, Side
from keyaccount.contracts.models import Contract, Obligation
from keyaccount.core import access, working_time
from keyaccount.core.choices import NotificationKind
from keyaccount.core.models import User
from keyaccount.core.queries import heads_of
from keyaccount.timeline import calendar, reminders
from keyaccount.timeline.models import Reminder

OBLIGATION = "obligation"
NOTICE = "contract_notice"
# The sweep looks this far ahead (the longest lead a contract may ask for) and back (overdue alerts).
SWEEP_AHEAD = dt.timedelta(days=366)
SWEEP_BACK = dt.timedelta(days=2)


def _morning_deadlines(prefix: str, users: list[User], day: dt.date, event_day: dt.date, lead_days: int):
    return [reminders.Deadline(key=f"{prefix}:u{user.pk}:d{lead_days}", user_id=user.pk,
                               event_at=reminders.at_morning(event_day, user),
                               remind_at=reminders.at_morning(day, user), lead_minutes=max(lead_days, 0) * 1440)
            for user in users if user.is_active]


def obligation_deadlines(obligation) -> list[reminders.Deadline]:
    if obligation.status != ObligationStatus.OPEN or obligation.contract.status == ContractStatus.TERMINATED:
        return []
    contract = obligation.contract
    doer = obligation.responsible or contract.owner
    prefix = f"ob{obligation.pk}@{obligation.due_on.isoformat()}"
    due, calendar = obligation.due_on, working_time.company_calendar()
    effective = calendar.next_working_day(due)
    ahead = calendar.previous_working_day(due - dt.timedelta(days=obligation.remind_days_before))
    deadlines = _morning_deadlines(prefix, [doer], ahead if obligation.remind_days_before else effective, due,
                                   obligation.remind_days_before)
    if obligation.remind_days_before:
        deadlines += _morning_deadlines(prefix, [doer], effective, due, 0)
    alerted = {doer.pk: doer, contract.owner_id: contract.owner}
    for head in heads_of(contract.owner):
        alerted[head.pk] = head
    late = calendar.next_working_day(effective + dt.timedelta(days=1))
    deadlines += _morning_deadlines(f"{prefix}:overdue", list(alerted.values()), late, due, -1)
    return deadlines


def notice_deadlines(contract) -> list[reminders.Deadline]:
    deadline = contract.notice_deadline
    if deadline is None or contract.status != ContractStatus.ACTIVE:
        return []
    people = [contract.owner, *heads_of(contract.owner)]
    prefix = f"ct{contract.pk}@{deadline.isoformat()}"
    deadlines = _morning_deadlines(prefix, people, deadline - dt.timedelta(days=contract.remind_days_before),
                                   deadline, contract.remind_days_before)
    if contract.remind_days_before:
        deadlines += _morning_deadlines(prefix, people, deadline, deadline, 0)
    return deadlines


def schedule_obligation(obligation, *, now: dt.datetime | None = None) -> int:
    return reminders.schedule_deadlines(source=OBLIGATION, object_id=obligation.pk,
                                        account_id=obligation.contract.account_id,
                                        deadlines=obligation_deadlines(obligation), now=now)


def schedule_contract(contract, *, now: dt.datetime | None = None) -> int:
    written = reminders.schedule_deadlines(source=NOTICE, object_id=contract.pk, account_id=contract.account_id,
                                           deadlines=notice_deadlines(contract), now=now)
    for obligation in contract.obligations.select_related("contract__owner", "responsible"):
        written += schedule_obligation(obligation, now=now)
    return written


def withdraw(*, obligation_ids=(), contract_id=None) -> None:
    for pk in obligation_ids:
        reminders.withdraw_deadlines(source=OBLIGATION, object_id=pk)
    if contract_id is not None:
        reminders.withdraw_deadlines(source=NOTICE, object_id=contract_id)


def _describe_obligation(reminder: Reminder, now: dt.datetime):
    obligation = (Obligation.objects.filter(pk=reminder.object_id).select_related("contract__account").first())
    if obligation is None or obligation.status != ObligationStatus.OPEN \
            or obligation.due_on != timezone.localtime(reminder.event_at).date():
        return None
    contract = obligation.contract
    values = {"title": obligation.title, "date": formats.date_format(obligation.due_on, "SHORT_DATE_FORMAT"),
              "account": contract.account, "contract": contract}
    if ":overdue:" in reminder.key:
        title = _("Overdue since %(date)s: %(title)s, %(account)s") % values
    else:
        title = _("Due %(date)s: %(title)s, %(account)s") % values
    whose = _("our obligation") if obligation.side == Side.OURS else _("the client's obligation")
    details = [f"{contract}: {whose}, {obligation.get_kind_display()}"]
    return reminders.Message(reminder=reminder, title=title, details=details, path=obligation.get_absolute_url(),
                             brief_path="", late_since=reminders.late_since(reminder, now))


def _describe_notice(reminder: Reminder, now: dt.datetime):
    contract = Contract.objects.filter(pk=reminder.object_id).select_related("account").first()
    if contract is None or contract.status != ContractStatus.ACTIVE or contract.notice_deadline is None \
            or contract.notice_deadline != timezone.localtime(reminder.event_at).date():
        return None
    values = {"contract": contract, "account": contract.account,
              "date": formats.date_format(contract.notice_deadline, "SHORT_DATE_FORMAT"),
              "end": formats.date_format(contract.ends_on, "SHORT_DATE_FORMAT")}
    if contract.auto_renewal:
        title = _("%(contract)s with %(account)s renews by itself on %(end)s: notice by %(date)s") % values
    else:
        title = _("%(contract)s with %(account)s ends on %(end)s: notice or renewal by %(date)s") % values
    return reminders.Message(reminder=reminder, title=title, details=[contract.subject[:300]],
                             path=contract.get_absolute_url(), brief_path="",
                             late_since=reminders.late_since(reminder, now))


def _sweep(now: dt.datetime) -> int:
    today = timezone.localdate(now)
    written = 0
    obligations = (Obligation.objects.filter(status=ObligationStatus.OPEN, due_on__gte=today - SWEEP_BACK,
                                             due_on__lte=today + SWEEP_AHEAD)
                   .select_related("contract__owner", "responsible"))
    for obligation in obligations.iterator(chunk_size=500):
        written += schedule_obligation(obligation, now=now)
    contracts = Contract.objects.filter(status=ContractStatus.ACTIVE, ends_on__gte=today,
                                        ends_on__lte=today + SWEEP_AHEAD * 2).select_related("owner")
    for contract in contracts.iterator(chunk_size=500):
        written += reminders.schedule_deadlines(source=NOTICE, object_id=contract.pk, account_id=contract.account_id,
                                                deadlines=notice_deadlines(contract), now=now)
    return written


def _calendar_events(*, user, now: dt.datetime, base_url: str):
    if not access.can(user, access.Capability.VIEW_FINANCES):
        return
    today = timezone.localdate(now)
    mine = Q(responsible=user) | Q(responsible__isnull=True, contract__owner=user)
    for obligation in (Obligation.objects.filter(mine, access.account_q(user, prefix="contract__account__"),
                                                 status=ObligationStatus.OPEN,
                                                 due_on__gte=today - calendar.PAST, due_on__lte=today + calendar.FUTURE)
                       .select_related("contract__account")):
        url = f"{base_url}{reverse('contracts:contract_detail', args=[obligation.contract_id])}"
        yield calendar.all_day_event(
            uid=f"obligation-{obligation.pk}@keyaccount", sequence=obligation.version, stamp=obligation.updated_at,
            day=obligation.due_on, summary=f"☐ {obligation.title} — {obligation.contract.account}", url=url,
            description=str(obligation.contract), alarm_days=obligation.remind_days_before or 1)
    notice_label = _("Notice date")
    for contract in Contract.objects.filter(access.account_q(user, prefix="account__"), owner=user,
                                            status=ContractStatus.ACTIVE, ends_on__isnull=False,
                                            ends_on__gte=today).select_related("account"):
        deadline = contract.notice_deadline
        if deadline is None or not today - calendar.PAST <= deadline <= today + calendar.FUTURE:
            continue
        yield calendar.all_day_event(
            uid=f"contract-notice-{contract.pk}@keyaccount", sequence=contract.version, stamp=contract.updated_at,
            day=deadline, summary=f"✉ {notice_label}: {contract} — {contract.account}",
            url=f"{base_url}{contract.get_absolute_url()}", description=contract.subject[:500],
            alarm_days=contract.remind_days_before or 1)


def register() -> None:
    reminders.register_source(OBLIGATION, reminders.ReminderSource(
        describe=_describe_obligation, sweep=_sweep, needs=access.Capability.VIEW_FINANCES,
        kind=NotificationKind.CONTRACT_DEADLINE))
    reminders.register_source(NOTICE, reminders.ReminderSource(
        describe=_describe_notice, needs=access.Capability.VIEW_FINANCES, kind=NotificationKind.CONTRACT_DEADLINE))
    calendar.register_source(_calendar_events)
