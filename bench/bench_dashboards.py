"""Time the head's pages that read over the whole order history: the portfolio (insights dashboard with
the market indicator) and plan against actuals, on the configured database.

Run against a database filled by `kam generate --accounts N --order-lines M` and `kam insights refresh`:

    KAM_DATA_DIR=... [KAM_DATABASE_URL=postgresql://…] .venv/bin/python bench/bench_dashboards.py [--repeat 20]

Requests go through Django's test client in this process (no network), as the head of a scale team
(sees a fifth of the accounts) and as the administrator (sees all). The portfolio page reads the
figures kept for the user's access scope; the script also times counting them (what the worker does
once orders change, and what the page did on every request before). `kam generate` gives every
manager and team a plan for the year (last year's sales and a tenth more).
Prints the median and 95th percentile per page and the number of SQL queries each ran.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyaccount.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from page_timing import bench_users, measure  # noqa: E402

from keyaccount.accounts.models import Account  # noqa: E402
from keyaccount.core import access  # noqa: E402
from keyaccount.insights import queries as insights_queries  # noqa: E402
from keyaccount.insights import services as insights_services  # noqa: E402
from keyaccount.orders.models import OrderLine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    _team, head, admin = bench_users()
    print(f"database: {connection.vendor}, accounts: {Account.objects.count():,}, "
          f"order lines: {OrderLine.objects.count():,}")
    rows = []
    for user in (head, admin):
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        for name, url in (("portfolio (kept figures)", "/insights/"), ("plan against actuals", "/planning/")):
            median, p95, queries = measure(client, url, args.repeat)
            rows.append((user.username, name, median, p95, queries))
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            insights_queries.portfolio_figures(access.account_q(user))
        rows.append((user.username, "counting the portfolio's figures (worker)",
                     (time.perf_counter() - started) * 1000, None, len(captured)))
    insights_services.recount_portfolios(only_stale=False)
    print("| user | page | median, ms | p95, ms | SQL queries |")
    print("| --- | --- | ---: | ---: | ---: |")
    for username, name, median, p95, queries in rows:
        print(f"| {username} | {name} | {median:.1f} | {'' if p95 is None else f'{p95:.1f}'} | {queries} |")


if __name__ == "__main__":
    main()
