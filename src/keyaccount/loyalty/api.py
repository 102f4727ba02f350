"""REST API of loyalty: tiers, an account's tier with its history (and setting it by hand),
referrals, VIP club events and their invitations."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from keyaccount.accounts.models import Contact
from keyaccount.accounts.queries import account_get_for_user
from keyaccount.core import access
from keyaccount.core.api import DbId, InputSchema, referenced, sees_finances
from keyaccount.core.editing import get_or_404
from keyaccount.loyalty import queries, services
from keyaccount.loyalty.choices import InvitationStatus
from keyaccount.loyalty.models import Invitation, Referral, Tier, TierAssignment, VipEvent

router = Router(tags=["loyalty"])


class TierOut(Schema):
    id: int
    name: str
    rank: int
    min_revenue: Decimal | None = Field(description="Empty for roles that see no money (support)")
    currency: str
    revenue_months: int
    min_tenure_months: int
    key_accounts_only: bool
    discount_percent: Decimal
    personal_manager: bool
    priority_support: bool
    response_hours: int | None
    resolution_hours: int | None
    exclusive_offers: str
    is_vip_club: bool


    @staticmethod
    def resolve_min_revenue(obj: Tier, context) -> Decimal | None:
        return obj.min_revenue if sees_finances(context) else None

    @staticmethod
    def resolve_currency(obj: Tier, context) -> str:
        return obj.currency if sees_finances(context) else ""


class AssignmentOut(Schema):
    tier_id: int
    tier: str
    since: dt.date
    until: dt.date | None
    overridden: bool
    override_until: dt.date | None
    reason: str
    basis: dict | None = Field(description="What the rules saw (revenue, tenure); empty for roles that see no money")

    @staticmethod
    def resolve_tier(obj: TierAssignment) -> str:
        return str(obj.tier)

    @staticmethod
    def resolve_basis(obj: TierAssignment, context) -> dict | None:
        return obj.basis if sees_finances(context) else None


class AccountLoyaltyOut(Schema):
    account_id: int
    current: AssignmentOut | None
    history: list[AssignmentOut]


class OverrideIn(InputSchema):
    django_model = TierAssignment
    tier_id: DbId
    reason: str = Field(min_length=1, max_length=2000)
    until: dt.date | None = None


class ReferralIn(InputSchema):
    django_model = Referral
    referrer_id: DbId
    referred_id: DbId
    referred_on: dt.date | None = None
    note: str = Field("", max_length=5000)


class ReferralOut(Schema):
    id: int
    referrer_id: int
    referred_id: int
    referred_on: dt.date
    note: str
    revenue: dict[str, Decimal] | None


class EventIn(InputSchema):
    django_model = VipEvent
    title: str = Field(min_length=1, max_length=300)
    starts_at: dt.datetime
    place: str = Field("", max_length=300)
    capacity: int | None = Field(None, ge=1, le=100000)
    description: str = Field("", max_length=10000)


class EventOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    place: str
    capacity: int | None
    description: str


class InviteIn(InputSchema):
    contact_ids: list[DbId] = Field(min_length=1, max_length=500)


class InvitationOut(Schema):
    id: int
    event_id: int
    contact_id: int
    status: InvitationStatus
    responded_at: dt.datetime | None
    follow_up_id: int | None


class InvitationPatch(InputSchema):
    django_model = Invitation
    status: InvitationStatus


def _account_loyalty(account) -> dict:
    history = list(TierAssignment.objects.filter(account=account).select_related("tier"))
    current = next((item for item in history if item.until is None), None)
    return {"account_id": account.pk, "current": current, "history": history}


@router.get("/tiers", response=list[TierOut])
def list_tiers(request):
    return list(queries.tiers())


@router.get("/accounts/{int:account_id}", response=AccountLoyaltyOut)
def account_loyalty(request, account_id: int):
    return _account_loyalty(account_get_for_user(account_id=account_id, user=request.user))


@router.post("/accounts/{int:account_id}/override", response=AccountLoyaltyOut)
def override_tier(request, account_id: int, payload: OverrideIn):
    account = account_get_for_user(account_id=account_id, user=request.user)
    tier = referenced("tier_id", get_or_404, queryset=Tier.objects.all(), pk=payload.tier_id)
    services.tier_override(user=request.user, account=account, tier=tier, reason=payload.reason, until=payload.until)
    return _account_loyalty(account)


@router.delete("/accounts/{int:account_id}/override", response=AccountLoyaltyOut)
def clear_override(request, account_id: int):
    account = account_get_for_user(account_id=account_id, user=request.user)
    services.tier_override_clear(user=request.user, account=account)
    return _account_loyalty(account)


@router.get("/referrals", response=list[ReferralOut])
def list_referrals(request):
    return [{**{field: getattr(row["referral"], field) for field in ("id", "referrer_id", "referred_id",
                                                                    "referred_on", "note")},
             "revenue": row["revenue"]} for row in queries.referral_list(request.user)]


@router.post("/referrals", response={201: ReferralOut})
def create_referral(request, payload: ReferralIn):
    referrer = referenced("referrer_id", account_get_for_user, account_id=payload.referrer_id, user=request.user)
    referred = referenced("referred_id", account_get_for_user, account_id=payload.referred_id, user=request.user)
    referral = services.referral_create(user=request.user, referrer=referrer, referred=referred,
                                        data={"referred_on": payload.referred_on, "note": payload.note})
    return Status(201, {**{f: getattr(referral, f) for f in ("id", "referrer_id", "referred_id", "referred_on",
                                                             "note")}, "revenue": None})


@router.get("/events", response=list[EventOut])
def list_events(request):
    return list(queries.events()[:200])


@router.post("/events", response={201: EventOut})
def create_event(request, payload: EventIn):
    return Status(201, services.event_create(user=request.user, data=payload.dict()))


@router.get("/events/{int:event_id}/invitations", response=list[InvitationOut])
def list_invitations(request, event_id: int):
    return list(queries.invitations_visible_to(request.user, queries.event_get(event_id=event_id)))


@router.post("/events/{int:event_id}/invitations", response={201: list[InvitationOut]})
def invite(request, event_id: int, payload: InviteIn):
    event = queries.event_get(event_id=event_id)
    contacts = list(Contact.objects.filter(access.account_q(request.user, prefix="account__"),
                                           pk__in=payload.contact_ids))
    if len(contacts) != len(set(payload.contact_ids)):
        raise ValidationError({"contact_ids": [_("No such person, or one you may not see.")]})
    return Status(201, services.invite(user=request.user, event=event, contacts=contacts))


@router.patch("/invitations/{int:invitation_id}", response=InvitationOut)
def answer_invitation(request, invitation_id: int, payload: InvitationPatch):
    invitation = queries.invitation_get_for_user(invitation_id=invitation_id, user=request.user)
    return services.invitation_answer(user=request.user, invitation=invitation, status=payload.status)
