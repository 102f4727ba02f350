"""Time the API's list pages: the first, a deep offset, and the last page reached by cursor.

Run against a database filled by `kam generate --accounts 100000 --order-lines 2000000`:

    KAM_DATA_DIR=... [KAM_DATABASE_URL=postgresql://…] .venv/bin/python bench/bench_api_paging.py [--repeat 20]

Requests go through Django's test client in this process (token auth, the access rule, the schema), as
the administrator (sees every row) and as the head of one scale team (a fifth of the accounts). For
each list: the first page of 50, the page at offset 9,950 (the deepest offset allowed), a page in the
middle and the last page, whose cursors are found by walking the list 500 rows a page. Prints the
median and 95th percentile of each and the SQL queries it ran.
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
from page_timing import bench_users  # noqa: E402

from keyaccount.core import services  # noqa: E402

LISTS = ["/api/v1/accounts/", "/api/v1/contacts/", "/api/v1/orders/", "/api/v1/interactions/"]


def timed(client: Client, headers: dict, path: str, params: dict, repeat: int) -> tuple[float, float, int, dict]:
    client.get(path, params, **headers)
    timings, queries, answer = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            answer = client.get(path, params, **headers)
            timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (path, params, answer.content[:300])
        queries = len(captured)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], queries, answer.json()


def cursors(client: Client, headers: dict, path: str) -> tuple[str | None, str | None, int]:
    """The cursors of a page in the middle and of the last page of 50, and the rows walked to find them."""
    walked, cursor, rows = [], None, 0
    while True:
        answer = client.get(path, {"limit": 500, **({"cursor": cursor} if cursor else {})}, **headers).json()
        rows += len(answer["items"])
        if not answer["next"]:
            break
        cursor = answer["next"]
        walked.append(cursor)
    middle = walked[len(walked) // 2] if walked else None
    # The last page of 500 starts after the cursor before it; walk it 50 at a time to the last 50.
    cursor = walked[-2] if len(walked) > 1 else None
    while True:
        answer = client.get(path, {"limit": 50, **({"cursor": cursor} if cursor else {})}, **headers).json()
        if not answer["next"]:
            return middle, cursor, rows
        cursor = answer["next"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    _team, head, admin = bench_users()
    client = Client(SERVER_NAME="localhost")
    print("| database | user | list | rows | page | median, ms | p95, ms | SQL queries |")
    print("| --- | --- | --- | ---: | --- | ---: | ---: | ---: |")
    vendor = connection.vendor
    for user in (admin, head):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {services.token_create(user=user)[1]}"}
        for path in LISTS:
            middle, cursor, rows = cursors(client, headers, path)
            pages = [("first", {"limit": 50})]
            if rows > 10_000:
                pages.append(("offset 9,950", {"limit": 50, "offset": 9_950}))
            if middle:
                pages.append(("middle, by cursor", {"limit": 50, "cursor": middle}))
            if cursor:
                pages.append(("last, by cursor", {"limit": 50, "cursor": cursor}))
            for name, params in pages:
                median, p95, queries, _answer = timed(client, headers, path, params, args.repeat)
                print(f"| {vendor} | {user.username} | `{path}` | {rows:,} | {name} | {median:.1f} | {p95:.1f} "
                      f"| {queries} |", flush=True)


if __name__ == "__main__":
    main()
