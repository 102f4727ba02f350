"""Import a large Asterisk Master.csv, and time an account timeline with many interactions.

    KAM_DATA_DIR=... [KAM_DATABASE_URL=...] .venv/bin/python bench/bench_calls.py --rows 1000000

1. Writes a Master.csv of ``--rows`` calls in the documented 18-column layout (with uniqueid), over
   a year, between 50 extensions and ``--numbers`` distinct outside numbers (300,000: a distributor's
   callers), half of them phones of the database's contacts, then times
   ``importers.import_calls`` on it (read in chunks from the open file; parse, validate, match,
   write in batches; one transaction), and again on the same file (every row a duplicate). Each
   import runs in a fresh process that reports its peak memory (VmHWM) and how much of it the
   import added: the figure should not grow with ``--rows``.
2. Gives one account ``--timeline`` interactions and times the first page of its timeline and the
   page after the 100th scroll (``--timeline 0`` skips it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyaccount.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from keyaccount.accounts.models import Account, ContactPhone  # noqa: E402
from keyaccount.core import bulk  # noqa: E402
from keyaccount.core.choices import Role  # noqa: E402
from keyaccount.core.models import User  # noqa: E402
from keyaccount.timeline import importers  # noqa: E402
from keyaccount.timeline.models import Interaction  # noqa: E402


def write_master_csv(path: Path, rows: int, seed: int = 3, numbers: int = 300_000) -> None:
    """``numbers`` distinct outside numbers, half of them contacts' (as many as there are)."""
    rng = random.Random(seed)
    known = list(ContactPhone.objects.values_list("number", flat=True)[:numbers // 2])
    strangers = list({f"+7495{rng.randrange(10**7):07d}" for _ in range(numbers - len(known))})
    numbers = [number.replace("+7", "8", 1) for number in known + strangers]
    start = dt.datetime(2025, 11, 1, 8, 0)
    dispositions = ["ANSWERED"] * 7 + ["NO ANSWER", "BUSY", "FAILED"]
    with path.open("w", encoding="utf-8") as handle:
        for n in range(rows):
            moment = start + dt.timedelta(seconds=n * 31)
            ext = str(100 + rng.randrange(50))
            outside = rng.choice(numbers)
            disposition = rng.choice(dispositions)
            duration = rng.randrange(5, 900)
            billsec = duration - 5 if disposition == "ANSWERED" else 0
            answer = (moment + dt.timedelta(seconds=5)).strftime("%Y-%m-%d %H:%M:%S") if billsec else ""
            end = (moment + dt.timedelta(seconds=duration)).strftime("%Y-%m-%d %H:%M:%S")
            stamp = moment.strftime("%Y-%m-%d %H:%M:%S")
            if n % 2:
                src, dst, context, channel, dstchannel = ext, outside, "from-internal", f"SIP/{ext}-{n:08x}", \
                    f"SIP/trunk-{n:08x}"
            else:
                src, dst, context, channel, dstchannel = outside, ext, "from-trunk", f"SIP/trunk-{n:08x}", \
                    f"SIP/{ext}-{n:08x}"
            handle.write(f'"","{src}","{dst}","{context}","","{channel}","{dstchannel}","Dial","","{stamp}",'
                         f'"{answer}","{end}",{duration},{billsec},"{disposition}","DOCUMENTATION",'
                         f'"{1764000000 + n}.{n}",""\n')


def _memory_kb(field: str) -> int:
    """VmHWM (the process's peak resident memory so far) or VmRSS, in kB, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def import_once(path: Path, label: str) -> None:
    """One import of ``path``, in this (fresh) process; prints a table row with its peak memory."""
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
    rows = sum(1 for _line in path.open("rb"))
    resident = _memory_kb("VmRSS")
    started = time.perf_counter()
    with path.open("rb") as handle:
        report = importers.import_calls(user=admin, data=handle, filename="Master.csv", fmt="asterisk")
    elapsed = time.perf_counter() - started
    peak = _memory_kb("VmHWM")
    print(f"| {connection.vendor} | {label} | {rows:,} | {elapsed:.1f} s | {rows / elapsed:,.0f} rows/s | "
          f"{peak / 1024:,.0f} MB (+{(peak - resident) / 1024:,.0f} MB) | {report.created:,} new, "
          f"{report.duplicates:,} duplicates, {report.matched:,} matched, {report.unmatched:,} queued |", flush=True)


def bench_import(rows: int, numbers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Master.csv"
        started = time.perf_counter()
        write_master_csv(path, rows, numbers=numbers)
        size = path.stat().st_size
        print(f"Master.csv: {rows:,} rows, {size / 1e6:.0f} MB, written in {time.perf_counter() - started:.1f} s")
        print("| database | run | rows | time | rate | peak memory (added by the import) | result |")
        for label in ("first import", "same file again"):
            subprocess.run([sys.executable, __file__, "--import-file", str(path), "--label", label], check=True)


def bench_timeline(count: int, repeat: int) -> None:
    account = Account.objects.order_by("pk").first()
    owner = account.owner
    existing = Interaction.objects.filter(account=account).count()
    if existing < count:
        now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        ids = bulk.reserve_ids("timeline_interaction", count - existing)
        columns = ["id", "version", "created_at", "updated_at", "kind", "account_id", "owner_id", "starts_at",
                   "subject", "summary", "direction", "our_number", "our_line", "their_number", "outcome",
                   "recording_url", "match_status", "email_from", "email_to", "place", "video_link", "agenda",
                   "meeting_status", "agreements"]
        kinds = ["call", "call", "call", "email", "note", "meeting", "task"]
        bulk.insert_rows("timeline_interaction", columns, (
            (pk, 1, now, now, kinds[n % len(kinds)], account.pk, owner.pk, now - dt.timedelta(minutes=17 * n),
             f"Entry {n}", "Discussed the next delivery and the payment schedule.", "", "", "", "", "", "", "", "",
             "", "", "", "", "", "") for n, pk in enumerate(ids)),
            datetime_columns=("created_at", "updated_at", "starts_at"))
        bulk.reset_sequence("timeline_interaction")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client(SERVER_NAME="localhost")
    client.force_login(owner)
    url = f"/timeline/accounts/{account.pk}/"
    client.get(url)
    for label, cursor_url in (("first page", url), ("page after 100 scrolls", None)):
        if cursor_url is None:
            cursor = url
            for _ in range(100):
                html = client.get(cursor, HTTP_HX_REQUEST="true").content.decode()
                if "cursor=" not in html:
                    break
                cursor = url + "?cursor=" + html.split("cursor=")[1].split('"')[0]
            cursor_url = cursor
        timings, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(cursor_url, HTTP_HX_REQUEST="true" if "cursor" in cursor_url else "")
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            queries = len(captured)
        timings.sort()
        print(f"| {connection.vendor} | timeline of {count:,} interactions, {label} | "
              f"{statistics.median(timings):.1f} ms | {timings[int(len(timings) * 0.95) - 1]:.1f} ms | {queries} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--numbers", type=int, default=300_000, help="distinct outside numbers")
    parser.add_argument("--timeline", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--import-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--label", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_file:
        import_once(args.import_file, args.label)
        return
    if not args.skip_import:
        bench_import(args.rows, args.numbers)
    if args.timeline:
        bench_timeline(args.timeline, args.repeat)


if __name__ == "__main__":
    main()
