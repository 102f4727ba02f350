"""Writes of loyalty: tiers computed from the order history (and kept with their history), set by
hand with a reason, referrals, VIP club events and their invitations. Each write is one audited
transaction."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.choices import AccountStatus
from keyaccount.accounts.models import Account, Contact
from keyaccount.core import access, audit, working_time
from keyaccount.core import services as core_services
from keyaccount.core.choices import NotificationKind
from keyaccount.core.editing import require
from keyaccount.loyalty.choices import InvitationStatus
from keyaccount.loyalty.models import Invitation, Referral, Tier, TierAssignment, VipEvent
from keyaccount.orders.models import Order
from keyaccount.timeline.services import event_record, interaction_create

CENT = Decimal("0.01")


def can_set_tiers(user) -> bool:
    """Tiers bring discounts: heads of sales and administrators set them by hand."""
    return access.can(user, access.Capability.SET_TIERS)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (31 January to 28 February is 0, to 1 March is 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day where it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def basis_of(accounts: Iterable[Account], tiers: list[Tier], today: dt.date) -> dict[int, dict]:
    """What the rules read for each account: revenue over each tier's window in its currency
    (counted orders after the same day ``revenue_months`` earlier, up to ``today``), whole months
    since the first purchase, key status."""
    accounts = list(accounts)
    ids = [a.pk for a in accounts]
    orders = Order.objects.counted().filter(account_id__in=ids, ordered_on__lte=today)
    first = dict(orders.values("account_id").annotate(first=Min("ordered_on")).values_list("account_id", "first"))
    revenue: dict[tuple, dict[int, Decimal]] = {}
    for months, currency in {(t.revenue_months, t.currency) for t in tiers}:
        revenue[(months, currency)] = dict(
            orders.filter(currency=currency, ordered_on__gt=months_before(today, months))
            .values("account_id").annotate(total=Sum("total")).values_list("account_id", "total"))
    result = {}
    for account in accounts:
        start = first.get(account.pk)
        result[account.pk] = {
            "tenure_months": months_between(start, today) if start else 0, "key": account.status == AccountStatus.KEY,
            "revenue": {f"{months}:{currency}": str(Decimal(values.get(account.pk) or 0).quantize(CENT))
                        for (months, currency), values in revenue.items()}}
    return result


def tier_for(basis: dict, tiers: list[Tier]) -> Tier | None:
    """The highest tier whose rules ``basis`` meets."""
    earned = None
    for tier in sorted(tiers, key=lambda t: t.rank):
        revenue = Decimal(basis["revenue"].get(f"{tier.revenue_months}:{tier.currency}", "0"))
        if revenue >= tier.min_revenue and basis["tenure_months"] >= tier.min_tenure_months \
                and (basis["key"] or not tier.key_accounts_only):
            earned = tier
    return earned


def _assign(*, account: Account, tier: Tier, today: dt.date, user=None, basis: dict | None = None,
            overridden: bool = False, override_until: dt.date | None = None, reason: str = "") -> TierAssignment:
    current = TierAssignment.objects.filter(account=account, until__isnull=True).select_related("tier").first()
    if current is not None:
        current.until = today
        current.save(update_fields=["until"])
    assignment = TierAssignment.objects.create(account=account, tier=tier, since=today, basis=basis or {},
                                               overridden=overridden, override_until=override_until,
                                               reason=reason, set_by=user)
    audit.record_update(actor=user, instance=account, before={"tier": str(current.tier) if current else None},
                        after={"tier": str(tier)}, account_id=account.pk)
    if current is None or current.tier_id != tier.pk:
        going_up = current is None or tier.rank > current.tier.rank
        title = (_("%(account)s is now %(tier)s") if going_up else _("%(account)s moved down to %(tier)s")) % {
            "account": account, "tier": tier}
        event_record(user=user or account.owner, account=account, subject=title, summary=reason)
        core_services.notify(user=account.owner, kind=NotificationKind.LOYALTY, title=title, body=reason,
                             url=account.get_absolute_url(), key=f"tier-{assignment.pk}")
    return assignment


@transaction.atomic
def tiers_refresh(*, today: dt.date | None = None) -> dict:
    """Every account's tier by the rules as of ``today``: a change closes the old period and opens
    a new one; tiers set by hand stay until their date has passed."""
    today = today or timezone.localdate()
    tiers = list(Tier.objects.all())
    if not tiers:
        return {"accounts": 0, "changed": 0}
    current = {a.account_id: a for a in TierAssignment.objects.filter(until__isnull=True).select_related("tier")}
    changed = 0
    buying = Order.objects.counted().filter(ordered_on__lte=today).values("account_id")
    accounts = list(Account.objects.filter(Q(pk__in=buying) | Q(pk__in=list(current))).select_related("owner")
                    .order_by("pk"))
    for chunk_start in range(0, len(accounts), 1000):
        chunk = accounts[chunk_start:chunk_start + 1000]
        bases = basis_of(chunk, tiers, today)
        for account in chunk:
            assignment = current.get(account.pk)
            if assignment and assignment.overridden and (assignment.override_until is None
                                                         or assignment.override_until >= today):
                continue
            earned = tier_for(bases[account.pk], tiers)
            if earned is None or (assignment is not None and assignment.tier_id == earned.pk
                                  and not assignment.overridden):
                continue
            _assign(account=account, tier=earned, today=today, basis=bases[account.pk],
                    reason=_("By the rules of %(tier)s.") % {"tier": earned})
            changed += 1
    return {"accounts": len(accounts), "changed": changed}


@transaction.atomic
def tier_override(*, user, account: Account, tier: Tier, reason: str, until: dt.date | None = None) -> TierAssignment:
    require(can_set_tiers(user))
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the tier is set by hand.")]
    if until is not None and until < timezone.localdate():
        errors["until"] = [_("The date has passed.")]
    if errors:
        raise ValidationError(errors)
    return _assign(account=account, tier=tier, today=timezone.localdate(), user=user, overridden=True,
                   override_until=until, reason=reason.strip())


@transaction.atomic
def tier_override_clear(*, user, account: Account) -> TierAssignment | None:
    """Back to the rules, at once."""
    require(can_set_tiers(user))
    tiers = list(Tier.objects.all())
    today = timezone.localdate()
    basis = basis_of([account], tiers, today)[account.pk]
    earned = tier_for(basis, tiers)
    if earned is None:
        return None
    return _assign(account=account, tier=earned, today=today, user=user, basis=basis,
                   reason=_("Back to the rules of the tiers."))


@transaction.atomic
def referral_create(*, user, referrer: Account, referred: Account, data: Mapping[str, Any]) -> Referral:
    require(access.can_edit_account(user, referred) or access.can_edit_account(user, referrer))
    if referrer.pk == referred.pk:
        raise ValidationError({"referrer": [_("A client cannot recommend itself.")]})
    if Referral.objects.filter(referred=referred).exists():
        raise ValidationError({"referred": [_("This client's recommendation is already recorded.")]})
    referral = Referral(referrer=referrer, referred=referred, created_by=user, note=(data.get("note") or "")[:5000])
    if data.get("referred_on"):
        referral.referred_on = data["referred_on"]
    if referral.referred_on > timezone.localdate():
        raise ValidationError({"referred_on": [_("This date is in the future.")]})
    referral.save()
    audit.record_create(actor=user, instance=referral, after=audit.snapshot(referral), account_id=referred.pk)
    event_record(user=user, account=referrer, subject=_("Recommended us to %(account)s") % {"account": referred})
    return referral


@transaction.atomic
def event_create(*, user, data: Mapping[str, Any]) -> VipEvent:
    require(access.can(user, access.Capability.EDIT_DEALS))
    event = VipEvent(created_by=user, **{k: data[k] for k in ("title", "starts_at", "place", "description",
                                                               "capacity") if k in data})
    try:
        event.full_clean(exclude=["created_by"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    event.save()
    audit.record_create(actor=user, instance=event, after=audit.snapshot(event))
    return event


@transaction.atomic
def invite(*, user, event: VipEvent, contacts: Iterable[Contact]) -> list[Invitation]:
    """Invite people to a VIP club event: people of accounts the user sees whose current tier is the
    club's (the club is what the tier promises, whichever way the invitation comes)."""
    require(access.can(user, access.Capability.EDIT_DEALS))
    contacts = [c for c in contacts if c.erased_at is None]
    account_ids = {contact.account_id for contact in contacts}
    if len(Account.objects.filter(access.account_q(user), pk__in=account_ids)) != len(account_ids):
        raise ValidationError({"contacts": [_("No such person, or one you may not see.")]})
    members = set(TierAssignment.objects.filter(account_id__in=account_ids, until__isnull=True,
                                                tier__is_vip_club=True).values_list("account_id", flat=True))
    outsiders = [contact for contact in contacts if contact.account_id not in members]
    if outsiders:
        names = ", ".join(str(contact) for contact in outsiders)
        raise ValidationError({"contacts": [
            _("Only people of VIP club accounts are invited; not in the club: %(names)s.") % {"names": names}]})
    taken = set(event.invitations.values_list("contact_id", flat=True))
    new = [Invitation(event=event, contact=c) for c in contacts if c.pk not in taken]
    if event.capacity is not None and len(taken) + len(new) > event.capacity:
        raise ValidationError({"contacts": [_("The event has %(n)s places; %(taken)s are taken.") % {
            "n": event.capacity, "taken": len(taken)}]})
    Invitation.objects.bulk_create(new)
    for invitation in new:
        audit.record_create(actor=user, instance=invitation, after=audit.snapshot(invitation),
                            account_id=invitation.contact.account_id)
    return new


@transaction.atomic
def invitation_answer(*, user, invitation: Invitation, status: str) -> Invitation:
    """RSVP, and after the event whether the person came: those who came get a follow-up task on
    their account's manager's list."""
    require(access.can(user, access.Capability.LOG_INTERACTIONS))
    if status not in InvitationStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    after_event = status in (InvitationStatus.ATTENDED, InvitationStatus.NO_SHOW)
    if after_event and invitation.event.starts_at > timezone.now():
        raise ValidationError({"status": [_("The event has not taken place yet.")]})
    before = audit.snapshot(invitation)
    invitation.status = status
    invitation.responded_at = timezone.now()
    if status == InvitationStatus.ATTENDED and invitation.follow_up_id is None:
        account = invitation.contact.account
        invitation.follow_up = interaction_create(user=user, account=account, data={
            "kind": "task", "subject": _("Follow up with %(person)s after “%(event)s”") % {
                "person": invitation.contact, "event": invitation.event},
            "assignee": account.owner, "due_at": working_time.add_working_days(timezone.now(), 3),
            "contacts": [invitation.contact]})
    invitation.save()
    audit.record_update(actor=user, instance=invitation, before=before, after=audit.snapshot(invitation),
                        account_id=invitation.contact.account_id)
    return invitation
