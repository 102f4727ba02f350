"""The SLA of client feedback in reminders and alerts.

Every lead and delay is counted in working time (``core.working_time``), as the deadlines are.

* Before the first response is due (a quarter of the window ahead, at most two hours), the
  assignee is reminded; when it is due and none was given, the assignee and the heads of sales of
  their team are alerted of the breach.
* Before the resolution is due (a quarter of the window ahead, at most eight working hours) likewise, and the
  breach alert when it is due and nothing was resolved.
* A working day after the resolution, if the client has not been told the outcome yet, the assignee is
  reminded to tell them: the loop is not closed until the client heard back.

Support tickets the same way (a source of their own, ``tickets``): before a new or open ticket's
first response and resolution are due (a quarter of the window, at most one and four working
hours) its assignee is reminded — or, while nobody took it, every support agent; when one is due
and not met, they, the account's manager and the manager's heads of sales are alerted. A ticket
waiting for the user owes nothing until the user writes again.

Written when the record is saved (services) and by the worker's sweep; a step taken before the
reminder falls due withdraws it at delivery.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from keyaccount.core import working_time
from keyaccount.core.choices import NotificationKind
from keyaccount.core.models import Role, User
from keyaccount.core.queries import heads_of
from keyaccount.feedback.choices import OPEN_STATUSES, TicketStatus
from keyaccount.feedback.models import Feedback, Ticket
from keyaccount.timeline import reminders
from keyaccount.timeline.models import Reminder

SOURCE = "feedback"
TICKET_SOURCE = "tickets"
# A ticket owes its deadlines while it is ours to act on.
TICKET_STATUSES_DUE = (TicketStatus.NEW, TicketStatus.OPEN)
# Working days after the resolution before the assignee is reminded to tell the client.
INFORM_AFTER_DAYS = 1
SWEEP_BACK = dt.timedelta(days=2)


def _remind_at(calendar, received: dt.datetime, due: dt.datetime, cap_hours: float) -> dt.datetime:
    """A quarter of the window's working hours before ``due``, at most ``cap_hours`` of them."""
    lead = min(cap_hours, max(calendar.working_hours_between(received, due), 0) / 4)
    return calendar.subtract_working_hours(due, lead)


