"""Reads of My day: each section asks the owning app's queries (the access rule applied there) and
narrows them to the managers whose day it is and to what the day holds. Every section is a fixed
number of queries with a limit, so the page costs the same with ten accounts or a hundred thousand
(``tests/workspace/test_speed.py`` pins the count).

Whose day: a manager's own; a head of sales their team's (or one member's, ``?manager=``); an
administrator or an analyst everyone's (or one manager's). Support agents have no My day: it shows
money (``core.access.Capability.VIEW_MY_DAY``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyaccount.accounts.choices import AccountStatus
from keyaccount.contracts import queries as contract_queries
from keyaccount.contracts.choices import ObligationStatus
from keyaccount.core import access, working_time
from keyaccount.core.choices import Role
from keyaccount.core.models import User
from keyaccount.deals import queries as deal_queries
from keyaccount.deals.choices import ProposalStatus
from keyaccount.feedback import queries as feedback_queries
from keyaccount.feedback.choices import OPEN_TICKET_STATUSES, FeedbackStatus
from keyaccount.insights import queries as insight_queries
from keyaccount.insights.services import churn_reasons
from keyaccount.planning import queries as planning_queries
from keyaccount.planning.choices import PeriodKind
from keyaccount.timeline import queries as timeline_queries
from keyaccount.timeline.choices import CallDirection, CallOutcome, InteractionKind, MeetingStatus
from keyaccount.timeline.reports import call_back_by
from keyaccount.workspace.choices import ItemKind
from keyaccount.workspace.models import Snooze

# The most items a section lists (a head's team can have more; the section says where the rest are).
SECTION_LIMIT = 30
# Missed calls older than this are no longer today's business.
MISSED_CALL_DAYS = 14
# A ticket whose SLA deadline is this many working hours away or less is "near" it.
TICKET_NEAR_HOURS = 4
# Proposals whose validity ends within these days.
PROPOSAL_DAYS = 7
# A fall of the health score by this many points since the previous score is worth a look.
HEALTH_DROP = 10
# Items that may be put off (a meeting keeps its time: it is moved or cancelled on its page).
SNOOZABLE = frozenset(ItemKind) - {ItemKind.MEETING}
# The month's plans shown (a manager may have one per product category).
PLAN_LIMIT = 6


def may_open(user) -> bool:
    return access.can(user, access.Capability.VIEW_MY_DAY)


def managers_of(user) -> list[User]:
    """The people whose day ``user`` may look at: themselves for a manager, the team for a head of
    sales, every seller for administrators and analysts."""
    scope = access.colleagues_q(user)
    if scope is None or not may_open(user):
        return []
    return list(access.sellers().filter(scope).order_by("last_name", "first_name", "username"))


@dataclass(frozen=True)
class Scope:
    """Whose day the page shows: ``managers`` (their ids in ``ids``); ``chosen`` when one of a team
    was picked; ``choices`` the people a head may pick from (empty for a manager)."""

    user: User
    ids: tuple[int, ...]
    chosen: User | None
    choices: tuple[User, ...]

    @property
    def is_team(self) -> bool:
        return len(self.ids) > 1 or (len(self.ids) == 1 and self.ids[0] != self.user.pk)


def scope_for(user, manager_id: str | int | None = None) -> Scope:
    """Whose day: ``manager_id`` must be one of the managers ``user`` may look at (404 otherwise)."""
    if not may_open(user):
        raise Http404
    if access.role_of(user) == Role.KAM:
        own = (user,)
        choices: tuple[User, ...] = ()
    else:
        own = tuple(managers_of(user))
        choices = own
    if manager_id in (None, ""):
        return Scope(user=user, ids=tuple(m.pk for m in own) or (user.pk,), chosen=None, choices=choices)
    try:
        wanted = int(manager_id)
    except (TypeError, ValueError):
        raise Http404 from None
    chosen = next((m for m in own if m.pk == wanted), None)
    if chosen is None:
        raise Http404
    return Scope(user=user, ids=(chosen.pk,), chosen=chosen, choices=choices)


@dataclass
class Item:
    """One line of My day: what it is, where Enter takes the user, and what can be done in place."""

    kind: str
    pk: int
    title: str
    url: str
    account: object = None
    at: dt.datetime | None = None
    on: dt.date | None = None
    note: str = ""
    late: bool = False
    # "post": done in one click; "inform": done with how the client was told; "" for none.
    done: str = ""
    done_label: str = ""
    snooze: bool = True
    links: list[tuple[str, str]] = field(default_factory=list)
    who: object = None
    # Meetings: when to leave (the meeting's travel time before its start), and whether it is tomorrow's.
    leave_at: dt.datetime | None = None
    travel_minutes: int | None = None
    is_tomorrow: bool = False
    # Obligations and proposals: the money at stake; accounts: the health score.
    amount: Decimal | None = None
    currency: str = ""
    health: int | None = None


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    empty: str
    empty_url: str = ""
    empty_link: str = ""
    more_url: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Moments:
    now: dt.datetime
    today: dt.date
    today_start: dt.datetime
    tomorrow_start: dt.datetime
    after_tomorrow: dt.datetime
    week_end: dt.date

    @classmethod
    def at(cls, now: dt.datetime | None = None) -> Moments:
        now = now or timezone.now()
        zone = timezone.get_current_timezone()
        today = timezone.localdate(now, zone)
        start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
        return cls(now=now, today=today, today_start=start,
                   tomorrow_start=dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
                   after_tomorrow=dt.datetime.combine(today + dt.timedelta(days=2), dt.time.min, tzinfo=zone),
                   week_end=today + dt.timedelta(days=6 - today.weekday()))


def _not_snoozed(queryset: QuerySet, user, kind: str, now: dt.datetime, field_name: str = "pk") -> QuerySet:
    hidden = Snooze.objects.filter(user_id=user.pk, kind=kind, until__gt=now).values("object_id")
    return queryset.exclude(**{f"{field_name}__in": hidden})


def _who(scope: Scope, person) -> object:
    """The manager an item belongs to, shown only on a team's day."""
    return person if scope.is_team else None


