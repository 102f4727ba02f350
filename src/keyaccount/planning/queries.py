"""Reads of planning with the access rule applied, and the figures computed from the data: plan
against actuals from the order history and the forecast from the weighted pipeline; an account
plan's revenue against its target, whitespace and relationship coverage; a manager's week.

Plans are seen by the people they concern: a manager sees their own plans and their team's, a head
of sales those of the team and its members, administrators and analysts all of them.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, F, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.choices import ContactRoleKind
from keyaccount.accounts.models import Contact
from keyaccount.contracts.models import Obligation
from keyaccount.core import access, working_time
from keyaccount.core.access import Capability
from keyaccount.core.editing import get_or_404
from keyaccount.deals.choices import StageOutcome
from keyaccount.deals.models import Deal, DealStageChange, Proposal
from keyaccount.orders.models import Order, OrderLine, SalesDay
from keyaccount.orders.queries import NOT_PURCHASES
from keyaccount.planning.choices import PeriodKind, ReportStatus
from keyaccount.planning.models import AccountPlan, SalesPlan, WeeklyReport, period_end
from keyaccount.timeline.choices import InteractionKind, MeetingStatus
from keyaccount.timeline.models import Interaction, InteractionContact

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    return (part * HUNDRED / whole).quantize(Decimal("0.1")) if whole else None


# Sales plans

def plans_visible_to(user) -> QuerySet[SalesPlan]:
    """The plans of the people the user sees (``access.people_q``) and of the user's own team."""
    scope = access.people_q(user)
    if scope is None:
        return SalesPlan.objects.none()
    if scope and user.team_id:
        scope |= Q(team_id=user.team_id)
    return SalesPlan.objects.filter(scope)


def plan_get_for_user(*, plan_id, user) -> SalesPlan:
    return get_or_404(plans_visible_to(user).select_related("user", "team"), plan_id)


def _plan_people(plans: list[SalesPlan]) -> tuple[set[int], set[int]]:
    """The managers of personal plans and the teams of team plans."""
    return ({plan.user_id for plan in plans if plan.user_id}, {plan.team_id for plan in plans if not plan.user_id})


def _plans_of(plans: list[SalesPlan]):
    """Who a row of sales or a deal counts for: its owner's personal plans and its team's plans. A
    sale's team is its account's team, else its owner's (``account_team`` 0); a deal's, its owner's."""
    by_user, by_team = defaultdict(list), defaultdict(list)
    for plan in plans:
        (by_user[plan.user_id] if plan.user_id else by_team[plan.team_id]).append(plan)

    def plans_for(owner_id, owner_team_id, account_team: int = 0) -> list[SalesPlan]:
        return by_user.get(owner_id, []) + by_team.get(account_team or owner_team_id, [])
    return plans_for


def _actuals(plans: list[SalesPlan], today: dt.date) -> dict[int, tuple[Decimal, Decimal, dict[dt.date, Decimal]]]:
    """Plans sharing a period, currency and category: each one's sales so far, in the same period a
    year before, and by month of the period. One query over the kept sales by month (``orders.sales``;
    plans' periods are whole months) for all of them, grouped by manager and team."""
    plan = plans[0]
    start, end = plan.period_start, plan.period_end
    last_start, last_end = _shift_year(start, -1), _shift_year(end, -1)
    users, teams = _plan_people(plans)
    rows = (SalesDay.objects.filter(currency=plan.currency, category=plan.category)
            .filter(Q(day__gte=start, day__lte=end) | Q(day__gte=last_start, day__lte=last_end))
            .filter(Q(owner_id__in=users) | Q(account_team__in=teams) | Q(account_team=0, owner__team_id__in=teams))
            .values("owner_id", "owner__team_id", "account_team", "month")
            .annotate(total=Sum("amount"), to_date=Sum("amount", filter=Q(day__lte=today)))
            .order_by())
    result = {each.pk: (Decimal("0"), Decimal("0"), defaultdict(Decimal)) for each in plans}
    plans_for = _plans_of(plans)
    for row in rows:
        month, total, to_date = row["month"], row["total"] or Decimal("0"), row["to_date"] or Decimal("0")
        for each in plans_for(row["owner_id"], row["owner__team_id"], row["account_team"]):
            actual, last_year, by_month = result[each.pk]
            if start <= month <= end:
                by_month[month] += total
                actual += to_date
            else:
                last_year += total
            result[each.pk] = (actual, last_year, by_month)
    return {pk: (actual.quantize(CENT), last_year.quantize(CENT), dict(by_month))
            for pk, (actual, last_year, by_month) in result.items()}


