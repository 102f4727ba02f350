"""Analytics against the lifetimes library, side by side in one run, on order data with
day-resolution dates as real order histories have.

    .venv/bin/pip install pyarrow    # lifetimes' side reads the Parquet file through pandas
    .venv/bin/python bench/bench_analytics.py pipeline --shape all --lines 10000000 --repeat 1
    .venv/bin/python bench/bench_analytics.py pipeline --shape all --lines 1000000 --repeat 3
    .venv/bin/python bench/bench_analytics.py pipeline --shape zipf --lines 1000000 --keep /work/bench-data
    .venv/bin/python bench/bench_analytics.py fit --customers 1000000 [--repeat 3]
    .venv/bin/python bench/bench_analytics.py seeds --shape all --lines 10000000 --seeds 7-23 --keep /work/bench-data

``pipeline``: a Parquet file of order lines (customer as text, date, amount; one customer per 50
lines, so 200,000 customers at 10M lines, over three years) of one shape, or of each in turn
with ``--shape all`` and one table of them all at the end:

* ``generator``: buyers at their own pace who stop one day (the BG/NBD story), several lines per
  purchase day;
* ``zipf``: heavy-tailed customer sizes (a truncated Pareto of lines per customer): the median
  customer one or two lines, the largest tens of thousands on hundreds of days; the bigger a
  customer, the more days it buys on and the more lines per day;
* ``onetime``: about three quarters of the customers buy on one day only; every date drawn with a
  December peak and a summer trough, the repeat customers' as well.

Each side runs in its own process and its wall time and peak memory (VmHWM) are reported:
Keyaccount's whole pipeline (read, summary, RFM, ABC/XYZ, trend, BG/NBD, Pareto/NBD, Gamma-Gamma,
scores; the time of each stage too) against lifetimes' summary_data_from_transaction_data +
BetaGeoFitter + GammaGammaFitter; each side's fits are printed as they came out (ours with the
diagnostics their ``as_dict`` carries; a lifetimes fitter that raises ConvergenceError is recorded
and its run goes on). Each file is generated once per run into a temporary folder, or with
``--keep DIR`` as ``DIR/<shape>-<lines>.parquet``, reused when it is there (the generator is
seeded: the same shape and lines give the same file).
``seeds``: Pareto/NBD on each shape's summary with its samples drawn from each seed in turn: the
maxima reached (the same whatever sample the fit starts from?) and the rows evaluated.
``fit``: BG/NBD on a per-customer summary of 1,000,000 simulated customers (purchases at whole
days over two years, in weeks), Keyaccount's fitter and lifetimes' BetaGeoFitter; the
log-likelihood of both fits is computed by one function so they can be compared.
Needs lifetimes (the test extras install it).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from keyaccount.analytics.cli import BLAS_THREADS, prepare_process  # noqa: E402 (after the path above)

# Every process of this benchmark runs as `kam analyze` does (one BLAS thread, glibc's arrays kept on the
# heap), before numpy is imported: the sides' children and the in-process seeds and fit benchmarks.
prepare_process()

import numpy as np  # noqa: E402 (after the process is prepared)

START = dt.date(2024, 1, 1)
FIT_DAYS = 730  # the fit benchmark's two years (its figures in docs/benchmarks.md)
DAYS = 1095  # the order files' three years
SHAPES = ("generator", "zipf", "onetime")
LINES_PER_CUSTOMER = 50
STAGES = ("read", "summary", "segments", "BG/NBD", "Pareto/NBD", "Gamma-Gamma", "scores")


def simulate_customers(n: int, seed: int = 1, days: int = FIT_DAYS):
    """x, t_x, T in weeks from whole-day purchase dates over ``days``: BG/NBD-like buyers with gamma
    rates and a geometric dropout, first purchases spread over the first half."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, days // 2, n)
    rate = rng.gamma(0.8, 1 / 25.0, n)  # purchases per day
    p_drop = rng.beta(0.8, 3.0, n)
    horizon = days - first
    x = np.zeros(n)
    last = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    t = np.zeros(n)
    for _ in range(60):
        gap = rng.exponential(1 / np.maximum(rate, 1e-9))
        t = t + gap
        buys = alive & (t <= horizon)
        last = np.where(buys, np.floor(t), last)
        x += buys
        alive &= buys & (rng.random(n) > p_drop)
    return x, last / 7.0, horizon / 7.0


