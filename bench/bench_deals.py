"""Time the pipeline board with many open deals, and a 200-line proposal as DOCX and PDF.

Run against a database filled by `kam generate` (any size; the board's cost depends on the deals):

    KAM_DATA_DIR=... [KAM_DATABASE_URL=...] .venv/bin/python bench/bench_deals.py [--deals 10000] [--runs 30]

Open deals are added (in bulk, spread over the open stages and the accounts, a tenth of them
tenders) until there are ``--deals``, plus a tenth as many closed in the last 90 days. The board is
requested through Django's test client as the administrator (sees every deal), as a head of sales
(the team's accounts) and as a manager; then one proposal of 200 lines is rendered to DOCX and PDF.
Prints medians and 95th percentiles and the SQL queries of one board.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyaccount.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from keyaccount.accounts.models import Account  # noqa: E402
from keyaccount.catalog.models import Product  # noqa: E402
from keyaccount.core.choices import Role  # noqa: E402
from keyaccount.core.models import User  # noqa: E402
from keyaccount.deals import documents, services  # noqa: E402
from keyaccount.deals.models import Deal, DealStageChange, Stage  # noqa: E402


def _percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def fill(deals: int) -> None:
    services.default_stages_ensure()
    rng = random.Random(11)
    open_stages = list(Stage.objects.filter(outcome="open", is_active=True))
    closed = list(Stage.objects.exclude(outcome="open"))
    have = Deal.objects.filter(stage__outcome="open").count()
    accounts = list(Account.objects.values_list("pk", "owner_id")[:50_000])
    today, now = timezone.localdate(), timezone.now()
    rows = []
    for number in range(have, deals + deals // 10):
        account_id, owner_id = rng.choice(accounts)
        stage = rng.choice(open_stages) if number < deals else rng.choice(closed)
        tender = number % 10 == 0
        rows.append(Deal(account_id=account_id, owner_id=owner_id, stage=stage, title=f"Bench deal {number}",
                         kind="tender" if tender else "deal", tender_number=f"T{number}" if tender else "",
                         submission_deadline=now + dt.timedelta(days=rng.randint(1, 60)) if tender else None,
                         amount=Decimal(rng.randint(1, 500)) * 10000, probability=stage.probability,
                         expected_close_on=today + dt.timedelta(days=rng.randint(-30, 200)),
                         closed_on=today - dt.timedelta(days=rng.randint(0, 89)) if stage.is_closed else None,
                         stage_entered_at=now - dt.timedelta(days=rng.randint(1, 90))))
    created = Deal.objects.bulk_create(rows, batch_size=2000)
    DealStageChange.objects.bulk_create([DealStageChange(deal=deal, to_stage=deal.stage, changed_at=now)
                                         for deal in created], batch_size=2000)
    print(f"added {len(created)} deals")


def time_board(client: Client, runs: int) -> tuple[float, float, int]:
    client.get("/deals/")  # warm up
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/deals/")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries = len(captured)
    return (*_percentiles(timings), queries)


def proposal_of(lines: int):
    admin = User.objects.get(username="bench-admin")
    account = Account.objects.order_by("pk").first()
    products = list(Product.objects.filter(currency="RUB")[:lines]) or list(Product.objects.all()[:lines])
    rows = [{"product": products[number % len(products)], "quantity": number % 7 + 1,
             "discount_percent": Decimal(number % 4 * 5)} for number in range(lines)]
    return services.proposal_create(user=admin, account=account, data={
        "title": "Bench proposal", "language": "ru", "lines": rows, "currency": products[0].currency,
        "terms": "Поставка в течение 20 рабочих дней."})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--lines", type=int, default=200)
    args = parser.parse_args()
    fill(args.deals)
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
    owner = User.objects.filter(role=Role.KAM, deals__isnull=False).first()
    head, _ = User.objects.get_or_create(username="bench-head", defaults={"role": Role.HEAD, "team": owner.team})
    print(f"{connection.vendor}: {Deal.objects.filter(stage__outcome='open').count()} open deals, "
          f"{Account.objects.count()} accounts")
    for label, user in (("administrator", admin), ("head of sales", head), ("manager", owner)):
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        median, p95, queries = time_board(client, args.runs)
        print(f"board as {label:14} median {median:6.1f} ms, p95 {p95:6.1f} ms, {queries} queries")
    proposal = proposal_of(args.lines)
    documents.render_docx(proposal), documents.render_proposal_pdf(proposal)  # warm up (imports, fonts)
    docx, pdf = [], []
    for _ in range(5):
        started = time.perf_counter()
        content = documents.render_docx(proposal)
        docx.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        printed = documents.render_proposal_pdf(proposal)
        pdf.append((time.perf_counter() - started) * 1000)
    print(f"proposal of {proposal.lines.count()} lines: DOCX median {statistics.median(docx):.0f} ms "
          f"({len(content) // 1024} KB), PDF median {statistics.median(pdf):.0f} ms ({len(printed) // 1024} KB), "
          f"both {statistics.median(docx) + statistics.median(pdf):.0f} ms")


if __name__ == "__main__":
    main()