def _weighted_pipelines(plans: list[SalesPlan], *, today: dt.date) -> dict[int, Decimal]:
    """Plans sharing a period, currency and category: open deals expected to close in what is left of
    the period, each at amount × probability, in one query grouped by the deals' owners."""
    plan = plans[0]
    result = {each.pk: Decimal("0.00") for each in plans}
    start = max(plan.period_start, today)
    if start > plan.period_end:
        return result
    deals = Deal.objects.filter(stage__outcome=StageOutcome.OPEN, currency=plan.currency,
                                expected_close_on__gte=start, expected_close_on__lte=plan.period_end)
    users, teams = _plan_people(plans)
    deals = deals.filter(Q(owner_id__in=users) | Q(owner__team_id__in=teams))
    if plan.category:
        deals = deals.filter(pk__in=Deal.products.through.objects.filter(
            product__category=plan.category).values("deal_id"))
    # amount has two decimal places and probability is a whole percent: the products are exact.
    rows = (deals.values("owner_id", "owner__team_id").order_by()
            .annotate(weighted=Sum(F("amount") * F("probability"),
                                   output_field=DecimalField(max_digits=30, decimal_places=2))))
    plans_for = _plans_of(plans)
    for row in rows:
        for each in plans_for(row["owner_id"], row["owner__team_id"]):
            result[each.pk] += (row["weighted"] or Decimal("0")) / HUNDRED
    return {pk: total.quantize(CENT) for pk, total in result.items()}


def weighted_pipeline(plan: SalesPlan, *, today: dt.date) -> Decimal:
    """Open deals expected to close in what is left of the plan's period, each at amount × probability."""
    return _weighted_pipelines([plan], today=today)[plan.pk]


@dataclass
class PlanProgress:
    plan: SalesPlan
    actual: Decimal
    pipeline: Decimal
    last_year: Decimal
    expected_to_date: Decimal
    percent: Decimal | None = None
    forecast: Decimal = Decimal("0")
    forecast_percent: Decimal | None = None
    growth: Decimal | None = None
    months: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self.percent = _percent(self.actual, self.plan.amount)
        self.forecast = self.actual + self.pipeline
        self.forecast_percent = _percent(self.forecast, self.plan.amount)
        self.growth = _percent(self.actual - self.last_year, self.last_year)

    @property
    def on_track(self) -> bool:
        return self.actual >= self.expected_to_date

    @property
    def remaining(self) -> Decimal:
        return max(Decimal("0"), self.plan.amount - self.actual)


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def progress(plan: SalesPlan, *, today: dt.date | None = None) -> PlanProgress:
    """One plan against actuals (``progress_of``)."""
    return progress_of([plan], today=today)[0]


