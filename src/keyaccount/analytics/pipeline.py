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

from keyaccount.analytics import MODELS, btyd, holdout, segments
from keyaccount.analytics.errors import InputError
from keyaccount.analytics.summary import PERIOD_DAYS, CustomerDays, order_days

DEFAULT_HORIZON = {"day": 365, "week": 52, "month": 12}


# The per-customer columns of the outputs: those of the data, each model's, and CLV (BG/NBD purchases
# times Gamma-Gamma spend) when both are chosen.
BASE_COLUMNS = ["customer", "frequency", "recency", "T", "monetary_value"]
MODEL_COLUMNS = {"bgnbd": ["p_alive", "expected_purchases"],
                 "pareto_nbd": ["p_alive_pareto", "expected_purchases_pareto"],
                 "gamma_gamma": ["expected_spend"]}
SEGMENT_COLUMNS = ["rfm", "abc", "xyz", "status"]
PARAMETERS = {"bgnbd": btyd.BGNBD.names, "pareto_nbd": btyd.ParetoNBD.names, "gamma_gamma": btyd.GammaGamma.names}


@dataclass
class Analysis:
    customers: pl.DataFrame
    models: dict[str, btyd.Fit | btyd.NotFitted]
    period: str
    until: dt.date | None
    horizon: int = DEFAULT_HORIZON["week"]
    discount_rate: float = 0.10
    currency: str | None = None
    # Predicted against actual purchases after ``until`` (see holdout.validation); None without a holdout.
    holdout: dict | None = None

    @property
    def columns(self) -> list[str]:
        """The output's per-customer columns: a model's only when it was chosen (null for each
        customer when it could not be fitted)."""
        chosen = [column for name in MODELS if name in self.models for column in MODEL_COLUMNS[name]]
        clv = ["clv"] if "bgnbd" in self.models and "gamma_gamma" in self.models else []
        return BASE_COLUMNS + chosen + clv + SEGMENT_COLUMNS

    def output(self) -> pl.DataFrame:
        """The output columns, with null for what is missing or not a finite number (a model not
        fitted, a summary without segments), ready for any writer."""
        table = self.customers
        return table.select([
            (pl.when(pl.col(c).is_finite()).then(pl.col(c)) if table.schema[c].is_float() else pl.col(c))
            .alias(c) if c in table.columns else pl.lit(None).alias(c) for c in self.columns])

    def header(self) -> dict:
        """What the figures mean (time unit, horizon, observation end, discount rate, currency) and
        each model's estimates or the reason it has none; the holdout result when there is one."""
        models = {}
        for name, fit in self.models.items():
            fitted = isinstance(fit, btyd.Fit)
            models[name] = {**{key: (_number(fit.params[key]) if fitted else None) for key in PARAMETERS[name]},
                            "loglik": _number(fit.loglik) if fitted else None,
                            "converged": bool(fit.converged), "reason": fit.reason}
        return {"period": self.period, "horizon": self.horizon,
                "until": self.until.isoformat() if self.until else None, "discount_rate": self.discount_rate,
                "currency": self.currency, "models": models, "holdout": self.holdout}

    def as_json(self) -> dict:
        return {**self.header(), "customers": self.output().to_dicts()}


def _number(value):
    """A float as JSON can hold it: itself (every digit: json writes the shortest repr that reads
    back the same), or None when it is not finite."""
    value = float(value)
    return value if math.isfinite(value) else None


