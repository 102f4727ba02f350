"""Holdout validation: the purchase models fitted on a calibration period, checked against what the
same customers bought in the period after it.

As Fader, Hardie & Lee (2005) check BG/NBD on CDNOW: each customer's conditional expectation of
purchases in the holdout given (x, t_x, T) at the end of calibration, against the purchases they
made there, in total and as means per customer by the number of calibration repeat purchases (0, 1,
..., 6, 7+). Purchases are counted as the models count them: days with a purchase (see
:mod:`summary`). Customers who first bought in the holdout have no calibration history to predict
from and are left out.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from keyaccount.analytics import btyd
from keyaccount.analytics.errors import InputError
from keyaccount.analytics.summary import PERIOD_DAYS, CustomerDays

# Calibration purchases 0 to 6 each, then 7 or more together: the papers' conditional-expectation charts.
FREQUENCY_GROUPS = 8


def check_request(until: dt.date | None, holdout_until: dt.date, *, summary: bool = False) -> None:
    """A holdout needs order lines (a summary has no purchases after its end) and ``until``, the end
    of calibration, before ``holdout_until``."""
    if summary:
        raise InputError("--holdout-until needs order lines, not a --summary: a summary holds no purchases "
                         "after --until to check the models against")
    if until is None:
        raise InputError("--holdout-until needs --until, the end of the calibration period the models are "
                         "fitted on")
    if holdout_until <= until:
        raise InputError(f"--holdout-until {holdout_until} must be after --until {until}: the holdout is the "
                         "period that follows calibration")


def holdout_periods(calibration_until: dt.date, holdout_until: dt.date, period: str) -> float:
    """The holdout's length in the analysis' time unit."""
    return (holdout_until - calibration_until).days / PERIOD_DAYS[period]


def actual_purchases(days: CustomerDays, calibration: CustomerDays, holdout_until: dt.date,
                     customers: np.ndarray) -> np.ndarray:
    """The purchase days in (calibration.until, holdout_until] of each of ``customers`` (their numbers
    into ``days.names``; ``calibration`` is ``days`` up to its end). A day whose returns exceed its
    purchases is not a purchase, as in calibration."""
    start = calibration.until_day
    end = start + (holdout_until - calibration.until).days
    in_holdout = (days.day > start) & (days.day <= end)
    if not in_holdout.any():
        raise InputError(f"--holdout-until: the file has no orders after --until {calibration.until} up to "
                         f"{holdout_until}: nothing to check the models against")
    bought = in_holdout & (days.amount >= 0)
    return np.bincount(days.code[bought], minlength=len(days.names))[customers].astype(np.float64)


def conditional_expectations(model: btyd.BGNBD | btyd.ParetoNBD, data: btyd.Compressed,
                             periods: float) -> np.ndarray:
    """Each customer's expected purchases in the next ``periods`` given their (x, t_x, T): purchases if
    alive (a function of x and T, worked out per distinct pair) times P(alive), per distinct row of
    ``data`` and spread to its customers."""
    at_t = data.pairs[1]
    per_row = model.purchases_if_alive(periods, at_t.x, at_t.t)[at_t.index] * model.p_alive_of(data)
    return per_row[data.customer_row]


def validation(actual: np.ndarray, predicted: dict[str, np.ndarray], frequency: np.ndarray, *,
               calibration_until: dt.date, holdout_until: dt.date, periods: float,
               data_until: dt.date | None = None) -> dict:
    """The holdout result (plain JSON types): per model, the predicted total against the actual, the
    error, the mean absolute error per customer, and the means by calibration purchases; and the
    model with the lower mean absolute error. ``data_until``, the file's last order, is stated: a
    holdout that runs past it counts no purchases for its last days (see :func:`beyond_the_data`)."""
    group = np.minimum(np.asarray(frequency, dtype=np.int64), FREQUENCY_GROUPS - 1)
    customers = np.bincount(group, minlength=FREQUENCY_GROUPS)
    labels = [str(k) for k in range(FREQUENCY_GROUPS - 1)] + [f"{FREQUENCY_GROUPS - 1}+"]

    def means(values):
        sums = np.bincount(group, weights=values, minlength=FREQUENCY_GROUPS)
        return [float(s / n) if n else None for s, n in zip(sums, customers, strict=True)]

    actual_total = float(actual.sum())
    actual_means = means(actual)
    models = {}
    for name, expected in predicted.items():
        total = float(expected.sum())
        models[name] = {
            "predicted": total,
            "error_pct": (total - actual_total) / actual_total * 100 if actual_total else None,
            "mae": float(np.mean(np.abs(expected - actual))),
            "by_frequency": [{"frequency": label, "customers": int(n), "actual": a, "predicted": p}
                             for label, n, a, p in zip(labels, customers, actual_means, means(expected),
                                                       strict=True)],
        }
    better = min(models, key=lambda name: models[name]["mae"]) if len(models) > 1 else None
    return {"calibration_until": calibration_until.isoformat(), "holdout_until": holdout_until.isoformat(),
            "holdout_periods": float(periods), "customers": len(actual), "actual": actual_total,
            "models": models, "better": better,
            "data_until": data_until.isoformat() if data_until else None}


def beyond_the_data(result: dict) -> str | None:
    """What to tell the user when the holdout ends after the file's last order: its last days hold
    no purchases because the file stops, not because the customers did."""
    data_until, holdout_until = result.get("data_until"), result["holdout_until"]
    if not data_until or data_until >= holdout_until:
        return None
    gap = (dt.date.fromisoformat(holdout_until) - dt.date.fromisoformat(data_until)).days
    return (f"--holdout-until {holdout_until} is {gap} days after the file's last order ({data_until}): "
            "those days count as no purchases, so the models look too optimistic; end the holdout on or "
            f"before {data_until} if the file stops there")
