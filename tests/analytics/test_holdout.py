"""Holdout validation (issue 15): fitted on the orders up to --until, the models' conditional
expectations against the purchases up to --holdout-until. On CDNOW (calibration to 1997-09-30,
holdout to 1998-06-30) both agree with the reference implementation, lifetimes, on the same split."""

import datetime as dt
import json
import warnings

import numpy as np
import polars as pl
import pytest

from keyaccount.analytics import btyd, data, holdout, pipeline
from tests.analytics.conftest import relative
from tests.analytics.test_cli import kam_analyze

CALIBRATION_END = dt.date(1997, 9, 30)
HOLDOUT_END = dt.date(1998, 6, 30)
HOLDOUT_WEEKS = 39.0
FREQUENCY_LABELS = ["0", "1", "2", "3", "4", "5", "6", "7+"]
HOLDOUT_KEYS = {"calibration_until", "holdout_until", "holdout_periods", "customers", "actual", "models", "better",
                "data_until"}
MODEL_KEYS = {"predicted", "error_pct", "mae", "by_frequency"}


@pytest.fixture(scope="module")
def cdnow_days(cdnow_orders_csv):
    return data.read_customer_days(cdnow_orders_csv, until=HOLDOUT_END)


@pytest.fixture(scope="module")
def ours(cdnow_days):
    """Our analysis with the holdout, and each customer's (x, t_x, T) at the end of calibration."""
    analysis = pipeline.analyze(orders=cdnow_days, until=CALIBRATION_END, holdout_until=HOLDOUT_END,
                                models=("bgnbd", "pareto_nbd"))
    table = analysis.customers
    return analysis, tuple(table[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))


@pytest.fixture(scope="module")
def reference_split(cdnow_orders_csv, ours):
    """lifetimes' calibration and holdout summary of the same orders, in our customers' order: at day
    resolution with freq_multiplier=7 its recency and T are whole days / 7 and its frequencies count
    days with orders, as ours do; with freq="W" (second) it counts calendar weeks instead."""
    import pandas as pd
    from lifetimes.utils import calibration_and_holdout_data

    orders = pd.read_csv(cdnow_orders_csv, dtype={"customer": str, "date": str})
    orders["date"] = pd.to_datetime(orders["date"], format="%Y%m%d")
    customers = ours[0].customers["customer"].to_list()

    def split(freq, multiplier):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # monetary_value_col only so that lifetimes 0.11 runs under pandas 2: its holdout count
            # aggregates the columns beside customer and date, and fails when there are none.
            frame = calibration_and_holdout_data(orders, "customer", "date",
                                                 calibration_period_end=str(CALIBRATION_END),
                                                 observation_period_end=str(HOLDOUT_END), freq=freq,
                                                 freq_multiplier=multiplier, monetary_value_col="amount")
        return frame.loc[customers]

    return split("D", 7), split("W", 1)


