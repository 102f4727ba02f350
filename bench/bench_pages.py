"""Time the account list (first page, searches), the top bar's search and account pages on the configured
database.

Run against a database filled by `kam generate --accounts 100000 --order-lines 10000000`:

    KAM_DATA_DIR=... .venv/bin/python bench/bench_pages.py [--repeat 30]

Requests go through Django's test client in this process (no network), as the head of a scale
team (sees a fifth of the accounts through the access rule) and as the administrator (sees all).
Prints the median and 95th percentile per page and the number of SQL queries each ran.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyaccount.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from page_timing import bench_users, measure  # noqa: E402

from keyaccount.accounts.models import Account, Contact  # noqa: E402
from keyaccount.orders.models import Order  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    team, head, admin = bench_users()
    rng = random.Random(1)
    total = Account.objects.count()
    sample = list(Account.objects.filter(team=team).values_list("pk", "short_name", "inn")[:: max(1, total // 2000)])
    contact = Contact.objects.filter(account__team=team).order_by("pk").values_list("last_name", flat=True)[500]
    print(f"database: {connection.vendor}, accounts: {total:,}")
    rows = []
    for user in (head, admin):
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        _pk, short_name, inn = rng.choice(sample)
        pages = [
            ("account list, first page", "/accounts/"),
            ("account list, page 200", "/accounts/?page=200"),
            ("search: name fragment", f"/accounts/?q={short_name[:5]}"),
            ("search: full INN", f"/accounts/?q={inn}"),
            ("search: person's surname", f"/accounts/?q={contact}"),
            ("search: phone, national format", "/accounts/?q=8+916+000-12-34"),
            ("filter: key accounts", "/accounts/?status=key"),
            # The top bar's search (Ctrl+K), its full page: accounts, people, deals and tickets.
            ("top bar search: person's surname", f"/search/?q={contact}"),
            ("top bar search: name fragment", f"/search/?q={short_name[:5]}"),
            ("top bar search: a syllable many names share", "/search/?q=пром"),
        ]
        for name, url in pages:
            median, p95, queries = measure(client, url, args.repeat)
            rows.append((user.username, name, median, p95, queries))
        detail_timings, detail_queries = [], set()
        for pk, _name, _inn in rng.sample(sample, min(args.repeat, len(sample))):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(f"/accounts/{pk}/")
                detail_timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            detail_queries.add(len(captured))
        detail_timings.sort()
        if user is admin:
            # The "account page with 10,000 orders": the generator's largest account.
            largest = (Order.objects.values("account_id").annotate(orders=Count("id")).order_by("-orders").first())
            median, p95, queries = measure(client, f"/accounts/{largest['account_id']}/", args.repeat)
            rows.append((user.username, f"account page, largest history ({largest['orders']:,} orders)", median,
                         p95, queries))
        rows.append((user.username, f"account page ({len(detail_timings)} different accounts)",
                     statistics.median(detail_timings), detail_timings[int(len(detail_timings) * 0.95) - 1],
                     "/".join(str(q) for q in sorted(detail_queries))))
    print("| user | page | median, ms | p95, ms | SQL queries |")
    print("| --- | --- | ---: | ---: | ---: |")
    for user, name, median, p95, queries in rows:
        print(f"| {user} | {name} | {median:.1f} | {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
