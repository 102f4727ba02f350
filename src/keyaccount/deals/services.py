"""Writes to the pipeline: deals and their stage moves, stages, proposals and their revisions,
proposal templates. Each is one audited transaction; a stage move also writes the account's
timeline and keeps the time the deal spent in the stage it left."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, Contact
from keyaccount.accounts.services import account_competitor_link
from keyaccount.catalog.models import Product
from keyaccount.core import access, audit
from keyaccount.core.concurrency import save_versioned
from keyaccount.core.editing import assign_fields, delete_or_explain, require, validation_errors
from keyaccount.core.models import User
from keyaccount.core.money import parse_decimal
from keyaccount.core.queries import our_company
from keyaccount.deals import reminders
from keyaccount.deals.choices import DEFAULT_STAGES, DealKind, LossReason, ProposalStatus, StageOutcome
from keyaccount.deals.documents import check_template
from keyaccount.deals.models import Deal, DealStageChange, Proposal, ProposalLine, ProposalTemplate, Stage
from keyaccount.loyalty import queries as loyalty_queries
from keyaccount.orders.services import CENT, line_amount
from keyaccount.timeline.services import event_record, moment_of

DEAL_FIELDS = (
    "kind", "title", "contact", "owner", "amount", "currency", "probability", "expected_close_on", "description",
    "tender_number", "tender_platform", "tender_procedure", "submission_deadline", "our_bid", "winner",
    "winning_price",
)
# What a move to a closed stage may carry along.
CLOSE_FIELDS = ("closed_on", "loss_reason", "lost_to", "competitor_offer", "loss_details", "winner", "winning_price")
STAGE_FIELDS = ("code", "name", "position", "probability", "outcome", "is_active")
PROPOSAL_FIELDS = ("title", "deal", "contact", "language", "currency", "vat_rate", "vat_by_date", "prices_include_vat",
                   "valid_until", "status", "sent_on", "terms", "template")
# Any constant: the key of the lock under which proposal numbers are handed out.
NUMBERING_LOCK = 4_242_001


def can_edit(user, account: Account) -> bool:
    return access.can_edit_deals_of(user, account)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# Stages

def first_stage() -> Stage:
    stage = Stage.objects.filter(is_active=True, outcome=StageOutcome.OPEN).order_by("position", "id").first()
    if stage is None:
        raise ValidationError({"stage": [_("No open stage is configured; an administrator adds one.")]})
    return stage


def default_stages_ensure() -> int:
    """Create the default stages that are missing (a new installation has them from its migration;
    a database flushed since, e.g. by ``kam demo --reset``, gets them back). Returns how many."""
    created = 0
    for position, (code, probability, outcome) in enumerate(DEFAULT_STAGES, start=1):
        _stage, made = Stage.objects.get_or_create(code=code, defaults={
            "position": position * 10, "probability": probability, "outcome": outcome})
        created += made
    return created


def _require_admin(user) -> None:
    require(access.can(user, access.Capability.MANAGE_PIPELINE))


@transaction.atomic
def stage_create(*, user, data: Mapping[str, Any]) -> Stage:
    _require_admin(user)
    stage = Stage()
    assign_fields(stage, data, STAGE_FIELDS)
    stage.full_clean()
    stage.save()
    audit.record_create(actor=user, instance=stage, after=audit.snapshot(stage))
    return stage


@transaction.atomic
def stage_update(*, user, stage: Stage, data: Mapping[str, Any], version: int | None) -> Stage:
    _require_admin(user)
    before = audit.snapshot(stage)
    assign_fields(stage, data, STAGE_FIELDS)
    stage.full_clean()
    if not stage.is_active and stage.deals.exists():
        raise ValidationError({"is_active": [_("Deals are in this stage; move them before retiring it.")]})
    save_versioned(stage, expected_version=version)
    audit.record_update(actor=user, instance=stage, before=before, after=audit.snapshot(stage))
    return stage


# Deals

def _deal_extras(deal: Deal) -> dict[str, Any]:
    return {"products": [str(pk) for pk in deal.products.values_list("pk", flat=True)]} if deal.pk else {}


def _products(values: Iterable[Any]) -> list[int]:
    ids = sorted({getattr(value, "pk", value) for value in values})
    found = set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"products": [_("No product with id %(ids)s.") % {"ids": ", ".join(missing)}]})
    return ids


def _check_deal(deal: Deal) -> dict[str, list[str]]:
    errors = validation_errors(deal)
    if deal.contact_id and not Contact.objects.filter(pk=deal.contact_id, account_id=deal.account_id).exists():
        errors["contact"] = [_("This person is not at the deal's account.")]
    if deal.owner_id and not User.objects.filter(pk=deal.owner_id, is_active=True).exists():
        errors["owner"] = [_("Unknown or inactive user.")]
    if deal.kind == DealKind.DEAL and (deal.tender_number or deal.submission_deadline):
        errors.setdefault("kind", []).append(_("Tender details belong to a deal of the kind 'tender'."))
    return errors


@transaction.atomic
def deal_create(*, user, account: Account, data: Mapping[str, Any]) -> Deal:
    """Open a deal (or a tender) on ``account`` in the first stage, unless ``stage`` names an open one."""
    require(can_edit(user, account))
    stage = data.get("stage") or (Stage.objects.filter(pk=data["stage_id"]).first() if data.get("stage_id")
                                  else first_stage())
    if stage is None or stage.is_closed or not stage.is_active:
        raise ValidationError({"stage": [_("A new deal starts in an open stage in use.")]})
    deal = Deal(account=account, owner=user, stage=stage, probability=stage.probability)
    assign_fields(deal, data, DEAL_FIELDS)
    errors = _check_deal(deal)
    products = None
    if data.get("products") is not None:
        try:
            products = _products(data["products"])
        except ValidationError as error:
            errors.update(error.message_dict)
    _raise(errors)
    deal.stage_entered_at = timezone.now()
    deal.save()
    if products:
        deal.products.set(products)
    DealStageChange.objects.create(deal=deal, from_stage=None, to_stage=stage, changed_by=user,
                                   changed_at=deal.stage_entered_at)
    reminders.schedule_tender(deal)
    audit.record_create(actor=user, instance=deal, after=audit.snapshot(deal, **_deal_extras(deal)),
                        account_id=account.pk)
    event_record(commercial=True, user=user, account=account, subject=_("New deal «%(title)s»: %(stage)s") % {
        "title": deal.title, "stage": stage})
    return deal


@transaction.atomic
def deal_update(*, user, deal: Deal, data: Mapping[str, Any], version: int | None) -> Deal:
    """Change a deal's details; its stage changes only through ``deal_move``."""
    require(can_edit(user, deal.account))
    before = audit.snapshot(deal, **_deal_extras(deal))
    assign_fields(deal, data, DEAL_FIELDS + CLOSE_FIELDS[1:])
    errors = _check_deal(deal) | _check_close(deal, deal.stage)
    products = None
    if data.get("products") is not None:
        try:
            products = _products(data["products"])
        except ValidationError as error:
            errors.update(error.message_dict)
    _raise(errors)
    save_versioned(deal, expected_version=version)
    if products is not None:
        deal.products.set(products)
    reminders.schedule_tender(deal)
    audit.record_update(actor=user, instance=deal, before=before, after=audit.snapshot(deal, **_deal_extras(deal)),
                        account_id=deal.account_id)
    return deal


