"""Who matters and how they buy: RFM scores, ABC and XYZ classes, the revenue trend, repeat status.

* RFM: quintile scores 1-5 over the customers (R from the days since the last purchase, fewer is
  better; F from the purchase days; M from the total spend), ties sharing a score; "545".
* ABC: customers by total spend, largest first; A while the spend before them is under 80 % of all
  (so the first customer is always A), B under 95 %, C the rest (thresholds configurable).
* XYZ: the coefficient of variation of the customer's revenue per calendar month from their first
  month to the month of ``until`` (months without purchases count as 0): X up to 10 %, Y up to 25 %,
  Z above; none for a customer with fewer than three months of history.
* Trend: the least-squares slope of monthly revenue over the last 12 months (per month), and growth
  as the last six months against the six before (none when those were 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from keyaccount.analytics.summary import CustomerDays


@dataclass(frozen=True)
class Thresholds:
    a: float = 0.80
    b: float = 0.95
    x: float = 0.10
    y: float = 0.25


DEFAULT_THRESHOLDS = Thresholds()


def _quintile(values: np.ndarray, *, descending: bool = False, ascending_order: np.ndarray | None = None) -> np.ndarray:
    """Scores 1-5 from the "max" rank (ties share the highest rank of their group). Whole numbers
    over a range not much wider than their count (days, purchase counts) are ranked by counting;
    others by sorting (``ascending_order``: their indices in ascending order, when already known)."""
    size = len(values)
    if values.dtype.kind in "iu" and size and int(values.max()) - int(values.min()) <= 4 * size:
        offset = values.astype(np.int64) - int(values.min())
        counts = np.bincount(offset)
        at_most = np.cumsum(counts)[offset]  # how many values are <= each
        rank = size - (at_most - counts[offset]) if descending else at_most
    else:
        order = np.argsort(values) if ascending_order is None else ascending_order
        ordered = values[order]
        # Looked up in sorted order (a binary search that walks memory forward), then put back.
        rank = np.empty(size, dtype=np.int64)
        if descending:
            rank[order] = size - np.searchsorted(ordered, ordered, side="left")
        else:
            rank[order] = np.searchsorted(ordered, ordered, side="right")
    return np.clip(np.ceil(rank * 5 / size), 1, 5).astype(np.int8)


def rfm_and_abc(summary: pl.DataFrame, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> pl.DataFrame:
    """RFM scores, repeat status, ABC class and revenue share; ``summary`` is sorted by customer."""
    r = _quintile(summary["days_since_last"].to_numpy(), descending=True)
    f = _quintile(summary["purchase_days"].to_numpy())
    spend = summary["total_spend"].to_numpy().astype(np.float64, copy=False)
    # Largest spend first, ties by customer (the summary's own order): ABC's order, and reversed, M's.
    order = np.argsort(-spend, kind="stable")
    m = _quintile(spend, ascending_order=order[::-1])
    positive = np.clip(spend, 0, None)
    total = float(positive.sum()) or 1.0
    # The share before each.
    before = np.empty_like(positive)
    before[order] = np.cumsum(positive[order]) - positive[order]
    return summary.with_columns(
        pl.Series("r_score", r), pl.Series("f_score", f), pl.Series("m_score", m),
        pl.Series("_rfm", r.astype(np.int16) * 100 + f * 10 + m).cast(pl.Utf8).alias("rfm"),
        pl.when(pl.col("frequency") > 0).then(pl.lit("repeat customer")).otherwise(pl.lit("one-time buyer"))
        .alias("status"),
        pl.when(pl.Series(before) < thresholds.a * total).then(pl.lit("A"))
        .when(pl.Series(before) < thresholds.b * total).then(pl.lit("B")).otherwise(pl.lit("C")).alias("abc"),
        pl.Series("revenue_share", spend / total))


def _months(day: np.ndarray) -> np.ndarray:
    """Calendar month numbers (year * 12 + month - 1) of days counted from 1970-01-01, through a
    table of the days between the first and the last."""
    first = int(day.min())
    calendar = np.arange(first, int(day.max()) + 1).astype("datetime64[D]").astype("datetime64[M]")
    return (calendar.astype(np.int64) + 1970 * 12)[day - first]


def xyz_and_trend(days: CustomerDays, summary: pl.DataFrame, *,
                  thresholds: Thresholds = DEFAULT_THRESHOLDS) -> pl.DataFrame:
    """XYZ class and revenue trend per customer of ``summary``, from monthly revenue: the days are
    sorted by customer and date, so each (customer, month) is one contiguous block."""
    until = days.until
    last_month = until.year * 12 + until.month - 1
    month = _months(days.day)
    edge = np.flatnonzero(np.r_[True, (days.code[1:] != days.code[:-1]) | (month[1:] != month[:-1])])
    m_code, m_month = days.code[edge], month[edge]
    revenue = np.add.reduceat(days.amount, edge)
    codes = summary["_code"].to_numpy()
    size = len(days.names)
    first_month = np.zeros(size, dtype=np.int64)
    first_month[codes] = _months(summary["first_purchase"].cast(pl.Int32).to_numpy().astype(np.int64))
    months = (last_month - first_month[codes] + 1).astype(np.float64)
    # Mean and variance over all months of the span, zeros included, from sums of revenue and squares.
    total = np.bincount(m_code, weights=revenue, minlength=size)[codes]
    squares = np.bincount(m_code, weights=revenue * revenue, minlength=size)[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / months
        cv = np.sqrt(np.clip(squares / months - mean ** 2, 0, None)) / mean
    undefined = (months < 3) | (mean <= 0)
    # Each customer's class as its index into the three names (null where undefined), then the names
    # gathered: a tenth of the time of building 200,000 strings in numpy.
    xyz_index = np.where(cv <= thresholds.x, 0, np.where(cv <= thresholds.y, 1, 2)).astype(np.uint32)
    xyz = pl.Series("xyz", ["X", "Y", "Z"]).gather(pl.Series(xyz_index).scatter(np.flatnonzero(undefined), None))
    cv = np.where(mean == 0, np.nan, cv)
    # Trend over the last 12 months: slope by least squares with months as x (zeros included), and
    # the last six months against the six before.
    k = m_month - (last_month - 11)
    window = k >= 0
    w_code, w_k, w_revenue = m_code[window], k[window], revenue[window]
    k_mean = 5.5
    k_var_sum = float(sum((i - k_mean) ** 2 for i in range(12)))
    slope = np.bincount(w_code, weights=(w_k - k_mean) * w_revenue, minlength=size)[codes] / k_var_sum
    recent = np.bincount(w_code[w_k >= 6], weights=w_revenue[w_k >= 6], minlength=size)[codes]
    earlier = np.bincount(w_code[w_k < 6], weights=w_revenue[w_k < 6], minlength=size)[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(earlier > 0, (recent - earlier) / earlier * 100, np.nan)
    return pl.DataFrame({
        "customer": summary["customer"],
        "revenue_cv": pl.Series(cv).fill_nan(None),
        "xyz": xyz,
        "trend_slope": slope,
        "growth_pct": pl.Series(growth).fill_nan(None),
    })