def progress_of(plans, *, today: dt.date | None = None) -> list[PlanProgress]:
    """Plans against actuals (orders so far), forecast (plus the weighted pipeline for the rest of
    the period), the same period a year before (trend), and each plan's share for the working days
    gone. Two queries per distinct period, currency and category, however many plans share it: the
    administrator's page of every manager's and team's plan is as quick as a manager's one."""
    today = today or timezone.localdate()
    plans = list(plans)
    groups: dict[tuple, list[SalesPlan]] = defaultdict(list)
    for plan in plans:
        groups[(plan.period_start, plan.period_end, plan.currency, plan.category)].append(plan)
    actuals, pipelines, working = {}, {}, {}
    calendar = working_time.company_calendar()
    for (start, end, _currency, _category), members in groups.items():
        actuals.update(_actuals(members, today))
        pipelines.update(_weighted_pipelines(members, today=today))
        # The plan is made on working days (core.working_time): ten days into May, with its holidays,
        # is not a third of the month's work.
        days = list(calendar.working_days_between(start, end))
        working[(start, end)] = (bisect.bisect_right(days, today), max(len(days), 1))
    return [_progress(plan, actuals[plan.pk], pipelines[plan.pk], working[(plan.period_start, plan.period_end)],
                      today) for plan in plans]


def _progress(plan: SalesPlan, actuals, pipeline: Decimal, working: tuple[int, int], today: dt.date) -> PlanProgress:
    actual, last_year, by_month = actuals
    gone, days = working
    expected = (plan.amount * gone / days).quantize(CENT)
    result = PlanProgress(plan=plan, actual=actual, pipeline=pipeline, last_year=last_year,
                          expected_to_date=expected)
    month_count = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[plan.period_kind]
    running = Decimal("0")
    month = plan.period_start
    for index in range(1, month_count + 1):
        running += by_month.get(month, Decimal("0"))
        result.months.append({"month": month, "actual": by_month.get(month, Decimal("0")), "cumulative": running,
                               "plan_cumulative": (plan.amount * index / month_count).quantize(CENT),
                               "future": month > today})
        month = period_end(PeriodKind.MONTH, month) + dt.timedelta(days=1)
    return result


def period_start_for(kind: str, year: int, number: int = 1) -> dt.date:
    if kind == PeriodKind.YEAR:
        return dt.date(year, 1, 1)
    if kind == PeriodKind.QUARTER:
        return dt.date(year, 3 * (number - 1) + 1, 1)
    return dt.date(year, number, 1)


def plan_list(user, filters: dict | None = None) -> QuerySet[SalesPlan]:
    filters = filters or {}
    plans = plans_visible_to(user).select_related("user", "team")
    if filters.get("year"):
        plans = plans.filter(period_start__year=filters["year"])
    if filters.get("period_kind"):
        plans = plans.filter(period_kind=filters["period_kind"])
    if filters.get("user"):
        plans = plans.filter(user_id=filters["user"])
    if filters.get("team"):
        plans = plans.filter(team_id=filters["team"])
    return plans.order_by("period_start", "period_kind", "team__name", "user__username", "category", "id")


def chart_rows(rows: list[PlanProgress]) -> list[dict]:
    """Bars for the plan-vs-actual chart: widths in % of the largest figure shown."""
    top = max([max(row.plan.amount, row.forecast) for row in rows] or [Decimal("0")])

    def scale(value: Decimal) -> str:
        # Of the 530 units the bars may take, as a plain number for SVG (never a localised "12,5").
        return f"{float(value * 530 / top):.1f}" if top else "0"

    return [{"label": f"{row.plan.user or row.plan.team} {row.plan.period_label}"
                      + (f" · {row.plan.category}" if row.plan.category else ""),
             "plan": scale(row.plan.amount), "actual": scale(row.actual), "forecast": scale(row.forecast),
             "percent": row.percent, "y": index * 34} for index, row in enumerate(rows)]


# Key-account plans

def account_plans_visible_to(user) -> QuerySet[AccountPlan]:
    if not access.can(user, Capability.VIEW_FINANCES):
        return AccountPlan.objects.none()
    return AccountPlan.objects.filter(access.account_q(user, prefix="account__"))


def account_plan_get_for_user(*, plan_id, user) -> AccountPlan:
    return get_or_404(account_plans_visible_to(user).select_related("account", "owner"), plan_id)


