"""Order lines to one row per customer: first and last purchase, repeat purchases, recency, tenure
and spend, in the time unit of the models.

Conventions (as the models' papers and common CLV libraries use them):
* a purchase is a day with orders: several orders on one day count once, and returns (negative
  lines) are netted with that day's purchases; a day whose net is negative (more returned than
  bought) is not a purchase, though its amount still counts in the customer's total spend;
* ``frequency`` is the number of purchase days after the first; ``recency`` the time from the first
  to the last purchase; ``T`` from the first purchase to the end of the observation (``until``, by
  default the last date in the data); customers without a purchase day (every day of theirs nets
  negative), or who first bought after ``until``, are left out;
* ``monetary_value`` is the average net amount of the repeat purchase days (0 without repeats).

Everything after the fold to days works on :class:`CustomerDays`: the days sorted by customer and
date, customers numbered in the order of their names, so that each per-customer figure is one
vectorised reduction over contiguous blocks instead of a group-by on text keys.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from keyaccount.analytics.errors import InputError

PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}
_EPOCH = dt.date(1970, 1, 1)


def order_days(orders: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """One row per customer and day with the day's net amount (order lines of a day summed)."""
    return orders.lazy().group_by("customer", "date").agg(pl.col("amount").sum()).collect()


def _argsort_distinct(packed: np.ndarray, index_bits: int) -> np.ndarray:
    """The row order of keys packed as ``key << index_bits | row``."""
    return np.sort(packed) & ((1 << index_bits) - 1)


