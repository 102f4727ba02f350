"""The scale data set: any number of accounts and order lines, streamed in bounded memory straight into
the tables (COPY on PostgreSQL, executemany on SQLite), shaped as a large distributor's would be.

- People who can sign in (password ``demo``): 50 key-account managers in 5 teams (``scale00``…), a head
  per team (``scale-head-0``…), two support agents, an analyst and an administrator (``scale-admin``).
- Account sizes are heavy-tailed: one account with 100,000 order lines (a twentieth of smaller sets), the
  other buyers' orders by a Zipf law over a random ranking (a few come near it or pass it, most have one
  or two orders); the top 2 % are key accounts, the next third repeat customers, then one-time buyers,
  then prospects and lost accounts without orders.
- Around the buyers: deals at every stage, a year of calls and meetings (and next weeks' meetings with
  the key accounts), complaints and support tickets, open and closed.

It bypasses the services on purpose (volume fast, no audit entries, no notifications); what it writes
is what the services would, so every page works on it. The demo generator makes the smaller, hand-shaped
company.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from keyaccount.accounts import search_index
from keyaccount.accounts.choices import AccountStatus, Industry
from keyaccount.accounts.models import Account, Contact
from keyaccount.catalog.models import Product
from keyaccount.core import bulk
from keyaccount.core.choices import Role
from keyaccount.core.identifiers import inn_check_digits
from keyaccount.core.models import Team, User
from keyaccount.core.search import fold
from keyaccount.deals.choices import StageOutcome
from keyaccount.deals.models import Deal, Stage
from keyaccount.feedback.models import Feedback, Ticket, TicketMessage
from keyaccount.orders import sales
from keyaccount.orders.models import Order, SalesDay
from keyaccount.planning.choices import PeriodKind
from keyaccount.planning.models import SalesPlan
from keyaccount.timeline.models import Interaction

_SYLLABLES = ["сев", "ур", "ал", "тех", "но", "пром", "ст", "рой", "ма", "ш", "вол", "га", "сиб", "ир", "ка", "ма",
              "нев", "а", "тор", "г", "лог", "ис", "тик", "ин", "вест", "рес", "ур", "с"]
_LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
         "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Орлов"]
_FIRST = ["Александр", "Алексей", "Андрей", "Анна", "Елена", "Ирина", "Дмитрий", "Сергей", "Ольга", "Мария"]


def generate(*, accounts: int, order_lines: int, seed: int = 7, progress: Callable[[str], None] = print) -> dict:
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    owners, heads, support = _people()
    products = _products(rng)
    first_account = bulk.next_id("accounts_account")
    # The accounts ranked by size at random (not by id), the largest first.
    ranking = list(range(accounts))
    rng.shuffle(ranking)
    rank_of = [0] * accounts
    for rank, index in enumerate(ranking):
        rank_of[index] = rank
    key_ranks, repeat_ranks, buyer_ranks = (max(1, accounts * share // 100) for share in (2, 35, 60))

    def status(index: int) -> str:
        rank = rank_of[index]
        if rank < key_ranks:
            return AccountStatus.KEY
        if rank < repeat_ranks:
            return AccountStatus.REPEAT
        if rank < buyer_ranks:
            return AccountStatus.ONE_TIME
        return AccountStatus.PROSPECT if rank % 3 else AccountStatus.LOST

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
            yield (pk, f"ООО «{name}»", name, inn, "RU", rng.choice(industries), status(n), now, owner.pk,
                   owner.team_id, search)

    with transaction.atomic():
        progress(f"accounts ({accounts:,})")
        bulk.insert_records(Account, ["id", "name", "short_name", "inn", "country", "industry", "status",
                                      "status_changed_at", "owner_id", "team_id", "search_text"], account_rows())
        bulk.reset_sequence("accounts_account")
        search_index.rebuild(connection)

        progress("contacts")
        first_contact = bulk.next_id("accounts_contact")

        def contact_rows():
            for n in range(accounts * 2):
                last, first = rng.choice(_LAST), rng.choice(_FIRST)
                digits = f"{(first_account * 2 + n) % 10**7:07d}"
                yield (first_contact + n, first_account + n // 2, last, first, 0,
                       fold(f"{last} {first}", f"7916{digits} 916{digits}"))

        bulk.insert_records(Contact, ["id", "account_id", "last_name", "first_name", "relationship_strength",
                                      "search_text"], contact_rows())
        bulk.reset_sequence("accounts_contact")
        bulk.insert_rows("accounts_contactphone", ["contact_id", "number", "kind"],
                         ((first_contact + n, _phone(first_account, n), "work") for n in range(accounts * 2)))

        progress(f"orders and {order_lines:,} lines")
        first_order = bulk.next_id("orders_order")
        orders = max(1, order_lines // LINES_PER_ORDER)
        start = today - dt.timedelta(days=3 * 365)

        def order_rows():
            for n, index in enumerate(_order_accounts(rng, ranking, orders, order_lines, repeat_ranks, buyer_ranks)):
                ordered_on = start + dt.timedelta(days=rng.randrange(3 * 365))
                due = ordered_on + dt.timedelta(days=30)
                if n and n % 250_000 == 0:
                    progress(f"  orders: {n:,}")
                yield (first_order + n, f"S{first_order + n:09d}", first_account + index, ordered_on, "RUB", 0,
                       "completed", due, due)

        bulk.insert_records(Order, ["id", "number", "account_id", "ordered_on", "currency", "total", "status",
                                    "payment_due_on", "paid_on"], order_rows())
        bulk.reset_sequence("orders_order")

        def line_rows():
            for n in range(order_lines):
                product, price = products[rng.randrange(len(products))]
                quantity = rng.randint(1, 20)
                if n and n % 1_000_000 == 0:
                    progress(f"  lines: {n:,}")
                yield (first_order + (n // LINES_PER_ORDER) % orders, product, quantity, price, 0, price * quantity)

        bulk.insert_rows("orders_orderline", ["order_id", "product_id", "quantity", "unit_price", "discount_percent",
                                              "amount"], line_rows())
        progress("order totals")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE orders_order SET total = (SELECT COALESCE(SUM(amount), 0) FROM orders_orderline "
                "WHERE orders_orderline.order_id = orders_order.id) WHERE id >= %s", [first_order])
        progress("sales by day and this year's plans")
        sales.rebuild_sales_days()
        _plans(owners, today)

        buyers = [(first_account + index, owners[(first_account + index) % len(owners)], rank_of[index] < key_ranks,
                   first_contact + 2 * index) for index in ranking[:repeat_ranks]]
        progress("deals")
        deals = _deals(rng, buyers, now, today)
        progress("calls and meetings")
        interactions = _interactions(rng, buyers, first_account, first_contact, now)
        progress("complaints and tickets")
        complaints, tickets = _feedback(rng, [(first_account + index, owners[(first_account + index) % len(owners)],
                                               first_contact + 2 * index) for index in ranking[:buyer_ranks]],
                                        support, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"accounts": accounts, "contacts": accounts * 2, "orders": orders, "order_lines": order_lines,
            "deals": deals, "interactions": interactions, "complaints": complaints, "tickets": tickets,
            "users": len(owners) + len(heads) + len(support) + 2}


# Lines per order; the largest account's lines, at most (a twentieth of a smaller data set); the Zipf
# exponent of the other accounts' order counts (a little above 1: a few huge, a long tail of small).
LINES_PER_ORDER = 8
LARGEST_ACCOUNT_LINES = 100_000
ZIPF = 1.1
PASSWORD = "demo"


def _people() -> tuple[list[User], list[User], list[User]]:
    """The teams and everyone in them, all signing in with PASSWORD (one hash for all: a data set to try
    the product with, not accounts to keep)."""
    password = make_password(PASSWORD)
    teams = [Team.objects.get_or_create(name=f"Scale team {n}")[0] for n in range(5)]

    def person(username, role, team, first, last):
        user, _ = User.objects.update_or_create(username=username, defaults={
            "role": role, "team": team, "first_name": first, "last_name": last, "password": password,
            "is_active": True})
        return user

    owners = [person(f"scale{n:02d}", Role.KAM, teams[n % 5], _FIRST[n % len(_FIRST)], f"{_LAST[n % len(_LAST)]}")
              for n in range(50)]
    heads = [person(f"scale-head-{n}", Role.HEAD, team, "Руководитель", f"Отдел {n}") for n, team in enumerate(teams)]
    support = [person(f"scale-support-{n}", Role.SUPPORT, None, "Поддержка", str(n)) for n in (1, 2)]
    person("scale-analyst", Role.ANALYST, None, "Аналитик", "")
    person("scale-admin", Role.ADMIN, None, "Администратор", "")
    return owners, heads, support


def _plans(owners: list[User], today: dt.date) -> None:
    """This year's plan for each manager (last year's sales and a tenth more) and each team (the sum of
    its managers'), as a head of sales sets them in January."""
    year = dt.date(today.year, 1, 1)
    last_year = dict(SalesDay.objects.filter(day__year=today.year - 1, category="", currency="RUB")
                     .values("owner_id").annotate(total=Sum("amount")).values_list("owner_id", "total"))
    by_team: dict[int, Decimal] = {}
    for owner in owners:
        amount = max(Decimal("1000000"), (last_year.get(owner.pk) or Decimal("0")) * Decimal("1.1")).quantize(
            Decimal("1000"))
        SalesPlan.objects.update_or_create(user=owner, team=None, period_kind=PeriodKind.YEAR, period_start=year,
                                           category="", defaults={"amount": amount, "currency": "RUB"})
        by_team[owner.team_id] = by_team.get(owner.team_id, Decimal("0")) + amount
    for team_id, amount in by_team.items():
        SalesPlan.objects.update_or_create(user=None, team_id=team_id, period_kind=PeriodKind.YEAR, period_start=year,
                                           category="", defaults={"amount": amount, "currency": "RUB"})


def _products(rng) -> list[tuple[int, int]]:
    products = list(Product.objects.values_list("pk", "list_price"))
    if len(products) < 50:
        Product.objects.bulk_create(
            Product(sku=f"SCALE-{n:04d}", name=f"Scale product {n}", category=f"Category {n % 12}",
                    list_price=rng.choice([900, 2500, 7800, 15000, 48000]), currency="RUB",
                    search_text=fold(f"SCALE-{n:04d}", f"Scale product {n}", f"Category {n % 12}"))
            for n in range(200))
        products = list(Product.objects.values_list("pk", "list_price"))
    return products


def _phone(first_account: int, contact: int) -> str:
    return f"+7916{(first_account * 2 + contact) % 10**7:07d}"


def _order_accounts(rng, ranking: list[int], orders: int, order_lines: int, repeat: int, buyers: int):
    """Each order's account (an index into the accounts), ``orders`` of them: the largest account's share
    first (LARGEST_ACCOUNT_LINES), two orders for each repeat customer and one for each one-time buyer,
    the rest by Zipf's law over the buyers' ranks after the first (so a few others come near the largest,
    and prospects and lost accounts have none)."""
    top = min(orders, min(LARGEST_ACCOUNT_LINES, order_lines // 20) // LINES_PER_ORDER)
    yield from (ranking[0] for _ in range(top))
    left = orders - top
    for rank in range(1, min(buyers, len(ranking))):
        for _ in range(2 if rank < repeat else 1):
            if left == 0:
                return
            yield ranking[rank]
            left -= 1
    population = ranking[1:buyers]
    if not population:
        yield from (ranking[0] for _ in range(left))
        return
    weights, total = [], 0.0
    for rank in range(1, len(population) + 1):
        total += 1 / rank**ZIPF
        weights.append(total)
    for done in range(0, left, 10_000):
        yield from rng.choices(population, cum_weights=weights, k=min(10_000, left - done))


def _working_moment(rng, day: dt.date, zone) -> dt.datetime:
    """A moment of working hours (9:00–17:30 local) on ``day``, moved to the Monday after a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(9), tzinfo=zone) + dt.timedelta(minutes=rng.randrange(0, 510, 5))


def _deals(rng, buyers, now, today) -> int:
    stages = {stage.code: stage for stage in Stage.objects.all()}
    open_stages = [stage for stage in stages.values() if stage.outcome == StageOutcome.OPEN]
    won, lost = stages.get("won"), stages.get("lost")
    first = bulk.next_id("deals_deal")
    titles = ["Поставка на квартал", "Годовой контракт", "Расширение ассортимента", "Тендер на поставку",
              "Пилотный проект", "Сервисное обслуживание"]

    def rows():
        n = 0
        for account, owner, key, contact in buyers:
            for _ in range(rng.choice((2, 3, 4)) if key else (1 if rng.random() < 0.3 else 0)):
                roll = rng.random()
                stage = rng.choice(open_stages) if roll < 0.6 or not won else (won if roll < 0.85 or not lost else lost)
                closed = (None if stage.outcome == StageOutcome.OPEN
                          else today - dt.timedelta(days=rng.randrange(1, 365)))
                expected = today + dt.timedelta(days=rng.randrange(-10, 120)) if closed is None else closed
                entered = now - dt.timedelta(days=rng.randrange(1, 60))
                yield (first + n, rng.choice(titles), account, contact, owner.pk, stage.pk, entered,
                       rng.choice([150_000, 480_000, 1_200_000, 3_500_000, 12_000_000]), "RUB", stage.probability,
                       expected, closed, "price" if stage == lost else "")
                n += 1

    count = bulk.insert_records(Deal, ["id", "title", "account_id", "contact_id", "owner_id", "stage_id",
                                       "stage_entered_at", "amount", "currency", "probability", "expected_close_on",
                                       "closed_on", "loss_reason"], rows())
    bulk.reset_sequence("deals_deal")
    return count


def _interactions(rng, buyers, first_account, first_contact, now) -> int:
    """A year of calls (answered, missed) and held meetings per buying account, key accounts the most,
    and the key accounts' meetings planned for the next two weeks; each with one of the account's two
    people (the even or odd of them by the interaction's id), whose number a call was on."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    first = bulk.next_id("timeline_interaction")
    columns = ["id", "kind", "account_id", "owner_id", "starts_at", "ends_at", "subject", "direction", "their_number",
               "answered_at", "duration_seconds", "talk_seconds", "outcome", "match_status", "place",
               "meeting_status", "actual_start_at"]

    def rows():
        pk = first
        for account, owner, key, contact in buyers:
            calls = rng.randint(12, 30) if key else rng.randint(1, 5)
            meetings = rng.randint(3, 8) if key else rng.randint(0, 1)
            for kind, times in (("call", calls), ("meeting", meetings), ("planned", 2 if key else 0)):
                for _ in range(times):
                    if kind == "planned":
                        starts = _working_moment(rng, today + dt.timedelta(days=rng.randrange(1, 14)), zone)
                        yield (pk, "meeting", account, owner.pk, starts, starts + dt.timedelta(hours=1),
                               "Встреча по итогам квартала", "", "", None, None, None, "", "", "Офис клиента",
                               "planned", None)
                    elif kind == "meeting":
                        starts = _working_moment(rng, today - dt.timedelta(days=rng.randrange(1, 365)), zone)
                        yield (pk, "meeting", account, owner.pk, starts, starts + dt.timedelta(hours=1),
                               "Встреча с клиентом", "", "", None, None, None, "", "", "Офис клиента", "held", starts)
                    else:
                        starts = _working_moment(rng, today - dt.timedelta(days=rng.randrange(1, 365)), zone)
                        answered = rng.random() < 0.85
                        talk = rng.randint(30, 900) if answered else 0
                        ring = rng.randint(3, 25)
                        number = _phone(first_account, contact - first_contact + pk % 2)
                        yield (pk, "call", account, owner.pk, starts, starts + dt.timedelta(seconds=ring + talk), "",
                               rng.choice(["in", "out"]), number,
                               starts + dt.timedelta(seconds=ring) if answered else None, ring + talk, talk,
                               "answered" if answered else "missed", "matched", "", "", None)
                    pk += 1

    written = bulk.insert_records(Interaction, columns, rows())
    bulk.reset_sequence("timeline_interaction")
    with connection.cursor() as cursor:
        # Contacts are two per account, in the accounts' order: the person is found by arithmetic.
        cursor.execute("INSERT INTO timeline_interactioncontact (interaction_id, contact_id) "
                       "SELECT id, %s + 2 * (account_id - %s) + (id %% 2) FROM timeline_interaction WHERE id >= %s",
                       [first_contact, first_account, first])
    return written


_COMPLAINTS = [("Задержка поставки", "Поставка пришла на неделю позже согласованной даты."),
               ("Пересорт в отгрузке", "В отгрузке не та позиция, что в заказе."),
               ("Ошибка в счёте", "Сумма в счёте не совпадает с договорённой ценой."),
               ("Повреждённая упаковка", "Часть товара пришла в повреждённой упаковке.")]
_TICKETS = [("Не могу войти в личный кабинет", "Пароль не подходит, сброс не приходит на почту."),
            ("Нужны закрывающие документы", "Пришлите, пожалуйста, УПД за прошлый месяц."),
            ("Вопрос по интеграции", "Как выгрузить заказы в 1С?"),
            ("Статус заказа", "Когда будет отгружен наш последний заказ?")]


def _feedback(rng, buyers, support, now) -> tuple[int, int]:
    """Complaints at one buying account in 30 and tickets at one in 20, a fifth of each still open (the
    open ones recent, within their response windows or just past them), the rest answered and closed."""
    first = bulk.next_id("feedback_feedback")

    def complaint_rows():
        pk = first
        for account, owner, contact in buyers:
            if rng.random() >= 1 / 30:
                continue
            subject, text = rng.choice(_COMPLAINTS)
            still_open = rng.random() < 0.2
            received = now - (dt.timedelta(hours=rng.randint(1, 72)) if still_open
                              else dt.timedelta(days=rng.randint(7, 365)))
            answered = received + dt.timedelta(hours=rng.randint(1, 20))
            done = received + dt.timedelta(days=rng.randint(1, 5))
            yield (pk, account, contact, "complaint", rng.choice(["email", "call"]),
                   rng.choice(["normal", "normal", "high"]), subject, text, owner.pk,
                   "new" if still_open else "closed", received, received + dt.timedelta(days=1),
                   received + dt.timedelta(days=5), None if still_open else answered,
                   None if still_open else done, "" if still_open else "Заменили позицию, скидка на следующий заказ.",
                   None if still_open else done, None if still_open else owner.pk, "" if still_open else "call",
                   "" if still_open else "satisfied", None if still_open else done)
            pk += 1

    complaints = bulk.insert_records(Feedback, [
        "id", "account_id", "contact_id", "kind", "channel", "severity", "subject", "text", "assignee_id", "status",
        "received_at", "response_due", "resolution_due", "first_response_at", "resolved_at", "resolution",
        "informed_at", "informed_by_id", "informed_via", "client_reaction", "closed_at"], complaint_rows())
    bulk.reset_sequence("feedback_feedback")

    first_ticket = bulk.next_id("feedback_ticket")
    messages: list[tuple] = []

    def ticket_rows():
        pk = first_ticket
        for account, _owner, contact in buyers:
            if rng.random() >= 1 / 20:
                continue
            subject, text = rng.choice(_TICKETS)
            still_open = rng.random() < 0.2
            created = now - (dt.timedelta(hours=rng.randint(1, 48)) if still_open
                             else dt.timedelta(days=rng.randint(3, 365)))
            agent = rng.choice(support)
            email = f"client{account}@example.ru"
            messages.append((pk, "in", None, email, text, created))
            if not still_open:
                messages.append((pk, "out", agent.pk, "", "Готово, проверьте, пожалуйста.",
                                 created + dt.timedelta(hours=3)))
            yield (pk, account, contact, subject, "new" if still_open else "closed",
                   rng.choice(["normal", "normal", "high", "low"]), None if still_open else agent.pk, "email", email,
                   created, created + dt.timedelta(hours=8), created + dt.timedelta(days=3),
                   None if still_open else created + dt.timedelta(hours=3),
                   None if still_open else created + dt.timedelta(hours=3))
            pk += 1

    tickets = bulk.insert_records(Ticket, [
        "id", "account_id", "contact_id", "subject", "status", "priority", "assignee_id", "channel", "email",
        "created_at", "response_due", "resolution_due", "first_response_at", "solved_at"], ticket_rows())
    bulk.reset_sequence("feedback_ticket")
    # Messages are a tenth of the tickets' number of rows times two at most: held until the tickets are in.
    bulk.insert_records(TicketMessage, ["ticket_id", "kind", "author_id", "sender", "body", "created_at"], messages)
    return complaints, tickets
