"""Reads of loyalty with the access rule applied: tiers and perks of the accounts a user sees,
referrals with the revenue they brought, VIP club events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from keyaccount.core import access
from keyaccount.core.access import Capability
from keyaccount.core.editing import get_or_404
from keyaccount.loyalty.models import Invitation, Referral, Tier, TierAssignment, VipEvent
from keyaccount.loyalty.services import can_set_tiers
from keyaccount.orders.models import Order


def tiers() -> QuerySet[Tier]:
    return Tier.objects.all()


def current_assignment(account) -> TierAssignment | None:
    return TierAssignment.objects.filter(account=account, until__isnull=True).select_related("tier").first()


def discount_for(account) -> Decimal:
    """The tier's discount that new proposal lines start with (0 without a tier)."""
    assignment = current_assignment(account)
    return assignment.tier.discount_percent if assignment else Decimal("0")


def support_hours(account) -> tuple[int | None, int | None]:
    """Priority support's deadlines (first response, resolution) for the account's tier, if any."""
    assignment = current_assignment(account)
    if assignment is None or not assignment.tier.priority_support:
        return None, None
    return assignment.tier.response_hours, assignment.tier.resolution_hours


def revenue_since(account_id: int, day) -> dict[str, Decimal]:
    rows = (Order.objects.counted().filter(account_id=account_id, ordered_on__gte=day).values("currency")
            .annotate(total=Sum("total")).order_by("currency"))
    return {row["currency"]: row["total"] for row in rows}


def referrals_visible_to(user) -> QuerySet[Referral]:
    return Referral.objects.filter(access.account_q(user, prefix="referrer__")
                                   | access.account_q(user, prefix="referred__"))


def referral_list(user) -> list[dict]:
    """Who recommended whom, and what the new client has bought since (for those who see orders)."""
    sees_orders = access.can(user, Capability.VIEW_ORDERS)
    return [{"referral": referral,
             "revenue": revenue_since(referral.referred_id, referral.referred_on) if sees_orders else None}
            for referral in referrals_visible_to(user).select_related("referrer", "referred")]


def events() -> QuerySet[VipEvent]:
    return VipEvent.objects.all()


def event_get(*, event_id) -> VipEvent:
    return get_or_404(VipEvent.objects.all(), event_id)


def invitations_visible_to(user, event: VipEvent) -> QuerySet[Invitation]:
    return event.invitations.filter(access.account_q(user, prefix="contact__account__")).select_related(
        "contact__account", "follow_up")


def invitation_get_for_user(*, invitation_id, user) -> Invitation:
    return get_or_404(Invitation.objects.filter(access.account_q(user, prefix="contact__account__"))
                      .select_related("event", "contact__account__owner"), invitation_id)


def overview(user) -> dict:
    visible = access.account_q(user, prefix="account__")
    current = TierAssignment.objects.filter(visible, until__isnull=True)
    counts = dict(current.values("tier_id").annotate(n=Count("id")).values_list("tier_id", "n"))
    return {"tiers": [(tier, counts.get(tier.pk, 0)) for tier in Tier.objects.all()],
            "changes": list(TierAssignment.objects.filter(visible).select_related("account", "tier", "set_by")
                            .order_by("-since", "-id")[:30]),
            "events": list(VipEvent.objects.filter(starts_at__gte=timezone.now() - dt.timedelta(days=90))
                           .order_by("starts_at")[:20]),
            "referrals": referral_list(user)[:30]}


def account_loyalty_panel(*, account, user) -> dict | None:
    history = list(TierAssignment.objects.filter(account=account).select_related("tier", "set_by")[:6])
    sees_orders = access.can(user, Capability.VIEW_ORDERS)
    made = [{"referral": r, "revenue": revenue_since(r.referred_id, r.referred_on) if sees_orders else None}
            for r in Referral.objects.filter(referrer=account).select_related("referred")]
    came_from = Referral.objects.filter(referred=account).select_related("referrer").first()
    current = history[0] if history and history[0].until is None else None
    return {"current": current, "history": history, "referrals_made": made, "referred_by": came_from,
            "can_set_tiers": can_set_tiers(user), "tiers": list(Tier.objects.all()),
            "invitations": list(Invitation.objects.filter(contact__account=account).select_related("event", "contact")
                                .order_by("-event__starts_at")[:5])}
