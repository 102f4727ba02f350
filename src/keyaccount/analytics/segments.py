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

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(frozen=True)
class Thresholds:
    a: float = 0.80
    b: float = 0.95
    x: float = 0.10
    y: float = 0.25


DEFAULT_THRESHOLDS = Thresholds()


def _quintile(values: pl.Expr, *, descending: bool = False) -> pl.Expr:
    rank = values.rank(method="max", descending=descending)
    return ((rank * 5 / pl.len()).ceil().clip(1, 5)).cast(pl.Int8)


def rfm_and_abc(summary: pl.DataFrame, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> pl.DataFrame:
    scored = summary.with_columns(
        _quintile(pl.col("days_since_last"), descending=True).alias("r_score"),
        _quintile(pl.col("purchase_days")).alias("f_score"),
        _quintile(pl.col("total_spend")).alias("m_score"),
    ).with_columns(
        pl.concat_str([pl.col("r_score").cast(pl.Utf8), pl.col("f_score").cast(pl.Utf8),
                       pl.col("m_score").cast(pl.Utf8)]).alias("rfm"),
        pl.when(pl.col("frequency") > 0).then(pl.lit("repeat customer")).otherwise(pl.lit("one-time buyer"))
        .alias("status"),
    )
    total = float(scored["total_spend"].clip(lower_bound=0).sum()) or 1.0
    ranked = scored.sort(["total_spend", "customer"], descending=[True, False]).with_columns(
        (pl.col("total_spend").clip(lower_bound=0).cum_sum() - pl.col("total_spend").clip(lower_bound=0))
        .alias("_before"))
    ranked = ranked.with_columns(
        pl.when(pl.col("_before") < thresholds.a * total).then(pl.lit("A"))
        .when(pl.col("_before") < thresholds.b * total).then(pl.lit("B")).otherwise(pl.lit("C")).alias("abc"),
        (pl.col("total_spend") / total).alias("revenue_share"),
    ).drop("_before")
    return ranked.sort("customer")


def _month_index(dates: pl.Expr) -> pl.Expr:
    return dates.dt.year().cast(pl.Int32) * 12 + dates.dt.month().cast(pl.Int32) - 1


def xyz_and_trend(orders: pl.DataFrame, summary: pl.DataFrame, *, until: dt.date,
                  thresholds: Thresholds = DEFAULT_THRESHOLDS) -> pl.DataFrame:
    """XYZ class and revenue trend per customer, from monthly revenue (one grouped pass)."""
    last_month = until.year * 12 + until.month - 1
    monthly = (orders.lazy().filter(pl.col("date") <= until)
               .group_by("customer", _month_index(pl.col("date")).alias("month"))
               .agg(pl.col("amount").sum().alias("revenue")).collect())
    firsts = summary.select("customer", _month_index(pl.col("first_purchase")).alias("first_month"))
    monthly = monthly.join(firsts, on="customer", how="inner")
    span = (pl.lit(last_month) - pl.col("first_month") + 1).alias("months")
    # Mean and variance over all months of the span, zeros included, from sums of revenue and squares.
    stats = monthly.group_by("customer").agg(
        pl.col("revenue").sum().alias("_sum"), (pl.col("revenue") ** 2).sum().alias("_sum2"),
        pl.col("first_month").first(),
    ).with_columns(span).with_columns(
        (pl.col("_sum") / pl.col("months")).alias("_mean"),
    ).with_columns(
        ((pl.col("_sum2") / pl.col("months") - pl.col("_mean") ** 2).clip(lower_bound=0).sqrt()
         / pl.col("_mean")).alias("revenue_cv"),
    ).with_columns(
        pl.when((pl.col("months") < 3) | (pl.col("_mean") <= 0)).then(None)
        .when(pl.col("revenue_cv") <= thresholds.x).then(pl.lit("X"))
        .when(pl.col("revenue_cv") <= thresholds.y).then(pl.lit("Y")).otherwise(pl.lit("Z")).alias("xyz"),
    )
    # Trend over the last 12 months: slope by least squares with months as x (zeros included).
    window = monthly.filter(pl.col("month") > last_month - 12).with_columns(
        (pl.col("month") - (last_month - 11)).alias("k"))
    k_mean = 5.5
    k_var_sum = float(sum((k - k_mean) ** 2 for k in range(12)))
    trend = window.group_by("customer").agg(
        ((pl.col("k") - k_mean) * pl.col("revenue")).sum().alias("_cov"),
        pl.col("revenue").filter(pl.col("k") >= 6).sum().alias("_recent"),
        pl.col("revenue").filter(pl.col("k") < 6).sum().alias("_before"),
    ).with_columns(
        (pl.col("_cov") / k_var_sum).alias("trend_slope"),
        pl.when(pl.col("_before") > 0).then((pl.col("_recent") - pl.col("_before")) / pl.col("_before") * 100)
        .otherwise(None).alias("growth_pct"),
    )
    return (summary.select("customer")
            .join(stats.select("customer", "revenue_cv", "xyz"), on="customer", how="left")
            .join(trend.select("customer", "trend_slope", "growth_pct"), on="customer", how="left")
            .with_columns(pl.col("trend_slope").fill_null(0.0)))


def np_float(series: pl.Series) -> np.ndarray:
    return series.cast(pl.Float64).to_numpy()
