"""Order history from a file: one row per order line (CSV in UTF-8 or Windows-1251, or XLSX), as an
accounting system or a spreadsheet exports it.

The columns are found by their headers, in English or Russian ("Номер", "Дата", "ИНН", "Артикул",
"Количество", "Цена" …, see ``COLUMNS``) or named by a mapping (``number=Док,inn=ИНН покупателя``). Each
order's lines are consecutive rows with the same number. An order goes to the account with its
buyer's INN (and KPP, when several accounts share the INN: a company's branches) among the accounts
the importing person may change, and each line to the product with its SKU. An order whose number is
already there is skipped, so importing the same file again adds nothing.

The file streams (``core.tabular``) and orders are written in batches of about ``BATCH_LINES`` lines
(COPY on PostgreSQL, executemany on SQLite; ``core.bulk``), the known numbers looked up per batch and
the accounts and products once per import (``core.lookups``: one bound list a query, through their
indexes), so memory does not grow with the file beyond those bounded lookups. The import is one
transaction: all or nothing, unless the caller asks to skip bad rows (then an order with a bad line is
skipped whole and reported). Each order gets its audit entry, and the kept sales by day
(``orders.sales``) take the imported orders at the end, summed by the database.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from json.encoder import encode_basestring
from typing import BinaryIO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account
from keyaccount.catalog.models import Product
from keyaccount.core import access, bulk, tabular
from keyaccount.core.editing import require
from keyaccount.core.lookups import index_lookups
from keyaccount.core.models import AuditAction, AuditEntry
from keyaccount.core.money import MONEY_DIGITS, parse_decimal, validate_currency
from keyaccount.core.signals import portfolio_changed
from keyaccount.core.tabular import ImportFailed, too_many_rows
from keyaccount.orders import sales
from keyaccount.orders.models import Order, OrderLine, OrderStatus, SalesDay
from keyaccount.orders.services import CENT, line_amount

# Our fields and the headers each is recognised by (compared without case and surrounding spaces).
COLUMNS = {
    "number": ("number", "order", "order number", "order no", "номер", "номер заказа", "заказ", "документ",
               "номер документа"),
    "date": ("date", "ordered on", "order date", "дата", "дата заказа", "дата документа"),
    "inn": ("inn", "buyer inn", "инн", "инн покупателя", "инн контрагента"),
    "kpp": ("kpp", "кпп", "кпп покупателя", "кпп контрагента"),
    "sku": ("sku", "product code", "article", "артикул", "код товара", "код номенклатуры"),
    "quantity": ("quantity", "qty", "количество", "кол-во"),
    "price": ("price", "unit price", "цена"),
    "amount": ("amount", "line amount", "sum", "сумма"),
    "discount": ("discount", "discount %", "discount, %", "скидка", "скидка %", "скидка, %"),
    "currency": ("currency", "валюта"),
    "status": ("status", "статус"),
}
REQUIRED = ("number", "date", "inn", "sku", "quantity")
DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%Y/%m/%d")
MAX_ERRORS = tabular.MAX_ERRORS
BATCH_LINES = 20_000
_STATUS_WORDS = {
    **{status.value: status.value for status in OrderStatus},
    **{str(status.label).casefold(): status.value for status in OrderStatus},
    "черновик": OrderStatus.DRAFT, "подтверждён": OrderStatus.CONFIRMED, "подтвержден": OrderStatus.CONFIRMED,
    "отгружен": OrderStatus.SHIPPED, "выполнен": OrderStatus.COMPLETED, "завершён": OrderStatus.COMPLETED,
    "завершен": OrderStatus.COMPLETED, "закрыт": OrderStatus.COMPLETED, "отменён": OrderStatus.CANCELLED,
    "отменен": OrderStatus.CANCELLED,
}
_MAX_QUANTITY = Decimal("1e11")
_MAX_MONEY = Decimal(10) ** (MONEY_DIGITS - 2)
_ZERO = Decimal("0")
_ORDER_FIELDS = ["id", "number", "account_id", "ordered_on", "currency", "status", "total"]
_LINE_FIELDS = ["order_id", "product_id", "quantity", "unit_price", "discount_percent", "amount"]
# An imported order's audit entry, what json.dumps of {"number": [None, …], "total": [None, …], "source":
# [None, "import"]} writes, formatted instead (json.dumps was a twentieth of a large import's time).
_AUDIT_CHANGES = '{"number": [null, %s], "total": [null, "%s"], "source": [null, "import"]}'
CACHED_KEYS = 200_000


@dataclass
class OrderImportReport:
    rows: int = 0
    orders: int = 0
    lines: int = 0
    duplicates: int = 0
    encoding: str = ""
    # The first MAX_ERRORS bad rows, each named (and a last line counting the rest); how many in all.
    skipped: list[str] = field(default_factory=list)
    skipped_rows: int = 0

    def bad(self, message: str) -> None:
        self.skipped_rows += 1
        if len(self.skipped) < MAX_ERRORS:
            self.skipped.append(message)


@dataclass
class _Line:
    line: int
    sku: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    amount: Decimal


@dataclass
class _Order:
    line: int
    number: str
    ordered_on: dt.date
    inn: str
    kpp: str
    currency: str
    status: str
    lines: list[_Line] = field(default_factory=list)


# --- reading ----------------------------------------------------------------------------------------

def _columns(header: list[str], mapping: dict[str, str] | None) -> dict[str, int]:
    """Where each of our fields is in the file, by the mapping or by the headers' usual names."""
    names = [cell.strip() for cell in header]
    folded = [name.casefold() for name in names]
    found: dict[str, int] = {}
    if mapping:
        unknown = [key for key in mapping if key not in COLUMNS]
        if unknown:
            raise ImportFailed([_("Unknown mapping fields: %(fields)s (known: %(known)s).")
                                % {"fields": ", ".join(unknown), "known": ", ".join(COLUMNS)}])
        for key, column in mapping.items():
            if column.casefold() not in folded:
                close = tabular.closest_name(column, names)
                raise ImportFailed([_("The file has no column “%(column)s”%(hint)s.") % {
                    "column": column, "hint": _(" (did you mean “%(name)s”?)") % {"name": close} if close else ""}])
            found[key] = folded.index(column.casefold())
    for key, aliases in COLUMNS.items():
        if key not in found:
            for position, name in enumerate(folded):
                if name in aliases:
                    found[key] = position
                    break
    missing = [key for key in REQUIRED if key not in found]
    if "price" not in found and "amount" not in found:
        missing.append("price")
    if missing:
        raise ImportFailed([_("Line 1: no column for %(fields)s. The header must name them (e.g. %(example)s), "
                              "or give a mapping such as number=Док,inn=ИНН.") % {
            "fields": ", ".join(missing), "example": "Номер; Дата; ИНН; Артикул; Количество; Цена"}])
    return found


