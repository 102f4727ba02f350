"""REST API for planning: sales plans with their progress, key-account plans with initiatives,
coverage and whitespace, weekly reports."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from keyaccount.accounts.queries import account_get_for_user
from keyaccount.core.api import DbId, InputSchema, Pagination, Version, patch_data, referenced
from keyaccount.planning import queries, services
from keyaccount.planning.choices import InitiativeStatus, PeriodKind, ReportStatus
from keyaccount.planning.models import AccountPlan, Initiative, SalesPlan, WeeklyReport

router = Router(tags=["plans"])
account_plans_router = Router(tags=["account plans"])
reports_router = Router(tags=["weekly reports"])

Money = Field(None, ge=0, max_digits=18, decimal_places=2)


class PlanOut(Schema):
    id: int
    version: int
    user_id: int | None
    team_id: int | None
    period_kind: PeriodKind
    period_start: dt.date
    period_end: dt.date
    category: str
    amount: Decimal
    currency: str


class MonthOut(Schema):
    month: dt.date
    actual: Decimal
    cumulative: Decimal
    plan_cumulative: Decimal


class ProgressOut(Schema):
    plan: PlanOut
    actual: Decimal
    percent: Decimal | None
    pipeline: Decimal
    forecast: Decimal
    forecast_percent: Decimal | None
    last_year: Decimal
    growth: Decimal | None
    expected_to_date: Decimal
    on_track: bool
    months: list[MonthOut]


class PlanIn(InputSchema):
    django_model = SalesPlan
    user_id: DbId | None = None
    team_id: DbId | None = None
    period_kind: PeriodKind
    period_start: dt.date
    category: str = Field("", max_length=120)
    amount: Decimal = Field(ge=0, max_digits=18, decimal_places=2)
    currency: str = Field("RUB", min_length=3, max_length=3)


class PlanPatch(InputSchema):
    django_model = SalesPlan
    version: Version
    period_kind: PeriodKind | None = None
    period_start: dt.date | None = None
    category: str | None = Field(None, max_length=120)
    amount: Decimal | None = Money
    currency: str | None = Field(None, min_length=3, max_length=3)


class PlanFilters(InputSchema):
    year: int | None = Field(None, ge=2000, le=2100)
    period_kind: PeriodKind | None = None
    user_id: DbId | None = None
    team_id: DbId | None = None


@router.get("/", response=list[PlanOut])
@paginate(Pagination)
def list_plans(request, filters: Query[PlanFilters]):
    return queries.plan_list(request.user, {"year": filters.year, "period_kind": filters.period_kind,
                                            "user": filters.user_id, "team": filters.team_id})


@router.get("/progress", response=list[ProgressOut])
def plans_progress(request, filters: Query[PlanFilters]):
    """Plan against actuals for every plan matching the filters (at most 500)."""
    plans = queries.plan_list(request.user, {"year": filters.year, "period_kind": filters.period_kind,
                                             "user": filters.user_id, "team": filters.team_id})[:500]
    return queries.progress_of(plans)


@router.get("/{int:plan_id}", response=PlanOut)
def get_plan(request, plan_id: int):
    return queries.plan_get_for_user(plan_id=plan_id, user=request.user)


@router.get("/{int:plan_id}/progress", response=ProgressOut)
def plan_progress(request, plan_id: int):
    return queries.progress(queries.plan_get_for_user(plan_id=plan_id, user=request.user))


@router.post("/", response={201: PlanOut})
def create_plan(request, payload: PlanIn):
    return Status(201, services.plan_create(user=request.user, data=payload.model_dump()))


@router.patch("/{int:plan_id}", response=PlanOut)
def update_plan(request, plan_id: int, payload: PlanPatch):
    plan = queries.plan_get_for_user(plan_id=plan_id, user=request.user)
    return services.plan_update(user=request.user, plan=plan, data=patch_data(payload, SalesPlan),
                                version=payload.version)


@router.delete("/{int:plan_id}", response={204: None})
def delete_plan(request, plan_id: int):
    services.plan_delete(user=request.user, plan=queries.plan_get_for_user(plan_id=plan_id, user=request.user))
    return Status(204, None)


# Key-account plans

class InitiativeOut(Schema):
    id: int
    title: str
    owner_id: int | None
    due_on: dt.date | None
    status: InitiativeStatus
    notes: str


class InitiativeIn(InputSchema):
    django_model = Initiative
    title: str = Field(min_length=1, max_length=300)
    owner_id: DbId | None = None
    due_on: dt.date | None = None
    status: InitiativeStatus = InitiativeStatus.PLANNED
    notes: str = Field("", max_length=5000)


class AccountPlanOut(Schema):
    id: int
    version: int
    account_id: int
    year: int
    owner_id: int
    target_revenue: Decimal | None
    currency: str
    objectives: str
    client_goals: str
    challenges: str
    competitor_threats: str
    reviewed_on: dt.date | None
    next_review_on: dt.date | None
    initiatives: list[InitiativeOut]

    @staticmethod
    def resolve_initiatives(obj: AccountPlan):
        return list(obj.initiatives.all())


class _AccountPlanFields(InputSchema):
    django_model = AccountPlan
    target_revenue: Decimal | None = Money
    currency: str | None = Field(None, min_length=3, max_length=3)
    objectives: str | None = Field(None, max_length=20000)
    client_goals: str | None = Field(None, max_length=20000)
    challenges: str | None = Field(None, max_length=20000)
    competitor_threats: str | None = Field(None, max_length=20000)
    reviewed_on: dt.date | None = None
    next_review_on: dt.date | None = None


class AccountPlanIn(_AccountPlanFields):
    account_id: DbId
    year: int = Field(ge=2000, le=2100)


class AccountPlanPatch(_AccountPlanFields):
    version: Version
    year: int | None = Field(None, ge=2000, le=2100)


class RevenueOut(Schema):
    actual: Decimal
    previous: Decimal
    target: Decimal | None
    percent: Decimal | None
    growth: Decimal | None
    on_track: bool


class PersonOut(Schema):
    contact_id: int
    name: str
    roles: list[str]
    last_contacted_at: dt.datetime | None
    days_since: int | None
    stale: bool


class GapOut(Schema):
    code: str
    message: str
    contact_id: int | None


class WhitespaceOut(Schema):
    category: str
    buyers: int
    peers: int
    share: Decimal | None


class PictureOut(Schema):
    revenue: RevenueOut
    people: list[PersonOut]
    gaps: list[GapOut]
    whitespace: list[WhitespaceOut]


@account_plans_router.get("/", response=list[AccountPlanOut])
@paginate(Pagination)
def list_account_plans(request, year: int | None = Query(None, ge=2000, le=2100),
                       account_id: DbId | None = None):
    return queries.account_plan_list(request.user, {"year": year, "account": account_id}).prefetch_related(
        "initiatives")


@account_plans_router.get("/{int:plan_id}", response=AccountPlanOut)
def get_account_plan(request, plan_id: int):
    return queries.account_plan_get_for_user(plan_id=plan_id, user=request.user)


@account_plans_router.get("/{int:plan_id}/picture", response=PictureOut)
def account_plan_picture(request, plan_id: int):
    """Revenue against the target, who we know by role and since when, the gaps, the whitespace."""
    plan = queries.account_plan_get_for_user(plan_id=plan_id, user=request.user)
    picture = queries.coverage(plan.account)
    return {
        "revenue": queries.account_revenue(plan),
        "people": [{"contact_id": p["contact"].pk, "name": p["contact"].full_name, "roles": p["roles"],
                    "last_contacted_at": p["last"], "days_since": p["days"], "stale": p["stale"]}
                   for p in picture["people"]],
        "gaps": [{"code": gap.code, "message": gap.message, "contact_id": gap.contact.pk if gap.contact else None}
                 for gap in picture["gaps"]],
        "whitespace": queries.whitespace(plan.account),
    }


@account_plans_router.post("/", response={201: AccountPlanOut})
def create_account_plan(request, payload: AccountPlanIn):
    account = referenced("account_id", account_get_for_user, account_id=payload.account_id, user=request.user)
    data = payload.model_dump(exclude={"account_id"}, exclude_unset=True)
    return Status(201, services.account_plan_create(user=request.user, account=account, data=data))


@account_plans_router.patch("/{int:plan_id}", response=AccountPlanOut)
def update_account_plan(request, plan_id: int, payload: AccountPlanPatch):
    plan = queries.account_plan_get_for_user(plan_id=plan_id, user=request.user)
    return services.account_plan_update(user=request.user, plan=plan, data=patch_data(payload, AccountPlan),
                                        version=payload.version)


@account_plans_router.delete("/{int:plan_id}", response={204: None})
def delete_account_plan(request, plan_id: int):
    plan = queries.account_plan_get_for_user(plan_id=plan_id, user=request.user)
    services.account_plan_delete(user=request.user, plan=plan)
    return Status(204, None)


@account_plans_router.post("/{int:plan_id}/initiatives", response={201: InitiativeOut})
def add_initiative(request, plan_id: int, payload: InitiativeIn):
    plan = queries.account_plan_get_for_user(plan_id=plan_id, user=request.user)
    return Status(201, services.initiative_save(user=request.user, plan=plan, data=payload.model_dump()))


@account_plans_router.put("/{int:plan_id}/initiatives/{int:initiative_id}", response=InitiativeOut)
def change_initiative(request, plan_id: int, initiative_id: int, payload: InitiativeIn):
    plan = queries.account_plan_get_for_user(plan_id=plan_id, user=request.user)
    initiative = plan.initiatives.filter(pk=initiative_id).first()
    if initiative is None:
        raise Http404
    return services.initiative_save(user=request.user, plan=plan, initiative=initiative, data=payload.model_dump())


@account_plans_router.delete("/{int:plan_id}/initiatives/{int:initiative_id}", response={204: None})
def delete_initiative(request, plan_id: int, initiative_id: int):
    plan = queries.account_plan_get_for_user(plan_id=plan_id, user=request.user)
    initiative = plan.initiatives.filter(pk=initiative_id).first()
    if initiative is None:
        raise Http404
    services.initiative_delete(user=request.user, initiative=initiative)
    return Status(204, None)


# Weekly reports

class ReportOut(Schema):
    id: int
    version: int
    user_id: int
    week_start: dt.date
    status: ReportStatus
    figures: dict
    highlights: str
    problems: str
    next_week: str
    submitted_at: dt.datetime | None


class ReportPrepareIn(InputSchema):
    week_start: dt.date


class ReportPatch(InputSchema):
    django_model = WeeklyReport
    version: Version
    highlights: str | None = Field(None, max_length=20000)
    problems: str | None = Field(None, max_length=20000)
    next_week: str | None = Field(None, max_length=20000)


@reports_router.get("/", response=list[ReportOut])
@paginate(Pagination)
def list_reports(request, user_id: DbId | None = None, status: ReportStatus | None = None):
    return queries.report_list(request.user, {"user": user_id, "status": status})


@reports_router.post("/", response={201: ReportOut})
def prepare_report(request, payload: ReportPrepareIn):
    """Your report for the week of ``week_start``, made (or refreshed while a draft) from the data."""
    return Status(201, services.report_prepare(user=request.user, week_start=payload.week_start))


@reports_router.get("/{int:report_id}", response=ReportOut)
def get_report(request, report_id: int):
    return queries.report_get_for_user(report_id=report_id, user=request.user)


@reports_router.patch("/{int:report_id}", response=ReportOut)
def update_report(request, report_id: int, payload: ReportPatch):
    report = queries.report_get_for_user(report_id=report_id, user=request.user)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    return services.report_update(user=request.user, report=report, data={k: v for k, v in data.items()
                                                                          if v is not None},
                                  version=payload.version)


@reports_router.post("/{int:report_id}/submit", response=ReportOut)
def submit_report(request, report_id: int):
    report = queries.report_get_for_user(report_id=report_id, user=request.user)
    return services.report_submit(user=request.user, report=report)
