"""All of it at once: the per-customer table with RFM, ABC/XYZ, trend and the three models fitted
and scored, from order lines or from a ready summary."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from keyaccount.analytics import btyd, segments
from keyaccount.analytics.errors import InputError
from keyaccount.analytics.summary import PERIOD_DAYS, CustomerDays, order_days

DEFAULT_HORIZON = {"day": 365, "week": 52, "month": 12}


@dataclass
class Analysis:
    customers: pl.DataFrame
    models: dict[str, btyd.Fit | None]
    period: str
    until: dt.date | None

    def as_json(self) -> dict:
        keys = {"bgnbd": ["r", "alpha", "a", "b"], "pareto_nbd": ["r", "alpha", "s", "beta"],
                "gamma_gamma": ["p", "q", "gamma"]}
        models = {}
        for name, fit in self.models.items():
            models[name] = None if fit is None else {
                **{key: _number(float(fit.params[key])) for key in keys[name]}, "loglik": _number(float(fit.loglik)),
                "converged": bool(fit.converged)}
        columns = ["customer", "frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases",
                   "expected_spend", "clv", "rfm", "abc", "xyz", "status"]
        rows = self.customers.select([pl.col(c) if c in self.customers.columns else pl.lit(None).alias(c)
                                      for c in columns]).to_dicts()
        return {"models": models, "customers": [{key: _number(value) for key, value in row.items()} for row in rows]}


def _number(value):
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, 10)
    return value


def _safe_fit(fit: Callable[[], btyd.Fit]) -> btyd.Fit | None:
    """A fit, or None when the data cannot carry the model; on degenerate data (a handful of
    customers, nobody buying twice) the optimiser wanders far out and numpy's overflow warnings say
    nothing the fit's ``converged`` and ``at_bound`` do not."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fit()
    except (ValueError, FloatingPointError, np.linalg.LinAlgError):
        return None


def analyze(*, orders: pl.DataFrame | CustomerDays | None = None, summary: pl.DataFrame | None = None,
            until: dt.date | None = None, period: str = "week", horizon: int | None = None,
            discount_rate: float = 0.10, thresholds: segments.Thresholds = segments.DEFAULT_THRESHOLDS,
            progress: Callable[[str], None] = lambda step: None) -> Analysis:
    """Order lines (customer, date, amount; or already one row per customer and day), their
    :class:`CustomerDays` (:func:`data.read_customer_days`), or a summary (frequency, recency,
    T[, monetary_value]) in; every customer scored out. ``discount_rate`` is yearly; ``horizon``
    counts periods."""
    if period not in PERIOD_DAYS:
        raise InputError(f"--period must be one of {', '.join(PERIOD_DAYS)}")
    horizon = DEFAULT_HORIZON[period] if horizon is None else horizon
    if not 1 <= horizon <= 10_000:
        raise InputError("--horizon must be between 1 and 10000 periods")
    if not -0.99 < discount_rate < 10:
        raise InputError("--discount-rate is a yearly rate such as 0.1 (10 %)")
    if orders is not None:
        progress("summary")
        if isinstance(orders, CustomerDays):
            customer_days = orders if until is None else orders.up_to(until)
        else:
            if orders.height == 0:
                raise InputError("the file has no order lines")
            customer_days = CustomerDays.of(order_days(orders), until)
        until = customer_days.until
        table = customer_days.summary(period)
        progress("segments")
        table = segments.rfm_and_abc(table, thresholds)
        trend = segments.xyz_and_trend(customer_days, table, thresholds=thresholds)
        table = pl.concat([table.drop("_code"), trend.drop("customer")], how="horizontal")
    else:
        table = summary
        if table is None or table.height == 0:
            raise InputError("the summary has no rows")
        table = table.with_columns(
            pl.when(pl.col("frequency") > 0).then(pl.lit("repeat customer")).otherwise(pl.lit("one-time buyer"))
            .alias("status"))
    x = table["frequency"].cast(pl.Float64).to_numpy()
    t_x = table["recency"].cast(pl.Float64).to_numpy()
    big_t = table["T"].cast(pl.Float64).to_numpy()
    progress("BG/NBD")
    try:
        compressed = btyd.Compressed.of(x, t_x, big_t)
    except ValueError as error:
        raise InputError(f"the summary does not add up: {error}") from error
    bg = btyd.BGNBD()
    bg_fit = _safe_fit(lambda: bg.fit_compressed(compressed))
    progress("Pareto/NBD")
    pareto = btyd.ParetoNBD()
    pareto_fit = _safe_fit(lambda: pareto.fit_compressed(compressed))
    gg_fit = None
    gg = btyd.GammaGamma()
    if "monetary_value" in table.columns:
        progress("Gamma-Gamma")
        gg_fit = _safe_fit(lambda: gg.fit(x, table["monetary_value"].cast(pl.Float64).to_numpy()))
    progress("scores")
    with np.errstate(all="ignore"):
        columns = _scores(table, compressed, bg, bg_fit, pareto, pareto_fit, gg, gg_fit, horizon=horizon,
                          discount_rate=discount_rate, period=period)
    table = table.with_columns([pl.Series(name, values) for name, values in columns.items()])
    return Analysis(customers=table, models={"bgnbd": bg_fit, "pareto_nbd": pareto_fit, "gamma_gamma": gg_fit},
                    period=period, until=until)


def _scores(table, data, bg, bg_fit, pareto, pareto_fit, gg, gg_fit, *, horizon, discount_rate, period):
    """Every per-customer figure of the models: worked out per distinct (x, t_x, T) row of ``data``
    and spread to the customers who share it (spend, which depends on each customer's average, last)."""
    columns = {}
    rows = data.customer_row
    if bg_fit is not None:
        alive = bg.p_alive_of(data)
        at_t = data.pairs[1]
        columns["p_alive"] = alive[rows]
        columns["expected_purchases"] = (bg.purchases_if_alive(horizon, at_t.x, at_t.t)[at_t.index] * alive)[rows]
        if pareto_fit is not None:
            columns["p_alive_pareto"] = pareto.p_alive_of(data)[rows]
    if gg_fit is not None:
        x = table["frequency"].cast(pl.Float64).to_numpy()
        spend = gg.expected_spend(x, table["monetary_value"].cast(pl.Float64).to_numpy())
        columns["expected_spend"] = spend
        if bg_fit is not None:
            per_period = (1 + discount_rate) ** (PERIOD_DAYS[period] / 365.25) - 1
            columns["clv"] = btyd.discounted_purchases(bg, data, horizon=horizon,
                                                       discount_per_period=per_period)[rows] * spend
    return columns