def _number(value: str) -> Decimal | None:
    """A number as accounting exports write it: "1 234,56", "1234.56", "1,234.56"."""
    text = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in text:
        text = text.replace(",", "") if "." in text else text.replace(",", ".")
    return parse_decimal(text)


def _date(value: str) -> dt.date:
    text = value.strip()
    # No date is longer (and the cache below must not keep a crafted file's huge cells).
    found = _known_date(text) if len(text) <= 32 else None
    if found is None:
        raise ValueError(_("“%(value)s” is not a date (e.g. 2026-03-15 or 15.03.2026)") % {"value": value})
    return found


@functools.lru_cache(maxsize=8192)
def _known_date(text: str) -> dt.date | None:
    """The date a cell means, or None. Cached: an export's lines share a few thousand dates, and
    strptime was a tenth of the import's time."""
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.split(" ")[0], fmt).date()
        except ValueError:
            continue
    return None


class _Bad(Exception):
    pass


# The fields in the order _parse_line unpacks them.
_FIELDS = ("number", "date", "inn", "kpp", "sku", "quantity", "price", "amount", "discount", "currency", "status")
assert set(_FIELDS) == set(COLUMNS)  # noqa: S101 - a field added to COLUMNS must be read too


def _parse_line(line: int, row: list[str], positions: tuple[int | None, ...], names: dict[str, str],
                default_currency: str) -> tuple[_Order, _Line]:
    """One row: the order it belongs to (its header fields) and the line. ``positions`` holds each of
    ``_FIELDS``' column (None: not in the file), ``names`` the file's own name of each field's column.
    Raises _Bad naming the column by its header in the file. Each cell is read once: this runs for
    every line of a file of millions."""
    width = len(row)
    (number, day, inn, kpp, sku, quantity_text, price_text, amount_text, discount_text, currency_text,
     status_text) = (row[position].strip() if position is not None and position < width else ""
                     for position in positions)

    def fail(key: str, message: str):
        raise _Bad(_("Line %(line)s, column %(column)s: %(message)s") % {
            "line": line, "column": f"“{names[key]}”", "message": message})

    if not number or len(number) > 64:
        fail("number", _("an order number of 1 to 64 characters is needed"))
    try:
        ordered_on = _date(day)
    except ValueError as error:
        fail("date", str(error))
    if not inn.isdigit() or len(inn) not in (10, 12):
        fail("inn", _("“%(value)s” is not an INN (10 or 12 digits)") % {"value": inn})
    if not sku or len(sku) > 64:
        fail("sku", _("a product SKU of 1 to 64 characters is needed"))
    quantity = _number(quantity_text)
    if quantity is None or not (0 < quantity < _MAX_QUANTITY):
        fail("quantity", _("“%(value)s” is not a positive quantity") % {"value": quantity_text})
    discount = _number(discount_text) if discount_text else _ZERO
    if discount is None or not (0 <= discount <= 100):
        fail("discount", _("“%(value)s” is not a discount between 0 and 100 %%") % {"value": discount_text})
    price = _number(price_text) if price_text else None
    if price_text and (price is None or not (0 <= price < _MAX_MONEY)):
        fail("price", _("“%(value)s” is not a price") % {"value": price_text})
    if price is not None:
        price = price.quantize(CENT)
        amount = line_amount(quantity, price, discount)
    else:
        amount = _number(amount_text)
        if amount is None or not (0 <= amount < _MAX_MONEY):
            fail("amount", _("“%(value)s” is not an amount") % {"value": amount_text})
        amount = amount.quantize(CENT)
        price = (amount / quantity / (1 - discount / 100) if discount < 100 else _ZERO).quantize(CENT)
    currency = currency_text.upper() if currency_text else default_currency
    if currency != default_currency:
        try:
            validate_currency(currency)
        except ValidationError as error:
            fail("currency", error.messages[0])
    status = _STATUS_WORDS.get(status_text.casefold()) if status_text else OrderStatus.COMPLETED
    if status is None:
        fail("status", _("“%(value)s” is not an order status (%(known)s)") % {
            "value": status_text, "known": ", ".join(OrderStatus.values)})
    order = _Order(line=line, number=number, ordered_on=ordered_on, inn=inn, kpp=kpp, currency=currency,
                   status=status)
    return order, _Line(line=line, sku=sku, quantity=quantity, unit_price=price, discount=discount, amount=amount)


