"""REST API for the timeline: interactions of every kind, the call queue, call-log imports."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from keyaccount.accounts.queries import account_get_for_user, contact_get_for_user
from keyaccount.core.api import DbId, InputSchema, Pagination, Version, patch_data, referenced
from keyaccount.core.errors import AccessDenied
from keyaccount.timeline import briefs, importers, queries, reports, services
from keyaccount.timeline.choices import CallDirection, CallOutcome, InteractionKind, MatchStatus, MeetingStatus
from keyaccount.timeline.models import Interaction

router = Router(tags=["interactions"])


class InteractionOut(Schema):
    id: int
    version: int
    kind: InteractionKind
    account_id: int | None
    contacts: list[int]
    participants: list[int]
    owner_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    subject: str
    summary: str
    direction: str
    our_number: str
    our_line: str
    their_number: str
    answered_at: dt.datetime | None
    duration_seconds: int | None
    talk_seconds: int | None
    outcome: str
    recording_url: str
    match_status: str
    email_from: str
    email_to: str
    place: str
    video_link: str
    travel_minutes: int | None
    agenda: str
    meeting_status: str
    actual_start_at: dt.datetime | None
    lateness_minutes: int | None
    agreements: str
    due_at: dt.datetime | None
    assignee_id: int | None
    done_at: dt.datetime | None

    @staticmethod
    def resolve_contacts(obj: Interaction) -> list[int]:
        return [link.contact_id for link in obj.contact_links.all()]

    @staticmethod
    def resolve_participants(obj: Interaction) -> list[int]:
        return [user.pk for user in obj.participants.all()]


class _InteractionFields(InputSchema):
    django_model = Interaction
    ends_at: dt.datetime | None = None
    subject: str = Field("", max_length=300)
    summary: str = Field("", max_length=20000)
    contacts: list[DbId] = []
    participants: list[DbId] | None = None
    direction: CallDirection | None = None
    our_number: str = Field("", max_length=40)
    our_line: str = Field("", max_length=40)
    their_number: str = Field("", max_length=40)
    answered_at: dt.datetime | None = None
    duration_seconds: int | None = Field(None, ge=0, le=7 * 24 * 3600)
    talk_seconds: int | None = Field(None, ge=0, le=7 * 24 * 3600)
    outcome: CallOutcome | None = None
    recording_url: str = Field("", max_length=500)
    email_from: str = Field("", max_length=300)
    email_to: str = Field("", max_length=1000)
    place: str = Field("", max_length=300)
    video_link: str = Field("", max_length=500)
    travel_minutes: int | None = Field(None, ge=0, le=24 * 60)
    agenda: str = Field("", max_length=20000)
    meeting_status: MeetingStatus | None = None
    agreements: str = Field("", max_length=20000)
    due_at: dt.datetime | None = None
    assignee_id: DbId | None = None


class InteractionIn(_InteractionFields):
    kind: InteractionKind
    account_id: DbId
    starts_at: dt.datetime | None = None


class InteractionPatch(InputSchema):
    django_model = Interaction
    version: Version
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    subject: str | None = Field(None, max_length=300)
    summary: str | None = Field(None, max_length=20000)
    contacts: list[DbId] | None = None
    participants: list[DbId] | None = None
    outcome: CallOutcome | None = None
    place: str | None = Field(None, max_length=300)
    video_link: str | None = Field(None, max_length=500)
    travel_minutes: int | None = Field(None, ge=0, le=24 * 60)
    agenda: str | None = Field(None, max_length=20000)
    meeting_status: MeetingStatus | None = None
    actual_start_at: dt.datetime | None = None
    agreements: str | None = Field(None, max_length=20000)
    due_at: dt.datetime | None = None
    assignee_id: DbId | None = None
    done_at: dt.datetime | None = None


class InteractionFilters(InputSchema):
    account_id: DbId | None = None
    contact_id: DbId | None = None
    kind: list[InteractionKind] = []
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class CallAssignIn(InputSchema):
    contact_id: DbId
    add_number: bool = False


class ImportReportOut(Schema):
    rows: int
    created: int
    duplicates: int
    matched: int
    unmatched: int
    ambiguous: int
    skipped: list[str]
    skipped_rows: int
    encoding: str


def _clean_data(data: dict) -> dict:
    """Drop the kind-specific choices left empty: they mean "not this kind's field"."""
    return {key: ("" if value is None and key in ("direction", "outcome", "meeting_status") else value)
            for key, value in data.items()}


@router.get("/", response=list[InteractionOut])
@paginate(Pagination)
def list_interactions(request, filters: Query[InteractionFilters]):
    entries = queries.interactions_visible_to(request.user)
    if filters.account_id:
        entries = entries.filter(account_id=filters.account_id)
    if filters.contact_id:
        entries = entries.filter(contact_links__contact_id=filters.contact_id)
    if filters.kind:
        entries = entries.filter(kind__in=filters.kind)
    if filters.date_from:
        entries = entries.filter(starts_at__date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(starts_at__date__lte=filters.date_to)
    return entries.prefetch_related("contact_links", "participants").order_by("-starts_at", "-id")


@router.get("/queue", response=list[InteractionOut])
@paginate(Pagination)
def call_queue(request):
    return queries.call_queue(request.user).prefetch_related("contact_links")


@router.get("/{int:interaction_id}", response=InteractionOut)
def get_interaction(request, interaction_id: int):
    return queries.interaction_get_for_user(interaction_id=interaction_id, user=request.user)


@router.post("/", response={201: InteractionOut})
def create_interaction(request, payload: InteractionIn):
    account = referenced("account_id", account_get_for_user, account_id=payload.account_id, user=request.user)
    data = _clean_data(payload.model_dump(exclude={"account_id"}, exclude_unset=False))
    if data.get("starts_at") is None:
        data.pop("starts_at")
    if data.get("participants") is None:
        data.pop("participants")
    interaction = services.interaction_create(user=request.user, account=account, data=data)
    return Status(201, queries.interaction_get_for_user(interaction_id=interaction.pk, user=request.user))


@router.patch("/{int:interaction_id}", response=InteractionOut)
def update_interaction(request, interaction_id: int, payload: InteractionPatch):
    interaction = queries.interaction_get_for_user(interaction_id=interaction_id, user=request.user)
    data = patch_data(payload, Interaction)
    services.interaction_update(user=request.user, interaction=interaction, data=_clean_data(data),
                                version=payload.version)
    return queries.interaction_get_for_user(interaction_id=interaction_id, user=request.user)


@router.delete("/{int:interaction_id}", response={204: None})
def delete_interaction(request, interaction_id: int):
    interaction = queries.interaction_get_for_user(interaction_id=interaction_id, user=request.user)
    services.interaction_delete(user=request.user, interaction=interaction)
    return Status(204, None)


@router.post("/{int:interaction_id}/assign", response=InteractionOut)
def assign_call(request, interaction_id: int, payload: CallAssignIn):
    call = queries.interaction_get_for_user(interaction_id=interaction_id, user=request.user)
    if call.kind != InteractionKind.CALL or call.match_status == MatchStatus.MATCHED:
        raise ValidationError({"interaction": ["Only a queued call is assigned."]})
    contact = referenced("contact_id", contact_get_for_user, contact_id=payload.contact_id, user=request.user)
    services.call_assign(user=request.user, call=call, contact=contact, add_number=payload.add_number)
    return queries.interaction_get_for_user(interaction_id=interaction_id, user=request.user)


@router.post("/calls/import", response=ImportReportOut)
def import_calls(request, file: File[UploadedFile], file_format: Form[str] = "asterisk", mapping: Form[str] = "",
                 skip_bad: Form[bool] = False, encoding: Form[str] = "", utc: Form[bool] = False,
                 dry_run: Form[bool] = False):
    """Import a call log (Asterisk Master.csv, or CSV/XLSX with a column mapping). Bad rows answer
    422 naming the line and the column, and nothing is saved, unless ``skip_bad`` is set."""
    if not services.can_log(request.user):
        raise AccessDenied()
    return importers.import_calls(user=request.user, data=file, filename=file.name or "upload",
                                  fmt=file_format, mapping=mapping or None, skip_bad=skip_bad,
                                  encoding=encoding or None, utc=utc, dry_run=dry_run)




class ManagerActivityOut(Schema):
    manager_id: int
    manager: str
    meetings_held: int
    meetings_late: int
    late_share: float | None
    average_lateness_minutes: float | None
    calls_made: int
    missed_calls: int
    missed_not_returned: int
    silent_accounts: list[int]


class ActivityFilters(InputSchema):
    date_from: dt.date
    date_to: dt.date


@router.get("/activity", response=list[ManagerActivityOut])
def activity(request, filters: Query[ActivityFilters]):
    """Punctuality and activity per manager for the period (the managers the user may see)."""
    if filters.date_from > filters.date_to:
        raise ValidationError({"date_to": ["The period ends before it starts."]})
    return [{
        "manager_id": row.manager.pk, "manager": str(row.manager), "meetings_held": row.meetings_held,
        "meetings_late": row.meetings_late, "late_share": row.late_share,
        "average_lateness_minutes": row.average_lateness_minutes, "calls_made": row.calls_made,
        "missed_calls": row.missed_calls, "missed_not_returned": row.missed_not_returned,
        "silent_accounts": row.silent_account_ids,
    } for row in reports.activity(request.user, date_from=filters.date_from, date_to=filters.date_to)]


class BriefParticipantOut(Schema):
    contact_id: int
    name: str
    position: str
    roles: list[str]
    form_of_address: str
    birthday_in_days: int | None
    last_contact: dt.datetime | None


class BriefYearOut(Schema):
    year: int
    currency: str
    revenue: Decimal | None
    profit: Decimal | None
    employees: int | None
    revenue_change: float | None


class BriefEntryOut(Schema):
    id: int
    kind: str
    starts_at: dt.datetime
    subject: str
    summary: str
    agreements: str
    due_at: dt.datetime | None


class BriefItemOut(Schema):
    kind: str = Field(description="What the line is about: deal, proposal, lost_deal, obligation, contract_ending, "
                                  "feedback, purchases_year, purchases_last_12_months, last_order, product, offer")
    title: str
    detail: str
    record_id: int | None = Field(description="The id of the record the line is about, if it is one")
    on: dt.date | None
    amount: Decimal | None
    currency: str


class BriefSectionOut(Schema):
    key: str = Field(description="purchases, deals, contracts, feedback, coverage: the app the section comes from")
    title: str
    items: list[BriefItemOut]
    questions: list[str]


class BriefOut(Schema):
    account_id: int
    account: str
    meeting_id: int | None
    moment: dt.datetime
    description: str
    industry: str
    size: str
    plans: str
    needs: str
    financials: list[BriefYearOut] | None
    participants: list[BriefParticipantOut]
    recent: list[BriefEntryOut]
    open_tasks: list[BriefEntryOut]
    competitors: list[str]
    sections: list[BriefSectionOut]
    questions: list[str]


def _brief_out(brief: briefs.Brief) -> dict:
    account = brief.account
    return {
        "account_id": account.pk, "account": str(account), "meeting_id": brief.meeting.pk if brief.meeting else None,
        "moment": brief.moment, "description": account.description, "industry": account.industry,
        "size": account.size, "plans": account.plans, "needs": account.needs,
        "financials": None if brief.financials is None else [
            {"year": row.financials.year, "currency": row.financials.currency, "revenue": row.financials.revenue,
             "profit": row.financials.profit, "employees": row.financials.employees,
             "revenue_change": row.revenue_change} for row in brief.financials],
        "participants": [
            {"contact_id": p.contact.pk, "name": p.contact.full_name, "position": p.contact.position,
             "roles": [role for role, _label in p.roles], "form_of_address": p.contact.form_of_address,
             "birthday_in_days": p.birthday_in_days, "last_contact": p.last_contact} for p in brief.participants],
        "recent": brief.recent,
        "open_tasks": brief.open_tasks,
        "competitors": [str(link.competitor) for link in brief.competitors],
        "sections": [{"key": section["key"], "title": section["title"], "items": section["items"],
                      "questions": section.get("questions", [])} for section in brief.sections],
        "questions": brief.questions,
    }


@router.get("/{int:interaction_id}/brief", response=BriefOut)
def meeting_brief(request, interaction_id: int):
    """The brief before a meeting or a planned call (the same content as the page and the PDF)."""
    interaction = queries.interaction_get_for_user(interaction_id=interaction_id, user=request.user)
    if interaction.account_id is None:
        raise Http404
    return _brief_out(briefs.meeting_brief(meeting=interaction, user=request.user))


@router.get("/account-brief/{int:account_id}", response=BriefOut)
def account_brief(request, account_id: int):
    """The brief for an account on demand."""
    account = account_get_for_user(account_id=account_id, user=request.user)
    return _brief_out(briefs.account_brief(account=account, user=request.user))