def _check_close(deal: Deal, stage: Stage) -> dict[str, list[str]]:
    """The fields a stage asks for: a loss needs its reason, a loss to a competitor names it."""
    errors: dict[str, list[str]] = {}
    if stage.outcome == StageOutcome.LOST:
        if not deal.loss_reason:
            errors["loss_reason"] = [_("Say why the deal was lost.")]
        elif deal.loss_reason == LossReason.COMPETITOR and deal.lost_to_id is None:
            errors["lost_to"] = [_("Name the competitor the deal went to.")]
        elif deal.loss_reason == LossReason.OTHER and not deal.loss_details.strip():
            errors["loss_details"] = [_("Describe the reason in a few words.")]
    return errors


@transaction.atomic
def deal_move(*, user, deal: Deal, stage: Stage, data: Mapping[str, Any] | None = None,
              version: int | None = None, now: dt.datetime | None = None) -> Deal:
    """Move a deal to ``stage``: the fields the stage asks for are checked (nothing is saved
    without them), the time spent in the old stage is kept, the move is audited and written on
    the account's timeline."""
    require(can_edit(user, deal.account))
    data = data or {}
    now = now or timezone.now()
    if not stage.is_active:
        raise ValidationError({"stage": [_("This stage is no longer in use.")]})
    if stage.pk == deal.stage_id:
        return deal
    before = audit.snapshot(deal, **_deal_extras(deal))
    previous = deal.stage
    assign_fields(deal, data, CLOSE_FIELDS)
    deal.probability = data.get("probability", stage.probability)
    if stage.is_closed:
        deal.closed_on = deal.closed_on or timezone.localdate(now)
    else:
        deal.closed_on = None
        deal.loss_reason, deal.lost_to, deal.competitor_offer, deal.loss_details = "", None, "", ""
    errors = validation_errors(deal) | _check_close(deal, stage)
    _raise(errors)
    seconds = max(0, int((now - deal.stage_entered_at).total_seconds()))
    deal.stage, deal.stage_entered_at = stage, now
    save_versioned(deal, expected_version=version)
    DealStageChange.objects.create(deal=deal, from_stage=previous, to_stage=stage, changed_at=now, changed_by=user,
                                   seconds_in_previous=seconds)
    if stage.outcome == StageOutcome.LOST and deal.lost_to_id is not None:
        # The account's competitor picture: who works there and what they offered.
        account_competitor_link(user=user, account=deal.account, competitor=deal.lost_to,
                                offering=deal.competitor_offer or deal.lost_to.account_links.filter(
                                    account=deal.account).values_list("offering", flat=True).first() or "",
                                since=deal.closed_on)
    reminders.schedule_tender(deal)
    audit.record_update(actor=user, instance=deal, before=before, after=audit.snapshot(deal, **_deal_extras(deal)),
                        account_id=deal.account_id)
    summary = ""
    if stage.outcome == StageOutcome.LOST:
        summary = deal.get_loss_reason_display() + (f": {deal.lost_to}" if deal.lost_to_id else "")
        if deal.competitor_offer:
            summary += f" — {deal.competitor_offer}"
    event_record(commercial=True, user=user, account=deal.account, at=now, summary=summary,
                 subject=_("Deal «%(title)s»: %(from)s → %(to)s") % {"title": deal.title, "from": previous,
                                                                      "to": stage})
    return deal