def _not_together(line: int, number: str) -> str:
    return _("Line %(line)s: the lines of order %(number)s are not together; sort the file by order number.") % {
        "line": line, "number": number}


def read_header(records: Iterator[list[str]], mapping: dict[str, str] | None) -> dict[str, tuple[str, int]]:
    """The file's first row: our field → (the file's own name of its column, for messages; its position)."""
    header = next(records, None)
    if header is None:
        raise ImportFailed([_("The file is empty.")])
    names = [cell.strip() for cell in header]
    return {key: (names[position], position) for key, position in _columns(header, mapping).items()}


def parse_orders(records: Iterator[list[str]], *, header: dict[str, tuple[str, int]],
                 report: OrderImportReport) -> Iterator[_Order]:
    """The file's orders after its header (``read_header``), each with its lines, as they come; a bad
    row is reported and its order dropped. An order's lines must be consecutive rows: a number that
    comes back later is refused by the writer, which knows what it wrote (here only the numbers of
    dropped orders are kept, so that memory does not grow with the file)."""
    positions = tuple(header[key][1] if key in header else None for key in _FIELDS)
    names = {key: name for key, (name, _position) in header.items()}
    default_currency = settings.KAM_DEFAULT_CURRENCY
    number_at = header["number"][1]
    dropped: set[str] = set()  # the numbers of orders with a bad line
    current: _Order | None = None
    broken: str | None = None  # the number of an order with a bad line: it is dropped whole
    max_rows = settings.KAM_IMPORT_MAX_ROWS
    for line, row in enumerate(records, start=2):
        if not any(cell.strip() for cell in row):
            continue
        report.rows += 1
        if report.rows > max_rows:
            raise too_many_rows(max_rows)
        try:
            order, order_line = _parse_line(line, row, positions, names, default_currency)
        except _Bad as error:
            report.bad(str(error))
            number = row[number_at].strip() if number_at < len(row) else ""
            if current is not None and number != current.number:
                yield current
            current, broken = None, number
            dropped.add(number)
            continue
        if order.number == broken:
            continue
        if current is not None and order.number == current.number:
            header_fields = ("ordered_on", "inn", "kpp", "currency", "status")
            differs = [name for name in header_fields if getattr(order, name) != getattr(current, name)]
            if differs:
                report.bad(_("Line %(line)s: order %(number)s has another %(field)s than on line %(first)s.") % {
                    "line": line, "number": order.number, "field": differs[0], "first": current.line})
                current, broken = None, order.number
                dropped.add(order.number)
                continue
            current.lines.append(order_line)
            continue
        if current is not None:
            yield current
        if order.number in dropped:
            report.bad(_not_together(line, order.number))
            current, broken = None, order.number
            continue
        current, broken = order, None
        current.lines.append(order_line)
    if current is not None:
        yield current


