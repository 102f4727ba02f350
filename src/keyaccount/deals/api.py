"""REST API for the pipeline: deals (with stage moves), stages, commercial proposals and their
documents."""

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from keyaccount.accounts.queries import account_get_for_user
from keyaccount.core.api import DbId, InputSchema, Pagination, Version, patch_data, referenced
from keyaccount.core.documents import pdf_response
from keyaccount.deals import documents, queries, services
from keyaccount.deals.choices import DealKind, LossReason, ProposalStatus, StageOutcome, TenderProcedure
from keyaccount.deals.models import Deal, Proposal, ProposalLine

router = Router(tags=["deals"])
proposals_router = Router(tags=["proposals"])

Money = Field(None, ge=0, max_digits=18, decimal_places=2)


class StageOut(Schema):
    id: int
    code: str
    name: str
    position: int
    probability: int
    outcome: StageOutcome
    is_active: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class DealOut(Schema):
    id: int
    version: int
    kind: DealKind
    title: str
    account_id: int
    contact_id: int | None
    owner_id: int
    stage_id: int
    stage_entered_at: dt.datetime
    amount: Decimal
    currency: str
    probability: int
    expected_close_on: dt.date | None
    closed_on: dt.date | None
    products: list[int]
    description: str
    loss_reason: str
    lost_to_id: int | None
    competitor_offer: str
    loss_details: str
    tender_number: str
    tender_platform: str
    tender_procedure: str
    submission_deadline: dt.datetime | None
    our_bid: Decimal | None
    winner: str
    winning_price: Decimal | None

    @staticmethod
    def resolve_products(obj: Deal) -> list[int]:
        return [product.pk for product in obj.products.all()]


class _DealFields(InputSchema):
    django_model = Deal
    contact_id: DbId | None = None
    owner_id: DbId | None = None
    amount: Decimal | None = Money
    currency: str | None = Field(None, min_length=3, max_length=3)
    probability: int | None = Field(None, ge=0, le=100)
    expected_close_on: dt.date | None = None
    products: list[DbId] | None = None
    description: str | None = Field(None, max_length=20000)
    tender_number: str | None = Field(None, max_length=100)
    tender_platform: str | None = Field(None, max_length=200)
    tender_procedure: TenderProcedure | None = None
    submission_deadline: dt.datetime | None = None
    our_bid: Decimal | None = Money
    winner: str | None = Field(None, max_length=300)
    winning_price: Decimal | None = Money


class DealIn(_DealFields):
    account_id: DbId
    title: str = Field(min_length=1, max_length=300)
    kind: DealKind = DealKind.DEAL
    stage_id: DbId | None = None


class DealPatch(_DealFields):
    version: Version
    title: str | None = Field(None, min_length=1, max_length=300)
    kind: DealKind | None = None


class DealMoveIn(InputSchema):
    django_model = Deal
    version: Version | None = None
    stage_id: DbId
    probability: int | None = Field(None, ge=0, le=100)
    closed_on: dt.date | None = None
    loss_reason: LossReason | None = None
    lost_to_id: DbId | None = None
    competitor_offer: str | None = Field(None, max_length=5000)
    loss_details: str | None = Field(None, max_length=5000)
    winner: str | None = Field(None, max_length=300)
    winning_price: Decimal | None = Money


class DealFilters(InputSchema):
    q: str = Field("", max_length=200)
    account_id: DbId | None = None
    owner_id: DbId | None = None
    stage_id: DbId | None = None
    kind: DealKind | None = None
    state: StageOutcome | None = None
    close_from: dt.date | None = None
    close_to: dt.date | None = None


class ColumnOut(Schema):
    stage: StageOut
    count: int
    totals: list[dict]
    deals: list[DealOut]


@router.get("/stages", response=list[StageOut])
def list_stages(request):
    return queries.stages(active_only=False)