@transaction.atomic
def deal_delete(*, user, deal: Deal) -> None:
    require(can_edit(user, deal.account))
    if deal.proposals.exists():
        raise ValidationError(_("The deal has proposals; close it as lost instead of deleting it."))
    reminders.withdraw_tender(deal)
    audit.record_delete(actor=user, instance=deal, before=audit.snapshot(deal, **_deal_extras(deal)),
                        account_id=deal.account_id)
    delete_or_explain(deal)


# Proposals

def totals(amounts: Iterable[Decimal], vat_rate: Decimal | None, prices_include_vat: bool):
    """(net, VAT, total) of the line amounts: VAT is taken out of prices that include it
    ("в т.ч. НДС 20 %") or added to prices that do not; no rate means no VAT."""
    gross = sum(amounts, Decimal("0"))
    if vat_rate is None:
        return gross, Decimal("0.00"), gross
    if prices_include_vat:
        vat = (gross * vat_rate / (Decimal(100) + vat_rate)).quantize(CENT, ROUND_HALF_UP)
        return gross - vat, vat, gross
    vat = (gross * vat_rate / Decimal(100)).quantize(CENT, ROUND_HALF_UP)
    return gross, vat, gross + vat


def _build_lines(proposal: Proposal, rows: list[Mapping[str, Any]]) -> list[ProposalLine]:
    """Every line checked, and each error named by line number and field, before anything is saved."""
    if not rows:
        raise ValidationError({"lines": [_("A proposal needs at least one line.")]})
    ids = {getattr(row.get("product"), "pk", row.get("product_id", row.get("product"))) for row in rows}
    products = {p.pk: p for p in Product.objects.filter(pk__in=[pk for pk in ids if isinstance(pk, int)])}
    errors: list[str] = []
    lines: list[ProposalLine] = []
    # A line without its own discount gets the account's loyalty tier's.
    tier_discount = loyalty_queries.discount_for(proposal.account)
    for number, row in enumerate(rows, start=1):
        product = products.get(getattr(row.get("product"), "pk", row.get("product_id", row.get("product"))))
        if product is None:
            errors.append(_("Line %(n)s, product: choose a product from the catalog.") % {"n": number})
            continue
        quantity = parse_decimal(row.get("quantity"))
        price = parse_decimal(row.get("unit_price"), default=product.list_price if product.currency == proposal.currency
                         else None)
        discount = parse_decimal(row.get("discount_percent"), default=tier_discount)
        if price is None:
            errors.append(_("Line %(n)s, unit price: give a price in %(currency)s (the list price is in "
                            "%(list)s).") % {"n": number, "currency": proposal.currency, "list": product.currency})
            continue
        if quantity is None or discount is None:
            errors.append(_("Line %(n)s: quantity and discount must be numbers.") % {"n": number})
            continue
        line = ProposalLine(proposal=proposal, position=number, product=product, quantity=quantity,
                            unit_price=price, discount_percent=discount, amount=Decimal("0"),
                            description=str(row.get("description") or product.name)[:500],
                            unit=str(row.get("unit") or product.unit)[:20])
        for field, messages in validation_errors(line, exclude=["amount"]).items():
            label = str(ProposalLine._meta.get_field(field).verbose_name) if field != "__all__" else ""
            errors.extend(_("Line %(n)s, %(field)s: %(message)s") % {"n": number, "field": label, "message": m}
                          for m in messages)
        line.amount = line_amount(quantity, price, discount)
        lines.append(line)
    if errors:
        raise ValidationError({"lines": errors})
    return lines


