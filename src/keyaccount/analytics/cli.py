"""``kam analyze FILE``: customer analytics on any order file, without a database or settings.

Exit codes: 0 done, 2 bad input (the message names the column and the row). Only the result goes
to standard output; progress goes to standard error when it is a terminal.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import errno
import io
import json
import os
import re
import sys
from pathlib import Path

from keyaccount.analytics import MODELS
from keyaccount.analytics.errors import InputError

FORMATS = ("table", "json", "csv", "parquet", "html")
# The variables numpy's and scipy's BLAS builds read for their thread count (before they are imported).
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
# Customers per piece of the JSON output: it is written piece by piece, never held as one string.
JSON_CHUNK = 10_000


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
    p.add_argument("--until", type=_date, help="end of the observation period, YYYY-MM-DD; later orders are "
                   "ignored (by default the last date in the file)")
    p.add_argument("--holdout-until", type=_date, help="check the models against the future: fit them on the "
                   "orders up to --until and compare their predictions with the purchases up to this date, "
                   "YYYY-MM-DD")
    p.add_argument("--period", choices=["day", "week", "month"], default="week",
                   help="time unit of recency, T and the models (default: week)")
    p.add_argument("--horizon", type=int, help="periods ahead for expected purchases and CLV (default: a year)")
    p.add_argument("--discount-rate", type=float, default=0.10, help="yearly discount rate for CLV (default 0.10)")
    p.add_argument("--models", type=_models, default=MODELS,
                   help=f"the models to fit, comma-separated (default: all of {','.join(MODELS)})")
    p.add_argument("--currency", type=_currency, help="the amounts' currency code (RUB, EUR ...): stated in the "
                   "outputs and used for money in the HTML report")
    p.add_argument("--format", choices=FORMATS, default="table", help="parquet needs --out")
    p.add_argument("--lang", choices=["en", "ru"], default="en", help="language and number format of the HTML "
                   "report (default: en)")
    p.add_argument("--out", help="write the result to this file instead of standard output")
    return p


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-03-31") from error


def _models(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in MODELS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"no model '{unknown[0] if unknown else value}'; choose from "
                                         f"{', '.join(MODELS)}")
    return tuple(name for name in MODELS if name in names)


def _currency(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise argparse.ArgumentTypeError(f"'{value}' is not a currency code such as RUB or EUR")
    return value.strip().upper()


class Progress:
    """A one-line bar on standard error, only when it is a terminal."""

    steps = ["read", "summary", "segments", "BG/NBD", "Pareto/NBD", "Gamma-Gamma", "scores", "holdout", "write"]

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
        if not hasattr(fit, "params"):
            out.write(f"{name}: not fitted: {fit.reason}\n")
            continue
        params = ", ".join(f"{k}={v:.4g}" for k, v in fit.params.items())
        out.write(f"{name}: {params}; loglik={fit.loglik:.2f}; converged={fit.converged}"
                  + (f" ({fit.reason})" if fit.reason else "") + "\n")
    if analysis.holdout is not None:
        out.write("\n" + _holdout_table(analysis.holdout, analysis.period))
    out.write("\n")
    columns = analysis.columns
    data = analysis.output().rows()
    widths = [max(len(c), *(len(_cell(row[i])) for row in data)) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    for row in data:
        out.write("  ".join(_cell(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
    return out.getvalue()


def _holdout_table(result: dict, period: str) -> str:
    """Predicted against actual purchases in the holdout: per model in total, then the means per
    customer by calibration purchases, and which model fits better."""
    models = result["models"]
    first_day = dt.date.fromisoformat(result["calibration_until"]) + dt.timedelta(days=1)
    lines = [f"holdout {first_day} to {result['holdout_until']} ({result['holdout_periods']:g} {period}s): "
             f"the {result['customers']} customers of the calibration made {result['actual']:g} purchases "
             "(days with orders)"]
    if not models:
        return lines[0] + "\nno purchase model (bgnbd, pareto_nbd) was chosen and fitted to check\n"
    rows = [["model", "predicted", "actual", "error %", "MAE"]]
    rows += [[name, f"{m['predicted']:.1f}", f"{result['actual']:g}",
              "" if m["error_pct"] is None else f"{m['error_pct']:+.1f}", f"{m['mae']:.3f}"]
             for name, m in models.items()]
    groups = next(iter(models.values()))["by_frequency"]
    by_frequency = [["calibration purchases", "customers", "actual", *models]]
    by_frequency += [[group["frequency"], str(group["customers"]), _mean(group["actual"]),
                      *(_mean(m["by_frequency"][i]["predicted"]) for m in models.values())]
                     for i, group in enumerate(groups)]
    lines += _aligned(rows) + ["mean purchases per customer:"] + _aligned(by_frequency)
    if result["better"]:
        lines.append(f"better fit: {result['better']} (lower mean absolute error per customer)")
    return "\n".join(lines) + "\n"


def _mean(value) -> str:
    return "" if value is None else f"{value:.3f}"


def _aligned(rows: list[list[str]]) -> list[str]:
    """Rows of cells as lines: the first column to the left, the others to the right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                      enumerate(zip(row, widths, strict=True))) for row in rows]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _write_json(analysis, out) -> None:
    """The header, then the customers a chunk at a time: the output's size never sits in memory."""
    header = json.dumps(analysis.header(), ensure_ascii=False)
    out.write(header[:-1] + ', "customers": [')
    first = True
    for chunk in analysis.output().iter_slices(JSON_CHUNK):
        rows = ",".join(json.dumps(row, ensure_ascii=False) for row in chunk.iter_rows(named=True))
        if rows:
            out.write(rows if first else "," + rows)
            first = False
    out.write("]}\n")