def _safe_fit(fit: Callable[[], btyd.Fit]) -> btyd.Fit | btyd.NotFitted:
    """A fit, or why there is none; on thin data (a handful of customers) the optimiser wanders far
    out and numpy's overflow warnings say nothing the fit's ``converged`` and ``at_bound`` do not."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fit()
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as error:
        return btyd.NotFitted(f"the fit failed: {error}")


def analyze(*, orders: pl.DataFrame | CustomerDays | None = None, summary: pl.DataFrame | None = None,
            until: dt.date | None = None, period: str = "week", horizon: int | None = None,
            discount_rate: float = 0.10, thresholds: segments.Thresholds = segments.DEFAULT_THRESHOLDS,
            models: tuple[str, ...] = MODELS, currency: str | None = None, holdout_until: dt.date | None = None,
            progress: Callable[[str], None] = lambda step: None) -> Analysis:
    """Order lines (customer, date, amount; or already one row per customer and day), their
    :class:`CustomerDays` (:func:`data.read_customer_days`), or a summary (frequency, recency,
    T[, monetary_value]) in; every customer scored out. ``discount_rate`` is yearly; ``horizon``
    counts periods; ``models`` are those to fit (any of :data:`MODELS`), ``currency`` is only
    stated in the outputs. With ``holdout_until`` the models are fitted on the orders up to ``until``
    (then required) and checked against the purchases up to ``holdout_until`` (see :mod:`holdout`):
    ``orders`` must then reach that far."""
    unknown = [name for name in models if name not in MODELS]
    if unknown:
        raise InputError(f"--models: no model '{unknown[0]}'; choose from {', '.join(MODELS)}")
    if period not in PERIOD_DAYS:
        raise InputError(f"--period must be one of {', '.join(PERIOD_DAYS)}")
    horizon = DEFAULT_HORIZON[period] if horizon is None else horizon
    if not 1 <= horizon <= 10_000:
        raise InputError("--horizon must be between 1 and 10000 periods")
    if not -0.99 < discount_rate < 10:
        raise InputError("--discount-rate is a yearly rate such as 0.1 (10 %)")
    if holdout_until is not None:
        holdout.check_request(until, holdout_until, summary=orders is None)
    if orders is not None:
        progress("summary")
        if not isinstance(orders, CustomerDays):
            if orders.height == 0:
                raise InputError("the file has no order lines")
            orders = CustomerDays.of(order_days(orders), holdout_until or until)
        # Every day of ``orders`` is on or before its ``until``: cut only when that is later.
        customer_days = orders if until is None or orders.until == until else orders.up_to(until)
        until = customer_days.until
        table = customer_days.summary(period)
        if holdout_until is not None:
            actual = holdout.actual_purchases(orders, customer_days, holdout_until, table["_code"].to_numpy())
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
    try:
        compressed = btyd.Compressed.of(x, t_x, big_t)
    except ValueError as error:
        raise InputError(f"the summary does not add up: {error}") from error
    # Each model the data can carry, fitted; for the others the reason (see btyd.why_not_fittable).
    fits: dict[str, btyd.Fit | btyd.NotFitted] = {}
    counts_reason = btyd.why_not_fittable(compressed)
    bg, pareto, gg = btyd.BGNBD(), btyd.ParetoNBD(), btyd.GammaGamma()
    if "bgnbd" in models:
        progress("BG/NBD")
        fits["bgnbd"] = (btyd.NotFitted(counts_reason) if counts_reason
                         else _safe_fit(lambda: bg.fit_compressed(compressed)))
    if "pareto_nbd" in models:
        progress("Pareto/NBD")
        fits["pareto_nbd"] = (btyd.NotFitted(counts_reason) if counts_reason
                              else _safe_fit(lambda: pareto.fit_compressed(compressed)))
    if "gamma_gamma" in models:
        progress("Gamma-Gamma")
        if "monetary_value" not in table.columns:
            fits["gamma_gamma"] = btyd.NotFitted("the summary has no monetary_value column")
        else:
            spend = table["monetary_value"].cast(pl.Float64).to_numpy()
            spend_reason = btyd.GammaGamma.why_not_fittable(x, spend)
            fits["gamma_gamma"] = (btyd.NotFitted(spend_reason) if spend_reason
                                   else _safe_fit(lambda: gg.fit(x, spend)))
    progress("scores")
    fitted = {name for name, fit in fits.items() if isinstance(fit, btyd.Fit)}
    with np.errstate(all="ignore"):
        columns = _scores(table, compressed, bg if "bgnbd" in fitted else None,
                          pareto if "pareto_nbd" in fitted else None, gg if "gamma_gamma" in fitted else None,
                          horizon=horizon, discount_rate=discount_rate, period=period)
    table = table.with_columns([pl.Series(name, values) for name, values in columns.items()])
    validation = None
    if holdout_until is not None:
        progress("holdout")
        periods = holdout.holdout_periods(until, holdout_until, period)
        with np.errstate(all="ignore"):
            predicted = {name: holdout.conditional_expectations(model, compressed, periods)
                         for name, model in (("bgnbd", bg), ("pareto_nbd", pareto)) if name in fitted}
        validation = holdout.validation(actual, predicted, x, calibration_until=until, holdout_until=holdout_until,
                                        periods=periods, data_until=orders.last_read)
    return Analysis(customers=table, models=fits, period=period, until=until, horizon=horizon,
                    discount_rate=discount_rate, currency=currency, holdout=validation)


def _scores(table, data, bg, pareto, gg, *, horizon, discount_rate, period):
    """Every per-customer figure of the fitted models (None for one not fitted): worked out per
    distinct (x, t_x, T) row of ``data`` and spread to the customers who share it (spend, which
    depends on each customer's average, last)."""
    columns = {}
    rows = data.customer_row
    at_t = data.pairs[1]
    if bg is not None:
        alive = bg.p_alive_of(data)
        columns["p_alive"] = alive[rows]
        columns["expected_purchases"] = (bg.purchases_if_alive(horizon, at_t.x, at_t.t)[at_t.index] * alive)[rows]
    if pareto is not None:
        alive = pareto.p_alive_of(data)
        columns["p_alive_pareto"] = alive[rows]
        columns["expected_purchases_pareto"] = (
            pareto.purchases_if_alive(horizon, at_t.x, at_t.t)[at_t.index] * alive)[rows]
    if gg is not None:
        x = table["frequency"].cast(pl.Float64).to_numpy()
        spend = gg.expected_spend(x, table["monetary_value"].cast(pl.Float64).to_numpy())
        columns["expected_spend"] = spend
        if bg is not None:
            per_period = (1 + discount_rate) ** (PERIOD_DAYS[period] / 365.25) - 1
            columns["clv"] = btyd.discounted_purchases(bg, data, horizon=horizon,
                                                       discount_per_period=per_period)[rows] * spend
    return columns