def account_plan_list(user, filters: dict | None = None) -> QuerySet[AccountPlan]:
    filters = filters or {}
    plans = account_plans_visible_to(user).select_related("account", "owner")
    if filters.get("year"):
        plans = plans.filter(year=filters["year"])
    if filters.get("account"):
        plans = plans.filter(account_id=filters["account"])
    if filters.get("owner"):
        plans = plans.filter(owner_id=filters["owner"])
    return plans


def account_revenue(plan: AccountPlan, *, today: dt.date | None = None) -> dict:
    """The account's purchases in the plan's year against the target, and the year before."""
    today = today or timezone.localdate()
    orders = Order.objects.filter(account_id=plan.account_id, currency=plan.currency).exclude(
        status__in=NOT_PURCHASES)
    actual = (orders.filter(ordered_on__year=plan.year).aggregate(total=Sum("total"))["total"]
              or Decimal("0")).quantize(CENT)
    previous = (orders.filter(ordered_on__year=plan.year - 1).aggregate(total=Sum("total"))["total"]
                or Decimal("0")).quantize(CENT)
    start, end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    gone = min(max((today - start).days + 1, 0), (end - start).days + 1)
    expected = (plan.target_revenue * gone / ((end - start).days + 1)).quantize(CENT) if plan.target_revenue else None
    return {"actual": actual, "previous": previous, "target": plan.target_revenue,
            "percent": _percent(actual, plan.target_revenue), "growth": _percent(actual - previous, previous),
            "expected_to_date": expected, "on_track": expected is None or actual >= expected}


def whitespace(account, *, today: dt.date | None = None, limit: int = 8, sample: int = 5000) -> list[dict]:
    """Product categories that similar accounts buy and this one does not (in two years).

    Similar accounts: those of the same industry (all accounts when the industry is unknown). Read
    from the latest ``sample`` orders of similar accounts, so the cost stays flat on a long history.
    """
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=730)
    similar = Order.objects.exclude(status__in=NOT_PURCHASES).filter(ordered_on__gte=since).exclude(account=account)
    if account.industry:
        similar = similar.filter(account__industry=account.industry)
    recent = list(similar.order_by("-ordered_on", "-id").values_list("pk", flat=True)[:sample])
    if not recent:
        return []
    rows = (OrderLine.objects.filter(order_id__in=recent).exclude(product__category="")
            .values("product__category").annotate(buyers=Count("order__account_id", distinct=True),
                                                  revenue=Sum("amount")))
    peers = Order.objects.filter(pk__in=recent).values("account_id").distinct().count()
    own = set(OrderLine.objects.filter(order__account=account, order__ordered_on__gte=since).exclude(
        order__status__in=NOT_PURCHASES).values_list("product__category", flat=True).distinct())
    gaps = [{"category": row["product__category"], "buyers": row["buyers"], "peers": peers,
             "share": _percent(Decimal(row["buyers"]), Decimal(peers)), "revenue": row["revenue"]}
            for row in rows if row["product__category"] not in own]
    return sorted(gaps, key=lambda gap: (-gap["buyers"], gap["category"]))[:limit]


# Roles that make up the relationship picture, in the order the plan shows them.
COVERAGE_ROLES = [ContactRoleKind.DECISION_MAKER, ContactRoleKind.PAYER, ContactRoleKind.USER,
                  ContactRoleKind.INFLUENCER, ContactRoleKind.CHAMPION, ContactRoleKind.BLOCKER]
# The people whose silence is a risk.
KEY_ROLES = {ContactRoleKind.DECISION_MAKER, ContactRoleKind.PAYER, ContactRoleKind.CHAMPION}


@dataclass
class CoverageGap:
    code: str
    message: str
    contact: Contact | None = None


