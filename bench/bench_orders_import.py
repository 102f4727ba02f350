"""Import a large order history (issue #17: 1M order lines under 30 s and 300 MB, again under 15 s).

    KAM_DATA_DIR=... [KAM_DATABASE_URL=...] .venv/bin/kam generate --accounts 100000 --order-lines 0
    KAM_DATA_DIR=... [KAM_DATABASE_URL=...] .venv/bin/python bench/bench_orders_import.py --lines 1000000

Writes an accounting system's export of ``--lines`` order lines (Russian headers, ";" separated,
Windows-1251, "1 234,56" numbers, dd.mm.yyyy dates, as 1C saves a report) for the database's accounts
(matched by INN) and products (by SKU), then times ``orders.importers.import_orders`` on it, and again
on the same file (every order already there). Each import runs in a fresh process that reports its
peak memory (VmHWM) and how much of it the import added.

Two shapes of customer base (``--shape``):
- ``zipf``: order counts per account follow a Zipf law (s = 1.1): the largest account has tens of
  thousands of lines, most have one or two orders, as real B2B histories have; lines per order too
  are heavy-tailed (1 to 200);
- ``uniform``: every account about as busy, 1 to 9 lines per order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyaccount.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from keyaccount.accounts.models import Account  # noqa: E402
from keyaccount.catalog.models import Product  # noqa: E402
from keyaccount.core.choices import Role  # noqa: E402
from keyaccount.core.models import User  # noqa: E402
from keyaccount.orders import importers  # noqa: E402

HEADER = "Номер;Дата;ИНН;КПП;Артикул;Количество;Цена;Скидка, %;Статус\n"
STATUSES = ["Выполнен"] * 8 + ["Отгружен", "Отменён"]


def _money(value: float) -> str:
    whole, cents = f"{value:.2f}".split(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return " ".join([whole, *groups]) + "," + cents


def write_export(path: Path, lines: int, shape: str, seed: int = 7) -> tuple[int, int]:
    """The export; returns (orders, the largest account's lines)."""
    rng = random.Random(seed)
    buyers = list(Account.objects.exclude(inn="").order_by("pk").values_list("inn", "kpp"))
    skus = list(Product.objects.order_by("pk").values_list("sku", flat=True))
    if not buyers or not skus:
        raise SystemExit("The database needs accounts with INNs and products: run kam generate first.")
    # The accounts in the database's order are ranked at random by the generator; rank r buys ∝ 1/r^1.1.
    weights = [1 / (rank + 1) ** 1.1 if shape == "zipf" else 1.0 for rank in range(len(buyers))]
    prices = {sku: rng.uniform(50, 90_000) for sku in skus}
    start = dt.date(2023, 12, 1)
    orders = written = 0
    per_account: dict[int, int] = {}
    with path.open("w", encoding="cp1251", newline="") as handle:
        handle.write(HEADER)
        chosen = iter(rng.choices(range(len(buyers)), weights=weights, k=lines))
        while written < lines:
            buyer = next(chosen)
            inn, kpp = buyers[buyer]
            size = min(200, int(rng.paretovariate(1.3))) if shape == "zipf" else rng.randint(1, 9)
            size = max(1, min(size, lines - written))
            day = (start + dt.timedelta(days=rng.randrange(3 * 365))).strftime("%d.%m.%Y")
            status = rng.choice(STATUSES)
            number = f"ЗК-{orders + 1:08d}"
            for sku in rng.sample(skus, min(size, len(skus))) if size <= len(skus) else rng.choices(skus, k=size):
                quantity = rng.randint(1, 40)
                discount = rng.choice(["", "", "", "5", "10", "12,5"])
                handle.write(f"{number};{day};{inn};{kpp};{sku};{quantity};{_money(prices[sku])};{discount};"
                             f"{status}\n")
                written += 1
            per_account[buyer] = per_account.get(buyer, 0) + size
            orders += 1
    return orders, max(per_account.values())


def _memory_kb(field: str) -> int:
    """VmHWM (the process's peak resident memory so far) or VmRSS, in kB, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def import_once(path: Path, label: str, shape: str) -> None:
    """One import of ``path``, in this (fresh) process; prints a table row with its peak memory."""
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
    resident = _memory_kb("VmRSS")
    started = time.perf_counter()
    with path.open("rb") as handle:
        report = importers.import_orders(user=admin, data=handle, filename="orders.csv")
    elapsed = time.perf_counter() - started
    peak = _memory_kb("VmHWM")
    print(f"| {connection.vendor} | {shape} | {label} | {report.rows:,} | {elapsed:.1f} s | "
          f"{report.rows / elapsed:,.0f} lines/s | {peak / 1024:,.0f} MB (+{(peak - resident) / 1024:,.0f} MB) | "
          f"{report.orders:,} new orders, {report.duplicates:,} already there, {report.skipped_rows} bad |",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=["zipf", "uniform"], default="zipf")
    parser.add_argument("--import-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--label", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_file:
        import_once(args.import_file, args.label, args.shape)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.csv"
        started = time.perf_counter()
        orders, largest = write_export(path, args.lines, args.shape)
        written = time.perf_counter() - started
        print(f"orders.csv ({args.shape}): {args.lines:,} lines in {orders:,} orders, the largest account "
              f"{largest:,} lines; {path.stat().st_size / 1e6:.0f} MB, written in {written:.1f} s")
        print("| database | shape | run | lines | time | rate | peak memory (added by the import) | result |")
        for label in ("first import", "same file again"):
            subprocess.run([sys.executable, __file__, "--import-file", str(path), "--label", label,
                            "--shape", args.shape], check=True)


if __name__ == "__main__":
    main()