# Sections

def meetings(scope: Scope, moments: Moments) -> Section:
    user, ids = scope.user, scope.ids
    taking_part = timeline_queries.participant_interactions(ids)
    rows = (timeline_queries.interactions_visible_to(user)
            .filter(kind=InteractionKind.MEETING, starts_at__gte=moments.today_start,
                    starts_at__lt=moments.after_tomorrow)
            .exclude(meeting_status=MeetingStatus.CANCELLED)
            .filter(Q(owner_id__in=ids) | Q(pk__in=taking_part))
            .select_related("account", "owner").order_by("starts_at", "id")[:SECTION_LIMIT])
    items = []
    for meeting in rows:
        leave = meeting.starts_at - dt.timedelta(minutes=meeting.travel_minutes) if meeting.travel_minutes else None
        note = meeting.place or meeting.video_link
        links = [(_("Brief"), reverse("timeline:meeting_brief", args=[meeting.pk]))]
        if meeting.starts_at <= moments.now and meeting.meeting_status == MeetingStatus.PLANNED:
            links.append((_("How did it go?"), reverse("timeline:meeting_close", args=[meeting.pk])))
        items.append(Item(kind=ItemKind.MEETING, pk=meeting.pk, title=str(meeting), account=meeting.account,
                          url=reverse("timeline:meeting_brief", args=[meeting.pk]), at=meeting.starts_at,
                          note=note, snooze=False, links=links, who=_who(scope, meeting.owner),
                          leave_at=leave, travel_minutes=meeting.travel_minutes,
                          is_tomorrow=meeting.starts_at >= moments.tomorrow_start))
    return Section(key="meetings", title=gettext_lazy("Meetings today and tomorrow"), items=items,
                   empty=_("No meetings today or tomorrow. A good day to call a key account you have not seen "
                           "for a while and agree on a visit."),
                   empty_url=reverse("accounts:account_list"), empty_link=_("Open your accounts"))


def _tasks(scope: Scope, moments: Moments) -> list[Item]:
    ids = scope.ids
    rows = _not_snoozed(timeline_queries.interactions_visible_to(scope.user), scope.user, ItemKind.TASK, moments.now)
    rows = (rows.filter(kind=InteractionKind.TASK, done_at__isnull=True, due_at__lt=moments.tomorrow_start)
            .filter(Q(assignee_id__in=ids) | Q(assignee__isnull=True, owner_id__in=ids))
            .select_related("account", "assignee").order_by("due_at", "id")[:SECTION_LIMIT])
    return [Item(kind=ItemKind.TASK, pk=task.pk, title=task.subject, url=task.get_absolute_url(),
                 account=task.account, at=task.due_at, note=task.summary[:140], late=task.due_at < moments.now,
                 done="post", done_label=_("Done"), who=_who(scope, task.assignee)) for task in rows]


