"""The sales by day are kept as orders are written: after any mix of writes through the services (new
orders, changed lines, a cancellation, a deletion, a bulk load, an account handed to another manager, a
product moved to another category), the kept rows are what counting every order again gives."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from keyaccount.accounts import services as account_services
from keyaccount.catalog import services as catalog_services
from keyaccount.orders import sales, services
from keyaccount.orders.models import SalesDay
from tests.factories import AccountFactory, ProductFactory

D = Decimal


def kept():
    return {(row.owner_id, row.account_team, row.day, row.month, row.currency, row.category): row.amount
            for row in SalesDay.objects.all() if row.amount}


def test_the_kept_sales_are_what_counting_the_orders_again_gives(people, anna_account):
    anna, boris, admin = people["anna"], people["boris"], people["admin"]
    pumps = ProductFactory(category="Pumps", list_price=D("1000.00"))
    seals = ProductFactory(category="Seals", list_price=D("10.00"))
    other = AccountFactory(name="Beta", owner=boris)

    first = services.order_create(user=anna, data={
        "number": "S-1", "account": anna_account, "ordered_on": dt.date(2026, 3, 5), "currency": "RUB",
        "lines": [{"product": pumps, "quantity": D("2")}, {"product": seals, "quantity": D("5")}]})
    second = services.order_create(user=admin, data={
        "number": "S-2", "account": other, "ordered_on": dt.date(2026, 3, 5), "currency": "RUB",
        "lines": [{"product": pumps, "quantity": D("1")}]})
    assert SalesDay.objects.get(owner=anna, day=dt.date(2026, 3, 5), category="").amount == D("2050.00")
    assert SalesDay.objects.get(owner=anna, category="Seals").month == dt.date(2026, 3, 1)

    # Another day, other lines; then the second order is cancelled (no longer a purchase).
    services.order_update(user=anna, order=first, data={
        "ordered_on": dt.date(2026, 4, 1), "lines": [{"product": seals, "quantity": D("7")}]}, version=first.version)
    second.refresh_from_db()
    services.order_update(user=admin, order=second, data={"status": "cancelled"}, version=second.version)
    services.orders_bulk_load(user=admin, orders=[
        {"number": f"B-{n}", "account_id": other.pk, "ordered_on": dt.date(2025, 12, n + 1), "currency": "RUB",
         "status": "completed", "lines": [(pumps.pk, D("1"), D("900.00"), D("0"))]} for n in range(3)])
    third = services.order_create(user=anna, data={
        "number": "S-3", "account": anna_account, "ordered_on": dt.date(2026, 5, 2), "currency": "USD",
        "lines": [{"product": pumps, "quantity": D("1"), "unit_price": D("12.00")}]})

    # Beta goes to Anna: its purchases leave Boris's rows. Pumps become "Hydraulics".
    other.refresh_from_db()
    account_services.account_update(user=people["head"], account=other, data={"owner": anna}, version=other.version)
    pumps.refresh_from_db()
    catalog_services.product_update(user=admin, product=pumps, data={"category": "Hydraulics"},
                                    version=pumps.version)
    services.order_delete(user=anna, order=third)

    as_kept = kept()
    assert not SalesDay.objects.filter(owner=boris).exclude(amount=0).exists()
    assert SalesDay.objects.get(owner=anna, day=dt.date(2025, 12, 2), category="Hydraulics").amount == D("900.00")
    assert not SalesDay.objects.filter(category="Pumps").exclude(amount=0).exists()
    sales.rebuild_sales_days()
    assert as_kept == kept()
    assert sum(amount for key, amount in as_kept.items() if key[-1] == "") == D("70.00") + 3 * D("900.00")


def test_a_large_change_adds_to_the_kept_rows_and_creates_the_missing_ones(people):
    # Over a few hundred rows PostgreSQL takes them in bulk (COPY and one upsert): same result.
    owner = people["anna"]
    start = dt.date(2026, 1, 1)
    days = [start + dt.timedelta(days=n) for n in range(700)]
    first = Counter({(owner.pk, 0, day, "RUB", ""): Decimal("10.50") for day in days[:400]})
    sales.apply(first)
    sales.apply(Counter({(owner.pk, 0, day, "RUB", ""): Decimal("1.25") for day in days}))
    sales.apply(Counter({(owner.pk, 0, days[0], "RUB", ""): Decimal("0.75")}), sign=-1)
    kept = dict(SalesDay.objects.values_list("day", "amount"))
    assert len(kept) == 700
    assert kept[days[0]] == Decimal("11.00") and kept[days[399]] == Decimal("11.75")
    assert kept[days[400]] == Decimal("1.25")
    assert SalesDay.objects.get(day=days[450]).month == dt.date(2027, 3, 1)