# --- writing ----------------------------------------------------------------------------------------

class _OrderWriter:
    """Writes one batch of orders after another into the import's transaction."""

    def __init__(self, *, user, report: OrderImportReport, skip_bad: bool, header: dict[str, tuple[str, int]]):
        self.user, self.report, self.skip_bad = user, report, skip_bad
        self.inn_column, self.sku_column = header["inn"][0], header["sku"][0]
        self.accounts = Account.objects.filter(access.editable_account_q(user)).order_by()
        self.order_type = ContentType.objects.get_for_model(Order)
        self.account_ids: set[int] = set()
        # Looked up once an import, not once a batch (a large client's orders are in every batch), and
        # forgotten past CACHED_KEYS so that a file of a million distinct INNs cannot grow them for ever:
        # INN → the accounts (id, KPP) with it; SKU → the product's id, or None.
        self.by_inn: dict[str, list[tuple[int, str]]] = {}
        self.products: dict[str, int | None] = {}
        # The orders written: their ids (a number found among them again is an order whose lines are apart)
        # and, at the end, their sales by day in one pass (a day's rows recur in every batch).
        self.new_orders = sales.NewOrders()

    def _account_for(self, orders: list[_Order]) -> dict[tuple[str, str], int | str]:
        """(INN, KPP) → the account's id, or why there is none."""
        by_inn = self.by_inn
        if len(by_inn) > CACHED_KEYS:
            by_inn.clear()
        inns = sorted({order.inn for order in orders if order.inn not in by_inn})
        if inns:
            for inn in inns:
                by_inn[inn] = []
            with index_lookups():
                for pk, inn, kpp in self.accounts.filter(inn__any_of=inns).values_list("pk", "inn", "kpp"):
                    by_inn[inn].append((pk, kpp))
        found: dict[tuple[str, str], int | str] = {}
        for order in orders:
            key = (order.inn, order.kpp)
            if key in found:
                continue
            candidates = by_inn.get(order.inn, [])
            if order.kpp:
                # The account with this KPP, or else one that has no KPP written down; an account with
                # another KPP is another subdivision of the client.
                candidates = ([candidate for candidate in candidates if candidate[1] == order.kpp]
                              or [candidate for candidate in candidates if not candidate[1]])
            if len(candidates) == 1:
                found[key] = candidates[0][0]
            elif not candidates:
                found[key] = _("no account you may change has INN %(inn)s%(kpp)s") % {
                    "inn": order.inn, "kpp": f" / KPP {order.kpp}" if order.kpp else ""}
            else:
                found[key] = _("several accounts have INN %(inn)s (branches); add a KPP column") % {"inn": order.inn}
        return found

    def _products_for(self, orders: list[_Order]) -> dict[str, int | None]:
        """SKU → the product's id, or None when there is no such product."""
        products = self.products
        if len(products) > CACHED_KEYS:
            products.clear()
        skus = sorted({line.sku for order in orders for line in order.lines if line.sku not in products})
        if skus:
            products.update(dict.fromkeys(skus))
            with index_lookups():
                products.update(Product.objects.filter(sku__any_of=skus).order_by().values_list("sku", "pk"))
        return products

    def write(self, orders: list[_Order]) -> None:
        if not orders:
            return
        report = self.report
        with index_lookups():
            known = dict(Order.objects.filter(number__any_of=[order.number for order in orders]).order_by()
                         .values_list("number", "pk"))
        fresh = []
        numbers: set[str] = set()
        for order in orders:
            pk = known.get(order.number)
            # A number this import wrote before, or twice in this batch: the order's lines are not together.
            if order.number in numbers or (pk is not None and self.new_orders.holds(pk)):
                report.bad(_not_together(order.line, order.number))
            elif pk is not None:
                report.duplicates += 1
            else:
                fresh.append(order)
                numbers.add(order.number)
        accounts = self._account_for(fresh)
        products = self._products_for(fresh)
        good = []
        for order in fresh:
            account = accounts[(order.inn, order.kpp)]
            if not isinstance(account, int):
                report.bad(_("Line %(line)s, column %(column)s: %(message)s") % {
                    "line": order.line, "column": f"“{self.inn_column}”", "message": account})
                continue
            unknown = [line for line in order.lines if products.get(line.sku) is None]
            if unknown:
                report.bad(_("Line %(line)s, column %(column)s: %(message)s") % {
                    "line": unknown[0].line, "column": f"“{self.sku_column}”",
                    "message": _("no product with SKU “%(sku)s”") % {"sku": unknown[0].sku}})
                continue
            good.append((order, account))
        if report.skipped_rows and not self.skip_bad:
            return  # the file will be refused: nothing more is written
        ids = bulk.reserve_ids(Order._meta.db_table, len(good))
        order_rows, line_rows, audit_rows = [], [], []
        actor = self.user.pk or None
        for pk, (order, account) in zip(ids, good, strict=True):
            total = sum((line.amount for line in order.lines), Decimal("0"))
            order_rows.append((pk, order.number, account, order.ordered_on, order.currency, order.status, total))
            line_rows.extend((pk, products[line.sku], line.quantity, line.unit_price, line.discount, line.amount)
                             for line in order.lines)
            audit_rows.append((actor, AuditAction.CREATE, self.order_type.pk, pk, order.number[:200],
                               _AUDIT_CHANGES % (encode_basestring(order.number), format(total, "f")), account))
            self.account_ids.add(account)
        if order_rows:
            bulk.insert_records(Order, _ORDER_FIELDS, order_rows)
            bulk.insert_records(OrderLine, _LINE_FIELDS, line_rows)
            bulk.insert_records(AuditEntry, ["actor_id", "action", "content_type_id", "object_id", "object_repr",
                                             "changes", "account_id"], audit_rows)
            self.new_orders.add(ids)
        report.orders += len(order_rows)
        report.lines += len(line_rows)

    def finish(self) -> None:
        """Add the orders written to the sales by day."""
        self.new_orders.add_to_sales()