def prepare_process() -> None:
    """Settings for a process that runs the analysis (``kam analyze``; the benchmark's runs of both
    sides), made before numpy is imported.

    The models' linear algebra is vectors against four columns: BLAS threads gain nothing there, and
    on a busy machine their spinning made a BG/NBD fit ten times slower. One thread, unless the user
    says otherwise.

    glibc gives each array over 128 kB pages of its own and hands them back when it is freed, so the
    next array of that size faults its pages in again: the pipeline's arrays of 200,000 customers and
    the quadrature's blocks did so tens of thousands of times a run (a fifth of the quadrature's time).
    Arrays up to 32 MB now come from the heap, and up to 256 MB of freed heap is kept for the next:
    the whole pipeline 5-8 % faster at the same peak memory (docs/benchmarks.md). A C library without
    mallopt (musl), or another system, is left as it is."""
    for variable in BLAS_THREADS:
        os.environ.setdefault(variable, "1")
    if not sys.platform.startswith("linux"):
        return  # Windows' CDLL takes no None; macOS has no mallopt
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
        libc.mallopt(_M_TRIM_THRESHOLD, 256 << 20)
    except (OSError, AttributeError, TypeError):
        pass


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    # numpy, scipy and polars take about a second of CPU to import: they come in only once the
    # arguments are good, so ``--help`` and a mistyped option answer at once (start-up cost, not
    # a cycle: tests/test_cli_startup.py keeps it so).
    prepare_process()
    from keyaccount.analytics import data, holdout, pipeline

    until = args.until
    if args.holdout_until:
        # Before the file is read, which may take a while.
        holdout.check_request(until, args.holdout_until, summary=args.summary)
    progress = Progress()
    try:
        progress("read")
        if args.summary:
            table = data.read_summary(args.file)
            analysis = pipeline.analyze(summary=table, period=args.period, horizon=args.horizon,
                                        discount_rate=args.discount_rate, models=args.models,
                                        currency=args.currency, progress=progress)
        else:
            # With a holdout the orders up to its end are read; the pipeline cuts calibration from them.
            orders = data.read_customer_days(args.file, customer=args.customer, date=args.date, amount=args.amount,
                                             until=args.holdout_until or until, warn=_warn)
            analysis = pipeline.analyze(orders=orders, until=until, period=args.period, horizon=args.horizon,
                                        discount_rate=args.discount_rate, models=args.models,
                                        currency=args.currency, holdout_until=args.holdout_until,
                                        progress=progress)
        if analysis.holdout is not None and (beyond := holdout.beyond_the_data(analysis.holdout)):
            _warn(beyond)
        progress("write")
        if args.format == "parquet" and not args.out:
            raise InputError("--format parquet writes a file: say which with --out")
        if args.out:
            try:
                with open(args.out, "wb" if args.format == "parquet" else "w", encoding=None
                          if args.format == "parquet" else "utf-8", newline=None if args.format == "parquet"
                          else "") as out:
                    _write(analysis, args, out)
            except OSError as error:
                raise InputError(f"--out: cannot write {args.out}: {error.strerror}") from error
        else:
            _write(analysis, args, sys.stdout)
    finally:
        progress.close()
    return 0


def _write(analysis, args, out) -> None:
    """The result in ``args.format``: CSV and Parquet straight from the columns, JSON streamed."""
    if args.format == "json":
        _write_json(analysis, out)
    elif args.format == "csv":
        analysis.output().write_csv(out)
    elif args.format == "parquet":
        analysis.output().write_parquet(out)
    else:
        if args.format == "html":
            from keyaccount.analytics.report import html_report

            text = html_report(analysis, source=Path(args.file).name, lang=args.lang)
        else:
            text = _table(analysis)
        out.write(text if text.endswith("\n") else text + "\n")


def _warn(message: str) -> None:
    sys.stderr.write(f"kam analyze: warning: {message}\n")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        return run(argv)
    except InputError as error:
        sys.stderr.write(f"kam analyze: {error}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        if not _broken_pipe(error):
            return _internal_error(error)
        # The reader went away (`kam analyze ... | head`): not an error of ours. Python would complain
        # once more when it flushes stdout at exit, so stdout goes to nowhere first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    # The outermost frame of a command-line program, not a library call: a fault of ours (not of the
    # input) is said in one line with its type and exit 1, and KAM_ANALYZE_TRACEBACK=1 shows the traceback.
    except Exception as error:
        return _internal_error(error)


def _broken_pipe(error: OSError) -> bool:
    # Python raises BrokenPipeError; polars' writers raise a plain OSError that only says so in words.
    return isinstance(error, BrokenPipeError) or error.errno == errno.EPIPE or "Broken pipe" in str(error)


def _internal_error(error: Exception) -> int:
    if os.environ.get("KAM_ANALYZE_TRACEBACK"):
        raise error
    sys.stderr.write(f"kam analyze: internal error ({type(error).__name__}: {error}); please report it, "
                     "with KAM_ANALYZE_TRACEBACK=1 set for the details\n")
    return 1
