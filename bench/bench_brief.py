"""Time the meeting brief (HTML and PDF) on the configured database.

Run against a database filled by `kam generate --accounts N --order-lines M`:

    KAM_DATA_DIR=... .venv/bin/python bench/bench_brief.py [--accounts 20] [--pdf 5]

Each sampled account's brief is requested through Django's test client as the administrator
(the purchases section, with its suggested offers over the last two years of order lines, is the
costly part). Prints the median and 95th percentile and the SQL queries of one brief.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyaccount.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from keyaccount.core.choices import Role  # noqa: E402
from keyaccount.core.models import User  # noqa: E402
from keyaccount.orders.models import Order  # noqa: E402


def _percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--pdf", type=int, default=5)
    args = parser.parse_args()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
    client = Client(SERVER_NAME="localhost")
    client.force_login(admin)
    last = Order.objects.order_by("-id").values_list("id", flat=True).first() or 0
    step = max(1, last // args.accounts)
    accounts = list(dict.fromkeys(Order.objects.filter(id__in=range(1, last + 1, step)).values_list(
        "account_id", flat=True)))[: args.accounts]
    client.get(f"/timeline/accounts/{accounts[0]}/brief/")  # warm up
    html, queries = [], 0
    for account_id in accounts:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(f"/timeline/accounts/{account_id}/brief/")
            html.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries = len(captured)
    pdf = []
    for account_id in accounts[: args.pdf]:
        started = time.perf_counter()
        response = client.get(f"/timeline/accounts/{account_id}/brief.pdf")
        pdf.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    print(f"{connection.vendor}: {Order.objects.count()} orders")
    median, p95 = _percentiles(html)
    print(f"brief HTML  median {median:.0f} ms, p95 {p95:.0f} ms, {queries} queries ({len(html)} accounts)")
    median, p95 = _percentiles(pdf)
    print(f"brief PDF   median {median:.0f} ms, p95 {p95:.0f} ms ({len(pdf)} accounts)")


if __name__ == "__main__":
    main()
