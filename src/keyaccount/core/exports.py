"""CSV and XLSX exports that are safe to open in a spreadsheet.

Excel, LibreOffice and Google Sheets read a cell that starts with ``= + - @`` as a formula, which
can fetch URLs (HYPERLINK, WEBSERVICE) or, through DDE (``=cmd|' /C calc'!A0``), start programs
(OWASP "CSV injection", CWE-1236). Such a cell gets a leading apostrophe, which spreadsheets read
as "this is text", so it stays text. The rule (``neutralise``), stricter than the usual four
characters because programs differ in what they trim and fold before they look:

* a cell whose first visible character is ``= + - @`` or one that Unicode folds into them (NFKC:
  the full-width ``＝ ＋ － ＠`` East Asian input produces, the small forms ``﹦ ﹢ ﹣ ﹫``, super- and
  subscript plus), after any spaces, tabs, line breaks, non-breaking and other Unicode spaces,
  control and invisible format characters (zero-width space, byte-order mark): some importers
  trim those first;
* a cell that starts with a tab, carriage return, line feed or NUL (OWASP and ASVS 1.2.10 list
  them: some programs strip them and then read the rest);
* numbers, dates and booleans are written as what they are: a negative amount stays a number.
  Text that merely looks like a number ("-5") is text, and gets the apostrophe.

Anything that is not a number, date, boolean or None is written as its text, so nothing slips
through by being some other object. XLSX cells also lose the control characters the format cannot
hold, and times with a time zone are written in the local time (Excel has no time zones).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = frozenset("=+-@")
# Characters that, at the very start of a cell, make some programs drop them and read the rest.
STRIPPED_STARTS = frozenset("\t\r\n\x00")
_AS_THEY_ARE = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)


def _invisible(character: str) -> bool:
    return character.isspace() or unicodedata.category(character) in ("Cc", "Cf")


def looks_like_formula(text: str) -> bool:
    if text[:1] in STRIPPED_STARTS:
        return True
    for character in text:
        if not _invisible(character):
            return unicodedata.normalize("NFKC", character)[:1] in FORMULA_STARTS
    return False


def neutralise(value) -> object:
    """``value`` as a spreadsheet should show it: numbers, dates, booleans and None as they are,
    anything else as text, with an apostrophe in front when a spreadsheet would run it."""
    if value is None or isinstance(value, _AS_THEY_ARE):
        return value
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # a BOM so that Excel opens UTF-8 (Cyrillic) correctly
        yield writer.writerow([neutralise(value) for value in header])
        for row in rows:
            yield writer.writerow([neutralise(value) for value in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.csv"'
    return response


def _xlsx_cell(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


def xlsx_response(name: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name[:31])
    sheet.append([_xlsx_cell(neutralise(value)) for value in header])
    for row in rows:
        sheet.append([_xlsx_cell(neutralise(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def response(fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence]):
    return xlsx_response(name, header, rows) if fmt == "xlsx" else csv_response(name, header, rows)