@router.get("/board", response=list[ColumnOut])
def board(request, filters: Query[DealFilters]):
    return queries.board(request.user, {"q": filters.q, "account": filters.account_id, "owner": filters.owner_id,
                                        "kind": filters.kind})


@router.get("/", response=list[DealOut])
@paginate(Pagination)
def list_deals(request, filters: Query[DealFilters]):
    return queries.deal_list(request.user, {
        "q": filters.q, "account": filters.account_id, "owner": filters.owner_id, "stage": filters.stage_id,
        "kind": filters.kind, "state": filters.state, "close_from": filters.close_from,
        "close_to": filters.close_to}).prefetch_related("products")


@router.get("/{int:deal_id}", response=DealOut)
def get_deal(request, deal_id: int):
    return queries.deal_get_for_user(deal_id=deal_id, user=request.user)


@router.post("/", response={201: DealOut})
def create_deal(request, payload: DealIn):
    account = referenced("account_id", account_get_for_user, account_id=payload.account_id, user=request.user)
    data = patch_data(payload, Deal)
    data.pop("account_id", None)
    if data.get("stage_id"):
        data["stage"] = queries.stage_get(stage_id=data.pop("stage_id"))
    return Status(201, services.deal_create(user=request.user, account=account, data=data))


@router.patch("/{int:deal_id}", response=DealOut)
def update_deal(request, deal_id: int, payload: DealPatch):
    deal = queries.deal_get_for_user(deal_id=deal_id, user=request.user)
    return services.deal_update(user=request.user, deal=deal, data=patch_data(payload, Deal), version=payload.version)


@router.post("/{int:deal_id}/move", response=DealOut)
def move_deal(request, deal_id: int, payload: DealMoveIn):
    """Move to another stage; a loss needs ``loss_reason`` (and ``lost_to_id`` for a competitor)."""
    deal = queries.deal_get_for_user(deal_id=deal_id, user=request.user)
    stage = referenced("stage_id", queries.stage_get, stage_id=payload.stage_id)
    data = {key: value for key, value in payload.model_dump(exclude={"version", "stage_id"}).items()
            if value is not None}
    return services.deal_move(user=request.user, deal=deal, stage=stage, data=data, version=payload.version)


@router.delete("/{int:deal_id}", response={204: None})
def delete_deal(request, deal_id: int):
    services.deal_delete(user=request.user, deal=queries.deal_get_for_user(deal_id=deal_id, user=request.user))
    return Status(204, None)


# Proposals

class ProposalLineOut(Schema):
    id: int
    position: int
    product_id: int
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    amount: Decimal


class ProposalLineIn(InputSchema):
    django_model = ProposalLine
    product_id: DbId
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3)
    unit_price: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2,
                                       description="Empty: the product's list price")
    discount_percent: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2)
    description: str = Field("", max_length=500)
    unit: str = Field("", max_length=20)


class ProposalOut(Schema):
    id: int
    version: int
    number: str
    revision: int
    previous_id: int | None
    account_id: int
    deal_id: int | None
    contact_id: int | None
    owner_id: int
    title: str
    language: str
    currency: str
    vat_rate: Decimal | None
    vat_by_date: bool
    prices_include_vat: bool
    valid_until: dt.date | None
    status: ProposalStatus
    sent_on: dt.date | None
    terms: str
    template_id: int | None
    net_total: Decimal
    vat_total: Decimal
    total: Decimal
    lines: list[ProposalLineOut]

    @staticmethod
    def resolve_lines(obj: Proposal):
        return list(obj.lines.all())


class _ProposalFields(InputSchema):
    django_model = Proposal
    deal_id: DbId | None = None
    contact_id: DbId | None = None
    language: str | None = Field(None, pattern="^(ru|en)$")
    currency: str | None = Field(None, min_length=3, max_length=3)
    vat_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2,
                                     description="A rate chosen for this proposal; absent: our company's rate on "
                                                 "the proposal's date (22 % from 2026)")
    vat_by_date: bool | None = Field(None, description="true: the rate follows the proposal's date again")
    prices_include_vat: bool | None = None
    valid_until: dt.date | None = None
    status: ProposalStatus | None = None
    sent_on: dt.date | None = None
    terms: str | None = Field(None, max_length=20000)
    template_id: DbId | None = None