def import_orders(*, user, data: bytes | BinaryIO, filename: str, mapping=None, skip_bad: bool = False,
                  encoding: str | None = None, dry_run: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> OrderImportReport:
    """Import order lines from ``data`` (the file's bytes, or a binary file open for reading and seeking).
    Raises ``ImportFailed`` (nothing written) when the file has bad rows and ``skip_bad`` is off.
    ``progress(rows, bytes read)`` is told after each batch."""
    require(access.can(user, access.Capability.EDIT_ORDERS))
    file = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    columns = tabular.parse_pairs(mapping) if mapping else None
    records, used = tabular.open_records(file, filename=filename, encoding=encoding)
    report = OrderImportReport(encoding=used)
    records = iter(records)
    header = read_header(records, columns)
    with transaction.atomic():
        writer = _OrderWriter(user=user, report=report, skip_bad=skip_bad, header=header)
        batch: list[_Order] = []
        size = 0
        for order in parse_orders(records, header=header, report=report):
            if report.skipped_rows > MAX_ERRORS and not skip_bad:
                break
            batch.append(order)
            size += len(order.lines)
            if size >= BATCH_LINES:
                writer.write(batch)
                batch, size = [], 0
                if progress:
                    progress(report.rows, file.tell())
        writer.write(batch)
        if report.skipped_rows and not skip_bad:
            transaction.set_rollback(True)
            raise ImportFailed(report.skipped + ([_("…and more; fix these first.")]
                                                 if report.skipped_rows > MAX_ERRORS else []))
        if not report.rows:
            raise ImportFailed([_("The file has no order lines.")])
        writer.finish()
        if report.lines >= bulk.STATISTICS_AFTER_ROWS:
            bulk.refresh_statistics([Order._meta.db_table, OrderLine._meta.db_table, AuditEntry._meta.db_table,
                                     SalesDay._meta.db_table])
        if progress:
            progress(report.rows, file.tell())
        if report.skipped_rows > len(report.skipped):
            report.skipped.append(_("…and %(count)s more bad rows.") % {
                "count": report.skipped_rows - len(report.skipped)})
        if dry_run:
            transaction.set_rollback(True)
        elif writer.account_ids:
            portfolio_changed.send(sender=Order, account_ids=sorted(writer.account_ids))
    return report


# --- through core.import_jobs (the web page, `kam import orders`) -------------------------------------

def run_import(*, user, file: BinaryIO, filename: str, options: dict, dry_run: bool,
               progress: Callable[[int, int], None] | None = None) -> dict:
    report = import_orders(user=user, data=file, filename=filename, mapping=options.get("mapping") or None,
                           skip_bad=bool(options.get("skip_bad")), encoding=options.get("encoding") or None,
                           dry_run=dry_run, progress=progress)
    return {"rows": report.rows, "orders": report.orders, "lines": report.lines, "duplicates": report.duplicates,
            "encoding": report.encoding, "skipped": report.skipped, "skipped_rows": report.skipped_rows}


def summary(report: dict, dry_run: bool) -> str:
    verb = "Would import" if dry_run else "Imported"
    return (f"{verb} {report['orders']} orders ({report['lines']} lines) from {report['rows']} rows "
            f"({report['encoding']}); {report['duplicates']} orders were already there; {report['skipped_rows']} "
            f"bad rows skipped.")
