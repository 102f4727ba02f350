"""REST API of the feedback loop: records, their steps, the KPIs, and the public submission that a
feedback link's form posts (no sign-in, rate-limited)."""

import datetime as dt
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import JsonResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from keyaccount.accounts.queries import account_get_for_user
from keyaccount.core.api import DbId, InputSchema, Pagination, Version, patch_data, referenced, sees_finances
from keyaccount.core.editing import get_or_404
from keyaccount.core.models import User
from keyaccount.core.schema_limits import EMAIL_PATTERN
from keyaccount.core.throttle import AddressThrottle, InboundMailThrottle, public_submission_wait
from keyaccount.feedback import queries, services, support, surveys
from keyaccount.feedback.choices import (
    Channel,
    ClientReaction,
    FeedbackKind,
    FeedbackStatus,
    MessageKind,
    Severity,
    SuggestionOutcome,
    SurveyKind,
    SurveyTrigger,
    TicketPriority,
    TicketStatus,
)
from keyaccount.feedback.models import MAX_TEXT, Feedback, Ticket, TicketMessage, UnmatchedMail

router = Router(tags=["feedback"])


class FeedbackOut(Schema):
    id: int
    version: int
    account_id: int
    contact_id: int | None
    kind: FeedbackKind
    channel: Channel
    category_id: int | None
    severity: Severity
    subject: str
    text: str
    assignee_id: int | None
    order_id: int | None
    product_id: int | None
    deal_id: int | None
    contract_id: int | None
    status: FeedbackStatus
    received_at: dt.datetime
    response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    resolution: str
    outcome: str
    outcome_reason: str
    informed_at: dt.datetime | None
    informed_by_id: int | None
    informed_via: str
    client_reaction: str
    informed_note: str
    closed_at: dt.datetime | None
    response_breached: bool
    resolution_breached: bool

    @staticmethod
    def resolve_order_id(obj: Feedback, context) -> int | None:
        return obj.order_id if sees_finances(context) else None

    @staticmethod
    def resolve_deal_id(obj: Feedback, context) -> int | None:
        return obj.deal_id if sees_finances(context) else None

    @staticmethod
    def resolve_contract_id(obj: Feedback, context) -> int | None:
        return obj.contract_id if sees_finances(context) else None

    @staticmethod
    def resolve_response_breached(obj: Feedback) -> bool:
        return obj.response_breached()

    @staticmethod
    def resolve_resolution_breached(obj: Feedback) -> bool:
        return obj.resolution_breached()


class _FeedbackFields(InputSchema):
    django_model = Feedback
    contact_id: DbId | None = None
    channel: Channel | None = None
    category_id: DbId | None = None
    severity: Severity | None = None
    assignee_id: DbId | None = None
    order_id: DbId | None = None
    product_id: DbId | None = None
    deal_id: DbId | None = None
    contract_id: DbId | None = None
    received_at: dt.datetime | None = None


class FeedbackIn(_FeedbackFields):
    account_id: DbId
    kind: FeedbackKind = FeedbackKind.COMPLAINT
    subject: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class FeedbackPatch(_FeedbackFields):
    version: Version
    kind: FeedbackKind | None = None
    subject: str | None = Field(None, min_length=1, max_length=300)
    text: str | None = Field(None, min_length=1, max_length=MAX_TEXT)


class FeedbackFilters(InputSchema):
    q: str = Field("", max_length=200)
    kind: FeedbackKind | None = None
    state: str | None = Field(None, pattern="^(open|breached|not_informed|new|in_progress|resolved|informed|closed)$")
    severity: Severity | None = None
    channel: Channel | None = None
    outcome: SuggestionOutcome | None = None
    category_id: DbId | None = None
    account_id: DbId | None = None
    assignee_id: DbId | None = None


class RespondIn(InputSchema):
    django_model = Feedback
    version: Version
    note: str = Field("", max_length=MAX_TEXT)