def _calls(scope: Scope, moments: Moments) -> list[Item]:
    """Missed inbound calls of the managers' accounts not yet returned: due back a working day later
    (``timeline.reports.call_back_by``), returned by any later outbound call to the number or the person."""
    ids = scope.ids
    since = moments.now - dt.timedelta(days=MISSED_CALL_DAYS)
    visible = timeline_queries.interactions_visible_to(scope.user)
    missed = list(_not_snoozed(visible, scope.user, ItemKind.CALL, moments.now)
                  .filter(kind=InteractionKind.CALL, direction=CallDirection.INBOUND, outcome=CallOutcome.MISSED,
                          starts_at__gte=since, account__isnull=False)
                  .filter(Q(owner_id__in=ids) | Q(account__owner_id__in=ids))
                  .select_related("account", "account__owner").prefetch_related("contact_links__contact")
                  .order_by("starts_at", "id")[:SECTION_LIMIT * 2])
    if not missed:
        return []
    numbers = {call.their_number for call in missed if call.their_number}
    people = {link.contact_id for call in missed for link in call.contact_links.all()}
    returned = timeline_queries.outbound_calls_since(min(call.starts_at for call in missed),
                                                     numbers=numbers, contact_ids=people)
    calendar = working_time.user_calendar(scope.user)
    items = []
    for call in missed:
        contacts = [link.contact for link in call.contact_links.all()]
        contact_ids = {c.pk for c in contacts}
        if any(moment > call.starts_at and ((number and number == call.their_number) or contact in contact_ids)
               for number, moment, contact in returned):
            continue
        due = call_back_by(call.starts_at, calendar)
        who = ", ".join(str(c) for c in contacts) or call.their_number
        items.append(Item(kind=ItemKind.CALL, pk=call.pk, title=_("Call back %(who)s") % {"who": who},
                          url=call.get_absolute_url(), account=call.account, at=due,
                          note=_("missed call at %(time)s") % {"time": timezone.localtime(call.starts_at).strftime(
                              "%d.%m %H:%M")} + (f", {call.their_number}" if call.their_number else ""),
                          late=due < moments.now, done="post", done_label=_("Called back"),
                          who=_who(scope, call.account.owner)))
    return items[:SECTION_LIMIT]


def todo(scope: Scope, moments: Moments) -> Section:
    items = sorted(_tasks(scope, moments) + _calls(scope, moments), key=lambda item: item.at or moments.now)
    return Section(key="todo", title=gettext_lazy("Calls and tasks due today and overdue"), items=items,
                   empty=_("Nothing due or overdue. Plan the next step with a key account: add a task on its "
                           "page so it is here on the day."),
                   empty_url=reverse("accounts:account_list"), empty_link=_("Open your accounts"))


def obligations(scope: Scope, moments: Moments) -> Section:
    ids = scope.ids
    rows = _not_snoozed(contract_queries.obligations_visible_to(scope.user), scope.user, ItemKind.OBLIGATION,
                        moments.now)
    rows = (rows.filter(status=ObligationStatus.OPEN, due_on__lte=moments.week_end)
            .filter(Q(responsible_id__in=ids) | Q(responsible__isnull=True, contract__owner_id__in=ids))
            .select_related("contract__account", "contract__owner", "responsible")
            .order_by("due_on", "id")[:SECTION_LIMIT])
    items = []
    for obligation in rows:
        contract = obligation.contract
        items.append(Item(kind=ItemKind.OBLIGATION, pk=obligation.pk, title=obligation.title,
                          url=obligation.get_absolute_url(), account=contract.account, on=obligation.due_on,
                          note=f"{obligation.get_side_display()} · {contract}", late=obligation.is_overdue,
                          done="post", done_label=_("Fulfilled"),
                          who=_who(scope, obligation.responsible or contract.owner),
                          amount=obligation.amount, currency=contract.currency))
    return Section(key="obligations", title=gettext_lazy("Obligations due this week, ours and theirs"),
                   items=items, empty=_("No obligations fall due this week. Check the contracts whose notice "
                                        "dates come next."),
                   empty_url=reverse("contracts:control"), empty_link=_("Open contract control"),
                   more_url=reverse("contracts:obligation_list") + "?due=soon")