def _sla_deadlines(key: str, started: dt.datetime, steps, reminded, alerted, calendar) -> list[reminders.Deadline]:
    """For each (step, due, done, cap) not done yet: a reminder to each of ``reminded`` a quarter of
    the window ahead (at most ``cap`` working hours), and the breach alert to each of ``alerted`` at
    the deadline."""
    result = []
    for step, due, done, cap in steps:
        if due is None or done is not None:
            continue
        prefix = f"{key}:{step}@{due.isoformat()}"
        remind_at = _remind_at(calendar, started, due, cap)
        result += [reminders.Deadline(key=f"{prefix}:u{user.pk}:soon", user_id=user.pk, event_at=due,
                                      remind_at=remind_at, lead_minutes=int((due - remind_at).total_seconds() // 60))
                   for user in reminded]
        result += [reminders.Deadline(key=f"{prefix}:u{user.pk}:breach", user_id=user.pk, event_at=due, remind_at=due)
                   for user in alerted]
    return result


def deadlines(feedback) -> list[reminders.Deadline]:
    if not feedback.is_open:
        return []
    doer = feedback.assignee or feedback.account.owner
    if doer is None or not doer.is_active:
        return []
    calendar = working_time.company_calendar()
    result = _sla_deadlines(f"fb{feedback.pk}", feedback.received_at, (
        ("response", feedback.response_due, feedback.first_response_at, 2),
        ("resolution", feedback.resolution_due, feedback.resolved_at, 8)), [doer], [doer, *heads_of(doer)], calendar)
    if feedback.resolved_at is not None and feedback.informed_at is None:
        moment = calendar.add_working_days(feedback.resolved_at, INFORM_AFTER_DAYS)
        result.append(reminders.Deadline(key=f"fb{feedback.pk}:inform@{feedback.resolved_at.isoformat()}:u{doer.pk}",
                                         user_id=doer.pk, event_at=moment, remind_at=moment))
    return result


def schedule(feedback, *, now: dt.datetime | None = None) -> int:
    return reminders.schedule_deadlines(source=SOURCE, object_id=feedback.pk, account_id=feedback.account_id,
                                        deadlines=deadlines(feedback), now=now)


def _describe(reminder: Reminder, now: dt.datetime):
    feedback = Feedback.objects.filter(pk=reminder.object_id).select_related("account").first()
    if feedback is None or not feedback.is_open:
        return None
    values = {"feedback": feedback, "account": feedback.account,
              "when": formats.date_format(timezone.localtime(reminder.event_at), "SHORT_DATETIME_FORMAT")}
    if ":inform@" in reminder.key:
        if feedback.resolved_at is None or feedback.informed_at is not None:
            return None
        title = _("Tell the client what was done: %(feedback)s, %(account)s") % values
    elif ":response@" in reminder.key:
        if feedback.first_response_at is not None:
            return None
        title = (_("First response overdue since %(when)s: %(feedback)s, %(account)s") if reminder.key.endswith(
            ":breach") else _("First response due %(when)s: %(feedback)s, %(account)s")) % values
    else:
        if feedback.resolved_at is not None:
            return None
        title = (_("Resolution overdue since %(when)s: %(feedback)s, %(account)s") if reminder.key.endswith(
            ":breach") else _("Resolution due %(when)s: %(feedback)s, %(account)s")) % values
    return reminders.Message(reminder=reminder, title=title, details=[feedback.text[:300]],
                             path=feedback.get_absolute_url(), brief_path="",
                             late_since=reminders.late_since(reminder, now))


def _sweep_each(records, schedule_one, now: dt.datetime) -> int:
    """The periodic sweep's part: each open record of the last 400 days rescheduled."""
    return sum(schedule_one(record, now=now)
               for record in records.select_related("account__owner", "assignee").iterator(chunk_size=500))


def _sweep(now: dt.datetime) -> int:
    return _sweep_each(Feedback.objects.filter(status__in=OPEN_STATUSES,
                                               received_at__gte=now - dt.timedelta(days=400)), schedule, now)


def ticket_deadlines(ticket) -> list[reminders.Deadline]:
    if ticket.status not in TICKET_STATUSES_DUE:
        return []
    if ticket.assignee is not None and ticket.assignee.is_active:
        doers = [ticket.assignee]
    else:
        doers = list(User.objects.filter(role=Role.SUPPORT, is_active=True).order_by("pk"))
    owner = ticket.account.owner
    told_of_breach = {user.pk: user for user in [*doers, *([owner, *heads_of(owner)] if owner else [])]
                      if user.is_active}
    return _sla_deadlines(f"tk{ticket.pk}", ticket.created_at, (
        ("response", ticket.response_due, ticket.first_response_at, 1),
        ("resolution", ticket.resolution_due, ticket.solved_at, 4)), doers, told_of_breach.values(),
        working_time.company_calendar())


def schedule_ticket(ticket, *, now: dt.datetime | None = None) -> int:
    return reminders.schedule_deadlines(source=TICKET_SOURCE, object_id=ticket.pk, account_id=ticket.account_id,
                                        deadlines=ticket_deadlines(ticket), now=now)


def _describe_ticket(reminder: Reminder, now: dt.datetime):
    ticket = Ticket.objects.filter(pk=reminder.object_id).select_related("account").first()
    if ticket is None or ticket.status not in TICKET_STATUSES_DUE:
        return None
    values = {"ticket": ticket.reference, "subject": ticket.subject, "account": ticket.account,
              "when": formats.date_format(timezone.localtime(reminder.event_at), "SHORT_DATETIME_FORMAT")}
    breach = reminder.key.endswith(":breach")
    if ":response@" in reminder.key:
        if ticket.first_response_at is not None:
            return None
        title = (_("First response to ticket %(ticket)s overdue since %(when)s: %(subject)s, %(account)s") if breach
                 else _("First response to ticket %(ticket)s due %(when)s: %(subject)s, %(account)s")) % values
    else:
        if ticket.solved_at is not None:
            return None
        title = (_("Ticket %(ticket)s overdue since %(when)s: %(subject)s, %(account)s") if breach
                 else _("Ticket %(ticket)s to be solved by %(when)s: %(subject)s, %(account)s")) % values
    first = ticket.messages.order_by("created_at", "id").first()
    return reminders.Message(reminder=reminder, title=title, details=[first.body[:300]] if first else [],
                             path=ticket.get_absolute_url(), brief_path="",
                             late_since=reminders.late_since(reminder, now))


def _sweep_tickets(now: dt.datetime) -> int:
    return _sweep_each(Ticket.objects.filter(status__in=TICKET_STATUSES_DUE,
                                             created_at__gte=now - dt.timedelta(days=400)), schedule_ticket, now)


def register() -> None:
    reminders.register_source(SOURCE, reminders.ReminderSource(describe=_describe, sweep=_sweep,
                                                                      kind=NotificationKind.COMPLAINT_DEADLINE))
    reminders.register_source(TICKET_SOURCE, reminders.ReminderSource(
        describe=_describe_ticket, sweep=_sweep_tickets, kind=NotificationKind.TICKET_DEADLINE))
