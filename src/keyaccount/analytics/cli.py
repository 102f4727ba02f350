"""``kam analyze FILE``: customer analytics on any order file, without a database or settings.

Exit codes: 0 done, 2 bad input (the message names the column and the row). Only the result goes
to standard output; progress goes to standard error when it is a terminal.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

from keyaccount.analytics.errors import InputError

FORMATS = ("table", "json", "csv", "html")
CSV_COLUMNS = ["customer", "frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases",
               "expected_spend", "clv", "rfm", "abc", "xyz", "status"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        raise InputError(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kam analyze", description="Who is key, who buys once, who is leaving: RFM, ABC/XYZ, "
                "BG/NBD, Pareto/NBD and Gamma-Gamma on an order file (CSV, XLSX, Parquet) or a summary.")
    p.add_argument("file", help="order lines (customer, date, amount) or, with --summary, frequency/recency/T")
    p.add_argument("--customer", help="the customer column (found by its usual names otherwise)")
    p.add_argument("--date", help="the order date column")
    p.add_argument("--amount", help="the amount column")
    p.add_argument("--summary", action="store_true", help="FILE holds frequency, recency, T (and monetary_value)")
    p.add_argument("--until", help="end of the observation period, YYYY-MM-DD; later orders are ignored")
    p.add_argument("--period", choices=["day", "week", "month"], default="week",
                   help="time unit of recency, T and the models (default: week)")
    p.add_argument("--horizon", type=int, help="periods ahead for expected purchases and CLV (default: a year)")
    p.add_argument("--discount-rate", type=float, default=0.10, help="yearly discount rate for CLV (default 0.10)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out", help="write the result to this file instead of standard output")
    return p


class Progress:
    """A one-line bar on standard error, only when it is a terminal."""

    steps = ["read", "summary", "segments", "BG/NBD", "Pareto/NBD", "Gamma-Gamma", "scores", "write"]

    def __init__(self):
        self.enabled = sys.stderr.isatty()

    def __call__(self, step: str) -> None:
        if not self.enabled:
            return
        done = self.steps.index(step) + 1 if step in self.steps else 0
        bar = "#" * (done * 24 // len(self.steps))
        sys.stderr.write(f"\r[{bar:<24}] {step:<12}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 40 + "\r")


def _table(analysis) -> str:
    out = io.StringIO()
    for name, fit in analysis.models.items():
        if fit is None:
            out.write(f"{name}: not fitted\n")
            continue
        params = ", ".join(f"{k}={v:.4g}" for k, v in fit.params.items())
        out.write(f"{name}: {params}; loglik={fit.loglik:.2f}; converged={fit.converged}\n")
    out.write("\n")
    data = analysis.as_json()["customers"]
    widths = {c: max(len(c), *(len(_cell(row.get(c))) for row in data)) for c in CSV_COLUMNS}
    out.write("  ".join(c.ljust(widths[c]) for c in CSV_COLUMNS).rstrip() + "\n")
    for row in data:
        out.write("  ".join(_cell(row.get(c)).ljust(widths[c]) for c in CSV_COLUMNS).rstrip() + "\n")
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _csv(analysis) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in analysis.as_json()["customers"]:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in CSV_COLUMNS])
    return out.getvalue()


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    # numpy, scipy and polars take about a second of CPU to import: they come in only once the
    # arguments are good, so ``--help`` and a mistyped option answer at once (start-up cost, not
    # a cycle: tests/test_cli_startup.py keeps it so).
    from keyaccount.analytics import data, pipeline

    until = None
    if args.until:
        try:
            until = dt.date.fromisoformat(args.until)
        except ValueError as error:
            raise InputError(f"--until: '{args.until}' is not a date like 2026-03-31") from error
    progress = Progress()
    try:
        progress("read")
        if args.summary:
            table = data.read_summary(args.file)
            analysis = pipeline.analyze(summary=table, period=args.period, horizon=args.horizon,
                                        discount_rate=args.discount_rate, progress=progress)
        else:
            orders = data.read_customer_days(args.file, customer=args.customer, date=args.date, amount=args.amount,
                                             until=until)
            analysis = pipeline.analyze(orders=orders, until=until, period=args.period, horizon=args.horizon,
                                        discount_rate=args.discount_rate, progress=progress)
        progress("write")
        if args.format == "json":
            text = json.dumps(analysis.as_json(), ensure_ascii=False)
        elif args.format == "csv":
            text = _csv(analysis)
        elif args.format == "html":
            from keyaccount.analytics.report import html_report

            text = html_report(analysis, source=Path(args.file).name)
        else:
            text = _table(analysis)
    finally:
        progress.close()
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as error:
            raise InputError(f"--out: cannot write {args.out}: {error.strerror}") from error
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        return run(argv)
    except InputError as error:
        sys.stderr.write(f"kam analyze: {error}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    # The outermost frame of a command-line program, not a library call: a fault of ours (not of the
    # input) is said in one line with its type and exit 1, and KAM_ANALYZE_TRACEBACK=1 shows the traceback.
    except Exception as error:
        if os.environ.get("KAM_ANALYZE_TRACEBACK"):
            raise
        sys.stderr.write(f"kam analyze: internal error ({type(error).__name__}: {error}); please report it, "
                         "with KAM_ANALYZE_TRACEBACK=1 set for the details\n")
        return 1