def complaints(scope: Scope, moments: Moments) -> Section:
    ids = scope.ids
    rows = _not_snoozed(feedback_queries.feedback_visible_to(scope.user), scope.user, ItemKind.COMPLAINT, moments.now)
    rows = (rows.filter(status=FeedbackStatus.RESOLVED, resolved_at__isnull=False, informed_at__isnull=True)
            .filter(Q(assignee_id__in=ids) | Q(account__owner_id__in=ids))
            .select_related("account__owner", "assignee").order_by("resolved_at", "id")[:SECTION_LIMIT])
    calendar = working_time.user_calendar(scope.user)
    items = []
    for record in rows:
        # "Tell the client" is due a working day after the resolution (feedback.reminders).
        due = calendar.add_working_days(record.resolved_at, 1)
        items.append(Item(kind=ItemKind.COMPLAINT, pk=record.pk, title=record.subject,
                          url=record.get_absolute_url(), account=record.account, at=record.resolved_at,
                          note=record.resolution[:160], late=due < moments.now, done="inform",
                          done_label=_("Client informed"), who=_who(scope, record.assignee or record.account.owner)))
    return Section(key="complaints", title=gettext_lazy("Complaints resolved: tell the client"), items=items,
                   empty=_("Every client whose complaint was resolved has been told. Keep it so: tell them the "
                           "day it is resolved."),
                   empty_url=reverse("feedback:feedback_list") + "?state=open", empty_link=_("Open complaints"))


def tickets(scope: Scope, moments: Moments) -> Section:
    ids = scope.ids
    calendar = working_time.user_calendar(scope.user)
    near = calendar.add_working_hours(moments.now, TICKET_NEAR_HOURS)
    rows = _not_snoozed(feedback_queries.tickets_visible_to(scope.user), scope.user, ItemKind.TICKET, moments.now)
    rows = (rows.filter(status__in=OPEN_TICKET_STATUSES, account__owner_id__in=ids)
            .filter(Q(first_response_at__isnull=True, response_due__lte=near)
                    | Q(solved_at__isnull=True, resolution_due__lte=near))
            .select_related("account__owner", "assignee").order_by("resolution_due", "id")[:SECTION_LIMIT])
    items = []
    for ticket in rows:
        due = ticket.response_due if ticket.first_response_at is None and ticket.response_due else ticket.resolution_due
        late = due is not None and due < moments.now
        what = _("first response") if due == ticket.response_due and ticket.first_response_at is None \
            else _("resolution")
        if late:
            note = _("%(what)s overdue since %(time)s") % {"what": what, "time": _moment(due, moments)}
        else:
            note = _("%(what)s due by %(time)s") % {"what": what, "time": _moment(due, moments)}
        note += " · " + ticket.get_status_display() + (f" · {ticket.assignee}" if ticket.assignee else "")
        items.append(Item(kind=ItemKind.TICKET, pk=ticket.pk, title=str(ticket), url=ticket.get_absolute_url(),
                          account=ticket.account, at=due, note=note, late=late, who=_who(scope, ticket.account.owner)))
    return Section(key="tickets", title=gettext_lazy("Support tickets of your accounts past or near their SLA"),
                   items=items, empty=_("No ticket of your accounts is near its SLA. Support has it in hand."),
                   empty_url=reverse("feedback:ticket_list") + "?state=unsolved", empty_link=_("Open tickets"))


def _moment(moment: dt.datetime, moments: Moments) -> str:
    local = timezone.localtime(moment)
    if local.date() == moments.today:
        return local.strftime("%H:%M")
    return local.strftime("%d.%m %H:%M")


def accounts(scope: Scope, moments: Moments) -> Section:
    """Key accounts (status "key" or class A, as the churn alerts count them) whose health fell by
    ``HEALTH_DROP`` points or more since the previous score, or that show a churn reason (no order
    for twice their usual gap, the chance of buying falling, revenue down): read from the scores the
    nightly job keeps, never from the orders."""
    day = insight_queries.latest_day()
    items: list[Item] = []
    if day is not None:
        scores = _not_snoozed(insight_queries.latest_scores(scope.user), scope.user, ItemKind.ACCOUNT, moments.now,
                              field_name="account_id")
        scores = list(scores.filter(account__owner_id__in=scope.ids)
                      .filter(Q(account__status=AccountStatus.KEY) | Q(abc="A"))
                      .select_related("account__owner").order_by("health", "account_id")[:SECTION_LIMIT * 4])
        previous = insight_queries.previous_scores([score.account_id for score in scores], before=day,
                                                   user=scope.user)
        for score in scores:
            before = previous.get(score.account_id)
            reasons = []
            if before is not None and before.health is not None and score.health is not None \
                    and before.health - score.health >= HEALTH_DROP:
                reasons.append(_("health fell from %(before)s to %(now)s") % {"before": before.health,
                                                                             "now": score.health})
            reasons += churn_reasons(score, before)
            if not reasons:
                continue
            account = score.account
            items.append(Item(kind=ItemKind.ACCOUNT, pk=account.pk, title=str(account),
                              url=account.get_absolute_url(), account=None, note="; ".join(reasons),
                              who=_who(scope, account.owner),
                              links=[(_("Brief"), reverse("timeline:account_brief", args=[account.pk]))],
                              health=score.health))
            if len(items) >= SECTION_LIMIT:
                break
    return Section(key="accounts", title=gettext_lazy("Key accounts slipping away"), items=items,
                   empty=_("No key account shows a fall in health or a stop in orders. Look at the portfolio "
                           "for accounts that could become key."),
                   empty_url=reverse("insights:portfolio"), empty_link=_("Open the portfolio"))


