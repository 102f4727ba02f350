"""Analytics against the lifetimes library, side by side in one run, on order data with
day-resolution dates as real order histories have.

    .venv/bin/python bench/bench_analytics.py fit --customers 1000000 [--repeat 3]
    .venv/bin/python bench/bench_analytics.py pipeline --lines 10000000 [--repeat 3]

``fit``: BG/NBD on a per-customer summary of 1,000,000 simulated customers (purchases at whole
days over two years, in weeks), Keyaccount's fitter and lifetimes' BetaGeoFitter; the
log-likelihood of both fits is computed by one function so they can be compared.
``pipeline``: a Parquet file of order lines (about 200,000 customers); each side runs in its own
process and its wall time and peak memory (VmHWM) are reported: Keyaccount's whole pipeline
(summary, RFM, ABC/XYZ, trend, BG/NBD, Pareto/NBD, Gamma-Gamma, scores) against lifetimes'
summary_data_from_transaction_data + BetaGeoFitter + GammaGammaFitter.
Needs lifetimes (the test extras install it).
"""

from __future__ import annotations

import argparse
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

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

START = dt.date(2024, 1, 1)
DAYS = 730


def simulate_customers(n: int, seed: int = 1):
    """x, t_x, T in weeks from whole-day purchase dates: BG/NBD-like buyers with gamma rates and a
    geometric dropout, first purchases spread over the first year."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, 365, n)
    rate = rng.gamma(0.8, 1 / 25.0, n)  # purchases per day
    p_drop = rng.beta(0.8, 3.0, n)
    horizon = DAYS - first
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


def write_orders(lines: int, path: Path, seed: int = 2) -> None:
    """Order lines of customers who buy at their own pace and stop one day (the BG/NBD story), at
    whole days over two years, several lines per order (about 50 lines per customer)."""
    import polars as pl

    rng = np.random.default_rng(seed)
    customers = max(1, lines // 50)
    x, last, horizon = simulate_customers(customers, seed=seed)
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
    line_owner = np.repeat(owner, per_day)[:lines]
    line_day = np.repeat(day, per_day)[:lines]
    amount = np.round(rng.lognormal(4.0, 0.8, len(line_owner)), 2)
    frame = pl.DataFrame({"customer": line_owner.astype(np.int64), "date": line_day.astype(np.int32),
                          "amount": amount}).with_columns(
        (pl.lit(START) + pl.duration(days=pl.col("date"))).alias("date"), pl.col("customer").cast(pl.Utf8))
    frame.write_parquet(path)
    print(f"{frame.height:,} order lines, {frame['customer'].n_unique():,} customers -> {path}")


def run_ours(path: str) -> dict:
    from keyaccount.analytics import data, pipeline

    started = time.perf_counter()
    analysis = pipeline.analyze(orders=data.read_customer_days(path))
    return {"seconds": time.perf_counter() - started, "customers": analysis.customers.height,
            "bgnbd": analysis.models["bgnbd"].as_dict()}


def run_lifetimes(path: str) -> dict:
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    started = time.perf_counter()
    orders = pd.read_parquet(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = summary_data_from_transaction_data(orders, "customer", "date", monetary_value_col="amount",
                                                     freq="W")
        bg = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
        repeat = summary[summary["frequency"] > 0]
        GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    return {"seconds": time.perf_counter() - started, "customers": len(summary),
            "bgnbd": {k: float(v) for k, v in bg.params_.items()}}


def peak_memory_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    execve, so a child would report its parent's peak (the data generator's) as its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measured(side: str, path: Path) -> dict:
    """One side in its own process: its own wall time and peak memory."""
    child = subprocess.run([sys.executable, __file__, side, str(path)], capture_output=True, text=True, check=True)
    return json.loads(child.stdout)


def bench_pipeline(lines: int, repeat: int) -> None:
    """Each side ``repeat`` times, alternating, each run in a fresh process; the medians compared
    (this machine's speed wanders by a fifth from one minute to the next)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.parquet"
        write_orders(lines, path)
        runs = {"ours": [], "theirs": []}
        for _ in range(repeat):
            runs["ours"].append(measured("run-ours", path))
            runs["theirs"].append(measured("run-lifetimes", path))
    ours = {k: float(np.median([r[k] for r in runs["ours"]])) for k in ("seconds", "peak_mb")}
    theirs = {k: float(np.median([r[k] for r in runs["theirs"]])) for k in ("seconds", "peak_mb")}
    print("keyaccount runs: " + ", ".join(f"{r['seconds']:.2f} s / {r['peak_mb']:.0f} MB" for r in runs["ours"]))
    print("lifetimes runs: " + ", ".join(f"{r['seconds']:.2f} s / {r['peak_mb']:.0f} MB" for r in runs["theirs"]))
    print(f"keyaccount pipeline: {ours['seconds']:.2f} s, peak {ours['peak_mb']:.0f} MB, "
          f"{runs['ours'][0]['customers']:,} customers (median of {repeat})")
    print(f"lifetimes summary + BG/NBD + Gamma-Gamma: {theirs['seconds']:.2f} s, peak {theirs['peak_mb']:.0f} MB")
    print(f"speed-up {theirs['seconds'] / ours['seconds']:.1f}x; memory {ours['peak_mb'] / theirs['peak_mb']:.2f} "
          f"of lifetimes'")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] in ("run-ours", "run-lifetimes"):
        result = (run_ours if sys.argv[1] == "run-ours" else run_lifetimes)(sys.argv[2])
        result["peak_mb"] = peak_memory_mb()
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    fit = sub.add_parser("fit")
    fit.add_argument("--customers", type=int, default=1_000_000)
    fit.add_argument("--repeat", type=int, default=3)
    pipe = sub.add_parser("pipeline")
    pipe.add_argument("--lines", type=int, default=10_000_000)
    pipe.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    if args.what == "fit":
        bench_fit(args.customers, args.repeat)
    else:
        bench_pipeline(args.lines, args.repeat)


if __name__ == "__main__":
    main()
