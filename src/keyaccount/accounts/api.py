"""REST API for accounts, their financial indicators, contacts and competitors."""


import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from keyaccount.accounts import queries, services
from keyaccount.accounts.choices import AccountStatus, ContactRoleKind
from keyaccount.accounts.models import (
    Account,
    AccountCompetitor,
    AccountFinancials,
    Competitor,
    Contact,
    ContactPhone,
)
from keyaccount.core.api import DbId, ErrorOut, InputSchema, Pagination, Version, patch_data, referenced

router = Router(tags=["accounts"])
contacts_router = Router(tags=["contacts"])
competitors_router = Router(tags=["competitors"])


class AccountOut(Schema):
    id: int
    version: int
    name: str
    short_name: str
    inn: str
    kpp: str
    ogrn: str
    vat_number: str
    country: str
    industry: str
    size: str
    website: str
    phone: str
    legal_address: str
    postal_address: str
    description: str
    history: str
    founded_year: int | None
    needs: str
    plans: str
    notes: str
    status: str
    status_changed_at: dt.datetime
    owner_id: int
    team_id: int | None
    parent_id: int | None
    tags: list[str]
    shared_with: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_tags(obj: Account) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_shared_with(obj: Account) -> list[int]:
        return [share.user_id for share in obj.shares.all()]


class AccountIn(InputSchema):
    django_model = Account
    name: str = Field(max_length=300)
    short_name: str = Field("", max_length=150)
    inn: str = Field("", max_length=20)
    kpp: str = Field("", max_length=12)
    ogrn: str = Field("", max_length=20)
    vat_number: str = Field("", max_length=20)
    country: str = Field("RU", max_length=2)
    industry: str = ""
    size: str = ""
    website: str = ""
    phone: str = Field("", max_length=40)
    legal_address: str = ""
    postal_address: str = ""
    description: str = ""
    history: str = ""
    founded_year: int | None = None
    needs: str = ""
    plans: str = ""
    notes: str = ""
    status: AccountStatus = AccountStatus.PROSPECT
    status_reason: str = ""
    owner_id: DbId | None = None
    team_id: DbId | None = None
    parent_id: DbId | None = None
    tags: list[str] = []
    shared_with: list[DbId] = []


class AccountPatch(InputSchema):
    django_model = Account
    version: Version
    name: str | None = Field(None, max_length=300)
    short_name: str | None = Field(None, max_length=150)
    inn: str | None = Field(None, max_length=20)
    kpp: str | None = Field(None, max_length=12)
    ogrn: str | None = Field(None, max_length=20)
    vat_number: str | None = Field(None, max_length=20)
    country: str | None = Field(None, max_length=2)
    industry: str | None = None
    size: str | None = None
    website: str | None = None
    phone: str | None = Field(None, max_length=40)
    legal_address: str | None = None
    postal_address: str | None = None
    description: str | None = None
    history: str | None = None
    founded_year: int | None = None
    needs: str | None = None
    plans: str | None = None
    notes: str | None = None
    status: AccountStatus | None = None
    status_reason: str | None = None
    owner_id: DbId | None = None
    team_id: DbId | None = None
    parent_id: DbId | None = None
    tags: list[str] | None = None
    shared_with: list[DbId] | None = None


class AccountFilters(InputSchema):
    q: str = Field("", max_length=200, description="Name, INN, OGRN, a person's name, phone or e-mail")
    status: list[AccountStatus] = []
    owner: list[DbId] = []
    industry: list[str] = []
    tag: list[str] = []


@router.get("/", response=list[AccountOut])
@paginate(Pagination)
def list_accounts(request, filters: Query[AccountFilters]):
    return queries.account_list(
        request.user, search=filters.q,
        filters={"status": filters.status, "owner": filters.owner, "industry": filters.industry, "tag": filters.tag},
    ).prefetch_related("shares")