def _proposal_extras(proposal: Proposal) -> dict[str, Any]:
    return {"lines": [f"{line.product_id}×{line.quantity}@{line.unit_price}-{line.discount_percent}%"
                      for line in proposal.lines.all()]} if proposal.pk else {}


def _check_proposal(proposal: Proposal) -> dict[str, list[str]]:
    errors = validation_errors(proposal)
    if proposal.deal_id and proposal.deal.account_id != proposal.account_id:
        errors["deal"] = [_("This deal belongs to another account.")]
    if proposal.contact_id and not Contact.objects.filter(pk=proposal.contact_id,
                                                          account_id=proposal.account_id).exists():
        errors["contact"] = [_("This person is not at the proposal's account.")]
    if proposal.status != ProposalStatus.DRAFT and proposal.sent_on is None:
        proposal.sent_on = timezone.localdate()
    if proposal.valid_until and proposal.sent_on and proposal.valid_until < proposal.sent_on:
        errors["valid_until"] = [_("The proposal cannot expire before it was sent.")]
    return errors


def _settle_vat(proposal: Proposal, data: Mapping[str, Any]) -> None:
    """A rate given (a number, or none for "without VAT") is kept; otherwise the rate is our company's
    for the proposal's date (the general rate: 20 % on 2025-12-31, 22 % on 2026-01-02)."""
    if "vat_rate" in data and "vat_by_date" not in data:
        proposal.vat_by_date = False
    if proposal.vat_by_date:
        proposal.vat_rate = our_company().vat_rate_on(proposal.document_date)


