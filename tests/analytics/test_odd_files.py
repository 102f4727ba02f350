"""`kam analyze` on the small and odd files a new user brings (issue 15's defects, one test each):
thin files, customers with only returns, blank lines, data that cannot carry a model, dates after
today, bad bytes; the choice of models, the JSON header and the writers."""

import datetime as dt
import io
import json
import subprocess
import sys

import numpy as np
import polars as pl
import pytest

from keyaccount.analytics import cli, pipeline, segments
from keyaccount.analytics.summary import CustomerDays, order_days
from tests.analytics.test_cli import kam_analyze

NOT_FITTED_BY_COUNTS = {"r": None, "alpha": None, "loglik": None, "converged": False}


def write(tmp_path, text: str, name: str = "orders.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def analyze_json(path, *args):
    result = kam_analyze(path, "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout), result.stderr


# 1. A small file, customers with only returns: polars inferred an Object column for XYZ when the
# first customer's class was undefined, and could not cast it ("ComputeError: cannot cast 'Object'").

def test_xyz_of_customers_whose_first_class_is_undefined():
    orders = pl.DataFrame({"customer": ["A", "A", "B", "B", "B", "B"],
                           "date": [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 1, 1),
                                    dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)],
                           "amount": [30.0, -50.0, 100.0, 100.0, 100.0, 100.0]})
    days = CustomerDays.of(order_days(orders))
    table = segments.rfm_and_abc(days.summary())
    trend = segments.xyz_and_trend(days, table)
    # A's spend nets negative: no class; B buys the same every month: X.
    assert trend["xyz"].dtype == pl.Utf8 and trend["xyz"].to_list() == [None, "X"]


def test_a_small_file_with_a_customer_of_only_returns(tmp_path):
    path = write(tmp_path, "customer,date,amount\nD,2026-04-01,100\nC,2027-02-05,-200\nA,2026-02-01,-50\n"
                           "B,2026-01-02,-200\nC,2026-01-01,100\nA,2026-01-01,30\n")
    body, _ = analyze_json(path)
    # B returned goods and never bought: not a customer of the analysis; the others all classified.
    assert [row["customer"] for row in body["customers"]] == ["A", "C", "D"]
    assert [row["abc"] for row in body["customers"]] == ["C", "C", "A"]
    assert [row["xyz"] for row in body["customers"]] == [None, None, "Z"]


# 2. Blank lines are skipped; messages give the file's own line numbers.

def test_blank_lines_anywhere_are_skipped(tmp_path):
    path = write(tmp_path, "customer,date,amount\n\nA,2026-01-05,100\n\nB,2026-01-06,50\n  \nA,2026-03-05,70\n\n\n")
    body, _ = analyze_json(path)
    assert {row["customer"]: row["frequency"] for row in body["customers"]} == {"A": 1, "B": 0}


def test_rows_named_in_messages_are_the_files_lines_despite_blank_ones(tmp_path):
    path = write(tmp_path, "customer,date,amount\nA,2026-01-05,100\n\nB,2026-01-06,50\n\nB,2026-02-30,5\n")
    result = kam_analyze(path)
    assert result.returncode == 2 and "column 'date', row 6: '2026-02-30' is not a date" in result.stderr


def test_blank_rows_of_a_workbook_are_skipped(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["customer", "date", "amount"], ["A", "2026-01-05", 100], [None, None, None],
                ["A", "2026-03-05", 50], ["B", "bad", 5]):
        sheet.append(row)
    book.save(tmp_path / "orders.xlsx")
    result = kam_analyze(tmp_path / "orders.xlsx")
    assert result.returncode == 2 and "column 'date', row 5: 'bad' is not a date" in result.stderr


# 3. Data without the information a model needs: no parameters, converged false, the reason; every
# other column for every customer.

@pytest.mark.parametrize("content,reason", [
    ("customer,date,amount\nA,2026-01-05,100\nA,2026-01-05,50\nB,2026-01-05,70\nC,2026-01-05,10\n",
     "(T = 0)"),
    ("customer,date,amount\nA,2026-01-05,100\nB,2026-02-06,50\nC,2026-03-01,70\n", "no customer bought again"),
])
def test_models_the_data_cannot_carry_say_why(tmp_path, content, reason):
    body, _ = analyze_json(write(tmp_path, content))
    for name in ("bgnbd", "pareto_nbd"):
        model = body["models"][name]
        assert {key: model[key] for key in NOT_FITTED_BY_COUNTS} == NOT_FITTED_BY_COUNTS
        assert reason in model["reason"]
    assert body["models"]["gamma_gamma"]["converged"] is False
    assert "repeat buyer" in body["models"]["gamma_gamma"]["reason"]
    for row in body["customers"]:
        assert row["p_alive"] is None and row["expected_purchases"] is None and row["clv"] is None
        assert row["rfm"] and row["abc"] in "ABC" and row["status"] == "one-time buyer"
    table = kam_analyze(write(tmp_path, content), "--format", "table").stdout
    assert "bgnbd: not fitted: " in table and reason in table
    page = kam_analyze(write(tmp_path, content), "--format", "html").stdout
    assert "not fitted: " in page and "nan" not in page.lower()


