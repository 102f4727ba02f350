"""Reads of contracts and obligations with the access rule applied (they follow their account and
are commercial: roles that never see finances see none)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from keyaccount.accounts import panels
from keyaccount.contracts.choices import ContractStatus, ObligationStatus
from keyaccount.contracts.models import Contract, ContractAttachment, Obligation
from keyaccount.core import access, working_time
from keyaccount.core.access import Capability
from keyaccount.core.editing import get_or_404

# "Due soon" on the company-wide list and the account page.
DUE_SOON_DAYS = 14


def sees_contracts(user) -> bool:
    return access.can(user, Capability.VIEW_FINANCES)


def contracts_visible_to(user) -> QuerySet[Contract]:
    if not sees_contracts(user):
        return Contract.objects.none()
    return Contract.objects.filter(access.account_q(user, prefix="account__"))


def contract_get_for_user(*, contract_id, user) -> Contract:
    return get_or_404(contracts_visible_to(user).select_related("account", "owner", "deal"), contract_id)


def contract_list(user, filters: dict | None = None, order_by: str = "-starts_on") -> QuerySet[Contract]:
    filters = filters or {}
    queryset = contracts_visible_to(user).select_related("account", "owner")
    if filters.get("q"):
        term = filters["q"]
        queryset = queryset.filter(Q(number__icontains=term) | Q(subject__icontains=term)
                                   | Q(account__name__icontains=term))
    if filters.get("account"):
        queryset = queryset.filter(account_id=filters["account"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("ends_before"):
        queryset = queryset.filter(ends_on__lte=filters["ends_before"])
    return queryset.annotate(open_obligations=Count("obligations", filter=Q(obligations__status="open"))).order_by(
        order_by, "-id")


def attachment_get_for_user(*, attachment_id, user) -> ContractAttachment:
    return get_or_404(ContractAttachment.objects.filter(contract__in=contracts_visible_to(user))
                      .select_related("contract__account"), attachment_id)


def obligations_visible_to(user) -> QuerySet[Obligation]:
    if not sees_contracts(user):
        return Obligation.objects.none()
    return Obligation.objects.filter(access.account_q(user, prefix="contract__account__"))


def obligation_get_for_user(*, obligation_id, user) -> Obligation:
    return get_or_404(obligations_visible_to(user).select_related("contract__account", "contract__owner",
                                                                  "responsible"), obligation_id)


def _last_overdue_day(today: dt.date) -> dt.date:
    """What was due on this day or before is overdue today (a due day off moves to the next working day)."""
    return working_time.company_calendar().last_overdue_day(today)


def obligation_list(user, filters: dict | None = None, *, today: dt.date | None = None) -> QuerySet[Obligation]:
    """Obligations, filtered; ``due`` is "overdue", "soon" (within ``DUE_SOON_DAYS``), "open" or
    "done"."""
    filters = filters or {}
    today = today or timezone.localdate()
    queryset = obligations_visible_to(user).select_related("contract__account", "responsible", "contract__owner")
    due = filters.get("due")
    late = _last_overdue_day(today)
    if due == "overdue":
        queryset = queryset.filter(status=ObligationStatus.OPEN, due_on__lte=late)
    elif due == "soon":
        queryset = queryset.filter(status=ObligationStatus.OPEN, due_on__gt=late,
                                   due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    elif due == "open":
        queryset = queryset.filter(status=ObligationStatus.OPEN)
    elif due == "done":
        queryset = queryset.exclude(status=ObligationStatus.OPEN)
    for name in ("side", "kind"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("account"):
        queryset = queryset.filter(contract__account_id=filters["account"])
    if filters.get("contract"):
        queryset = queryset.filter(contract_id=filters["contract"])
    if filters.get("responsible"):
        person = filters["responsible"]
        queryset = queryset.filter(Q(responsible_id=person) | Q(responsible__isnull=True, contract__owner_id=person))
    return queryset.order_by("due_on", "id")


def due_and_overdue(user, *, today: dt.date | None = None) -> dict:
    """The company-wide control list: what is overdue and what falls due soon, plus notice dates."""
    today = today or timezone.localdate()
    late = _last_overdue_day(today)
    open_ = obligations_visible_to(user).filter(status=ObligationStatus.OPEN).select_related(
        "contract__account", "responsible", "contract__owner").order_by("due_on", "id")
    notices = [contract for contract in contracts_visible_to(user).filter(
        status=ContractStatus.ACTIVE, ends_on__isnull=False, ends_on__gte=today,
        ends_on__lte=today + dt.timedelta(days=400)).select_related("account", "owner").order_by("ends_on")
        if contract.notice_deadline <= today + dt.timedelta(days=contract.remind_days_before + DUE_SOON_DAYS)]
    return {
        "overdue": list(open_.filter(due_on__lte=late)[:500]),
        "due_soon": list(open_.filter(due_on__gt=late, due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))[:500]),
        "notices": notices, "today": today,
    }


def account_contracts_panel(*, account, user) -> dict | None:
    """The account's contract control: contracts with their open, overdue and next obligations."""
    if not sees_contracts(user):
        return None
    today = timezone.localdate()
    contracts = list(Contract.objects.filter(account=account).order_by("-starts_on", "-id")[:20])
    obligations = list(Obligation.objects.filter(contract__account=account, status=ObligationStatus.OPEN)
                       .select_related("contract", "responsible").order_by("due_on", "id")[:20])
    return {"contracts": contracts, "open_obligations": obligations, "today": today,
            "overdue_count": sum(1 for o in obligations if o.due_on <= _last_overdue_day(today)),
            "can_edit_contracts": access.can_edit_deals_of(user, account)}


def account_contracts_brief(*, account, user) -> dict | None:
    if not sees_contracts(user):
        return None
    today = timezone.localdate()
    obligations = list(Obligation.objects.filter(contract__account=account, status=ObligationStatus.OPEN,
                                                 due_on__lte=today + dt.timedelta(days=30))
                       .select_related("contract").order_by("due_on")[:10])
    ending = list(Contract.objects.filter(account=account, status=ContractStatus.ACTIVE, ends_on__isnull=False,
                                          ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=180)))
    if not obligations and not ending:
        return None
    day = lambda value: formats.date_format(value, "SHORT_DATE_FORMAT")  # noqa: E731
    questions = [_("%(title)s was due on %(date)s: what is the status?") % {"title": o.title, "date": day(o.due_on)}
                 for o in obligations if o.due_on < today]
    questions += [_("%(contract)s ends on %(date)s: renew, change or let it end?") % {
        "contract": contract, "date": day(contract.ends_on)} for contract in ending]
    items = [panels.BriefItem(kind="obligation", title=obligation.title, record_id=obligation.pk, on=obligation.due_on,
                              detail=f"{obligation.get_side_display()}, {obligation.contract.number}",
                              amount=obligation.amount, currency=obligation.contract.currency if obligation.amount
                              is not None else "") for obligation in obligations]
    items += [panels.BriefItem(kind="contract_ending", title=str(contract), record_id=contract.pk, on=contract.ends_on,
                               detail=_("notice by %(date)s") % {"date": day(contract.notice_deadline)}
                               if contract.notice_deadline else "") for contract in ending]
    return {"title": _("Contract obligations"), "items": items, "obligations": obligations,
            "ending_contracts": ending, "today": today, "questions": questions}