@router.get("/{int:account_id}", response=AccountOut)
def get_account(request, account_id: int):
    return queries.account_get_for_user(account_id=account_id, user=request.user)


@router.post("/", response={201: AccountOut})
def create_account(request, payload: AccountIn):
    return Status(201, services.account_create(user=request.user, data=payload.model_dump()))


@router.patch("/{int:account_id}", response=AccountOut)
def update_account(request, account_id: int, payload: AccountPatch):
    account = queries.account_get_for_user(account_id=account_id, user=request.user)
    return services.account_update(user=request.user, account=account, data=patch_data(payload, Account),
                                   version=payload.version)


@router.delete("/{int:account_id}", response={204: None})
def delete_account(request, account_id: int):
    account = queries.account_get_for_user(account_id=account_id, user=request.user)
    services.account_delete(user=request.user, account=account)
    return Status(204, None)


# --- financial indicators -----------------------------------------------------------------------


class FinancialsOut(Schema):
    id: int
    version: int
    account_id: int
    year: int
    currency: str
    revenue: Decimal | None
    profit: Decimal | None
    employees: int | None
    extra: dict[str, Any]


# Other indicators: a name and its figure or text, {"EBITDA": 1200000, "Rating": "ruAA"}.
Indicators = Annotated[dict[Annotated[str, Field(min_length=1, max_length=100)],
                            float | Annotated[str, Field(max_length=200)] | None], Field(max_length=50)]


class FinancialsIn(InputSchema):
    django_model = AccountFinancials
    year: int
    currency: str = Field("RUB", max_length=3)
    revenue: Decimal | None = None
    profit: Decimal | None = None
    employees: int | None = Field(None, ge=0)
    extra: Indicators = {}


class FinancialsPatch(InputSchema):
    django_model = AccountFinancials
    version: Version
    year: int | None = None
    currency: str | None = Field(None, max_length=3)
    revenue: Decimal | None = None
    profit: Decimal | None = None
    employees: int | None = Field(None, ge=0)
    extra: Indicators | None = None


@router.get("/{int:account_id}/financials", response=list[FinancialsOut])
def list_financials(request, account_id: int):
    account = queries.account_get_for_user(account_id=account_id, user=request.user)
    return list(queries.financials_of(account=account, user=request.user))


@router.post("/{int:account_id}/financials", response={201: FinancialsOut})
def create_financials(request, account_id: int, payload: FinancialsIn):
    account = queries.account_get_for_user(account_id=account_id, user=request.user)
    return Status(201, services.financials_save(user=request.user, account=account, data=payload.model_dump()))


@router.patch("/financials/{int:financials_id}", response=FinancialsOut)
def update_financials(request, financials_id: int, payload: FinancialsPatch):
    financials = queries.financials_get_for_user(financials_id=financials_id, user=request.user)
    return services.financials_save(user=request.user, account=financials.account, financials=financials,
                                    data=patch_data(payload, AccountFinancials), version=payload.version)


@router.delete("/financials/{int:financials_id}", response={204: None})
def delete_financials(request, financials_id: int):
    financials = queries.financials_get_for_user(financials_id=financials_id, user=request.user)
    services.financials_delete(user=request.user, financials=financials)
    return Status(204, None)


# --- competitors on an account ------------------------------------------------------------------


class AccountCompetitorOut(Schema):
    id: int
    competitor_id: int
    competitor_name: str = Field(alias="competitor.name")
    offering: str
    since: dt.date | None


class AccountCompetitorIn(InputSchema):
    django_model = AccountCompetitor
    competitor_id: DbId
    offering: str = ""
    since: dt.date | None = None


@router.get("/{int:account_id}/competitors", response=list[AccountCompetitorOut])
def list_account_competitors(request, account_id: int):
    account = queries.account_get_for_user(account_id=account_id, user=request.user)
    return list(AccountCompetitor.objects.filter(account=account).select_related("competitor"))


