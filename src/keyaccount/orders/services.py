"""Writes to orders and their lines (the bulk importer comes with the analytics issue)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.accounts.queries import accounts_visible_to
from keyaccount.catalog.models import Product
from keyaccount.core import access, audit
from keyaccount.core.concurrency import save_versioned
from keyaccount.core.editing import assign_fields, delete_or_explain, require, validation_errors
from keyaccount.core.models import AuditAction, AuditEntry
from keyaccount.core.money import parse_decimal, validate_currency
from keyaccount.core.signals import portfolio_changed
from keyaccount.orders import sales
from keyaccount.orders.models import Order, OrderLine

ORDER_FIELDS = ("number", "account", "ordered_on", "currency", "status", "payment_due_on", "paid_on", "notes")
CENT = Decimal("0.01")


def line_amount(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """Quantity × price less the discount, rounded half-up to the cent as invoices do."""
    return (quantity * unit_price * (Decimal(100) - discount_percent) / Decimal(100)).quantize(CENT, ROUND_HALF_UP)


def _build_lines(order: Order, rows) -> list[OrderLine]:
    """Validate every line and report each error by line number and field, before anything is saved."""
    errors, lines = [], []
    product_ids = {getattr(row.get("product"), "pk", row.get("product_id", row.get("product"))) for row in rows}
    products = {p.pk: p for p in Product.objects.filter(pk__in=[pk for pk in product_ids if isinstance(pk, int)])}
    for number, row in enumerate(rows, start=1):
        product_id = getattr(row.get("product"), "pk", row.get("product_id", row.get("product")))
        product = products.get(product_id)
        if product is None:
            errors.append(_("Line %(n)s, product: no product with id %(id)s.") % {"n": number, "id": product_id})
            continue
        quantity = parse_decimal(row.get("quantity"))
        price = parse_decimal(row.get("unit_price"), default=product.list_price if product.currency == order.currency
                         else None)
        discount = parse_decimal(row.get("discount_percent"), default=Decimal("0"))
        line = OrderLine(order=order, product=product, quantity=quantity, unit_price=price,
                         discount_percent=discount, amount=Decimal("0"))
        if price is None:
            errors.append(_("Line %(n)s, unit price: give a price in %(currency)s (the list price is in "
                            "%(list)s).") % {"n": number, "currency": order.currency, "list": product.currency})
            continue
        if quantity is None or discount is None:
            errors.append(_("Line %(n)s: quantity and discount must be numbers.") % {"n": number})
            continue
        line_errors = validation_errors(line, exclude=["amount"])
        if line_errors:
            for field, messages in line_errors.items():
                label = str(OrderLine._meta.get_field(field).verbose_name) if field != "__all__" else ""
                errors.extend(_("Line %(n)s, %(field)s: %(message)s") % {"n": number, "field": label, "message": m}
                              for m in messages)
            continue
        line.amount = line_amount(quantity, price, discount)
        lines.append(line)
    if errors:
        raise ValidationError({"lines": errors})
    return lines


def _require_order_editor(user, account) -> None:
    require(access.can(user, access.Capability.EDIT_ORDERS) and access.can_edit_account(user, account))


def _assign(order: Order, data: Mapping[str, Any]) -> None:
    assign_fields(order, data, ORDER_FIELDS)
    order.currency = (order.currency or "").upper()
    order.number = (order.number or "").strip()


def _check_account(order: Order, user) -> None:
    account = accounts_visible_to(user).filter(pk=order.account_id).first() if order.account_id else None
    if account is None:
        raise ValidationError({"account": [_("Choose one of your accounts.")]})
    _require_order_editor(user, account)


def _lines_snapshot(order: Order) -> list[str]:
    return [f"{line.product_id}×{line.quantity}@{line.unit_price}-{line.discount_percent}%"
            for line in order.lines.all()]


def _clean(order: Order, data: Mapping[str, Any], user) -> list[OrderLine] | None:
    errors = validation_errors(order, validate_unique=True)
    try:
        _check_account(order, user)
    except ValidationError as error:
        errors.update(error.message_dict)
    if order.paid_on and order.ordered_on and order.paid_on < order.ordered_on:
        errors.setdefault("paid_on", []).append(_("Payment cannot come before the order date."))
    lines = None
    if "lines" in data and not errors.get("currency"):
        try:
            lines = _build_lines(order, list(data["lines"] or []))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return lines


@transaction.atomic
def order_create(*, user, data: Mapping[str, Any]) -> Order:
    order = Order()
    _assign(order, data)
    lines = _clean(order, data, user) or []
    order.total = sum((line.amount for line in lines), Decimal("0"))
    order.save()
    OrderLine.objects.bulk_create(lines)
    sales.apply(sales.contribution([order.pk]))
    audit.record_create(actor=user, instance=order, after=audit.snapshot(order, lines=_lines_snapshot(order)),
                        account_id=order.account_id)
    portfolio_changed.send(sender=Order, account_ids=[order.account_id])
    return order


@transaction.atomic
def order_update(*, user, order: Order, data: Mapping[str, Any], version: int | None) -> Order:
    _require_order_editor(user, order.account)
    before = audit.snapshot(order, lines=_lines_snapshot(order))
    sold_before = sales.contribution([order.pk])
    _assign(order, data)
    lines = _clean(order, data, user)
    if lines is not None:
        order.lines.all().delete()
        OrderLine.objects.bulk_create(lines)
        order.total = sum((line.amount for line in lines), Decimal("0"))
    save_versioned(order, expected_version=version)
    sales.apply_change(sold_before, sales.contribution([order.pk]))
    audit.record_update(actor=user, instance=order, before=before,
                        after=audit.snapshot(order, lines=_lines_snapshot(order)), account_id=order.account_id)
    portfolio_changed.send(sender=Order, account_ids=[order.account_id])
    return order


@transaction.atomic
def order_delete(*, user, order: Order) -> None:
    _require_order_editor(user, order.account)
    audit.record_delete(actor=user, instance=order, before=audit.snapshot(order, lines=_lines_snapshot(order)),
                        account_id=order.account_id)
    account_id = order.account_id
    sold = sales.contribution([order.pk])
    delete_or_explain(order)
    sales.apply(sold, sign=-1)
    portfolio_changed.send(sender=Order, account_ids=[account_id])


@transaction.atomic
def orders_bulk_load(*, user, orders: list[Mapping[str, Any]], batch_size: int = 2000) -> int:
    """Load a batch of historical orders in bulk (the demo generator now, order-file imports later).

    Each order is ``{number, account_id, ordered_on, currency, status, payment_due_on, paid_on,
    lines: [(product_id, quantity, unit_price, discount_percent)]}``. Everything is checked before
    anything is written, and the whole batch is one transaction: it loads completely or not at all.
    Every loaded order gets its audit entry.
    """
    from django.contrib.contenttypes.models import ContentType


    require(access.can(user, access.Capability.EDIT_ORDERS))
    account_ids = {row["account_id"] for row in orders}
    product_ids = {line[0] for row in orders for line in row["lines"]}
    # Unordered: the models' default order (by name) can make SQLite walk a name index instead.
    known_accounts = set(Account.objects.filter(pk__in=account_ids).order_by().values_list("pk", flat=True))
    known_products = set(Product.objects.filter(pk__in=product_ids).order_by().values_list("pk", flat=True))
    errors = []
    for number, row in enumerate(orders, start=1):
        if row["account_id"] not in known_accounts:
            errors.append(_("Order %(n)s: no account with id %(id)s.") % {"n": number, "id": row["account_id"]})
        try:
            validate_currency(row["currency"])
        except ValidationError as error:
            errors.append(_("Order %(n)s: %(message)s") % {"n": number, "message": error.messages[0]})
        for line_no, (product_id, quantity, _price, discount) in enumerate(row["lines"], start=1):
            if product_id not in known_products:
                errors.append(_("Order %(n)s, line %(l)s: no product with id %(id)s.")
                              % {"n": number, "l": line_no, "id": product_id})
            if quantity <= 0 or not (0 <= discount <= 100):
                errors.append(_("Order %(n)s, line %(l)s: quantity must be positive and the discount "
                                "between 0 and 100 %%.") % {"n": number, "l": line_no})
    if errors:
        raise ValidationError({"orders": errors[:50]})
    order_type = ContentType.objects.get_for_model(Order)
    loaded: list[Order] = []
    for start in range(0, len(orders), batch_size):
        chunk = orders[start:start + batch_size]
        objects = []
        for row in chunk:
            amounts = [line_amount(q, p, d) for _pid, q, p, d in row["lines"]]
            objects.append(Order(
                number=row["number"], account_id=row["account_id"], ordered_on=row["ordered_on"],
                currency=row["currency"], status=row["status"], payment_due_on=row.get("payment_due_on"),
                paid_on=row.get("paid_on"), total=sum(amounts, Decimal("0")),
            ))
        Order.objects.bulk_create(objects)
        loaded.extend(objects)
        OrderLine.objects.bulk_create(
            OrderLine(order=order, product_id=pid, quantity=q, unit_price=p, discount_percent=d,
                      amount=line_amount(q, p, d))
            for order, row in zip(objects, chunk, strict=True) for pid, q, p, d in row["lines"]
        )
        AuditEntry.objects.bulk_create(
            AuditEntry(actor=user if getattr(user, "pk", None) else None, action=AuditAction.CREATE,
                       content_type=order_type, object_id=order.pk, object_repr=order.number,
                       changes={"number": [None, order.number], "total": [None, format(order.total, "f")],
                                "source": [None, "bulk load"]}, account_id=order.account_id)
            for order in objects
        )
    sales.apply(sales.contribution(order.pk for order in loaded))
    portfolio_changed.send(sender=Order, account_ids=sorted(account_ids))
    return len(orders)