def _fitted(cls, split, **options):
    """A lifetimes fitter fitted on the calibration columns of ``split``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls().fit(split["frequency_cal"], split["recency_cal"], split["T_cal"], **options)


def _expectations(fitter, x, t_x, big_t):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(fitter.conditional_expected_number_of_purchases_up_to_time(HOLDOUT_WEEKS, x, t_x, big_t))


def _our_expectations(ours, name, model):
    analysis, (x, t_x, big_t) = ours
    return holdout.conditional_expectations(model(analysis.models[name].params), btyd.Compressed.of(x, t_x, big_t),
                                            analysis.holdout["holdout_periods"])


def test_the_calibration_summary_is_the_reference_split(ours, reference_split):
    analysis, (x, t_x, big_t) = ours
    by_days, _ = reference_split
    assert len(by_days) == analysis.holdout["customers"] == 2357
    assert np.array_equal(by_days["frequency_cal"].to_numpy(), x)
    assert np.abs(by_days["recency_cal"].to_numpy() - t_x).max() < 1e-12
    assert np.abs(by_days["T_cal"].to_numpy() - big_t).max() < 1e-12
    assert (by_days["duration_holdout"] == HOLDOUT_WEEKS).all()
    assert analysis.holdout["holdout_periods"] == HOLDOUT_WEEKS


def test_the_scores_are_those_of_the_calibration_alone(ours, cdnow_orders_csv):
    analysis, _ = ours
    without = pipeline.analyze(orders=data.read_customer_days(cdnow_orders_csv, until=CALIBRATION_END),
                               until=CALIBRATION_END, models=("bgnbd", "pareto_nbd"))
    assert analysis.until == CALIBRATION_END
    assert analysis.output().equals(without.output())


def test_actual_holdout_purchases_are_the_reference_days_not_its_weeks(ours, cdnow_days, reference_split):
    analysis, (x, _, _) = ours
    by_days, by_weeks = reference_split
    calibration = cdnow_days.up_to(CALIBRATION_END)
    codes = calibration.summary("week")["_code"].to_numpy()
    actual = holdout.actual_purchases(cdnow_days, calibration, HOLDOUT_END, codes)
    assert cdnow_days.names.gather(codes).to_list() == analysis.customers["customer"].to_list()
    # Both count the days with orders in (1997-09-30, 1998-06-30]: lifetimes keeps the orders on or
    # before its observation end and after its calibration end, as we do.
    assert np.array_equal(actual, by_days["frequency_holdout"].to_numpy())
    assert analysis.holdout["actual"] == actual.sum() == 1882
    # With freq="W" lifetimes counts the calendar weeks (pandas' W-SUN periods) with an order: two
    # order days of one week are one purchase there, so it never counts more than we do, and 94
    # fewer in all. (1788, its total, is the figure often quoted for this sample's holdout.)
    weeks = by_weeks["frequency_holdout"].to_numpy()
    assert np.all(weeks <= actual) and weeks.sum() == 1788
    means = [float(actual[np.minimum(x, 7) == k].mean()) for k in range(8)]
    by_frequency = analysis.holdout["models"]["bgnbd"]["by_frequency"]
    assert [group["frequency"] for group in by_frequency] == FREQUENCY_LABELS
    assert [group["customers"] for group in by_frequency] == [int(np.sum(np.minimum(x, 7) == k)) for k in range(8)]
    assert relative([group["actual"] for group in by_frequency], means) < 1e-12


def test_bgnbd_conditional_expectations_agree_with_the_reference(ours, reference_split):
    from lifetimes import BetaGeoFitter

    analysis, (x, t_x, big_t) = ours
    fit = analysis.models["bgnbd"]
    reference = _fitted(BetaGeoFitter, reference_split[0])
    # Both fits stop at the same maximum: our conditional expectations against lifetimes' at its own fit.
    assert relative([fit.params[k] for k in btyd.BGNBD.names], [reference.params_[k] for k in btyd.BGNBD.names]) < 1e-5
    expected = _our_expectations(ours, "bgnbd", btyd.BGNBD)
    assert relative(expected, _expectations(reference, x, t_x, big_t)) < 1e-5
    result = analysis.holdout["models"]["bgnbd"]
    assert abs(result["predicted"] - expected.sum()) < 1e-9 * expected.sum()
    assert round(result["predicted"], 1) == 1653.4


def test_pareto_nbd_conditional_expectations_agree_with_the_reference(ours, reference_split):
    import pandas as pd
    from lifetimes import ParetoNBDFitter

    analysis, (x, t_x, big_t) = ours
    fit = analysis.models["pareto_nbd"]
    names = btyd.ParetoNBD.names
    ours_params = np.array([fit.params[k] for k in names])
    expected = _our_expectations(ours, "pareto_nbd", btyd.ParetoNBD)
    compressed = btyd.Compressed.of(x, t_x, big_t)
    # lifetimes starts Nelder-Mead at random around 1 (here at 1 itself, to be the same every run) and
    # stops at its default tolerance, 1e-4, short of the maximum in our likelihood (which is flat in
    # beta): 3e-5 to 4e-4 off in the parameters and 4e-5 to 4e-4 in the expectations over eight
    # random starts. At our parameters its function gives our expectations to rounding ...
    reference = _fitted(ParetoNBDFitter, reference_split[0], initial_params=np.ones(4))
    theirs = np.array([reference.params_[k] for k in names])
    assert relative(ours_params, theirs) < 1e-3
    assert -btyd.ParetoNBD.negative_log_likelihood(theirs, compressed)[0] <= fit.loglik
    reference.params_ = pd.Series(dict(zip(names, ours_params, strict=True)))
    assert relative(expected, _expectations(reference, x, t_x, big_t)) < 1e-10
    # ... and fitted to a tolerance of 1e-8 it stops at our maximum (the two log-likelihoods equal
    # to their rounding), where its own expectations are ours.
    tight = _fitted(ParetoNBDFitter, reference_split[0], initial_params=np.ones(4), tol=1e-8)
    tight_params = np.array([tight.params_[k] for k in names])
    assert relative(ours_params, tight_params) < 1e-5
    tight_loglik = -btyd.ParetoNBD.negative_log_likelihood(tight_params, compressed)[0]
    assert abs(tight_loglik - fit.loglik) < 1e-12 * abs(fit.loglik)
    assert relative(expected, _expectations(tight, x, t_x, big_t)) < 1e-5
    result = analysis.holdout["models"]["pareto_nbd"]
    assert abs(result["predicted"] - expected.sum()) < 1e-9 * expected.sum()
    assert round(result["predicted"], 1) == 1665.5


def test_the_holdout_in_json_and_in_the_table(cdnow_orders_csv):
    args = (cdnow_orders_csv, "--until", "1997-09-30", "--holdout-until", "1998-06-30")
    result = kam_analyze(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    validation = body["holdout"]
    assert set(validation) == HOLDOUT_KEYS and set(validation["models"]) == {"bgnbd", "pareto_nbd"}
    assert (validation["calibration_until"], validation["holdout_until"], validation["holdout_periods"],
            validation["customers"], validation["actual"]) == ("1997-09-30", "1998-06-30", 39.0, 2357, 1882.0)
    assert validation["data_until"] == "1998-06-30" and "warning" not in result.stderr
    assert body["until"] == "1997-09-30" and len(body["customers"]) == 2357
    for model in validation["models"].values():
        assert set(model) == MODEL_KEYS and [g["frequency"] for g in model["by_frequency"]] == FREQUENCY_LABELS
        assert model["error_pct"] == pytest.approx((model["predicted"] - 1882) / 1882 * 100, rel=1e-12)
        assert sum(g["customers"] for g in model["by_frequency"]) == 2357
        assert sum(g["customers"] * g["predicted"] for g in model["by_frequency"]) == pytest.approx(
            model["predicted"], rel=1e-12)
    maes = {name: model["mae"] for name, model in validation["models"].items()}
    assert validation["better"] == min(maes, key=maes.get) == "pareto_nbd"
    without = json.loads(kam_analyze(cdnow_orders_csv, "--until", "1997-09-30", "--format", "json").stdout)
    assert without["holdout"] is None

    table = kam_analyze(*args).stdout
    assert ("holdout 1997-10-01 to 1998-06-30 (39 weeks): the 2357 customers of the calibration made 1882 "
            "purchases (days with orders)") in table
    lines = table.splitlines()
    rows = {line.split()[0]: line.split() for line in lines if line.startswith(("bgnbd ", "pareto_nbd "))}
    assert rows["bgnbd"][1:4] == ["1653.4", "1882", "-12.1"] and rows["pareto_nbd"][1:4] == ["1665.5", "1882", "-11.5"]
    seven_plus = next(line for line in lines if line.startswith("7+ "))
    assert seven_plus.split()[1] == "64"
    assert "better fit: pareto_nbd (lower mean absolute error per customer)" in table


def test_a_library_caller_counts_calibration_customers_purchase_days_only():
    def day(text):
        return dt.date.fromisoformat(text)

    orders = pl.DataFrame({
        "customer": ["A", "A", "A", "A", "A", "B", "B", "B", "C"],
        "date": [day("2026-01-05"), day("2026-02-05"), day("2026-04-10"), day("2026-04-10"), day("2026-05-01"),
                 day("2026-01-10"), day("2026-04-20"), day("2026-06-15"), day("2026-04-02")],
        "amount": [100.0, 80.0, 30.0, 20.0, -50.0, 40.0, 60.0, 70.0, 10.0]})
    analysis = pipeline.analyze(orders=orders, until=day("2026-03-31"), holdout_until=day("2026-05-31"),
                                period="day", models=("gamma_gamma",))
    # A: two orders on 10 April are one purchase, 1 May nets negative (a return); B: 15 June is after
    # the holdout; C first bought in the holdout and has nothing to be predicted from.
    assert analysis.customers["customer"].to_list() == ["A", "B"]
    assert analysis.customers["frequency"].to_list() == [1, 0]
    assert analysis.holdout == {"calibration_until": "2026-03-31", "holdout_until": "2026-05-31",
                                "holdout_periods": 61.0, "customers": 2, "actual": 2.0, "models": {},
                                "better": None, "data_until": "2026-06-15"}


def test_a_holdout_past_the_files_last_order_is_warned_of(tmp_path):
    """A holdout that runs past the file's last order counts its last days as days nobody bought
    anything. The run goes on (the user may know the file is complete), says so on stderr and states
    the data's end in the JSON."""
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS + "A,2026-04-20,10\n", encoding="utf-8")
    result = kam_analyze(path, "--until", "2026-02-15", "--holdout-until", "2026-07-01", "--format", "json",
                         "--models", "gamma_gamma")
    assert result.returncode == 0, result.stderr
    assert ("warning: --holdout-until 2026-07-01 is 72 days after the file's last order (2026-04-20): those days "
            "count as no purchases") in result.stderr
    assert json.loads(result.stdout)["holdout"]["data_until"] == "2026-04-20"
    within = kam_analyze(path, "--until", "2026-02-15", "--holdout-until", "2026-04-20", "--models", "gamma_gamma")
    assert within.returncode == 0 and "warning" not in within.stderr