@router.post("/{int:account_id}/competitors", response={201: AccountCompetitorOut})
def link_competitor(request, account_id: int, payload: AccountCompetitorIn):
    account = queries.account_get_for_user(account_id=account_id, user=request.user)
    competitor = referenced("competitor_id", queries.competitor_get_for_user,
                            competitor_id=payload.competitor_id, user=request.user)
    link = services.account_competitor_link(user=request.user, account=account, competitor=competitor,
                                            offering=payload.offering, since=payload.since)
    return Status(201, link)


@router.delete("/{int:account_id}/competitors/{int:competitor_id}", response={204: None})
def unlink_competitor(request, account_id: int, competitor_id: int):
    account = queries.account_get_for_user(account_id=account_id, user=request.user)
    link = get_object_or_404(AccountCompetitor, account=account, competitor_id=competitor_id)
    services.account_competitor_unlink(user=request.user, link=link)
    return Status(204, None)


# --- contacts -----------------------------------------------------------------------------------


class PhoneOut(Schema):
    number: str = Field(description="E.164")
    kind: str


class PhoneIn(InputSchema):
    django_model = ContactPhone
    number: str = Field(max_length=40, description="Any format; stored as E.164")
    kind: str = "work"


class ContactOut(Schema):
    id: int
    version: int
    account_id: int
    last_name: str
    first_name: str
    patronymic: str
    position: str
    department: str
    roles: list[ContactRoleKind]
    phones: list[PhoneOut]
    emails: list[str]
    messengers: str
    preferred_language: str
    preferred_channel: str
    form_of_address: str
    birthday: dt.date | None
    notes: str
    reports_to_id: int | None
    relationship_strength: int
    erased_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_roles(obj: Contact) -> list[str]:
        return sorted(role.role for role in obj.roles.all())

    @staticmethod
    def resolve_phones(obj: Contact) -> list[dict]:
        return [{"number": phone.number, "kind": phone.kind} for phone in obj.phones.all()]

    @staticmethod
    def resolve_emails(obj: Contact) -> list[str]:
        return [email.email for email in obj.emails.all()]


class ContactIn(InputSchema):
    django_model = Contact
    account_id: DbId
    last_name: str = Field(max_length=100)
    first_name: str = Field("", max_length=100)
    patronymic: str = Field("", max_length=100)
    position: str = ""
    department: str = ""
    roles: list[ContactRoleKind] = []
    phones: list[PhoneIn | str] = []
    emails: list[str] = []
    messengers: str = ""
    preferred_language: str = ""
    preferred_channel: str = ""
    form_of_address: str = ""
    birthday: dt.date | None = None
    notes: str = ""
    reports_to_id: DbId | None = None
    relationship_strength: int = 0


class ContactPatch(InputSchema):
    django_model = Contact
    version: Version
    last_name: str | None = Field(None, max_length=100)
    first_name: str | None = Field(None, max_length=100)
    patronymic: str | None = Field(None, max_length=100)
    position: str | None = None
    department: str | None = None
    roles: list[ContactRoleKind] | None = None
    phones: list[PhoneIn | str] | None = None
    emails: list[str] | None = None
    messengers: str | None = None
    preferred_language: str | None = None
    preferred_channel: str | None = None
    form_of_address: str | None = None
    birthday: dt.date | None = None
    notes: str | None = None
    reports_to_id: DbId | None = None
    relationship_strength: int | None = None


class ContactFilters(InputSchema):
    q: str = Field("", max_length=200)
    account_id: DbId | None = None
    role: ContactRoleKind | None = None


def _contact_data(payload: Schema, *, patch: bool) -> dict[str, Any]:
    data = patch_data(payload, Contact) if patch else payload.model_dump()
    data.pop("account_id", None)
    return data


@contacts_router.get("/", response=list[ContactOut])
@paginate(Pagination)
def list_contacts(request, filters: Query[ContactFilters]):
    return queries.contact_list(request.user, search=filters.q, account_id=filters.account_id,
                                role=filters.role or "")


