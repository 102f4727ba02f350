"""What the page benchmarks share: the two users they ask as, and timing one URL in-process.

Imported by the bench scripts after they have set Django up (``django.setup()``)."""

from __future__ import annotations

import statistics
import time


def bench_users():
    """The head of the first scale team (sees a fifth of the accounts) and an administrator (all)."""
    from keyaccount.core.choices import Role
    from keyaccount.core.models import Team, User

    team = Team.objects.filter(name="Scale team 0").first()
    head, _ = User.objects.get_or_create(username="bench-head", defaults={"role": Role.HEAD, "team": team})
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
    return team, head, admin


def measure(client, url: str, repeat: int) -> tuple[float, float, int]:
    """Median and 95th percentile in ms of ``repeat`` requests after one warm-up, and the SQL queries
    the last one ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches and connections
    timings = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], queries
