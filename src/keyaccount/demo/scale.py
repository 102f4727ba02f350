"""The scale data set for benchmarks: any number of accounts and order lines, streamed in bounded
memory straight into the tables (COPY on PostgreSQL, executemany on SQLite).

This bypasses the services on purpose: it makes throw-away volume for measuring pages and queries,
not business data, and records no audit entries. Use the demo generator for believable data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from keyaccount.accounts import search_index
from keyaccount.accounts.choices import AccountStatus, Industry
from keyaccount.catalog.models import Product
from keyaccount.core import bulk
from keyaccount.core.choices import Role
from keyaccount.core.identifiers import inn_check_digits
from keyaccount.core.models import Team, User
from keyaccount.core.search import fold

_SYLLABLES = ["сев", "ур", "ал", "тех", "но", "пром", "ст", "рой", "ма", "ш", "вол", "га", "сиб", "ир", "ка", "ма",
              "нев", "а", "тор", "г", "лог", "ис", "тик", "ин", "вест", "рес", "ур", "с"]
_LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
         "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Орлов"]
_FIRST = ["Александр", "Алексей", "Андрей", "Анна", "Елена", "Ирина", "Дмитрий", "Сергей", "Ольга", "Мария"]


def generate(*, accounts: int, order_lines: int, seed: int = 7, progress: Callable[[str], None] = print) -> dict:
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    teams = [Team.objects.get_or_create(name=f"Scale team {n}")[0] for n in range(5)]
    owners = []
    for n in range(50):
        user, _ = User.objects.get_or_create(username=f"scale{n:02d}", defaults={
            "role": Role.KAM, "team": teams[n % 5], "first_name": "Scale", "last_name": f"Manager {n:02d}"})
        owners.append(user)
    products = list(Product.objects.values_list("pk", "list_price"))
    if len(products) < 50:
        Product.objects.bulk_create(
            Product(sku=f"SCALE-{n:04d}", name=f"Scale product {n}", category=f"Category {n % 12}",
                    list_price=rng.choice([900, 2500, 7800, 15000, 48000]), currency="RUB",
                    search_text=fold(f"SCALE-{n:04d}", f"Scale product {n}", f"Category {n % 12}"))
            for n in range(200))
        products = list(Product.objects.values_list("pk", "list_price"))
    first_account = bulk.next_id("accounts_account")
    statuses = [AccountStatus.KEY] * 5 + [AccountStatus.REPEAT] * 40 + [AccountStatus.ONE_TIME] * 30 + \
        [AccountStatus.PROSPECT] * 15 + [AccountStatus.LOST] * 10
    industries = list(Industry.values)

    def account_rows():
        for n in range(accounts):
            pk = first_account + n
            name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 5))).capitalize()
            inn = inn_check_digits(f"{(pk * 7919) % 10**9:09d}")
            owner = owners[pk % len(owners)]
            contacts = [f"{rng.choice(_LAST)} {rng.choice(_FIRST)}".lower() for _ in range(2)]
            phones = [f"7916{(pk * 2 + i) % 10**7:07d} 916{(pk * 2 + i) % 10**7:07d}" for i in range(2)]
            search = " | ".join([f"ооо «{name}»".lower(), name.lower(), inn, *contacts, *phones])
            if n and n % 20_000 == 0:
                progress(f"  accounts: {n:,}")
            yield (pk, f"ООО «{name}»", name, inn, "", "", "", "RU", rng.choice(industries), "", "", "", "", "", "", "",
                   "", "", "", rng.choice(statuses), now, owner.pk, owner.team_id, search, 1, now, now)

    columns = ["id", "name", "short_name", "inn", "kpp", "ogrn", "vat_number", "country", "industry", "size",
               "website", "phone", "legal_address", "postal_address", "description", "history", "needs", "plans",
               "notes", "status", "status_changed_at", "owner_id", "team_id", "search_text", "version", "created_at",
               "updated_at"]
    with transaction.atomic():
        progress(f"accounts ({accounts:,})")
        bulk.insert_rows("accounts_account", columns, account_rows(),
                         datetime_columns=("status_changed_at", "created_at", "updated_at"))
        bulk.reset_sequence("accounts_account")
        search_index.rebuild(connection)

        progress("contacts")
        first_contact = bulk.next_id("accounts_contact")

        def contact_rows():
            for n in range(accounts * 2):
                last, first = rng.choice(_LAST), rng.choice(_FIRST)
                digits = f"{(first_account * 2 + n) % 10**7:07d}"
                yield (first_contact + n, first_account + n // 2, last, first, "", "", "", "", "", "", "", "", 0,
                       fold(f"{last} {first}", f"7916{digits} 916{digits}"), 1, now, now)

        bulk.insert_rows("accounts_contact", ["id", "account_id", "last_name", "first_name", "patronymic", "position",
                                     "department", "messengers", "preferred_language", "preferred_channel",
                                     "form_of_address", "notes", "relationship_strength", "search_text", "version",
                                     "created_at", "updated_at"], contact_rows(),
                         datetime_columns=("created_at", "updated_at"))
        bulk.reset_sequence("accounts_contact")
        bulk.insert_rows("accounts_contactphone", ["contact_id", "number", "kind"],
                ((first_contact + n, f"+7916{(first_account * 2 + n) % 10**7:07d}", "work")
                 for n in range(accounts * 2)))

        progress(f"orders and {order_lines:,} lines")
        first_order = bulk.next_id("orders_order")
        lines_per_order = 8
        orders = max(1, order_lines // lines_per_order)
        start = today - dt.timedelta(days=3 * 365)
        # Order volume is skewed as in real portfolios: a fifth of the accounts place most orders.
        heavy = max(1, accounts // 5)

        def order_rows():
            for n in range(orders):
                account = first_account + (rng.randrange(heavy) if rng.random() < 0.8 else rng.randrange(accounts))
                ordered_on = start + dt.timedelta(days=rng.randrange(3 * 365))
                due = ordered_on + dt.timedelta(days=30)
                if n and n % 250_000 == 0:
                    progress(f"  orders: {n:,}")
                yield (first_order + n, f"S{first_order + n:09d}", account, ordered_on, "RUB", 0, "completed", due,
                       due, "", 1, now, now)

        bulk.insert_rows("orders_order", ["id", "number", "account_id", "ordered_on", "currency", "total", "status",
                                 "payment_due_on", "paid_on", "notes", "version", "created_at", "updated_at"],
                         order_rows(), datetime_columns=("created_at", "updated_at"))
        bulk.reset_sequence("orders_order")

        def line_rows():
            for n in range(order_lines):
                product, price = products[rng.randrange(len(products))]
                quantity = rng.randint(1, 20)
                if n and n % 1_000_000 == 0:
                    progress(f"  lines: {n:,}")
                yield (first_order + (n // lines_per_order) % orders, product, quantity, price, 0, price * quantity)

        bulk.insert_rows("orders_orderline", ["order_id", "product_id", "quantity", "unit_price", "discount_percent",
                                     "amount"], line_rows())
        progress("order totals")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE orders_order SET total = (SELECT COALESCE(SUM(amount), 0) FROM orders_orderline "
                "WHERE orders_orderline.order_id = orders_order.id) WHERE id >= %s", [first_order])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"accounts": accounts, "contacts": accounts * 2, "orders": orders, "order_lines": order_lines}
