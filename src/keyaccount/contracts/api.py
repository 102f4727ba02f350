"""REST API for contract control: contracts (with files) and obligations."""

import datetime as dt
from decimal import Decimal

from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from keyaccount.accounts.queries import account_get_for_user
from keyaccount.contracts import queries, services
from keyaccount.contracts.choices import ContractStatus, ObligationKind, ObligationStatus, Side
from keyaccount.contracts.models import Contract, Obligation
from keyaccount.core.api import DbId, InputSchema, Pagination, Version, patch_data, referenced

router = Router(tags=["contracts"])
obligations_router = Router(tags=["obligations"])

Money = Field(None, ge=0, max_digits=18, decimal_places=2)


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: dt.datetime


class ContractOut(Schema):
    id: int
    version: int
    account_id: int
    deal_id: int | None
    owner_id: int
    number: str
    signed_on: dt.date | None
    our_party: str
    counterparty: str
    subject: str
    value: Decimal | None
    currency: str
    starts_on: dt.date
    ends_on: dt.date | None
    auto_renewal: bool
    renewal_months: int | None
    notice_days: int
    remind_days_before: int
    notice_deadline: dt.date | None
    status: ContractStatus
    notes: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Contract):
        return list(obj.attachments.all())


class _ContractFields(InputSchema):
    django_model = Contract
    deal_id: DbId | None = None
    owner_id: DbId | None = None
    signed_on: dt.date | None = None
    our_party: str | None = Field(None, max_length=300)
    counterparty: str | None = Field(None, max_length=300)
    value: Decimal | None = Money
    currency: str | None = Field(None, min_length=3, max_length=3)
    ends_on: dt.date | None = None
    auto_renewal: bool | None = None
    renewal_months: int | None = Field(None, ge=1, le=120)
    notice_days: int | None = Field(None, ge=0, le=365)
    remind_days_before: int | None = Field(None, ge=0, le=365)
    status: ContractStatus | None = None
    notes: str | None = Field(None, max_length=20000)


class ContractIn(_ContractFields):
    account_id: DbId
    number: str = Field(min_length=1, max_length=100)
    subject: str = Field(min_length=1, max_length=20000)
    starts_on: dt.date


class ContractPatch(_ContractFields):
    version: Version
    number: str | None = Field(None, min_length=1, max_length=100)
    subject: str | None = Field(None, min_length=1, max_length=20000)
    starts_on: dt.date | None = None


class ContractFilters(InputSchema):
    q: str = Field("", max_length=200)
    account_id: DbId | None = None
    status: ContractStatus | None = None
    ends_before: dt.date | None = None


class ObligationOut(Schema):
    id: int
    version: int
    contract_id: int
    side: Side
    kind: ObligationKind
    title: str
    due_on: dt.date
    amount: Decimal | None
    responsible_id: int | None
    status: ObligationStatus
    done_on: dt.date | None
    evidence: str
    orders: list[int]
    remind_days_before: int
    is_overdue: bool

    @staticmethod
    def resolve_orders(obj: Obligation) -> list[int]:
        return [order.pk for order in obj.orders.all()]


class _ObligationFields(InputSchema):
    django_model = Obligation
    side: Side | None = None
    amount: Decimal | None = Money
    responsible_id: DbId | None = None
    status: ObligationStatus | None = None
    done_on: dt.date | None = None
    evidence: str | None = Field(None, max_length=5000)
    orders: list[DbId] | None = None
    remind_days_before: int | None = Field(None, ge=0, le=365)


class ObligationIn(_ObligationFields):
    contract_id: DbId
    kind: ObligationKind
    title: str = Field(min_length=1, max_length=300)
    due_on: dt.date


class ObligationPatch(_ObligationFields):
    version: Version
    kind: ObligationKind | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    due_on: dt.date | None = None


class ObligationFilters(InputSchema):
    due: str | None = Field(None, pattern="^(overdue|soon|open|done)$")
    side: Side | None = None
    kind: ObligationKind | None = None
    account_id: DbId | None = None
    contract_id: DbId | None = None
    responsible_id: DbId | None = None


@router.get("/", response=list[ContractOut])
@paginate(Pagination)
def list_contracts(request, filters: Query[ContractFilters]):
    return queries.contract_list(request.user, {"q": filters.q, "account": filters.account_id,
                                                "status": filters.status, "ends_before": filters.ends_before}
                                 ).prefetch_related("attachments")


@router.get("/{int:contract_id}", response=ContractOut)
def get_contract(request, contract_id: int):
    return queries.contract_get_for_user(contract_id=contract_id, user=request.user)


@router.post("/", response={201: ContractOut})
def create_contract(request, payload: ContractIn):
    account = referenced("account_id", account_get_for_user, account_id=payload.account_id, user=request.user)
    data = patch_data(payload, Contract)
    data.pop("account_id", None)
    return Status(201, services.contract_create(user=request.user, account=account, data=data))


@router.patch("/{int:contract_id}", response=ContractOut)
def update_contract(request, contract_id: int, payload: ContractPatch):
    contract = queries.contract_get_for_user(contract_id=contract_id, user=request.user)
    return services.contract_update(user=request.user, contract=contract, data=patch_data(payload, Contract),
                                    version=payload.version)


@router.delete("/{int:contract_id}", response={204: None})
def delete_contract(request, contract_id: int):
    services.contract_delete(user=request.user,
                             contract=queries.contract_get_for_user(contract_id=contract_id, user=request.user))
    return Status(204, None)


@router.post("/{int:contract_id}/attachments", response={201: AttachmentOut})
def add_attachment(request, contract_id: int, file: File[UploadedFile]):
    contract = queries.contract_get_for_user(contract_id=contract_id, user=request.user)
    return Status(201, services.attachment_add(user=request.user, contract=contract, upload=file))


@obligations_router.get("/", response=list[ObligationOut])
@paginate(Pagination)
def list_obligations(request, filters: Query[ObligationFilters]):
    return queries.obligation_list(request.user, {
        "due": filters.due, "side": filters.side, "kind": filters.kind, "account": filters.account_id,
        "contract": filters.contract_id, "responsible": filters.responsible_id}).prefetch_related("orders")


@obligations_router.get("/{int:obligation_id}", response=ObligationOut)
def get_obligation(request, obligation_id: int):
    return queries.obligation_get_for_user(obligation_id=obligation_id, user=request.user)


@obligations_router.post("/", response={201: ObligationOut})
def create_obligation(request, payload: ObligationIn):
    contract = referenced("contract_id", queries.contract_get_for_user,
                          contract_id=payload.contract_id, user=request.user)
    data = patch_data(payload, Obligation)
    data.pop("contract_id", None)
    return Status(201, services.obligation_create(user=request.user, contract=contract, data=data))


@obligations_router.patch("/{int:obligation_id}", response=ObligationOut)
def update_obligation(request, obligation_id: int, payload: ObligationPatch):
    obligation = queries.obligation_get_for_user(obligation_id=obligation_id, user=request.user)
    return services.obligation_update(user=request.user, obligation=obligation,
                                      data=patch_data(payload, Obligation), version=payload.version)


@obligations_router.delete("/{int:obligation_id}", response={204: None})
def delete_obligation(request, obligation_id: int):
    services.obligation_delete(user=request.user, obligation=queries.obligation_get_for_user(
        obligation_id=obligation_id, user=request.user))
    return Status(204, None)