def test_gamma_gamma_needs_two_repeat_buyers_with_positive_spend(tmp_path):
    path = write(tmp_path, "customer,date,amount\nA,2026-01-05,100\nA,2026-02-05,80\nA,2026-03-05,60\n"
                           "B,2026-01-10,40\nB,2026-03-10,-10\nC,2026-02-01,30\n")
    body, _ = analyze_json(path)
    gamma_gamma = body["models"]["gamma_gamma"]
    assert gamma_gamma["p"] is None and gamma_gamma["converged"] is False
    assert gamma_gamma["reason"].startswith("only one repeat buyer")
    assert all(row["expected_spend"] is None and row["clv"] is None for row in body["customers"])


def test_a_fit_at_the_edge_of_its_range_says_so(tmp_path):
    path = write(tmp_path, "customer,date,amount\nA,2026-01-05,100\nA,2026-02-05,50\nA,2026-03-05,50\n")
    body, _ = analyze_json(path)
    bg = body["models"]["bgnbd"]
    assert bg["converged"] is False and "ran to the edge of the allowed range" in bg["reason"]
    # Extreme estimates still score every customer (see test_btyd's extremes).
    assert all(row["expected_purchases"] is not None and row["expected_purchases"] > 0 for row in body["customers"])


# 4. Dates after today without --until: a warning that names the row and the end used.

def test_dates_after_today_are_warned_about_with_the_row_and_the_end_used(tmp_path):
    path = write(tmp_path, "customer,date,amount\nA,2026-01-05,100\nA,2099-02-05,50\nB,2026-03-05,50\n"
                           "B,2099-03-01,5\n")
    body, warning = analyze_json(path)
    today = dt.date.today()
    assert warning == (f"kam analyze: warning: column 'date', row 3: 2099-02-05 is after today ({today}); the "
                       "observation ends at the file's last date, 2099-03-01. Give --until to end it earlier "
                       "(later orders are then left out)\n")
    assert body["until"] == "2099-03-01"
    body, warning = analyze_json(path, "--until", "2026-06-30")
    assert warning == "" and body["until"] == "2026-06-30"
    assert {row["customer"]: row["frequency"] for row in body["customers"]} == {"A": 0, "B": 0}


def test_dates_after_today_in_parquet_are_warned_about_too(tmp_path):
    pl.DataFrame({"customer": ["A", "A", "B"], "date": [dt.date(2026, 1, 5), dt.date(2099, 2, 5), dt.date(2026, 3, 5)],
                  "amount": [100.0, 50.0, 50.0]}).write_parquet(tmp_path / "orders.parquet")
    result = kam_analyze(tmp_path / "orders.parquet", "--format", "json")
    assert result.returncode == 0 and "column 'date', row 3: 2099-02-05 is after today" in result.stderr


def test_a_parquet_file_with_dates_after_today_keeps_the_streaming_read(tmp_path, monkeypatch):
    """The warning names the row without reading every line into memory (the fallback would)."""
    from keyaccount.analytics import data

    pl.DataFrame({"customer": ["A", "A", "B", "B"], "amount": [100.0, 50.0, 50.0, 20.0],
                  "date": [dt.date(2026, 1, 5), dt.date(2026, 2, 5), dt.date(2026, 3, 5), dt.date(2099, 3, 1)]}
                 ).write_parquet(tmp_path / "orders.parquet")

    def no_full_read(*args, **kwargs):
        raise AssertionError("every line was read")

    monkeypatch.setattr(data, "read_orders", no_full_read)
    warnings = []
    days = data.read_customer_days(tmp_path / "orders.parquet", warn=warnings.append)
    assert days.until == dt.date(2099, 3, 1)
    assert warnings == [f"column 'date', row 5: 2099-03-01 is after today ({dt.date.today()}); the observation ends "
                        "at the file's last date, 2099-03-01. Give --until to end it earlier (later orders are then "
                        "left out)"]


# 6. The HTML report and the JSON's precision.

def test_the_report_shows_no_nan_and_gives_long_labels_room(tmp_path, cdnow_orders_csv):
    from keyaccount.analytics import report

    label, value = "a label far longer than the old fixed column of 170 pixels", "RUB 1,234,567,890.00"
    svg = report._bars([(label, 1_234_567_890.0, value)])
    width = float(svg.split('width="')[1].split('"')[0])
    rect_x = float(svg.split('<rect x="')[1].split('"')[0])
    assert rect_x >= report._text_width(label) and width >= rect_x + report._BAR_LENGTH + report._text_width(value)
    page = kam_analyze(cdnow_orders_csv, "--format", "html", "--currency", "rub").stdout
    assert "nan" not in page.lower() and "RUB — Russian Ruble" in page and ">RUB\xa0" in page
    # In a browser nothing is cut off either: tests/analytics/test_report.py.


