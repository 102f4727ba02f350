"""`kam analyze` as other tools will script it: a subprocess with no settings and no database, the
exact JSON shape, every format, and bad input answered with the column and the row and exit 2."""

import csv
import json
import os
import subprocess
import sys

import polars as pl
import pytest

JSON_MODEL_KEYS = {"bgnbd": {"r", "alpha", "a", "b", "loglik", "converged", "reason"},
                   "pareto_nbd": {"r", "alpha", "s", "beta", "loglik", "converged", "reason"},
                   "gamma_gamma": {"p", "q", "gamma", "loglik", "converged", "reason"}}
JSON_CUSTOMER_KEYS = {"customer", "frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases",
                      "p_alive_pareto", "expected_purchases_pareto", "expected_spend", "clv", "rfm", "abc", "xyz",
                      "status"}


def kam_analyze(*args, cwd=None):
    """Run `kam analyze` in a clean environment: no KAM_* settings, no Django settings module."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("KAM_", "DJANGO_"))}
    return subprocess.run([sys.executable, "-m", "keyaccount.cli", "analyze", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_json_has_the_exact_shape_and_the_published_bgnbd_fit(cdnow_orders_csv):
    result = kam_analyze(cdnow_orders_csv, "--until", "1997-09-30", "--format", "json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert set(body) == {"period", "horizon", "until", "discount_rate", "currency", "models", "holdout", "customers"}
    assert (body["period"], body["horizon"], body["until"], body["discount_rate"], body["currency"],
            body["holdout"]) == ("week", 52, "1997-09-30", 0.1, None, None)
    assert {name: set(model) for name, model in body["models"].items()} == JSON_MODEL_KEYS
    assert all(model["converged"] is True and model["reason"] is None for model in body["models"].values())
    bg = body["models"]["bgnbd"]
    assert (round(bg["r"], 3), round(bg["alpha"], 3), round(bg["a"], 3), round(bg["b"], 3)) == (
        0.243, 4.414, 0.793, 2.426)
    assert round(bg["loglik"], 1) == -9582.4 and bg["converged"] is True
    assert len(body["customers"]) == 2357
    first = body["customers"][0]
    assert set(first) == JSON_CUSTOMER_KEYS
    assert first["customer"] == "00004" and first["frequency"] == 2 and first["status"] == "repeat customer"
    assert first["abc"] in "ABC" and len(first["rfm"]) == 3 and 0 <= first["p_alive"] <= 1
    assert result.stderr == ""  # not a terminal: no progress bar


def test_later_orders_are_ignored_and_same_day_orders_count_once(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("customer,date,amount\nA,2026-01-05,100\nA,2026-01-05,50\nA,2026-02-05,80\nA,2026-02-05,-80\n"
                    "A,2026-03-05,70\nB,2026-01-10,40\nA,2026-06-01,999\n", encoding="utf-8")
    body = json.loads(kam_analyze(path, "--until", "2026-03-31", "--period", "day", "--format", "json").stdout)
    customers = {row["customer"]: row for row in body["customers"]}
    # A: 5 January (150), 5 February nets to 0 (a purchase day of no value), 5 March; June is after --until.
    assert customers["A"]["frequency"] == 2 and customers["A"]["recency"] == 59 and customers["A"]["T"] == 85
    assert customers["A"]["monetary_value"] == 35.0
    assert customers["B"]["frequency"] == 0 and customers["B"]["status"] == "one-time buyer"


def test_a_summary_file_in_any_format(tmp_path):
    from tests.analytics.conftest import DATASETS

    result = kam_analyze(DATASETS / "cdnow_customers_summary.csv", "--summary", "--format", "json")
    body = json.loads(result.stdout)
    assert round(body["models"]["bgnbd"]["r"], 3) == 0.243
    assert body["models"]["gamma_gamma"] == {"p": None, "q": None, "gamma": None, "loglik": None, "converged": False,
                                             "reason": "the summary has no monetary_value column"}
    row = body["customers"][0]
    assert row["abc"] is None and row["xyz"] is None and row["clv"] is None and row["customer"] == "1"


def test_russian_cp1251_semicolon_files_with_spaces_in_amounts(tmp_path):
    path = tmp_path / "продажи.csv"
    rows = ["Клиент;Дата;Сумма"] + [f"ООО «Ромашка {n % 7}»;{(n % 28) + 1:02d}.{(n % 12) + 1:02d}.2025;1 234,56"
                                     for n in range(300)]
    path.write_bytes("\n".join(rows).encode("cp1251"))
    result = kam_analyze(path, "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = list(csv.DictReader(result.stdout.splitlines()))
    assert len(table) == 7 and table[0]["customer"].startswith("ООО «Ромашка")


def test_xlsx_and_parquet_files(tmp_path, cdnow_orders_csv):
    frame = pl.read_csv(cdnow_orders_csv, schema_overrides={"customer": pl.Utf8, "date": pl.Utf8})
    frame.head(2000).write_parquet(tmp_path / "orders.parquet")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["client", "order date", "revenue"])
    for row in frame.head(500).iter_rows():
        sheet.append([row[0], row[1], float(row[2])])
    book.save(tmp_path / "orders.xlsx")
    for name in ("orders.parquet", "orders.xlsx"):
        result = kam_analyze(tmp_path / name, "--format", "json", "--out", tmp_path / f"{name}.json")
        assert result.returncode == 0 and result.stdout == "", result.stderr
        assert json.loads((tmp_path / f"{name}.json").read_text())["customers"]


def test_the_html_report_is_one_self_contained_file(tmp_path, cdnow_orders_csv):
    out = tmp_path / "report.html"
    assert kam_analyze(cdnow_orders_csv, "--format", "html", "--out", out).returncode == 0
    page = out.read_text()
    assert "ABC × XYZ" in page and "<svg" in page and "most at risk" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_the_table_format_is_for_people(cdnow_orders_csv):
    result = kam_analyze(cdnow_orders_csv, "--format", "table", "--horizon", "26", "--discount-rate", "0.2")
    assert result.returncode == 0 and result.stdout.startswith("bgnbd: r=")


@pytest.mark.parametrize("content,args,message", [
    ("who,when,total\nA,2026-01-01,5\n", [], "no customer column found"),
    ("client,datum,total\nA,2026-01-01,5\n", [], "no date column found (is it 'datum'? then say --date 'datum')"),
    ("customer,date,amount\nA,2026-01-01,5\n", ["--amount", "amout"], "did you mean 'amount'?"),
    ("customer,date,amount\nA,2026-01-01,5\nB,31.02.2026,5\n", [], "column 'date', row 3: '31.02.2026' is not a date"),
    ("customer,date,amount\nA,2026-01-01,5\nB,2026-01-02,five\n", [],
     "column 'amount', row 3: 'five' is not an amount"),
    ("", [], "is empty"),
    ("customer,date,amount\n", [], "has no rows"),
    ("customer,date,amount\nA,2026-01-01,5\n", ["--until", "2025-01-01"], "no orders on or before 2025-01-01"),
    ("customer,date,amount\nA,2026-01-01,5\n", ["--until", "yesterday"], "--until: 'yesterday' is not a date"),
    ("customer,date,amount\nA,2026-01-01,5\n", ["--period", "year"], "invalid choice"),
    ("customer,date,amount\n,2026-01-01,5\n", [], "column 'customer', row 2: no customer"),
])
def test_bad_input_names_the_column_and_the_row_and_exits_2(tmp_path, content, args, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = kam_analyze(path, *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr and result.stdout == ""


def test_a_file_that_is_not_there_or_not_a_workbook(tmp_path):
    missing = kam_analyze(tmp_path / "nope.csv")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    result = kam_analyze(fake)
    assert result.returncode == 2 and "not a readable XLSX" in result.stderr


def test_the_engine_imports_nothing_from_django():
    code = ("import sys; import keyaccount.analytics.cli, keyaccount.analytics.pipeline, keyaccount.analytics.report;"
            "print(any(name == 'django' or name.startswith('django.') for name in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize("content", [
    "customer,date,amount\nA,2026-01-01,5\nA,2026-02-01,7\n",  # one customer
    "customer,date,amount\nA,2026-01-01,5\nB,2026-01-02,7\nC,2026-02-01,9\n",  # nobody came back
])
def test_data_too_thin_for_the_models_still_gives_a_result_quietly(tmp_path, content):
    path = tmp_path / "thin.csv"
    path.write_text(content, encoding="utf-8")
    result = kam_analyze(path, "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    body = json.loads(result.stdout)
    assert body["customers"] and all(m is None or m["converged"] in (True, False) for m in body["models"].values())


def test_a_reader_that_stops_early_is_not_an_error_of_ours(cdnow_orders_csv):
    # `kam analyze FILE | head -1`: the pipe closes after the first line.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("KAM_", "DJANGO_"))}
    analyze = subprocess.Popen([sys.executable, "-m", "keyaccount.cli", "analyze", str(cdnow_orders_csv),
                                "--format", "csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert analyze.stdout.readline().startswith(b"customer")
    analyze.stdout.close()
    errors = analyze.stderr.read().decode()
    assert analyze.wait(timeout=120) == 141
    assert "internal error" not in errors and "Traceback" not in errors


def test_a_1c_report_with_decimal_commas_in_every_row_is_split_on_its_semicolons(tmp_path):
    # csv.Sniffer took the comma here (one in the header, "Сумма, руб.", and one in every row's amount),
    # and the file was read as two columns of nonsense; the delimiter is judged as the imports judge it
    # (keyaccount.delimiters).
    path = tmp_path / "отчёт.csv"
    rows = ["Контрагент;Дата;Сумма, руб."] + [
        f"ООО «Вектор {n % 5}»;{(n % 28) + 1:02d}.{(n % 12) + 1:02d}.2025;{n + 1} 234,56" for n in range(200)]
    path.write_bytes("\r\n".join(rows).encode("cp1251"))
    result = kam_analyze(path, "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = list(csv.DictReader(result.stdout.splitlines()))
    assert sorted(row["customer"] for row in table) == [f"ООО «Вектор {n}»" for n in range(5)]


def test_preparing_the_process_leaves_other_systems_alone(monkeypatch):
    import ctypes

    from keyaccount.analytics import cli

    def windows_cdll(name, *args, **kwargs):
        raise TypeError("argument of type 'NoneType' is not iterable")  # Windows' CDLL(None)

    monkeypatch.setattr(ctypes, "CDLL", windows_cdll)
    for platform in ("win32", "darwin", "linux"):
        monkeypatch.setattr(sys, "platform", platform)
        cli.prepare_process()  # no error, and mallopt only looked for on Linux
    assert os.environ["OPENBLAS_NUM_THREADS"]