@contacts_router.get("/{int:contact_id}", response=ContactOut)
def get_contact(request, contact_id: int):
    return queries.contact_get_for_user(contact_id=contact_id, user=request.user)


@contacts_router.post("/", response={201: ContactOut})
def create_contact(request, payload: ContactIn):
    account = referenced("account_id", queries.account_get_for_user, account_id=payload.account_id, user=request.user)
    contact = services.contact_create(user=request.user, account=account, data=_contact_data(payload, patch=False))
    return Status(201, queries.contact_get_for_user(contact_id=contact.pk, user=request.user))


@contacts_router.patch("/{int:contact_id}", response=ContactOut)
def update_contact(request, contact_id: int, payload: ContactPatch):
    contact = queries.contact_get_for_user(contact_id=contact_id, user=request.user)
    services.contact_update(user=request.user, contact=contact, data=_contact_data(payload, patch=True),
                            version=payload.version)
    return queries.contact_get_for_user(contact_id=contact_id, user=request.user)


@contacts_router.delete("/{int:contact_id}", response={204: None})
def delete_contact(request, contact_id: int):
    contact = queries.contact_get_for_user(contact_id=contact_id, user=request.user)
    services.contact_delete(user=request.user, contact=contact)
    return Status(204, None)


@contacts_router.get("/{int:contact_id}/personal-data", response={200: dict[str, Any], 403: ErrorOut})
def export_personal_data(request, contact_id: int):
    contact = queries.contact_get_for_user(contact_id=contact_id, user=request.user)
    return services.contact_personal_data(user=request.user, contact=contact)


@contacts_router.post("/{int:contact_id}/erase", response=ContactOut)
def erase_contact(request, contact_id: int):
    contact = queries.contact_get_for_user(contact_id=contact_id, user=request.user)
    services.contact_erase(user=request.user, contact=contact)
    return queries.contact_get_for_user(contact_id=contact_id, user=request.user)


# --- competitors --------------------------------------------------------------------------------


class CompetitorOut(Schema):
    id: int
    version: int
    name: str
    website: str
    strengths: str
    weaknesses: str
    notes: str


class CompetitorIn(InputSchema):
    django_model = Competitor
    name: str = Field(max_length=200)
    website: str = ""
    strengths: str = ""
    weaknesses: str = ""
    notes: str = ""


class CompetitorPatch(InputSchema):
    django_model = Competitor
    version: Version
    name: str | None = Field(None, max_length=200)
    website: str | None = None
    strengths: str | None = None
    weaknesses: str | None = None
    notes: str | None = None


class CompetitorFilters(InputSchema):
    q: str = Field("", max_length=200)


@competitors_router.get("/", response=list[CompetitorOut])
@paginate(Pagination)
def list_competitors(request, filters: Query[CompetitorFilters]):
    return queries.competitor_list(request.user, search=filters.q)


@competitors_router.get("/{int:competitor_id}", response=CompetitorOut)
def get_competitor(request, competitor_id: int):
    return queries.competitor_get_for_user(competitor_id=competitor_id, user=request.user)


@competitors_router.post("/", response={201: CompetitorOut})
def create_competitor(request, payload: CompetitorIn):
    return Status(201, services.competitor_create(user=request.user, data=payload.model_dump()))


@competitors_router.patch("/{int:competitor_id}", response=CompetitorOut)
def update_competitor(request, competitor_id: int, payload: CompetitorPatch):
    competitor = queries.competitor_get_for_user(competitor_id=competitor_id, user=request.user)
    return services.competitor_update(user=request.user, competitor=competitor, data=patch_data(payload, Competitor),
                                      version=payload.version)


@competitors_router.delete("/{int:competitor_id}", response={204: None})
def delete_competitor(request, competitor_id: int):
    competitor = queries.competitor_get_for_user(competitor_id=competitor_id, user=request.user)
    services.competitor_delete(user=request.user, competitor=competitor)
    return Status(204, None)