ORDERS = "customer,date,amount\nA,2026-01-05,10\nA,2026-02-05,10\nB,2026-01-10,5\nB,2026-03-01,5\n"


@pytest.mark.parametrize("args,message", [
    (["--holdout-until", "2026-03-01"], "--holdout-until needs --until"),
    (["--until", "2026-02-01", "--holdout-until", "2026-02-01"],
     "--holdout-until 2026-02-01 must be after --until 2026-02-01"),
    (["--until", "2026-03-01", "--holdout-until", "2026-06-30"],
     "--holdout-until: the file has no orders after --until 2026-03-01 up to 2026-06-30"),
    (["--until", "2026-02-01", "--holdout-until", "later"], "--holdout-until: 'later' is not a date"),
])
def test_bad_holdout_flags_are_named_and_exit_2(tmp_path, args, message):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    result = kam_analyze(path, *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_summary_has_no_holdout(tmp_path):
    path = tmp_path / "summary.csv"
    path.write_text("frequency,recency,T\n1,2,5\n0,0,4\n", encoding="utf-8")
    result = kam_analyze(path, "--summary", "--until", "2026-02-01", "--holdout-until", "2026-03-01")
    assert result.returncode == 2 and result.stdout == ""
    assert "--holdout-until needs order lines, not a --summary" in result.stderr