def bench_fit(customers: int, repeat: int) -> None:
    from lifetimes import BetaGeoFitter

    from keyaccount.analytics import btyd

    x, t_x, big_t = simulate_customers(customers)
    # Both libraries warmed up on a small fit first (imports, thread pools, first-call setup).
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small = simulate_customers(2000, seed=9)
        btyd.BGNBD().fit(*small)
        BetaGeoFitter().fit(*(pd.Series(v) for v in small))
    print(f"{customers:,} customers, {np.unique(np.stack([x, t_x, big_t], 1), axis=0).shape[0]:,} distinct "
          f"(x, t_x, T); mean purchases {x.mean():.2f}")
    ours_times, theirs_times = [], []
    for _ in range(repeat):  # alternating, medians compared
        started = time.perf_counter()
        ours = btyd.BGNBD().fit(x, t_x, big_t)
        ours_times.append(time.perf_counter() - started)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            started = time.perf_counter()
            theirs = BetaGeoFitter().fit(pd.Series(x), pd.Series(t_x), pd.Series(big_t))
            theirs_times.append(time.perf_counter() - started)
    ours_time, theirs_time = float(np.median(ours_times)), float(np.median(theirs_times))
    data = btyd.Compressed.of(x, t_x, big_t)
    their_params = np.array([theirs.params_[k] for k in ("r", "alpha", "a", "b")])
    their_ll = -btyd.BGNBD.negative_log_likelihood(their_params, data)[0]
    print("keyaccount runs: " + ", ".join(f"{t:.3f} s" for t in ours_times))
    print("lifetimes runs: " + ", ".join(f"{t:.3f} s" for t in theirs_times))
    print(f"keyaccount BG/NBD: {ours_time:.3f} s (median), loglik {ours.loglik:.6f}, {ours.params}")
    print(f"lifetimes BetaGeoFitter: {theirs_time:.3f} s (median), loglik {their_ll:.6f}, "
          f"{dict(zip(('r', 'alpha', 'a', 'b'), their_params.round(6), strict=True))}")
    print(f"speed-up {theirs_time / ours_time:.1f}x; log-likelihood relative difference "
          f"{abs(ours.loglik - their_ll) / abs(their_ll):.2e}")