def coverage(account, *, today: dt.date | None = None) -> dict:
    """Who we know at the account by role and how long since we spoke to each, with the gaps: no
    decision maker or payer known, the account hanging on one person, a key person not contacted
    for longer than ``KAM_COVERAGE_STALE_DAYS``."""
    today = today or timezone.localdate()
    stale_days = settings.KAM_COVERAGE_STALE_DAYS
    contacts = list(Contact.objects.filter(account=account, erased_at__isnull=True).prefetch_related("roles"))
    # Contact that happened: not a meeting still planned (or cancelled), nothing in the future.
    happened = InteractionContact.objects.filter(contact__in=contacts, interaction__starts_at__lte=timezone.now())
    happened = happened.exclude(interaction__meeting_status__in=[MeetingStatus.PLANNED, MeetingStatus.CANCELLED])
    last_spoken = dict(happened.values("contact_id").annotate(last=Max("interaction__starts_at")).values_list(
        "contact_id", "last"))
    people = []
    by_role: dict[str, list[dict]] = defaultdict(list)
    for contact in contacts:
        roles = {role.role for role in contact.roles.all()}
        last = last_spoken.get(contact.pk)
        days = (today - timezone.localtime(last).date()).days if last else None
        person = {"contact": contact, "roles": [r for r in COVERAGE_ROLES if r in roles], "last": last,
                  "days": days, "stale": bool(roles & KEY_ROLES) and (days is None or days > stale_days)}
        people.append(person)
        for role in roles:
            by_role[role].append(person)
    gaps: list[CoverageGap] = []
    if not by_role.get(ContactRoleKind.DECISION_MAKER):
        gaps.append(CoverageGap("no_decision_maker", _("No decision maker is known at this account.")))
    if not by_role.get(ContactRoleKind.PAYER):
        gaps.append(CoverageGap("no_payer", _("Nobody who pays is known at this account.")))
    key_people = {person["contact"].pk for person in people if set(person["roles"]) - {ContactRoleKind.USER,
                                                                                        ContactRoleKind.BLOCKER}}
    if len(contacts) == 1 or len(key_people) == 1:
        gaps.append(CoverageGap("single_person", _("The relationship hangs on one person: get to know more people "
                                                   "there.")))
    for person in people:
        if person["stale"]:
            contact = person["contact"]
            if person["days"] is None:
                message = _("%(name)s (%(roles)s) has never been contacted.")
            else:
                message = _("%(name)s (%(roles)s) was last contacted %(days)s days ago.")
            gaps.append(CoverageGap("stale_contact", message % {
                "name": contact.full_name, "days": person["days"],
                "roles": ", ".join(str(ContactRoleKind(r).label) for r in person["roles"] if r in KEY_ROLES)},
                contact=contact))
    rows = [{"role": role, "label": ContactRoleKind(role).label, "people": by_role.get(role, [])}
            for role in COVERAGE_ROLES]
    return {"rows": rows, "people": people, "gaps": gaps, "stale_days": stale_days}


def account_plan_panel(*, account, user) -> dict | None:
    if not access.can(user, Capability.VIEW_FINANCES):
        return None
    plan = AccountPlan.objects.filter(account=account).order_by("-year").first()
    picture = coverage(account)
    return {"plan": plan, "revenue": account_revenue(plan) if plan else None, "gaps": picture["gaps"],
            "can_edit_plan": access.can_edit_deals_of(user, account), "year": timezone.localdate().year}


def account_plan_brief(*, account, user) -> dict | None:
    """The brief's relationship gaps, as questions to settle at the meeting."""
    if not access.can(user, Capability.VIEW_FINANCES):
        return None
    gaps = coverage(account)["gaps"]
    if not gaps:
        return None
    return {"title": _("Relationship gaps"), "items": [], "questions": [gap.message for gap in gaps]}


# Weekly reports

def reports_visible_to(user) -> QuerySet[WeeklyReport]:
    """The submitted reports of the people one sees, and the drafts of their authors and the authors'
    heads of sales (``access.drafts_q``): a draft is not yet said."""
    scope = access.people_q(user)
    if scope is None:
        return WeeklyReport.objects.none()
    submitted = scope & Q(status=ReportStatus.SUBMITTED)
    return WeeklyReport.objects.filter(submitted | access.drafts_q(user))


