"""Writes to contracts, their files and obligations; each one audited transaction that also
(re)writes the reminders the deadlines call for."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.contracts import reminders
from keyaccount.contracts.choices import ObligationStatus
from keyaccount.contracts.models import Contract, ContractAttachment, Obligation
from keyaccount.core import access, audit
from keyaccount.core.concurrency import save_versioned
from keyaccount.core.editing import assign_fields, delete_or_explain, require, validation_errors
from keyaccount.core.models import User
from keyaccount.core.queries import our_company_name
from keyaccount.core.uploads import safe_filename
from keyaccount.orders.models import Order
from keyaccount.timeline.services import event_record, moment_of

CONTRACT_FIELDS = ("deal", "owner", "number", "signed_on", "our_party", "counterparty", "subject", "value",
                   "currency", "starts_on", "ends_on", "auto_renewal", "renewal_months", "notice_days",
                   "remind_days_before", "status", "notes")
OBLIGATION_FIELDS = ("side", "kind", "title", "due_on", "amount", "responsible", "status", "done_on", "evidence",
                     "remind_days_before")
# Contract files: the scans and documents people attach (PDF, Word, Excel, images, archives).
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
ATTACHMENT_TYPES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".rtf", ".txt", ".jpg", ".jpeg",
                    ".png", ".tif", ".tiff", ".zip", ".sig", ".p7s", ".xml")


def can_edit(user, account: Account) -> bool:
    return access.can_edit_deals_of(user, account)


def _check_contract(contract: Contract) -> None:
    errors = validation_errors(contract)
    if contract.deal_id and contract.deal.account_id != contract.account_id:
        errors["deal"] = [_("This deal belongs to another account.")]
    if contract.owner_id and not User.objects.filter(pk=contract.owner_id, is_active=True).exists():
        errors["owner"] = [_("Unknown or inactive user.")]
    if contract.auto_renewal and not contract.ends_on:
        errors["ends_on"] = [_("A contract that renews itself needs its end date.")]
    duplicate = Contract.objects.filter(account_id=contract.account_id, number=contract.number).exclude(
        pk=contract.pk)
    if contract.number and duplicate.exists():
        errors["number"] = [_("This account already has a contract with this number.")]
    if contract.pk and contract.starts_on:
        early = contract.obligations.filter(due_on__lt=contract.starts_on).order_by("due_on").first()
        if early is not None:
            errors["starts_on"] = [_("Obligation “%(title)s” is due on %(date)s, before this start.") % {
                "title": early.title, "date": early.due_on}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contract_create(*, user, account: Account, data: Mapping[str, Any]) -> Contract:
    require(can_edit(user, account))
    contract = Contract(account=account, owner=user, our_party=our_company_name(), counterparty=account.name)
    assign_fields(contract, data, CONTRACT_FIELDS)
    _check_contract(contract)
    contract.save()
    reminders.schedule_contract(contract)
    audit.record_create(actor=user, instance=contract, after=audit.snapshot(contract), account_id=account.pk)
    event_record(commercial=True, user=user, account=account, subject=_("%(contract)s: %(subject)s") % {
        "contract": contract, "subject": contract.subject[:200]})
    return contract


@transaction.atomic
def contract_update(*, user, contract: Contract, data: Mapping[str, Any], version: int | None) -> Contract:
    require(can_edit(user, contract.account))
    before = audit.snapshot(contract)
    assign_fields(contract, data, CONTRACT_FIELDS)
    _check_contract(contract)
    save_versioned(contract, expected_version=version)
    reminders.schedule_contract(contract)
    audit.record_update(actor=user, instance=contract, before=before, after=audit.snapshot(contract),
                        account_id=contract.account_id)
    return contract


@transaction.atomic
def contract_delete(*, user, contract: Contract) -> None:
    require(can_edit(user, contract.account))
    if contract.obligations.exists():
        raise ValidationError(_("The contract has obligations; end or terminate it instead of deleting it."))
    reminders.withdraw(contract_id=contract.pk)
    audit.record_delete(actor=user, instance=contract, before=audit.snapshot(contract),
                        account_id=contract.account_id)
    for attachment in contract.attachments.all():
        attachment.file.delete(save=False)
    delete_or_explain(contract)


@transaction.atomic
def attachment_add(*, user, contract: Contract, upload) -> ContractAttachment:
    require(can_edit(user, contract.account))
    name = safe_filename(upload.name, max_length=200)
    if not name.lower().endswith(ATTACHMENT_TYPES):
        raise ValidationError({"file": [_("Attach a document or a scan: %(types)s.") % {
            "types": ", ".join(ATTACHMENT_TYPES)}]})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": [_("The file is larger than 25 MB.")]})
    if upload.size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    attachment = ContractAttachment(contract=contract, name=name, size=upload.size, uploaded_by=user)
    attachment.file.save(name[-80:], upload, save=False)
    attachment.save()
    audit.record_update(actor=user, instance=contract, before={"attachments": None}, after={"attachments": f"+ {name}"},
                        account_id=contract.account_id)
    return attachment


@transaction.atomic
def attachment_delete(*, user, attachment: ContractAttachment) -> None:
    contract = attachment.contract
    require(can_edit(user, contract.account))
    audit.record_update(actor=user, instance=contract, before={"attachments": attachment.name},
                        after={"attachments": None}, account_id=contract.account_id)
    attachment.file.delete(save=False)
    delete_or_explain(attachment)


# Obligations

def _orders(obligation: Obligation, values: Iterable[Any]) -> list[int]:
    ids = sorted({getattr(value, "pk", value) for value in values})
    found = set(Order.objects.filter(pk__in=ids, account_id=obligation.contract.account_id)
                .values_list("pk", flat=True))
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"orders": [_("These orders are not the contract account's: %(ids)s.") % {
            "ids": ", ".join(missing)}]})
    return ids


def _check_obligation(obligation: Obligation, data: Mapping[str, Any]) -> list[int] | None:
    errors = validation_errors(obligation)
    contract = obligation.contract
    if obligation.due_on and obligation.due_on < contract.starts_on:
        errors["due_on"] = [_("The obligation cannot be due before the contract starts (%(date)s).") % {
            "date": contract.starts_on}]
    if obligation.responsible_id and not (obligation.responsible.is_active and access.may_work_for(
            obligation.responsible, obligation.contract.account_id, access.Capability.EDIT_DEALS)):
        errors["responsible"] = [_("%(name)s does not work this account's contracts.") % {
            "name": obligation.responsible}]
    if obligation.status == ObligationStatus.DONE and obligation.done_on is None:
        obligation.done_on = timezone.localdate()
    if obligation.status == ObligationStatus.OPEN:
        obligation.done_on = None
    orders = None
    if data.get("orders") is not None:
        try:
            orders = _orders(obligation, data["orders"])
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return orders


def _obligation_extras(obligation: Obligation) -> dict[str, Any]:
    return {"orders": [str(pk) for pk in obligation.orders.values_list("pk", flat=True)]} if obligation.pk else {}


@transaction.atomic
def obligation_create(*, user, contract: Contract, data: Mapping[str, Any]) -> Obligation:
    require(can_edit(user, contract.account))
    obligation = Obligation(contract=contract)
    assign_fields(obligation, data, OBLIGATION_FIELDS)
    orders = _check_obligation(obligation, data)
    obligation.save()
    if orders:
        obligation.orders.set(orders)
    reminders.schedule_obligation(obligation)
    audit.record_create(actor=user, instance=obligation, after=audit.snapshot(obligation, **_obligation_extras(
        obligation)), account_id=contract.account_id)
    return obligation


@transaction.atomic
def obligation_update(*, user, obligation: Obligation, data: Mapping[str, Any], version: int | None) -> Obligation:
    contract = obligation.contract
    require(can_edit(user, contract.account))
    before = audit.snapshot(obligation, **_obligation_extras(obligation))
    was_open = obligation.status == ObligationStatus.OPEN
    assign_fields(obligation, data, OBLIGATION_FIELDS)
    orders = _check_obligation(obligation, data)
    save_versioned(obligation, expected_version=version)
    if orders is not None:
        obligation.orders.set(orders)
    reminders.schedule_obligation(obligation)
    audit.record_update(actor=user, instance=obligation, before=before,
                        after=audit.snapshot(obligation, **_obligation_extras(obligation)),
                        account_id=contract.account_id)
    if was_open and obligation.status == ObligationStatus.DONE:
        event_record(commercial=True, user=user, account=contract.account,
                     subject=_("Fulfilled: %(title)s (%(contract)s)") % {"title": obligation.title,
                                                                         "contract": contract},
                     summary=obligation.evidence, at=moment_of(obligation.done_on))
    return obligation


def obligation_fulfil(*, user, obligation: Obligation, evidence: str = "", done_on: dt.date | None = None,
                      version: int | None = None) -> Obligation:
    return obligation_update(user=user, obligation=obligation, version=version, data={
        "status": ObligationStatus.DONE, "done_on": done_on or timezone.localdate(),
        "evidence": evidence or obligation.evidence})


@transaction.atomic
def obligation_delete(*, user, obligation: Obligation) -> None:
    require(can_edit(user, obligation.contract.account))
    reminders.withdraw(obligation_ids=[obligation.pk])
    audit.record_delete(actor=user, instance=obligation, before=audit.snapshot(obligation, **_obligation_extras(
        obligation)), account_id=obligation.contract.account_id)
    delete_or_explain(obligation)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a month's last day stays the last day (31 Jan + 1 = 28/29 Feb,
    30 Nov + 1 = 31 Dec)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = calendar.monthrange(year, month)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last if at_month_end else min(day.day, last))


@transaction.atomic
def contracts_roll_over(*, today=None) -> dict[str, int]:
    """The daily pass over contracts whose end has passed: one that renews by itself runs for its
    renewal term again (12 months unless set), the others end. Each change is audited and written
    on the account's timeline, and the new notice date gets its reminders."""
    today = today or timezone.localdate()
    renewed = ended = 0
    for contract in Contract.objects.filter(status="active", ends_on__lt=today).select_related("account", "owner"):
        before = audit.snapshot(contract)
        if contract.auto_renewal:
            months = contract.renewal_months or 12
            while contract.ends_on < today:
                contract.ends_on = add_months(contract.ends_on, months)
            subject = _("%(contract)s renewed until %(date)s") % {"contract": contract, "date": contract.ends_on}
            renewed += 1
        else:
            contract.status = "ended"
            subject = _("%(contract)s ended on %(date)s") % {"contract": contract, "date": contract.ends_on}
            ended += 1
        save_versioned(contract, expected_version=None)
        reminders.schedule_contract(contract)
        audit.record_update(actor=None, instance=contract, before=before, after=audit.snapshot(contract),
                            account_id=contract.account_id)
        event_record(commercial=True, user=contract.owner, account=contract.account, subject=subject)
    return {"renewed": renewed, "ended": ended}