def _lock_numbering() -> None:
    """Two proposals saved at once never get one number: SQLite's IMMEDIATE transactions already
    admit one writer at a time; PostgreSQL takes a lock held until this transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NUMBERING_LOCK])


def _next_number(today: dt.date) -> str:
    prefix = f"{today.year}-"
    numbers = Proposal.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = max((int(n[len(prefix):]) for n in numbers if n[len(prefix):].isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


def _save_lines(proposal: Proposal, lines: list[ProposalLine]) -> None:
    proposal.lines.all().delete()
    ProposalLine.objects.bulk_create(lines, batch_size=500)
    proposal.net_total, proposal.vat_total, proposal.total = totals(
        [line.amount for line in lines], proposal.vat_rate, proposal.prices_include_vat)
    Proposal.objects.filter(pk=proposal.pk).update(net_total=proposal.net_total, vat_total=proposal.vat_total,
                                                    total=proposal.total)


@transaction.atomic
def proposal_create(*, user, account: Account, data: Mapping[str, Any]) -> Proposal:
    require(can_edit(user, account))
    proposal = Proposal(account=account, owner=user)
    assign_fields(proposal, data, PROPOSAL_FIELDS)
    errors = _check_proposal(proposal)
    _settle_vat(proposal, data)
    lines: list[ProposalLine] = []
    try:
        lines = _build_lines(proposal, list(data.get("lines") or []))
    except ValidationError as error:
        errors.update(error.message_dict)
    _raise(errors)
    _lock_numbering()
    proposal.number = _next_number(timezone.localdate())
    proposal.save()
    _save_lines(proposal, lines)
    audit.record_create(actor=user, instance=proposal, after=audit.snapshot(proposal, **_proposal_extras(proposal)),
                        account_id=account.pk)
    return proposal


@transaction.atomic
def proposal_update(*, user, proposal: Proposal, data: Mapping[str, Any], version: int | None) -> Proposal:
    require(can_edit(user, proposal.account))
    before = audit.snapshot(proposal, **_proposal_extras(proposal))
    was_sent = proposal.status != ProposalStatus.DRAFT
    assign_fields(proposal, data, PROPOSAL_FIELDS)
    errors = _check_proposal(proposal)
    _settle_vat(proposal, data)
    lines = None
    if data.get("lines") is not None:
        if was_sent:
            errors["lines"] = [_("A sent proposal keeps its lines; make a new revision to change them.")]
        else:
            try:
                lines = _build_lines(proposal, list(data["lines"]))
            except ValidationError as error:
                errors.update(error.message_dict)
    _raise(errors)
    save_versioned(proposal, expected_version=version)
    if lines is not None:
        _save_lines(proposal, lines)
    else:
        _save_lines(proposal, list(proposal.lines.all()))
    audit.record_update(actor=user, instance=proposal, before=before,
                        after=audit.snapshot(proposal, **_proposal_extras(proposal)), account_id=proposal.account_id)
    if not was_sent and proposal.status == ProposalStatus.SENT:
        event_record(commercial=True, user=user, account=proposal.account, at=moment_of(proposal.sent_on),
                     subject=_("Proposal %(number)s sent: %(title)s") % {"number": proposal.full_number,
                                                                        "title": proposal.title})
    return proposal


@transaction.atomic
def proposal_revise(*, user, proposal: Proposal) -> Proposal:
    """A new revision: the same number, the next revision, a draft with the same lines."""
    require(can_edit(user, proposal.account))
    if Proposal.objects.filter(previous=proposal).exists():
        raise ValidationError(_("This proposal already has a newer revision."))
    revision = (Proposal.objects.filter(number=proposal.number).aggregate(top=Max("revision"))["top"] or 0) + 1
    lines = list(proposal.lines.all())
    copy = Proposal.objects.get(pk=proposal.pk)
    copy.pk = None
    copy.revision, copy.previous, copy.owner = revision, proposal, user
    copy.status, copy.sent_on, copy.version = ProposalStatus.DRAFT, None, 1
    copy.created_at = copy.updated_at = timezone.now()
    copy.save(force_insert=True)
    for line in lines:
        line.pk, line.proposal = None, copy
    _save_lines(copy, lines)
    audit.record_create(actor=user, instance=copy, after=audit.snapshot(copy, **_proposal_extras(copy)),
                        account_id=copy.account_id)
    return copy


@transaction.atomic
def proposal_delete(*, user, proposal: Proposal) -> None:
    require(can_edit(user, proposal.account))
    if proposal.status != ProposalStatus.DRAFT:
        raise ValidationError(_("Only a draft can be deleted; a sent proposal stays on record."))
    audit.record_delete(actor=user, instance=proposal, before=audit.snapshot(proposal, **_proposal_extras(proposal)),
                        account_id=proposal.account_id)
    delete_or_explain(proposal)


@transaction.atomic
def expire_proposals(*, today: dt.date | None = None) -> int:
    """Sent proposals past their validity become expired (the daily job; audited with no actor)."""
    today = today or timezone.localdate()
    expired = list(Proposal.objects.select_for_update().filter(status=ProposalStatus.SENT, valid_until__lt=today))
    for proposal in expired:
        before = audit.snapshot(proposal)
        proposal.status = ProposalStatus.EXPIRED
        proposal.save(update_fields=["status"])
        audit.record_update(actor=None, instance=proposal, before=before, after=audit.snapshot(proposal),
                            account_id=proposal.account_id)
    return len(expired)


# Templates

@transaction.atomic
def template_upload(*, user, data: Mapping[str, Any]) -> ProposalTemplate:
    """A company's own Word template: refused unless it is a DOCX docxtpl can render with the fields
    a proposal provides (an unknown field is named)."""
    _require_admin(user)

    upload = data["file"]
    check_template(upload)
    template = ProposalTemplate(name=data["name"], language=data["language"], uploaded_by=user,
                                is_default=bool(data.get("is_default")))
    errors = validation_errors(template, exclude=["file"])
    _raise(errors)
    upload.seek(0)
    template.file.save(upload.name.rsplit("/", 1)[-1][:80], upload, save=False)
    template.save()
    if template.is_default:
        ProposalTemplate.objects.filter(language=template.language).exclude(pk=template.pk).update(is_default=False)
    audit.record_create(actor=user, instance=template, after=audit.snapshot(template))
    return template


@transaction.atomic
def template_delete(*, user, template: ProposalTemplate) -> None:
    _require_admin(user)
    audit.record_delete(actor=user, instance=template, before=audit.snapshot(template))
    template.file.delete(save=False)
    delete_or_explain(template)
