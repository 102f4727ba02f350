"""Exports a spreadsheet opens: every cell that a spreadsheet would run as a formula stays text,
numbers stay numbers, and no text makes the XLSX export fail."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from keyaccount.core import exports
from tests.factories import AccountFactory

FORMULAS = [
    "=1+1", "+1", "-1", "@SUM(A1)", "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil\",\"x\")",
    "-2+3+cmd|' /C calc'!A0", "@cmd|'/c calc'!_xlbgnm.A1",
    " =1+1", "   +1", "\u00a0=1+1", "\u2007@x", "\u3000=1+1", "\u200b=1+1", "\ufeff=1+1", "\u2060-1",
    "\t=1+1", "\r=1+1", "\n=1+1", "\x00=1+1", "\t", "\rx", "\nplain", " \t\r\n=1",
    "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)", "\ufe661+1", " \uff1dcmd|' /C calc'!A0",
]
TEXT = ["ok", "ООО Ромашка", "a=1", "1-2", "x@example.com", " leading space", "", "'already quoted", "−5"]


@pytest.mark.parametrize("text", FORMULAS, ids=repr)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert exports.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", TEXT, ids=repr)
def test_ordinary_text_is_left_as_it_is(text):
    assert exports.neutralise(text) == text


@pytest.mark.parametrize("value", [-5, 5, -1.5, Decimal("-12.50"), True, None, dt.date(2026, 3, 1),
                                   dt.datetime(2026, 3, 1, 10, 0)])
def test_numbers_dates_and_booleans_stay_what_they_are(value):
    assert exports.neutralise(value) is value


def test_text_that_only_looks_like_a_negative_number_is_text():
    assert exports.neutralise("-5") == "'-5"


def test_other_objects_are_written_as_their_text_and_checked():
    class Named:
        def __str__(self):
            return "=HYPERLINK(\"http://evil\")"

    assert exports.neutralise(Named()) == "'=HYPERLINK(\"http://evil\")"
    assert exports.neutralise(gettext_lazy("Name")) == "Name"


def csv_rows(response) -> list[list[str]]:
    import csv

    content = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(content)))


def test_the_csv_export_writes_each_formula_as_text_and_numbers_as_numbers():
    rows = [[text, -5] for text in FORMULAS]
    written = csv_rows(exports.csv_response("x", ["=header", "amount"], rows))
    assert written[0] == ["'=header", "amount"]
    assert written[1:] == [["'" + text, "-5"] for text in FORMULAS]


def test_the_xlsx_export_writes_each_formula_as_text_and_numbers_as_numbers():
    rows = [[text, -5, Decimal("-1.25")] for text in FORMULAS]
    sheet = load_workbook(io.BytesIO(exports.xlsx_response("x", ["=header", "amount", "sum"], rows).content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("'=header", "amount", "sum")
    for text, (written, number, decimal) in zip(FORMULAS, values[1:], strict=True):
        assert written.startswith("'") and written.lstrip("'").strip() == text.replace("\x00", "").strip()
        assert number == -5 and decimal == -1.25
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_xlsx_export_takes_control_characters_and_time_zones_without_failing():
    aware = timezone.make_aware(dt.datetime(2026, 3, 1, 12, 0), dt.UTC)
    response = exports.xlsx_response("x", ["name", "when"], [["Bad\x01name\x1f", aware], ["\x07=1+1", None]])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "Badname" and sheet["B2"].value == timezone.make_naive(aware)
    assert sheet["A3"].value == "'=1+1"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_account_export_neutralises_a_name_typed_with_a_leading_space(client_for, people, fmt):
    AccountFactory(name=" =HYPERLINK(\"http://evil\")", owner=people["anna"])
    AccountFactory(name="\uff1dcmd|' /C calc'!A0", owner=people["anna"])
    response = client_for(people["anna"]).get(reverse("accounts:account_export"), {"format": fmt})
    if fmt == "csv":
        names = [row[0] for row in csv_rows(response)[1:]]
    else:
        names = [row[0] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=2, values_only=True)]
    assert sorted(names) == sorted(["' =HYPERLINK(\"http://evil\")", "'\uff1dcmd|' /C calc'!A0"])
