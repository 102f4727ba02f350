"""Order lines to one row per customer: first and last purchase, repeat purchases, recency, tenure
and spend, in the time unit of the models.

Conventions (as the models' papers and common CLV libraries use them):
* a purchase is a day with orders: several orders on one day count once, and returns (negative
  lines) are netted with that day's purchases; a day whose net is negative (more returned than
  bought) is not a purchase, though its amount still counts in the customer's total spend;
* ``frequency`` is the number of purchase days after the first; ``recency`` the time from the first
  to the last purchase; ``T`` from the first purchase to the end of the observation (``until``, by
  default the last date in the data); customers whose only purchase days net to zero or less, or
  who first bought after ``until``, are left out;
* ``monetary_value`` is the average net amount of the repeat purchase days (0 without repeats).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from keyaccount.analytics.errors import InputError

PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}


def customer_summary(orders: pl.DataFrame, *, until: dt.date | None = None, period: str = "week") -> pl.DataFrame:
    if period not in PERIOD_DAYS:
        raise InputError(f"--period must be one of {', '.join(PERIOD_DAYS)}")
    days = PERIOD_DAYS[period]
    lazy = orders.lazy()
    if until is None:
        until = orders["date"].max()
    else:
        lazy = lazy.filter(pl.col("date") <= until)
    daily = lazy.group_by("customer", "date").agg(pl.col("amount").sum())
    spend = daily.group_by("customer").agg(pl.col("amount").sum().alias("total_spend"))
    purchases = daily.filter(pl.col("amount") >= 0)
    per_customer = purchases.group_by("customer").agg(
        pl.col("date").min().alias("first_purchase"),
        pl.col("date").max().alias("last_purchase"),
        pl.len().alias("purchase_days"),
        pl.col("amount").sum().alias("purchases_total"),
        pl.col("amount").sort_by("date").first().alias("first_amount"),
    )
    until_literal = pl.lit(until, dtype=pl.Date)
    summary = (per_customer.join(spend, on="customer", how="left").with_columns(
        (pl.col("purchase_days") - 1).alias("frequency"),
        ((pl.col("last_purchase") - pl.col("first_purchase")).dt.total_days() / days).alias("recency"),
        ((until_literal - pl.col("first_purchase")).dt.total_days() / days).alias("T"),
        (until_literal - pl.col("last_purchase")).dt.total_days().alias("days_since_last"),
    ).with_columns(
        pl.when(pl.col("frequency") > 0)
        .then((pl.col("purchases_total") - pl.col("first_amount")) / pl.col("frequency"))
        .otherwise(0.0).alias("monetary_value"),
        (pl.col("total_spend") / pl.col("purchase_days")).alias("average_spend"),
    ).sort("customer").collect())
    if summary.height == 0:
        raise InputError("no purchases to analyse" + (f" up to {until}" if until else "")
                         + " (days whose returns exceed their purchases do not count)")
    return summary