class ResolveIn(InputSchema):
    django_model = Feedback
    version: Version
    resolution: str = Field(min_length=1, max_length=MAX_TEXT)
    outcome: SuggestionOutcome | None = None
    outcome_reason: str = Field("", max_length=MAX_TEXT)


class InformIn(InputSchema):
    django_model = Feedback
    version: Version
    via: Channel
    at: dt.datetime | None = None
    reaction: ClientReaction | None = None
    note: str = Field("", max_length=MAX_TEXT)


class StepIn(InputSchema):
    version: Version


class FiguresOut(Schema):
    label: str
    received: int
    complaints: int
    resolved: int
    informed: int
    open: int
    heard_rate: float | None
    # Working hours (the company's working calendar, as the SLAs count them), averaged.
    response_hours: float | None = Field(None, description="mean working hours from receipt to the first response")
    resolution_hours: float | None = Field(None, description="mean working hours from receipt to the resolution")
    response_breaches: int
    resolution_breaches: int
    repeat_complaints: int


class KpiOut(Schema):
    date_from: dt.date
    date_to: dt.date
    total: FiguresOut
    by_manager: list[FiguresOut]
    by_category: list[FiguresOut]
    categories_by_month: dict[str, dict[str, int]]


class KpiFilters(InputSchema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: FeedbackKind | None = None


class PublicIn(InputSchema):
    django_model = Feedback
    kind: FeedbackKind = FeedbackKind.COMPLAINT
    subject: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    name: str = Field("", max_length=150)
    # Checked by Django's e-mail validator; the schema states the plain ASCII addresses it takes (a regex's
    # "\s" means one thing to JSON Schema and another to Python, so no pattern of ours decides here).
    email: str = Field("", max_length=254, json_schema_extra={"pattern": f"^$|{EMAIL_PATTERN}"})
    # Left empty by people (the form hides it); robots fill it.
    website: str = Field("", max_length=200)

    @field_validator("email")
    @classmethod
    def an_address_django_takes(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError as error:
                raise ValueError(" ".join(error.messages)) from error
        return value


class Received(Schema):
    received: bool


@router.get("/", response=list[FeedbackOut])
@paginate(Pagination)
def list_feedback(request, filters: Query[FeedbackFilters]):
    return queries.feedback_list(request.user, {
        "q": filters.q, "kind": filters.kind, "state": filters.state, "severity": filters.severity,
        "channel": filters.channel, "outcome": filters.outcome, "category": filters.category_id,
        "account": filters.account_id, "assignee": filters.assignee_id})


@router.get("/kpis", response=KpiOut)
def feedback_kpis(request, filters: Query[KpiFilters]):
    date_from, date_to = queries.period(filters.date_from, filters.date_to, queries.KPI_DAYS)
    figures = queries.kpis(request.user, date_from=date_from, date_to=date_to, kind=filters.kind)
    return {**figures, "total": figures["total"].as_dict(),
            "by_manager": [f.as_dict() for f in figures["by_manager"]],
            "by_category": [f.as_dict() for f in figures["by_category"]]}


@router.get("/{int:feedback_id}", response=FeedbackOut)
def get_feedback(request, feedback_id: int):
    return queries.feedback_get_for_user(feedback_id=feedback_id, user=request.user)


@router.post("/", response={201: FeedbackOut})
def create_feedback(request, payload: FeedbackIn):
    account = referenced("account_id", account_get_for_user, account_id=payload.account_id, user=request.user)
    data = patch_data(payload, Feedback)
    data.pop("account_id", None)
    return Status(201, services.feedback_create(user=request.user, account=account, data=data))


@router.patch("/{int:feedback_id}", response=FeedbackOut)
def update_feedback(request, feedback_id: int, payload: FeedbackPatch):
    feedback = queries.feedback_get_for_user(feedback_id=feedback_id, user=request.user)
    return services.feedback_update(user=request.user, feedback=feedback, data=patch_data(payload, Feedback),
                                    version=payload.version)


@router.post("/{int:feedback_id}/respond", response=FeedbackOut)
def respond(request, feedback_id: int, payload: RespondIn):
    feedback = queries.feedback_get_for_user(feedback_id=feedback_id, user=request.user)
    return services.feedback_respond(user=request.user, feedback=feedback, note=payload.note, version=payload.version)


@router.post("/{int:feedback_id}/resolve", response=FeedbackOut)
def resolve(request, feedback_id: int, payload: ResolveIn):
    feedback = queries.feedback_get_for_user(feedback_id=feedback_id, user=request.user)
    return services.feedback_resolve(user=request.user, feedback=feedback, resolution=payload.resolution,
                                     outcome=payload.outcome or "", outcome_reason=payload.outcome_reason,
                                     version=payload.version)


@router.post("/{int:feedback_id}/inform", response=FeedbackOut)
def inform(request, feedback_id: int, payload: InformIn):
    feedback = queries.feedback_get_for_user(feedback_id=feedback_id, user=request.user)
    return services.feedback_inform(user=request.user, feedback=feedback, via=payload.via, at=payload.at,
                                    reaction=payload.reaction or "", note=payload.note, version=payload.version)


@router.post("/{int:feedback_id}/close", response=FeedbackOut)
def close(request, feedback_id: int, payload: StepIn):
    feedback = queries.feedback_get_for_user(feedback_id=feedback_id, user=request.user)
    return services.feedback_close(user=request.user, feedback=feedback, version=payload.version)


@router.post("/{int:feedback_id}/reopen", response=FeedbackOut)
def reopen(request, feedback_id: int, payload: StepIn):
    feedback = queries.feedback_get_for_user(feedback_id=feedback_id, user=request.user)
    return services.feedback_reopen(user=request.user, feedback=feedback, version=payload.version)


def _too_many(seconds: int):
    response = JsonResponse({"received": False, "detail": "Too many requests."}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@router.post("/public/{token}", response={201: Received, 404: Received, 429: Received}, auth=None)
def public_submit(request, token: str, payload: PublicIn):
    """What a feedback link's owner sends without signing in (the same limits as its form)."""
    link = services.link_for_token(token[:200])
    if link is None:
        return Status(404, {"received": False})
    if seconds := public_submission_wait(request, link):
        return _too_many(seconds)
    if not payload.website:
        services.public_submit(link=link, data=payload.dict())
    return Status(201, {"received": True})


# Surveys

surveys_router = Router(tags=["surveys"])


class SurveyOut(Schema):
    id: int
    account_id: int
    contact_id: int
    deal_id: int | None
    kind: SurveyKind
    trigger: SurveyTrigger
    email: str
    sent_at: dt.datetime
    expires_on: dt.date
    answered_at: dt.datetime | None
    score: int | None
    comment: str
    complaint_id: int | None


class SurveyIn(InputSchema):
    account_id: DbId
    contact_id: DbId
    kind: SurveyKind = SurveyKind.NPS
    deal_id: DbId | None = None


class SurveyFilters(InputSchema):
    kind: SurveyKind | None = None
    trigger: SurveyTrigger | None = None
    account_id: DbId | None = None
    answered: bool | None = None


class SurveyFiguresOut(Schema):
    label: str
    sent: int
    answered: int
    response_rate: float | None
    nps: float | None
    csat: float | None
    nps_answers: int
    csat_answers: int


class SurveyResultsOut(Schema):
    date_from: dt.date
    date_to: dt.date
    total: SurveyFiguresOut
    by_account: list[SurveyFiguresOut]
    by_manager: list[SurveyFiguresOut]
    by_month: list[SurveyFiguresOut]


class AnswerIn(InputSchema):
    score: int = Field(ge=0, le=10)
    comment: str = Field("", max_length=MAX_TEXT)


@surveys_router.get("/", response=list[SurveyOut])
@paginate(Pagination)
def list_surveys(request, filters: Query[SurveyFilters]):
    return queries.survey_list(request.user, {"kind": filters.kind, "trigger": filters.trigger,
                                              "account": filters.account_id, "answered": filters.answered})


@surveys_router.get("/results", response=SurveyResultsOut)
def survey_results(request, filters: Query[KpiFilters]):
    date_from, date_to = queries.period(filters.date_from, filters.date_to, queries.SURVEY_DAYS)
    results = queries.survey_results(request.user, date_from=date_from, date_to=date_to)
    return {"date_from": date_from, "date_to": date_to, "total": results["total"].as_dict(),
            **{name: [group.as_dict() for group in results[name]] for name in ("by_account", "by_manager", "by_month")}}


@surveys_router.get("/{int:survey_id}", response=SurveyOut)
def get_survey(request, survey_id: int):
    return get_or_404(queries.surveys_visible_to(request.user), survey_id)


@surveys_router.post("/", response={201: SurveyOut})
def send_survey(request, payload: SurveyIn):
    account = referenced("account_id", account_get_for_user, account_id=payload.account_id, user=request.user)
    contact = referenced("contact_id", get_or_404,
                         queryset=account.contacts.filter(erased_at__isnull=True), pk=payload.contact_id)
    deal = referenced("deal_id", get_or_404,
                      queryset=account.deals.all(), pk=payload.deal_id) if payload.deal_id else None
    return Status(201, surveys.survey_send(user=request.user, account=account, contact=contact, kind=payload.kind,
                                           deal=deal))


@surveys_router.post("/answer/{token}", response={200: Received, 404: Received, 429: Received}, auth=None)
def answer_survey(request, token: str, payload: AnswerIn):
    """A survey's answer without signing in (what its page posts); the score's range is the
    survey's own (NPS 0-10, CSAT 1-5)."""
    survey = surveys.survey_for_token(token[:200])
    if survey is None:
        return Status(404, {"received": False})
    if seconds := public_submission_wait(request, survey):
        return _too_many(seconds)
    surveys.survey_answer(survey=survey, score=payload.score, comment=payload.comment)
    return Status(200, {"received": True})


# Support desk

tickets_router = Router(tags=["tickets"])


class TicketMessageOut(Schema):
    id: int
    kind: MessageKind
    author_id: int | None
    sender: str
    body: str
    created_at: dt.datetime


class TicketOut(Schema):
    id: int
    version: int
    reference: str
    account_id: int
    contact_id: int | None
    subject: str
    status: TicketStatus
    priority: TicketPriority
    assignee_id: int | None
    channel: Channel
    email: str
    created_at: dt.datetime
    response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    first_response_at: dt.datetime | None
    solved_at: dt.datetime | None
    messages: list[TicketMessageOut]

    @staticmethod
    def resolve_messages(obj) -> list:
        return list(obj.messages.all())


class TicketIn(InputSchema):
    django_model = Ticket
    account_id: DbId
    contact_id: DbId | None = None
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=100_000)
    priority: TicketPriority = TicketPriority.NORMAL
    channel: Channel = Channel.CALL


class TicketPatch(InputSchema):
    django_model = Ticket
    version: Version
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    assignee_id: DbId | None = None


class ReplyIn(InputSchema):
    django_model = TicketMessage
    version: Version
    body: str = Field(min_length=1, max_length=100_000)
    status: TicketStatus = TicketStatus.WAITING


class NoteIn(InputSchema):
    django_model = TicketMessage
    body: str = Field(min_length=1, max_length=100_000)


class TicketFilters(InputSchema):
    q: str = Field("", max_length=200)
    # unsolved: new, open or waiting; breached: past a deadline and unsolved; the rest one status each.
    state: str | None = Field(None, pattern="^(unsolved|breached|new|open|waiting|solved|closed)$",
                              description="unsolved (new, open or waiting), breached (past its SLA, unsolved) "
                                          "or one status")
    priority: TicketPriority | None = None
    account_id: DbId | None = None
    mine: bool = False


class InboundOut(Schema):
    result: str
    ticket_id: int | None


@tickets_router.get("/", response=list[TicketOut])
@paginate(Pagination)
def list_tickets(request, filters: Query[TicketFilters]):
    return queries.ticket_list(request.user, {"q": filters.q, "state": filters.state, "priority": filters.priority,
                                              "account": filters.account_id, "mine": filters.mine}
                               ).prefetch_related("messages")


@tickets_router.get("/{int:ticket_id}", response=TicketOut)
def get_ticket(request, ticket_id: int):
    return queries.ticket_get_for_user(ticket_id=ticket_id, user=request.user)


@tickets_router.post("/", response={201: TicketOut})
def create_ticket(request, payload: TicketIn):
    account = referenced("account_id", account_get_for_user, account_id=payload.account_id, user=request.user)
    contact = referenced("contact_id", get_or_404,
                         queryset=account.contacts.filter(erased_at__isnull=True), pk=payload.contact_id) \
        if payload.contact_id else None
    return Status(201, support.ticket_create(user=request.user, account=account, contact=contact,
                                             data=payload.dict()))


@tickets_router.patch("/{int:ticket_id}", response=TicketOut)
def update_ticket(request, ticket_id: int, payload: TicketPatch):
    ticket = queries.ticket_get_for_user(ticket_id=ticket_id, user=request.user)
    data = {key: value for key, value in payload.dict(exclude={"version", "assignee_id"}).items() if value is not None}
    if payload.assignee_id is not None:
        data["assignee"] = referenced("assignee_id", get_or_404,
                                      queryset=User.objects.filter(is_active=True), pk=payload.assignee_id)
    return support.ticket_update(user=request.user, ticket=ticket, data=data, version=payload.version)


@tickets_router.post("/{int:ticket_id}/reply", response=TicketOut)
def reply_ticket(request, ticket_id: int, payload: ReplyIn):
    ticket = queries.ticket_get_for_user(ticket_id=ticket_id, user=request.user)
    support.ticket_reply(user=request.user, ticket=ticket, body=payload.body, status=payload.status,
                         version=payload.version)
    return queries.ticket_get_for_user(ticket_id=ticket_id, user=request.user)


@tickets_router.post("/{int:ticket_id}/notes", response=TicketOut)
def note_ticket(request, ticket_id: int, payload: NoteIn):
    ticket = queries.ticket_get_for_user(ticket_id=ticket_id, user=request.user)
    support.ticket_note(user=request.user, ticket=ticket, body=payload.body)
    return ticket


@tickets_router.post("/inbound", response={200: InboundOut, 403: InboundOut, 413: InboundOut, 422: InboundOut,
                                          429: InboundOut}, auth=None,
                     throttle=[AddressThrottle(), InboundMailThrottle()])
def inbound_email(request):
    """A mail provider's forwarding: the raw message (RFC 822) as the body, the shared secret
    (KAM_SUPPORT_INBOUND_SECRET) in X-Keyaccount-Secret. A message over
    KAM_SUPPORT_MAX_MESSAGE_BYTES answers 413 before its body is read; one with more MIME parts or
    a longer header than mail has, 422."""
    secret = settings.KAM_SUPPORT_INBOUND_SECRET
    given = request.headers.get("X-Keyaccount-Secret", "")
    if not secret or not hmac.compare_digest(secret.encode(), given.encode()):
        return Status(403, {"result": "refused", "ticket_id": None})
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.KAM_SUPPORT_MAX_MESSAGE_BYTES:
        return Status(413, {"result": "too large", "ticket_id": None})
    try:
        result = support.receive_email(request.body)
    except support.MessageRefused as error:
        return Status(413 if error.too_large else 422, {"result": "too large" if error.too_large else "refused",
                                                        "ticket_id": None})
    if result is None:
        return {"result": "seen before", "ticket_id": None}
    if isinstance(result, UnmatchedMail):
        return {"result": "unmatched", "ticket_id": None}
    return {"result": "ticket", "ticket_id": result.pk}