def _number_customers(customers: pl.Series) -> tuple[pl.Series, np.ndarray]:
    """The distinct names, sorted, and each row's number among them.

    Text is hashed once and the rest works on integers (grouping text keys costs several times
    more); a second, independently seeded hash must agree within every group, so two names that
    share a hash are caught, and then numbered by the text itself."""
    index_bits = max(1, int(len(customers)).bit_length())
    # The hash's top bits with the row number beside them: a plain sort of integers gives the order
    # (numpy's argsort is several times slower than its sort).
    first_hash = (customers.hash(seed=0).to_numpy() >> np.uint64(index_bits + 1)).astype(np.int64)
    order = _argsort_distinct(first_hash << index_bits | np.arange(len(customers)), index_bits)
    ordered = first_hash[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    second = customers.hash(seed=0x5EED).to_numpy()[order]
    if np.any(~starts[1:] & (second[1:] != second[:-1])):
        names = customers.unique().sort()
        code = customers.replace_strict(names, pl.int_range(len(names), dtype=pl.Int64, eager=True),
                                        return_dtype=pl.Int64).to_numpy()
        return names, code
    group = np.empty(len(customers), dtype=np.int64)
    group[order] = np.cumsum(starts) - 1
    by_hash = customers.gather(order[starts])
    alphabetical = by_hash.arg_sort().to_numpy()
    rank = np.empty(len(alphabetical), dtype=np.int64)
    rank[alphabetical] = np.arange(len(alphabetical))
    return by_hash.gather(alphabetical), rank[group]


@dataclass(frozen=True)
class CustomerDays:
    """Customer-days up to ``until``, sorted by customer then date.

    ``names[code]`` is a customer's name (names sorted); ``code``, ``day`` (days since 1970) and
    ``amount`` are per customer-day; ``starts`` indexes each customer's first row in them."""

    names: pl.Series
    code: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    starts: np.ndarray
    until: dt.date
    # The last day with an order in what was read, before the cut at ``until`` (days since 1970): a
    # holdout that runs past it compares the models' predictions with days the file does not cover.
    last_read_day: int | None = None

    @classmethod
    def of(cls, days: pl.DataFrame, until: dt.date | None = None) -> CustomerDays:
        """From one row per customer and day (:func:`order_days`)."""
        if days.height == 0:
            raise InputError("the file has no order lines")
        names, code = _number_customers(days["customer"])
        day = days["date"].cast(pl.Int32).to_numpy().astype(np.int64)
        return cls.from_codes(names, code, day, days["amount"].cast(pl.Float64).to_numpy(), until)

    @classmethod
    def from_codes(cls, names: pl.Series, code: np.ndarray, day: np.ndarray, amount: np.ndarray,
                   until: dt.date | None = None, *, grouped: bool = False) -> CustomerDays:
        """From a customer number (into ``names``, sorted), a day (since 1970) and the day's net
        amount per row, one row per customer and day: in any order, or ``grouped`` (each
        customer's rows together, in date order)."""
        last_read_day = int(day.max()) if len(day) else None
        if until is None:
            until = _EPOCH + dt.timedelta(days=int(day.max()))
        else:
            keep = day <= (until - _EPOCH).days
            if not keep.all():
                code, day, amount = code[keep], day[keep], amount[keep]
        if len(code) == 0:
            raise InputError(f"no orders on or before {until}")
        if grouped:
            starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
            return cls(names, code, day, amount, starts, until, last_read_day)
        # One integer key per row (unique: one row per customer and day) sorts customer-major,
        # date-minor in a single pass.
        first_day = int(day.min())
        key = code * (int(day.max()) - first_day + 1) + (day - first_day)
        index_bits = int(len(key)).bit_length()
        if int(key.max()).bit_length() + index_bits <= 62:
            order = _argsort_distinct(key << index_bits | np.arange(len(key)), index_bits)
        else:
            order = np.argsort(key)
        code, day, amount = code[order], day[order], amount[order]
        starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
        return cls(names, code, day, amount, starts, until, last_read_day)

    def up_to(self, until: dt.date) -> CustomerDays:
        """The same customer-days, those after ``until`` left out."""
        cut = CustomerDays.from_codes(self.names, self.code, self.day, self.amount, until)
        return dataclasses.replace(cut, last_read_day=self.last_read_day)

    @property
    def last_read(self) -> dt.date | None:
        return None if self.last_read_day is None else _EPOCH + dt.timedelta(days=self.last_read_day)

    @property
    def until_day(self) -> int:
        return (self.until - _EPOCH).days

    def summary(self, period: str = "week") -> pl.DataFrame:
        if period not in PERIOD_DAYS:
            raise InputError(f"--period must be one of {', '.join(PERIOD_DAYS)}")
        unit = PERIOD_DAYS[period]
        total_spend = np.add.reduceat(self.amount, self.starts)
        bought = self.amount >= 0
        p_code, p_day, p_amount = self.code[bought], self.day[bought], self.amount[bought]
        if len(p_code) == 0:
            raise InputError(f"no purchases to analyse up to {self.until} (days whose returns exceed their "
                             "purchases do not count)")
        p_starts = np.flatnonzero(np.r_[True, p_code[1:] != p_code[:-1]])
        p_ends = np.r_[p_starts[1:], len(p_code)] - 1
        customer = p_code[p_starts]
        purchase_days = np.diff(np.r_[p_starts, len(p_code)])
        first, last = p_day[p_starts], p_day[p_ends]
        purchases_total = np.add.reduceat(p_amount, p_starts)
        first_amount = p_amount[p_starts]
        frequency = purchase_days - 1
        # Each customer's total over all their days (a day netting negative included).
        every = np.zeros(len(self.names))
        every[self.code[self.starts]] = total_spend
        spend = every[customer]
        until = self.until_day
        with np.errstate(divide="ignore", invalid="ignore"):
            monetary = np.where(frequency > 0, (purchases_total - first_amount) / np.maximum(frequency, 1), 0.0)
        columns = {
            "first_purchase": first, "last_purchase": last, "purchase_days": purchase_days.astype(np.uint32),
            "purchases_total": purchases_total, "first_amount": first_amount, "total_spend": spend,
            "frequency": frequency.astype(np.uint32), "recency": (last - first) / unit, "T": (until - first) / unit,
            "days_since_last": (until - last).astype(np.int64), "monetary_value": monetary,
            "average_spend": spend / purchase_days, "_code": customer,
        }
        table = pl.DataFrame(columns)
        if np.any(customer[1:] < customer[:-1]):  # customers in name order
            # The codes are distinct numbers below len(names): placed by number, not sorted, and the
            # rows gathered by polars (on every core: a third of numpy's time for a dozen columns).
            position = np.full(len(self.names), -1, dtype=np.int64)
            position[customer] = np.arange(len(customer))
            table = table[position[position >= 0]]
        return table.with_columns(pl.col("first_purchase", "last_purchase").cast(pl.Int32).cast(pl.Date)).insert_column(
            0, self.names.gather(table["_code"]).alias("customer"))


def customer_summary(orders: pl.DataFrame, *, until: dt.date | None = None, period: str = "week") -> pl.DataFrame:
    """The per-customer summary straight from order lines (or customer-days)."""
    if period not in PERIOD_DAYS:
        raise InputError(f"--period must be one of {', '.join(PERIOD_DAYS)}")
    return CustomerDays.of(order_days(orders), until).summary(period).drop("_code")
