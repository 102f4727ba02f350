"""Order lines folded to customer-days and per-customer figures: the Parquet fast path gives exactly
what reading every line gives, and falls back to it (with its row-level messages) on any doubt."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from keyaccount.analytics import data, pipeline, summary
from keyaccount.analytics.errors import InputError


def order_lines(customers=300, lines=6000, seed=4):
    rng = np.random.default_rng(seed)
    start = dt.date(2024, 1, 1)
    return pl.DataFrame({
        "client": [f"ООО «Клиент {i}»" for i in rng.integers(0, customers, lines)],
        "order_date": [start + dt.timedelta(days=int(d)) for d in rng.integers(0, 700, lines)],
        # Some returns, so that days net and some days net negative.
        "total": np.round(np.where(rng.random(lines) < 0.05, -1, 1) * rng.lognormal(4, 1, lines), 2),
    })


def test_the_parquet_fast_path_gives_what_reading_every_line_gives(tmp_path):
    frame = order_lines()
    path = tmp_path / "orders.parquet"
    frame.write_parquet(path)
    fast = data._parquet_customer_days(path, None, None, None, None)
    assert fast is not None
    every_line = summary.CustomerDays.of(summary.order_days(data.read_orders(tmp_path / "orders.parquet")))
    assert fast.names.to_list() == every_line.names.to_list() == sorted(set(frame["client"]))
    assert fast.until == every_line.until == frame["order_date"].max()
    # The fast path keeps each customer's days together in hash order; the figures are the same.
    ours, theirs = fast.summary(), every_line.summary()
    assert ours.drop(pl.selectors.float()).equals(theirs.drop(pl.selectors.float()))
    for column in ours.select(pl.selectors.float()).columns:
        np.testing.assert_allclose(ours[column].to_numpy(), theirs[column].to_numpy(), rtol=1e-9, atol=1e-9)


def test_datetimes_and_integer_amounts_take_the_fast_path_too(tmp_path):
    frame = order_lines().with_columns(pl.col("order_date").cast(pl.Datetime("us")) + pl.duration(hours=15),
                                       pl.col("total").round(0).cast(pl.Int64))
    frame.write_parquet(tmp_path / "orders.parquet")
    fast = data._parquet_customer_days(tmp_path / "orders.parquet", None, None, None, None)
    assert fast is not None
    table = fast.summary()
    expected = (frame.with_columns(pl.col("order_date").dt.date()).group_by("client", "order_date")
                .agg(pl.col("total").sum()).group_by("client").agg(pl.col("total").sum()).sort("client"))
    assert table["customer"].to_list() == expected["client"].to_list()
    np.testing.assert_allclose(table["total_spend"].to_numpy(), expected["total"].to_numpy())


@pytest.mark.parametrize("column,message", [("total", "column 'total', row 9: no amount"),
                                            ("order_date", "column 'order_date', row 9: no date"),
                                            ("client", "column 'client', row 9: no customer")])
def test_a_bad_line_in_a_parquet_file_is_still_named_by_its_row(tmp_path, column, message):
    frame = order_lines(lines=50).with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(None).otherwise(pl.col(column)).alias(column))
    frame.write_parquet(tmp_path / "orders.parquet")
    with pytest.raises(InputError, match=message):
        data.read_customer_days(tmp_path / "orders.parquet")


def test_names_with_spaces_around_them_are_one_customer(tmp_path):
    pl.DataFrame({"customer": ["ACME", " ACME ", "Beta"], "date": [dt.date(2026, 1, 5)] * 3,
                  "amount": [10.0, 5.0, 7.0]}).write_parquet(tmp_path / "orders.parquet")
    days = data.read_customer_days(tmp_path / "orders.parquet")
    assert days.names.to_list() == ["ACME", "Beta"] and days.amount.tolist() == [15.0, 7.0]


def test_until_leaves_later_days_out_and_sets_the_end_of_observation(tmp_path):
    frame = order_lines()
    frame.write_parquet(tmp_path / "orders.parquet")
    until = dt.date(2025, 3, 31)
    whole = data.read_customer_days(tmp_path / "orders.parquet")
    early = data.read_customer_days(tmp_path / "orders.parquet", until=until)
    assert early.until == until and early.day.max() <= (until - dt.date(1970, 1, 1)).days
    assert whole.up_to(until).summary().equals(early.summary())
    by_lines = pipeline.analyze(orders=frame.rename({"client": "customer", "order_date": "date", "total": "amount"}),
                                until=until).customers
    by_days = pipeline.analyze(orders=early).customers
    assert by_lines.select("customer", "frequency", "recency", "T", "rfm", "abc", "xyz").equals(
        by_days.select("customer", "frequency", "recency", "T", "rfm", "abc", "xyz"))


def test_a_day_that_nets_negative_is_not_a_purchase_but_counts_in_the_spend():
    lines = pl.DataFrame({"customer": ["A"] * 4, "date": [dt.date(2026, 1, d) for d in (1, 1, 8, 15)],
                          "amount": [100.0, -20.0, -50.0, 30.0]})
    row = summary.customer_summary(lines, until=dt.date(2026, 1, 29), period="week").row(0, named=True)
    assert row["purchase_days"] == 2 and row["frequency"] == 1 and row["recency"] == 2.0 and row["T"] == 4.0
    assert row["total_spend"] == 60.0 and row["first_amount"] == 80.0 and row["monetary_value"] == 30.0