def report_get_for_user(*, report_id, user) -> WeeklyReport:
    return get_or_404(reports_visible_to(user).select_related("user"), report_id)


def report_list(user, filters: dict | None = None) -> QuerySet[WeeklyReport]:
    filters = filters or {}
    reports = reports_visible_to(user).select_related("user")
    if filters.get("user"):
        reports = reports.filter(user_id=filters["user"])
    if filters.get("week_from"):
        reports = reports.filter(week_start__gte=filters["week_from"])
    if filters.get("status"):
        reports = reports.filter(status=filters["status"])
    return reports.order_by("-week_start", "user__username")


def week_activity(user, week_start: dt.date) -> dict:
    """A manager's week from the data (Monday to Sunday in the installation's time zone): meetings
    held, calls, e-mails, proposals sent, deals moved, won and lost, obligations fulfilled, accounts
    touched, with the details behind each figure. JSON-ready: a submitted report keeps it as is."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(week_start, dt.time.min, tzinfo=zone)
    end = start + dt.timedelta(days=7)
    mine = Interaction.objects.filter(Q(owner=user) | Q(participants=user), starts_at__gte=start,
                                      starts_at__lt=end, account__isnull=False).distinct()
    meetings = list(mine.filter(kind=InteractionKind.MEETING, meeting_status=MeetingStatus.HELD)
                    .select_related("account").order_by("starts_at"))
    calls = mine.filter(kind=InteractionKind.CALL).count()
    emails = mine.filter(kind=InteractionKind.EMAIL).count()
    accounts = set(mine.exclude(kind__in=[InteractionKind.NOTE, InteractionKind.EVENT]).values_list(
        "account_id", flat=True))
    proposals = list(Proposal.objects.filter(owner=user, sent_on__gte=week_start,
                                             sent_on__lte=week_start + dt.timedelta(days=6))
                     .select_related("account").order_by("sent_on", "id"))
    moves = list(DealStageChange.objects.filter(changed_by=user, changed_at__gte=start, changed_at__lt=end,
                                                from_stage__isnull=False)
                 .select_related("deal__account", "from_stage", "to_stage").order_by("changed_at", "id"))
    fulfilled = list(Obligation.objects.filter(Q(responsible=user) | Q(responsible__isnull=True,
                                                                       contract__owner=user),
                                               status="done", done_on__gte=week_start,
                                               done_on__lte=week_start + dt.timedelta(days=6))
                     .select_related("contract__account").order_by("done_on", "id"))
    accounts |= {p.account_id for p in proposals} | {m.deal.account_id for m in moves}
    return {
        "week_start": week_start.isoformat(),
        "meetings": len(meetings), "calls": calls, "emails": emails, "proposals_sent": len(proposals),
        "proposals_amount": {currency: str(sum((p.total for p in proposals if p.currency == currency),
                                               Decimal("0"))) for currency in {p.currency for p in proposals}},
        "deals_moved": len(moves),
        "deals_won": sum(1 for m in moves if m.to_stage.outcome == StageOutcome.WON),
        "deals_lost": sum(1 for m in moves if m.to_stage.outcome == StageOutcome.LOST),
        "obligations_fulfilled": len(fulfilled), "accounts_touched": len(accounts),
        "meeting_list": [{"when": timezone.localtime(m.starts_at, zone).strftime("%Y-%m-%d %H:%M"),
                          "subject": m.subject, "account": str(m.account)} for m in meetings],
        "proposal_list": [{"number": p.full_number, "title": p.title, "account": str(p.account),
                           "total": str(p.total), "currency": p.currency} for p in proposals],
        "move_list": [{"deal": m.deal.title, "account": str(m.deal.account), "from": str(m.from_stage),
                       "to": str(m.to_stage)} for m in moves],
        "obligation_list": [{"title": o.title, "account": str(o.contract.account), "done_on": o.done_on.isoformat(),
                             "evidence": o.evidence} for o in fulfilled],
    }


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