def test_json_numbers_keep_every_digit(cdnow_orders_csv):
    body, _ = analyze_json(cdnow_orders_csv, "--until", "1997-09-30")
    orders = pl.read_csv(cdnow_orders_csv, schema_overrides={"customer": pl.Utf8, "date": pl.Utf8}).with_columns(
        pl.col("date").str.to_date("%Y%m%d"))
    analysis = pipeline.analyze(orders=orders, until=dt.date(1997, 9, 30))
    assert body["models"]["bgnbd"]["alpha"] == analysis.models["bgnbd"].params["alpha"]
    expected = analysis.customers["clv"].to_list()
    assert [row["clv"] for row in body["customers"]] == expected
    assert any(len(repr(value).split(".")[1]) > 10 for value in expected)


# 7. Bad input: clear messages, exit 2, no traceback; thin files still answered.

@pytest.mark.parametrize("content,message", [
    ("customer,date,amount\nA,2026-01-05,-100\nB,2026-01-06,-50\n\n",
     "column 'amount', rows 2-3: every amount is a return (negative) or zero"),
])
def test_a_file_of_returns_only(tmp_path, content, message):
    result = kam_analyze(write(tmp_path, content))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_bytes_that_are_not_utf8_inside_a_utf8_file_are_named_by_line(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes("customer,date,amount\nЯнтарь,2026-01-05,100\n".encode()
                     + b"B\xff,2026-01-06,50\nC,2026-01-07,5\n")
    result = kam_analyze(path)
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert "orders.csv, line 3: bytes that are not UTF-8 (ff)" in result.stderr


@pytest.mark.parametrize("content", [
    "customer,date,amount\nA,2026-01-05,100\nA,2026-02-05,50\nA,2026-03-05,50\n",  # a single customer
    "customer,date,amount\nA,2026-01-05,100\nB,2026-01-05,50\nC,2026-01-05,50\n",  # a single day
])
def test_a_single_customer_or_a_single_day_is_answered_with_reasons(tmp_path, content):
    body, warning = analyze_json(write(tmp_path, content))
    assert warning == "" and body["customers"]
    assert all(model["converged"] is True or model["reason"] for model in body["models"].values())


# 8. --models.

def test_models_can_be_skipped_and_their_columns_are_absent(tmp_path, cdnow_orders_csv):
    body, _ = analyze_json(cdnow_orders_csv, "--models", "pareto_nbd")
    assert set(body["models"]) == {"pareto_nbd"}
    assert set(body["customers"][0]) == {"customer", "frequency", "recency", "T", "monetary_value", "p_alive_pareto",
                                         "expected_purchases_pareto", "rfm", "abc", "xyz", "status"}
    csv_header = kam_analyze(cdnow_orders_csv, "--models", "gamma_gamma,bgnbd", "--format", "csv").stdout.split("\n")[0]
    assert csv_header == ("customer,frequency,recency,T,monetary_value,p_alive,expected_purchases,expected_spend,clv,"
                          "rfm,abc,xyz,status")


def test_an_unknown_model_is_named_before_numpy_is_imported(tmp_path):
    code = ("import sys; from keyaccount.analytics import cli; code = cli.main(['x.csv', '--models', 'bgnbd,bgbnd']);"
            "print(code, any(m in sys.modules for m in ('numpy', 'scipy', 'polars')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "2 False"
    assert "no model 'bgbnd'; choose from bgnbd, pareto_nbd, gamma_gamma" in result.stderr


# 9. The JSON header, --currency, the writers.

def test_json_states_what_the_figures_mean(cdnow_orders_csv):
    body, _ = analyze_json(cdnow_orders_csv, "--period", "month", "--horizon", "6", "--discount-rate", "0.2",
                           "--currency", "eur", "--until", "1997-12-31")
    assert {key: body[key] for key in ("period", "horizon", "until", "discount_rate", "currency")} == {
        "period": "month", "horizon": 6, "until": "1997-12-31", "discount_rate": 0.2, "currency": "EUR"}


def test_csv_parquet_and_streamed_json_hold_the_same_figures(tmp_path, cdnow_orders_csv, monkeypatch, capsys):
    assert kam_analyze(cdnow_orders_csv, "--format", "parquet").returncode == 2
    out = tmp_path / "scores.parquet"
    assert kam_analyze(cdnow_orders_csv, "--format", "parquet", "--out", out).returncode == 0
    from_parquet = pl.read_parquet(out)
    from_csv = pl.read_csv(io.StringIO(kam_analyze(cdnow_orders_csv, "--format", "csv").stdout),
                           schema_overrides={"customer": pl.Utf8, "rfm": pl.Utf8})
    assert from_csv.columns == from_parquet.columns
    for column in ("p_alive", "clv", "expected_spend"):
        assert np.array_equal(from_csv[column].to_numpy(), from_parquet[column].to_numpy())
    # The JSON written in pieces of 100 customers is one document with every customer, as a whole.
    monkeypatch.setattr(cli, "JSON_CHUNK", 100)
    assert cli.main([str(cdnow_orders_csv), "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert len(body["customers"]) == from_parquet.height == 2357
    assert [row["clv"] for row in body["customers"]] == from_parquet["clv"].to_list()
