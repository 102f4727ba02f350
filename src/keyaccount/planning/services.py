"""Writes to planning: sales plans, key-account plans and their initiatives, weekly reports. Each
is one audited transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.core import access, audit
from keyaccount.core import services as core_services
from keyaccount.core.choices import NotificationKind
from keyaccount.core.concurrency import save_versioned
from keyaccount.core.editing import assign_fields, delete_or_explain, require, validation_errors
from keyaccount.core.models import Team, User
from keyaccount.planning import queries, reminders
from keyaccount.planning.choices import PeriodKind, ReportStatus
from keyaccount.planning.models import AccountPlan, Initiative, SalesPlan, WeeklyReport

PLAN_FIELDS = ("user", "team", "period_kind", "period_start", "category", "amount", "currency")
ACCOUNT_PLAN_FIELDS = ("year", "owner", "target_revenue", "currency", "objectives", "client_goals", "challenges",
                       "competitor_threats", "reviewed_on", "next_review_on")
INITIATIVE_FIELDS = ("title", "owner", "due_on", "status", "notes")
REPORT_TEXT_FIELDS = ("highlights", "problems", "next_week")


def _team_of(plan: SalesPlan) -> int | None:
    if plan.team_id:
        return plan.team_id
    return User.objects.filter(pk=plan.user_id).values_list("team_id", flat=True).first()


def _check_plan(plan: SalesPlan) -> None:
    errors = validation_errors(plan)
    if plan.user_id and plan.team_id or not (plan.user_id or plan.team_id):
        errors["__all__"] = [_("A plan is for one manager or for one team.")]
    if plan.user_id and not User.objects.filter(pk=plan.user_id, is_active=True).exists():
        errors["user"] = [_("Unknown or inactive user.")]
    if plan.team_id and not Team.objects.filter(pk=plan.team_id).exists():
        errors["team"] = [_("No such team.")]
    start = plan.period_start
    if start and plan.period_kind in PeriodKind.values:
        months = {PeriodKind.MONTH: range(1, 13), PeriodKind.QUARTER: (1, 4, 7, 10), PeriodKind.YEAR: (1,)}
        if start.day != 1 or start.month not in months[plan.period_kind]:
            errors["period_start"] = [_("A %(period)s starts on the first day of its first month.") % {
                "period": PeriodKind(plan.period_kind).label.lower()}]
    duplicate = SalesPlan.objects.filter(user_id=plan.user_id, team_id=plan.team_id, period_kind=plan.period_kind,
                                         period_start=plan.period_start, category=plan.category).exclude(pk=plan.pk)
    if not errors and duplicate.exists():
        errors["period_start"] = [_("There is already a plan for this period and category.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_create(*, user, data: Mapping[str, Any]) -> SalesPlan:
    plan = SalesPlan()
    assign_fields(plan, data, PLAN_FIELDS)
    _check_plan(plan)
    require(access.can_edit_plan_of(user, team_id=_team_of(plan)))
    plan.save()
    audit.record_create(actor=user, instance=plan, after=audit.snapshot(plan))
    return plan


@transaction.atomic
def plan_update(*, user, plan: SalesPlan, data: Mapping[str, Any], version: int | None) -> SalesPlan:
    require(access.can_edit_plan_of(user, team_id=_team_of(plan)))
    before = audit.snapshot(plan)
    assign_fields(plan, data, PLAN_FIELDS)
    _check_plan(plan)
    require(access.can_edit_plan_of(user, team_id=_team_of(plan)))
    save_versioned(plan, expected_version=version)
    audit.record_update(actor=user, instance=plan, before=before, after=audit.snapshot(plan))
    return plan


@transaction.atomic
def plan_delete(*, user, plan: SalesPlan) -> None:
    require(access.can_edit_plan_of(user, team_id=_team_of(plan)))
    audit.record_delete(actor=user, instance=plan, before=audit.snapshot(plan))
    delete_or_explain(plan)


# Key-account plans

def _check_account_plan(plan: AccountPlan) -> None:
    errors = validation_errors(plan)
    if not 2000 <= (plan.year or 0) <= 2100:
        errors["year"] = [_("Give a year between 2000 and 2100.")]
    if AccountPlan.objects.filter(account_id=plan.account_id, year=plan.year).exclude(pk=plan.pk).exists():
        errors["year"] = [_("This account already has a plan for %(year)s.") % {"year": plan.year}]
    if plan.reviewed_on and plan.next_review_on and plan.next_review_on < plan.reviewed_on:
        errors["next_review_on"] = [_("The next review comes after the last one.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def account_plan_create(*, user, account: Account, data: Mapping[str, Any]) -> AccountPlan:
    require(access.can_edit_deals_of(user, account))
    plan = AccountPlan(account=account, owner=account.owner, year=timezone.localdate().year)
    assign_fields(plan, data, ACCOUNT_PLAN_FIELDS)
    _check_account_plan(plan)
    plan.save()
    reminders.schedule_review(plan)
    audit.record_create(actor=user, instance=plan, after=audit.snapshot(plan), account_id=account.pk)
    return plan


@transaction.atomic
def account_plan_update(*, user, plan: AccountPlan, data: Mapping[str, Any], version: int | None) -> AccountPlan:
    require(access.can_edit_deals_of(user, plan.account))
    before = audit.snapshot(plan)
    assign_fields(plan, data, ACCOUNT_PLAN_FIELDS)
    _check_account_plan(plan)
    save_versioned(plan, expected_version=version)
    reminders.schedule_review(plan)
    audit.record_update(actor=user, instance=plan, before=before, after=audit.snapshot(plan),
                        account_id=plan.account_id)
    return plan


@transaction.atomic
def account_plan_delete(*, user, plan: AccountPlan) -> None:
    require(access.can_edit_deals_of(user, plan.account))
    audit.record_delete(actor=user, instance=plan, before=audit.snapshot(plan), account_id=plan.account_id)
    reminders.withdraw_review(plan)
    delete_or_explain(plan)


@transaction.atomic
def initiative_save(*, user, plan: AccountPlan, data: Mapping[str, Any],
                    initiative: Initiative | None = None) -> Initiative:
    require(access.can_edit_deals_of(user, plan.account))
    creating = initiative is None
    initiative = initiative or Initiative(plan=plan, owner=user)
    before = {} if creating else audit.snapshot(initiative)
    assign_fields(initiative, data, INITIATIVE_FIELDS)
    errors = validation_errors(initiative)
    if not initiative.title.strip():
        errors["title"] = [_("Say what the initiative is.")]
    if errors:
        raise ValidationError(errors)
    initiative.save()
    audit.record(actor=user, action="create" if creating else "update", instance=initiative, before=before,
                 after=audit.snapshot(initiative), account_id=plan.account_id)
    return initiative


@transaction.atomic
def initiative_delete(*, user, initiative: Initiative) -> None:
    require(access.can_edit_deals_of(user, initiative.plan.account))
    audit.record_delete(actor=user, instance=initiative, before=audit.snapshot(initiative),
                        account_id=initiative.plan.account_id)
    delete_or_explain(initiative)


# Weekly reports

@transaction.atomic
def report_prepare(*, user, week_start) -> WeeklyReport:
    """The manager's report for the week starting ``week_start`` (a Monday): created from the data,
    or its figures refreshed while it is a draft. A submitted report is returned unchanged."""
    require(access.can(user, access.Capability.WRITE_REPORTS))
    week_start = queries.monday_of(week_start)
    report, created = WeeklyReport.objects.get_or_create(user=user, week_start=week_start)
    if report.status == ReportStatus.SUBMITTED:
        return report
    with translation.override(user.language or None):
        report.figures = queries.week_activity(user, week_start)
    WeeklyReport.objects.filter(pk=report.pk).update(figures=report.figures)
    if created:
        audit.record_create(actor=user, instance=report, after=audit.snapshot(report))
    return report


def _own_draft(user, report: WeeklyReport) -> None:
    require(report.user_id == user.pk)
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError(_("This report was submitted; it no longer changes."))


@transaction.atomic
def report_update(*, user, report: WeeklyReport, data: Mapping[str, Any], version: int | None) -> WeeklyReport:
    _own_draft(user, report)
    before = audit.snapshot(report)
    assign_fields(report, data, REPORT_TEXT_FIELDS)
    errors = validation_errors(report)
    if errors:
        raise ValidationError(errors)
    save_versioned(report, expected_version=version)
    audit.record_update(actor=user, instance=report, before=before, after=audit.snapshot(report))
    return report


@transaction.atomic
def report_submit(*, user, report: WeeklyReport, version: int | None = None) -> WeeklyReport:
    """Submit: the figures are taken from the data one last time and frozen with the words."""
    _own_draft(user, report)
    before = audit.snapshot(report)
    with translation.override(user.language or None):
        report.figures = queries.week_activity(user, report.week_start)
    report.status, report.submitted_at = ReportStatus.SUBMITTED, timezone.now()
    save_versioned(report, expected_version=version)
    audit.record_update(actor=user, instance=report, before=before, after=audit.snapshot(report))
    return report


def coverage_alerts(*, today=None) -> int:
    """The weekly relationship check: for every account with a plan this year, the gaps in who we
    know there reach the account's manager in the app, once a week while they last."""
    today = today or timezone.localdate()
    week = today.isocalendar()
    sent = 0
    plans = AccountPlan.objects.filter(year=today.year, owner__is_active=True).select_related("account", "owner")
    for plan in plans.iterator(chunk_size=200):
        owner = plan.owner
        with translation.override(owner.language or None):
            gaps = queries.coverage(plan.account, today=today)["gaps"]
            if not gaps:
                continue
            title = _("Relationship gaps at %(account)s") % {"account": plan.account}
            body = "\n".join(gap.message for gap in gaps)
        sent += core_services.notify(
            user=owner, kind=NotificationKind.COVERAGE, title=title, body=body, url=plan.get_absolute_url(),
            key=f"coverage:{plan.account_id}:{week.year}-W{week.week:02d}:u{owner.pk}") is not None
    return sent