def generator_lines(lines: int, customers: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Customers who buy at their own pace and stop one day (the BG/NBD story), at whole days,
    first purchases over the first half of the three years, several lines per purchase day: each
    line's customer and day."""
    rng = np.random.default_rng(seed)
    x, last, horizon = simulate_customers(customers, seed=seed, days=DAYS)
    first = DAYS - np.round(horizon * 7).astype(np.int64)
    # Purchase days: the first, the last, and x-1 days between them (whole days).
    counts = x.astype(np.int64) + 1
    owner = np.repeat(np.arange(customers), counts)
    start_of = first[owner]
    span = np.round(last * 7).astype(np.int64)[owner]
    position = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    fraction = np.where(position == 0, 0.0, np.where(position == counts[owner] - 1, 1.0,
                                                     rng.uniform(0, 1, len(owner))))
    day = start_of + np.round(fraction * span).astype(np.int64)
    # Lines per purchase day so that the file has about ``lines`` lines.
    per_day = rng.poisson(max(lines / len(day) - 1, 0), len(day)) + 1
    return np.repeat(owner, per_day)[:lines], np.repeat(day, per_day)[:lines]


def zipf_lines(lines: int, customers: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Heavy-tailed customer sizes, as B2B and retail histories have: lines per customer from a
    Pareto of index 0.7 truncated where the sizes add up to ``lines`` (tens of thousands of lines
    at 50 lines per customer on average; the median customer two). A customer of s lines buys on
    about s^0.6 days (one line: one day; 100: 16; 40,000: 580, fewer once they fall together)
    within a window at least twice as long, placed anywhere in the three years; each day gets one
    line and the rest fall on the customer's days at random."""
    rng = np.random.default_rng(seed)
    index = 0.7
    u = rng.random(customers)

    def sizes(cap: float) -> np.ndarray:
        return np.floor((1 - u * (1 - cap ** -index)) ** (-1 / index)).astype(np.int64)

    low, high = 1.0, 1e12
    for _ in range(80):  # the cap at which the sizes add up to ``lines``: their sum grows with it
        cap = np.sqrt(low * high)
        low, high = (cap, high) if sizes(cap).sum() < lines else (low, cap)
    size = sizes(high)
    size[np.argmax(size)] -= size.sum() - lines  # a few lines too many, off the largest customer
    days = np.clip(np.round(size ** 0.6 * rng.lognormal(0, 0.3, customers)), 1,
                   np.minimum(size, DAYS - 1)).astype(np.int64)
    need = np.minimum(2 * days, DAYS)
    first = np.floor(rng.random(customers) * (DAYS - need + 1)).astype(np.int64)
    window = need + np.floor(rng.random(customers) * (DAYS - first - need + 1)).astype(np.int64)
    event_owner = np.repeat(np.arange(customers), days)
    start = np.cumsum(days) - days
    position = np.arange(len(event_owner)) - start[event_owner]
    later = first[event_owner] + 1 + np.floor(rng.random(len(event_owner)) * (window[event_owner] - 1))
    event_day = np.where(position == 0, first[event_owner], later.astype(np.int64))
    extra_owner = np.repeat(np.arange(customers), size - days)
    extra_event = start[extra_owner] + np.floor(rng.random(len(extra_owner)) * days[extra_owner]).astype(np.int64)
    # Sorted, the lines come customer by customer, as the other shapes' do.
    line_event = np.sort(np.concatenate([np.arange(len(event_owner)), extra_event]))
    return event_owner[line_event], event_day[line_event]


def seasonal_weights() -> np.ndarray:
    """Each day's weight: a December peak and a summer trough (a cosine over the year, highest
    mid-December), the weeks before Christmas 2.5 times more; the busiest day weighs about twelve
    times the quietest."""
    dates = np.datetime64(START) + np.arange(DAYS)
    day_of_year = (dates - dates.astype("datetime64[Y]")).astype(np.int64)
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day_of_month = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    weight = np.exp(0.8 * np.cos(2 * np.pi * (day_of_year - 350) / 365.25))
    weight[(month == 12) & (day_of_month <= 24)] *= 2.5
    return weight


def seasonal_days(cumulative: np.ndarray, low: np.ndarray, high: np.ndarray, rng) -> np.ndarray:
    """A day in [low, high) for each pair, drawn with the seasonal weights (``cumulative`` their
    running sum from 0) by the inverse of their distribution."""
    u = cumulative[low] + rng.random(len(low)) * (cumulative[high] - cumulative[low])
    return np.clip(np.searchsorted(cumulative, u, side="right") - 1, low, high - 1)


def onetime_lines(lines: int, customers: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Mostly one-time buyers with strong seasonality, as retail has: 73 % of the customers buy on
    one day; the others on 26 days on average, up to 300 (1 + a geometric count whose chance
    to stop after each purchase differs by customer, a beta(2, 24): with one chance for all, BG/NBD's
    beta mixing runs to infinity) within a window from their first purchase to a point between
    it and the end (later more likely); every day drawn with the seasonal weights, fewer days when
    two fall together; lines spread over all purchase days at random, at least one each."""
    rng = np.random.default_rng(seed)
    cumulative = np.r_[0.0, np.cumsum(seasonal_weights())]
    repeat = rng.random(customers) >= 0.73
    days = np.where(repeat, np.minimum(1 + rng.geometric(rng.beta(2.0, 24.0, customers)), 300), 1)
    first = seasonal_days(cumulative, np.zeros(customers, dtype=np.int64),
                          np.where(repeat, DAYS - 30, DAYS), rng)
    end = first + 2 + np.floor((DAYS - first - 2) * rng.beta(2, 1, customers)).astype(np.int64)
    event_owner = np.repeat(np.arange(customers), days)
    position = np.arange(len(event_owner)) - np.repeat(np.cumsum(days) - days, days)
    later = seasonal_days(cumulative, np.minimum(first[event_owner] + 1, DAYS - 1),
                          np.maximum(end[event_owner], first[event_owner] + 2).clip(max=DAYS), rng)
    event_day = np.where(position == 0, first[event_owner], later)
    extra_event = rng.integers(0, len(event_owner), max(lines - len(event_owner), 0))
    line_event = np.sort(np.concatenate([np.arange(len(event_owner)), extra_event]))[:lines]
    return event_owner[line_event], event_day[line_event]


SHAPE_LINES = {"generator": generator_lines, "zipf": zipf_lines, "onetime": onetime_lines}


def write_orders(shape: str, lines: int, path: Path, seed: int = 2) -> None:
    """About ``lines`` order lines of one per 50 customers in ``shape`` over three years from
    2024-01-01: customer (text), date, amount (lognormal around the customer's own typical line,
    55 in the middle)."""
    import polars as pl

    customers = max(1, lines // LINES_PER_CUSTOMER)
    owner, day = SHAPE_LINES[shape](lines, customers, seed)
    # Each customer's own typical line (without it Gamma-Gamma's spread of averages has nothing to
    # fit and lifetimes' fitter did not converge), lines scattered around it.
    spend = np.random.default_rng(seed + 1)
    amount = np.round(spend.lognormal(4.0 + spend.normal(0, 0.5, customers)[owner], 0.8), 2)
    frame = pl.DataFrame({"customer": owner.astype(np.int64), "date": day.astype(np.int32),
                          "amount": amount}).with_columns(
        (pl.lit(START) + pl.duration(days=pl.col("date"))).alias("date"), pl.col("customer").cast(pl.Utf8))
    frame.write_parquet(path)


def describe(path: Path) -> dict:
    """The file's shape, as the docs state it: lines, customers, the share buying on one day only,
    the largest customer's lines and days, the median lines per customer, and the busiest
    month's lines over the quietest's."""
    import polars as pl

    lines = pl.scan_parquet(path)
    per_customer = lines.group_by("customer").agg(pl.len().alias("lines"),
                                                   pl.col("date").n_unique().alias("days")).collect()
    per_month = lines.group_by(pl.col("date").dt.month()).len().collect()["len"]
    largest = per_customer.sort("lines", descending=True).row(0, named=True)
    return {"lines": int(per_customer["lines"].sum()), "customers": per_customer.height,
            "one_time": float((per_customer["days"] == 1).mean()), "largest_lines": int(largest["lines"]),
            "largest_days": int(largest["days"]), "most_days": int(per_customer["days"].max()),
            "median_lines": float(per_customer["lines"].median()),
            "month_ratio": float(per_month.max() / per_month.min()), "megabytes": path.stat().st_size / 2**20}


def run_ours(path: str) -> dict:
    """The pipeline as ``kam analyze`` runs it, each stage timed from the start of the next."""
    from keyaccount.analytics import btyd, data, pipeline

    marks = [("read", time.perf_counter())]
    orders = data.read_customer_days(path)
    analysis = pipeline.analyze(orders=orders, progress=lambda step: marks.append((step, time.perf_counter())))
    finished = time.perf_counter()
    stages = {step: end - start for (step, start), (_, end) in zip(marks, [*marks[1:], ("", finished)], strict=True)}
    return {"seconds": finished - marks[0][1], "customers": analysis.customers.height, "stages": stages,
            "models": {name: fit.as_dict() if isinstance(fit, btyd.Fit) else {"not fitted": fit.reason}
                       for name, fit in analysis.models.items()}}


def run_lifetimes(path: str) -> dict:
    """Its summary and fits as its documentation shows them. A fitter that does not converge (it
    raises; BetaGeoFitter did on the mostly one-time buyers' weekly summary) is recorded and the
    run goes on: the time is one attempt's, as ours is, not a retry with a penalizer. Its process is
    prepared as ours is (one BLAS thread, glibc's arrays kept on the heap: see the imports above)."""
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import ConvergenceError, summary_data_from_transaction_data

    started = time.perf_counter()
    orders = pd.read_parquet(path)
    # On failure lifetimes prints scipy's result to standard output, where this process's answer goes.
    with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
        warnings.simplefilter("ignore")
        summary = summary_data_from_transaction_data(orders, "customer", "date", monetary_value_col="amount",
                                                     freq="W")
        try:
            bgnbd = {k: float(v) for k, v in
                     BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"]).params_.items()}
        except ConvergenceError:
            bgnbd = {"not fitted": "ConvergenceError"}
        repeat = summary[summary["frequency"] > 0]
        try:
            gamma_gamma = {k: float(v) for k, v in
                           GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"]).params_.items()}
        except ConvergenceError:
            gamma_gamma = {"not fitted": "ConvergenceError"}
    return {"seconds": time.perf_counter() - started, "customers": len(summary),
            "models": {"bgnbd": bgnbd, "gamma_gamma": gamma_gamma}}


def peak_memory_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    execve, so a child would report its parent's peak (the data generator's) as its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measured(side: str, path: Path) -> dict:
    """One side in its own process: its own wall time and peak memory."""
    # Both sides with one BLAS thread, as `kam analyze` runs (see analytics/cli.py BLAS_THREADS).
    env = {**os.environ, **dict.fromkeys(BLAS_THREADS, "1")}
    child = subprocess.run([sys.executable, __file__, side, str(path)], capture_output=True, text=True, env=env)
    if child.returncode:
        raise SystemExit(f"{side} {path} failed:\n{child.stderr[-3000:]}")
    return json.loads(child.stdout)


def order_file(shape: str, lines: int, folder: Path) -> Path:
    """The shape's file in ``folder``: reused when it is there (``--keep``), else generated."""
    path = folder / f"{shape}-{lines}.parquet"
    if path.exists():
        print(f"{shape}: reusing {path}")
        return path
    started = time.perf_counter()
    write_orders(shape, lines, path)
    print(f"{shape}: generated {path} in {time.perf_counter() - started:.1f} s")
    return path


def bench_shape(shape: str, lines: int, repeat: int, folder: Path) -> dict:
    """Each side ``repeat`` times on one shape, alternating, each run in a fresh process; the
    medians compared (this machine's speed wanders by a fifth from one minute to the next)."""
    path = order_file(shape, lines, folder)
    described = describe(path)
    print(f"{shape}: {described['lines']:,} order lines, {described['customers']:,} customers, "
          f"{described['one_time']:.1%} buy on one day only; the largest customer {described['largest_lines']:,} "
          f"lines on {described['largest_days']:,} days (most days of anyone {described['most_days']:,}); "
          f"median {described['median_lines']:g} lines per customer; busiest month {described['month_ratio']:.1f}x "
          f"the quietest; {described['megabytes']:.0f} MB")
    runs = {"ours": [], "theirs": []}
    for _ in range(repeat):
        runs["ours"].append(measured("run-ours", path))
        runs["theirs"].append(measured("run-lifetimes", path))
    ours = {k: float(np.median([r[k] for r in runs["ours"]])) for k in ("seconds", "peak_mb")}
    theirs = {k: float(np.median([r[k] for r in runs["theirs"]])) for k in ("seconds", "peak_mb")}
    stages = {step: float(np.median([r["stages"].get(step, np.nan) for r in runs["ours"]])) for step in STAGES}
    print("  keyaccount runs: " + ", ".join(f"{r['seconds']:.2f} s / {r['peak_mb']:.0f} MB" for r in runs["ours"]))
    print("  lifetimes runs: " + ", ".join(f"{r['seconds']:.2f} s / {r['peak_mb']:.0f} MB" for r in runs["theirs"]))
    print("  keyaccount stages (median): " + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in stages.items()))
    for side, name in (("ours", "keyaccount"), ("theirs", "lifetimes")):
        for model, fit in runs[side][-1]["models"].items():
            print(f"  {name} {model}: {fit}")
    print(f"  speed-up {theirs['seconds'] / ours['seconds']:.1f}x; memory {ours['peak_mb'] / theirs['peak_mb']:.2f} "
          f"of lifetimes'")
    return {"shape": shape, **described, "ours": ours, "theirs": theirs, "stages": stages,
            "models": {"keyaccount": runs["ours"][-1]["models"], "lifetimes": runs["theirs"][-1]["models"]}}


def print_table(results: list[dict], repeat: int) -> None:
    """One Markdown table of every shape's figures, one of our stages, and each side's fits."""
    print(f"\n| shape | lines | customers | one-day buyers | largest customer | median lines | Keyaccount "
          f"| lifetimes | speed-up | memory |   (medians of {repeat})")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['shape']} | {r['lines']:,} | {r['customers']:,} | {r['one_time']:.1%} "
              f"| {r['largest_lines']:,} lines, {r['largest_days']:,} days | {r['median_lines']:g} "
              f"| {r['ours']['seconds']:.2f} s, {r['ours']['peak_mb']:,.0f} MB "
              f"| {r['theirs']['seconds']:.2f} s, {r['theirs']['peak_mb']:,.0f} MB "
              f"| {r['theirs']['seconds'] / r['ours']['seconds']:.1f}x "
              f"| {r['ours']['peak_mb'] / r['theirs']['peak_mb']:.2f} |")
    print("\n| shape | " + " | ".join(STAGES) + " |")
    print("| --- |" + " ---: |" * len(STAGES))
    for r in results:
        print(f"| {r['shape']} | " + " | ".join(f"{r['stages'][step]:.2f} s" for step in STAGES) + " |")
    print()
    for r in results:
        for side, fits in r["models"].items():
            for model, fit in fits.items():
                print(f"{r['shape']} {side} {model}: {fit}")


def bench_pipeline(shapes: list[str], lines: int, repeat: int, keep: Path | None) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        results = [bench_shape(shape, lines, repeat, folder) for shape in shapes]
    print_table(results, repeat)


def bench_seeds(shapes: list[str], lines: int, seeds: range, keep: Path | None) -> None:
    """Pareto/NBD fitted on each shape's summary with its samples drawn from each seed in turn: does
    the fit reach the same maximum whatever sample it starts from, and at what cost (rows evaluated
    in passes over all distinct rows)? In one process: the costs are counts, not times."""
    from keyaccount.analytics import btyd, data

    with tempfile.TemporaryDirectory() as temporary:
        folder = keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for shape in shapes:
            table = data.read_customer_days(order_file(shape, lines, folder)).summary("week")
            compressed = btyd.Compressed.of(*(table[c].cast(float).to_numpy() for c in ("frequency", "recency", "T")))
            reached: dict[float, int] = {}
            passes, unconverged = [], 0
            for seed in seeds:
                btyd.SAMPLE_SEED = seed
                fit = btyd.ParetoNBD().fit_compressed(compressed)
                # Maxima on the ridge differ in their last digits (the likelihood is flat along it).
                top = round(fit.loglik, 1)
                reached[top] = reached.get(top, 0) + 1
                passes.append(fit.diagnostics["rows_evaluated"] / len(compressed.x))
                unconverged += not fit.converged
                print(f"  {shape} seed {seed}: log-likelihood {fit.loglik:,.3f}, {passes[-1]:.1f} passes"
                      f"{'' if fit.converged else ', not converged'}")
            maxima = ", ".join(f"{value:,.1f}: {count}" for value, count in sorted(reached.items(), reverse=True))
            rows.append(f"| {shape} | {len(seeds)} | {maxima} | {unconverged} | {np.mean(passes):.1f}, "
                        f"{min(passes):.1f}-{max(passes):.1f} |")
    print("\n| shape | seeds | maxima reached (log-likelihood: seeds) | not converged | passes: mean, min-max |")
    print("| --- | ---: | --- | ---: | --- |")
    print("\n".join(rows))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] in ("run-ours", "run-lifetimes"):
        result = (run_ours if sys.argv[1] == "run-ours" else run_lifetimes)(sys.argv[2])
        result["peak_mb"] = peak_memory_mb()
        # numpy scalars (a count, a flag) as plain numbers
        print(json.dumps(result, default=lambda value: value.item() if hasattr(value, "item") else str(value)))
        return
    sys.stdout.reconfigure(line_buffering=True)  # each shape's figures as they come, into a log too
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    fit = sub.add_parser("fit")
    fit.add_argument("--customers", type=int, default=1_000_000)
    fit.add_argument("--repeat", type=int, default=3)
    pipe = sub.add_parser("pipeline")
    pipe.add_argument("--shape", choices=[*SHAPES, "all"], default="generator")
    pipe.add_argument("--lines", type=int, default=10_000_000)
    pipe.add_argument("--repeat", type=int, default=3)
    pipe.add_argument("--keep", type=Path, metavar="DIR",
                      help="write the order files to DIR as <shape>-<lines>.parquet, reuse them when there")
    seeds = sub.add_parser("seeds")
    seeds.add_argument("--shape", choices=[*SHAPES, "all"], default="all")
    seeds.add_argument("--lines", type=int, default=10_000_000)
    seeds.add_argument("--seeds", default="7-23", help="a range of sample seeds, FIRST-LAST")
    seeds.add_argument("--keep", type=Path, metavar="DIR")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    if args.what == "fit":
        bench_fit(args.customers, args.repeat)
    elif args.what == "seeds":
        first, _, last = args.seeds.partition("-")
        bench_seeds(list(SHAPES) if args.shape == "all" else [args.shape], args.lines,
                    range(int(first), int(last or first) + 1), args.keep)
    else:
        if args.lines < 2 * LINES_PER_CUSTOMER:
            parser.error(f"--lines: at least {2 * LINES_PER_CUSTOMER} (one customer per {LINES_PER_CUSTOMER} lines)")
        bench_pipeline(list(SHAPES) if args.shape == "all" else [args.shape], args.lines, args.repeat, args.keep)


if __name__ == "__main__":
    main()
