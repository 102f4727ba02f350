"""Sales by day (``SalesDay``): purchases summed per manager, account team, day, currency and product
category, kept as orders are written so that plan against actuals reads a few hundred rows instead of
every order.

Each write adds the difference it makes: the order's contribution before the change is taken away and
its contribution after is added, in the write's transaction. An account that changes hands takes its
sums from the old manager's rows to the new one's; a product moved to another category takes its lines
along. ``rebuild_sales_days`` counts everything again from the orders (the nightly job, and after writes
that bypass the services such as ``kam generate``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum

from keyaccount.accounts.models import Account
from keyaccount.catalog.models import Product
from keyaccount.core.bulk import executemany_in_batches, insert_rows
from keyaccount.orders.models import UNCOUNTED_STATUSES, Order, OrderLine, SalesDay

# Sums are Counters keyed by (owner, account team (0: none), day, currency, category ("": the totals)).
CHUNK = 5000


def _totals(orders) -> Counter:
    sums: Counter = Counter()
    rows = (orders.counted().order_by().values_list("account__owner_id", "account__team_id", "ordered_on", "currency")
            .annotate(amount=Sum("total")))
    for owner, team, day, currency, amount in rows:
        sums[(owner, team or 0, day, currency, "")] += amount or Decimal("0")
    lines = (OrderLine.objects.filter(order__in=orders.counted()).exclude(product__category="").order_by()
             .values_list("order__account__owner_id", "order__account__team_id", "order__ordered_on",
                          "order__currency", "product__category").annotate(amount=Sum("amount")))
    for owner, team, day, currency, category, amount in lines:
        sums[(owner, team or 0, day, currency, category)] += amount or Decimal("0")
    return sums


def contribution(order_ids: Iterable[int]) -> Counter:
    """What these orders add to the sales by day as they are in the database now."""
    ids = list(order_ids)
    sums: Counter = Counter()
    for start in range(0, len(ids), CHUNK):
        sums.update(_totals(Order.objects.filter(pk__in=ids[start:start + CHUNK])))
    return sums


_KEY = "owner_id, account_team, day, currency, category"  # the table's unique key
_COLUMNS = ["owner_id", "account_team", "day", "month", "currency", "category", "amount"]
# Above this many rows PostgreSQL gets them by COPY into a scratch table and one upsert from it: an
# executemany is a round trip per row (81 s for the rows of a million order lines, against 21 s).
_COPY_ABOVE = 500


def apply(delta: Counter, sign: int = 1) -> None:
    """Add ``delta`` (or take it away, ``sign=-1``) to the kept rows, creating those it needs, by upserts
    sent in bulk (an import touches hundreds of thousands of rows; a row at a time took 90 s for 20,000
    order lines). Rows are written in key order, so two writers lock them in the same order."""
    table = SalesDay._meta.db_table
    upsert = f"ON CONFLICT ({_KEY}) DO UPDATE SET amount = {table}.amount + excluded.amount"
    rows = ((owner, team, day, day.replace(day=1), currency, category, sign * amount)
            for (owner, team, day, currency, category), amount in sorted(delta.items()) if amount)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(delta) > _COPY_ABOVE:
            cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS sales_delta (owner_id bigint, account_team integer, "
                           "day date, month date, currency varchar(3), category varchar(120), amount numeric) "
                           "ON COMMIT DROP")
            insert_rows("sales_delta", _COLUMNS, rows)
            columns = ", ".join(_COLUMNS)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM sales_delta "  # noqa: S608
                           f"ORDER BY {_KEY} {upsert}")
            cursor.execute("TRUNCATE sales_delta")
            return
        sql = f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))}) {upsert}"  # noqa: S608
        executemany_in_batches(cursor, sql, rows, 2000)


class NewOrders:
    """Orders one transaction writes in bulk (an import's), whose sales by day are added in one pass at
    the end, summed and upserted by the database (``add_to_sales``): for a million order lines about
    2 s, where summing them in Python and sending each row took 6–7 s, and no sums are held in memory.

    Only orders this transaction wrote may be added. Each batch's ids are kept as a range (first, last),
    merged with the one before when they follow it. On SQLite the write transaction excludes every other
    writer and ids are drawn after the largest, so the ranges hold exactly these orders. On PostgreSQL
    ids come from a sequence that concurrent writers draw from too, so a range could hold another
    transaction's order: for the sums the ids also go into a temporary table."""

    _TABLE = "sales_new_orders"

    def __init__(self):
        self.ranges: list[tuple[int, int]] = []
        self.postgresql = connection.vendor == "postgresql"
        self.count = 0  # written and not yet added to the sales

    def add(self, ids: list[int]) -> None:
        if not ids:
            return
        first, last = min(ids), max(ids)
        if self.postgresql:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {self._TABLE} (id bigint) ON COMMIT DROP")
            insert_rows(self._TABLE, ["id"], ((pk,) for pk in ids))
        elif last - first + 1 != len(ids):
            raise ValueError("SQLite order ids are drawn as one block")
        self.count += len(ids)
        if self.ranges and self.ranges[-1][1] + 1 == first:
            self.ranges[-1] = (self.ranges[-1][0], last)
        else:
            self.ranges.append((first, last))

    def holds(self, pk: int) -> bool:
        """Whether ``pk`` is in the ranges written (on PostgreSQL also another writer's id drawn between a
        batch's first and last: the importer asks only of orders with one of its file's numbers)."""
        return any(first <= pk <= last for first, last in self.ranges)

    def add_to_sales(self) -> None:
        """Add what the orders written so far contribute to the kept rows, once."""
        if not self.count:
            return
        table, orders, lines = SalesDay._meta.db_table, Order._meta.db_table, OrderLine._meta.db_table
        accounts, products = Account._meta.db_table, Product._meta.db_table
        counted = ", ".join(["%s"] * len(UNCOUNTED_STATUSES))
        if self.postgresql:
            scope, params = f"o.id IN (SELECT id FROM {self._TABLE})", []  # noqa: S608 (our table name)
            month = "date_trunc('month', o.ordered_on)::date"
        else:
            scope = " OR ".join(["o.id BETWEEN %s AND %s"] * len(self.ranges))
            params = [pk for bounds in self.ranges for pk in bounds]
            month = "date(o.ordered_on, 'start of month')"
        # Totals, then the lines by product category; rows upserted in key order so that two writers
        # lock them in the same order. ("WHERE" keeps SQLite from reading ON CONFLICT as a join's ON.)
        owner = "a.owner_id, COALESCE(a.team_id, 0), o.ordered_on"
        sums = (("'', SUM(o.total)", "", ""),
                ("p.category, SUM(l.amount)",
                 f" JOIN {lines} l ON l.order_id = o.id JOIN {products} p ON p.id = l.product_id",
                 " AND p.category <> ''"))
        with connection.cursor() as cursor:
            for what, joins, only in sums:
                cursor.execute(
                    f"INSERT INTO {table} (owner_id, account_team, day, currency, category, amount, month) "  # noqa: S608
                    f"SELECT {owner}, o.currency, {what}, MIN({month}) "
                    f"FROM {orders} o JOIN {accounts} a ON a.id = o.account_id{joins} "
                    f"WHERE ({scope}) AND o.status NOT IN ({counted}){only} "
                    f"GROUP BY {owner}, o.currency{', p.category' if joins else ''} "
                    f"ORDER BY {owner}, o.currency{', p.category' if joins else ''} "
                    f"ON CONFLICT ({_KEY}) DO UPDATE SET amount = {table}.amount + excluded.amount",
                    [*params, *UNCOUNTED_STATUSES])
            if self.postgresql:
                cursor.execute(f"DROP TABLE {self._TABLE}")
        self.count = 0


def apply_change(before: Counter, after: Counter) -> None:
    """An order (or orders) changed from contributing ``before`` to contributing ``after``."""
    delta: Counter = Counter()
    for key in set(before) | set(after):
        delta[key] = after.get(key, Decimal("0")) - before.get(key, Decimal("0"))
    apply(delta)


def _recast(sums: Counter, *, owner: int, team: int | None) -> Counter:
    return Counter({(owner, team or 0, day, currency, category): amount
                    for (_owner, _team, day, currency, category), amount in sums.items()})


def account_moved(*, account_id: int, previous_owner_id: int, previous_team_id: int | None) -> None:
    """The account's purchases leave its previous manager's (and team's) rows for the current ones."""
    now = _totals(Order.objects.filter(account_id=account_id))
    if now:
        apply_change(_recast(now, owner=previous_owner_id, team=previous_team_id), now)


def product_recategorised(*, product_id: int, previous: str, current: str) -> None:
    """The product's lines leave the rows of its previous category for those of the current one."""
    rows = (OrderLine.objects.filter(product_id=product_id, order__in=Order.objects.counted()).order_by()
            .values_list("order__account__owner_id", "order__account__team_id", "order__ordered_on",
                         "order__currency").annotate(amount=Sum("amount")))
    before: Counter = Counter()
    after: Counter = Counter()
    for owner, team, day, currency, amount in rows:
        if previous:
            before[(owner, team or 0, day, currency, previous)] += amount
        if current:
            after[(owner, team or 0, day, currency, current)] += amount
    apply_change(before, after)


@transaction.atomic
def rebuild_sales_days() -> int:
    """Count the sales by day again from every order; returns the number of rows."""
    SalesDay.objects.all().delete()
    sums = _totals(Order.objects.all())
    SalesDay.objects.bulk_create(
        (SalesDay(owner_id=owner, account_team=team, day=day, month=day.replace(day=1), currency=currency,
                  category=category, amount=amount)
         for (owner, team, day, currency, category), amount in sums.items()), batch_size=2000)
    return len(sums)