def proposals(scope: Scope, moments: Moments) -> Section:
    rows = _not_snoozed(deal_queries.proposals_visible_to(scope.user), scope.user, ItemKind.PROPOSAL, moments.now)
    rows = (rows.filter(status=ProposalStatus.SENT, valid_until__gte=moments.today,
                        valid_until__lte=moments.today + dt.timedelta(days=PROPOSAL_DAYS), owner_id__in=scope.ids)
            .select_related("account", "owner").order_by("valid_until", "id")[:SECTION_LIMIT])
    items = []
    for proposal in rows:
        items.append(Item(kind=ItemKind.PROPOSAL, pk=proposal.pk, title=str(proposal), url=proposal.get_absolute_url(),
                          account=proposal.account, on=proposal.valid_until, late=proposal.valid_until == moments.today,
                          who=_who(scope, proposal.owner), amount=proposal.total, currency=proposal.currency))
    return Section(key="proposals", title=gettext_lazy("Proposals expiring within a week"), items=items,
                   empty=_("No sent proposal expires this week. Follow up on the ones sent last."),
                   empty_url=reverse("deals:proposal_list") + "?status=sent", empty_link=_("Open sent proposals"))


@dataclass
class PlanRow:
    progress: planning_queries.PlanProgress
    bar: int


def plan(scope: Scope, moments: Moments) -> Section:
    """The month's sales plans of the managers (and, on a head's whole team, the team's own), each
    with the planning app's own plan-against-actual figures."""
    month = moments.today.replace(day=1)
    whose = Q(user_id__in=scope.ids)
    if scope.chosen is None and scope.user.team_id and access.role_of(scope.user) == Role.HEAD:
        whose |= Q(team_id=scope.user.team_id)
    plans = (planning_queries.plans_visible_to(scope.user)
             .filter(whose, period_kind=PeriodKind.MONTH, period_start=month)
             .select_related("user", "team").order_by("team_id", "user__last_name", "category", "id")[:PLAN_LIMIT])
    rows = []
    for progress in planning_queries.progress_of(plans, today=moments.today):
        percent = progress.percent if progress.percent is not None else Decimal(0)
        rows.append(PlanRow(progress=progress, bar=int(max(0, min(100, percent)))))
    return Section(key="plan", title=gettext_lazy("The month's plan against actual"), items=[],
                   empty=_("No sales plan for this month yet. Ask your head of sales to set one, so your "
                           "progress shows here."),
                   empty_url=reverse("planning:plan_progress"), empty_link=_("Open plans"),
                   extra={"rows": rows})


SECTIONS = {
    "meetings": meetings, "todo": todo, "obligations": obligations, "complaints": complaints,
    "tickets": tickets, "accounts": accounts, "proposals": proposals, "plan": plan,
}
SECTION_OF = {ItemKind.MEETING: "meetings", ItemKind.TASK: "todo", ItemKind.CALL: "todo",
              ItemKind.OBLIGATION: "obligations", ItemKind.COMPLAINT: "complaints", ItemKind.TICKET: "tickets",
              ItemKind.ACCOUNT: "accounts", ItemKind.PROPOSAL: "proposals"}


def my_day(scope: Scope, *, now: dt.datetime | None = None) -> list[Section]:
    moments = Moments.at(now)
    return [build(scope, moments) for build in SECTIONS.values()]


def section(scope: Scope, key: str, *, now: dt.datetime | None = None) -> Section:
    return SECTIONS[key](scope, Moments.at(now))