class ProposalIn(_ProposalFields):
    account_id: DbId
    title: str = Field(min_length=1, max_length=300)
    lines: list[ProposalLineIn] = Field(min_length=1, max_length=2000)
    without_vat: bool = Field(False, description="true: a proposal without VAT (без НДС)")


class ProposalPatch(_ProposalFields):
    version: Version
    title: str | None = Field(None, min_length=1, max_length=300)
    lines: list[ProposalLineIn] | None = Field(None, min_length=1, max_length=2000)
    without_vat: bool | None = None


class ProposalFilters(InputSchema):
    q: str = Field("", max_length=200)
    account_id: DbId | None = None
    deal_id: DbId | None = None
    status: ProposalStatus | None = None


def _proposal_data(payload) -> dict:
    data = patch_data(payload, Proposal)
    data.pop("account_id", None)
    if data.pop("without_vat", None):
        data["vat_rate"] = None
    return data


@proposals_router.get("/", response=list[ProposalOut])
@paginate(Pagination)
def list_proposals(request, filters: Query[ProposalFilters]):
    return queries.proposal_list(request.user, {"q": filters.q, "account": filters.account_id,
                                                "deal": filters.deal_id, "status": filters.status}
                                 ).prefetch_related("lines")


@proposals_router.get("/{int:proposal_id}", response=ProposalOut)
def get_proposal(request, proposal_id: int):
    return queries.proposal_get_for_user(proposal_id=proposal_id, user=request.user)


@proposals_router.post("/", response={201: ProposalOut})
def create_proposal(request, payload: ProposalIn):
    account = referenced("account_id", account_get_for_user, account_id=payload.account_id, user=request.user)
    data = _proposal_data(payload)
    return Status(201, services.proposal_create(user=request.user, account=account, data=data))


@proposals_router.patch("/{int:proposal_id}", response=ProposalOut)
def update_proposal(request, proposal_id: int, payload: ProposalPatch):
    proposal = queries.proposal_get_for_user(proposal_id=proposal_id, user=request.user)
    return services.proposal_update(user=request.user, proposal=proposal, data=_proposal_data(payload),
                                    version=payload.version)


@proposals_router.post("/{int:proposal_id}/revise", response={201: ProposalOut})
def revise_proposal(request, proposal_id: int):
    proposal = queries.proposal_get_for_user(proposal_id=proposal_id, user=request.user)
    return Status(201, services.proposal_revise(user=request.user, proposal=proposal))


@proposals_router.get("/{int:proposal_id}/document.docx")
def proposal_docx(request, proposal_id: int):
    proposal = queries.proposal_get_for_user(proposal_id=proposal_id, user=request.user)
    response = pdf_response(documents.render_docx(proposal), filename=documents.file_name(proposal, "docx"),
                            inline=False)
    response["Content-Type"] = documents.DOCX_TYPE
    return response


@proposals_router.get("/{int:proposal_id}/document.pdf")
def proposal_pdf(request, proposal_id: int) -> HttpResponse:
    proposal = queries.proposal_get_for_user(proposal_id=proposal_id, user=request.user)
    return pdf_response(documents.render_proposal_pdf(proposal), filename=documents.file_name(proposal, "pdf"))


@proposals_router.delete("/{int:proposal_id}", response={204: None})
def delete_proposal(request, proposal_id: int):
    proposal = queries.proposal_get_for_user(proposal_id=proposal_id, user=request.user)
    services.proposal_delete(user=request.user, proposal=proposal)
    return Status(204, None)
