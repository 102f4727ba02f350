"""CSV and XLSX exports that are safe to open in a spreadsheet.

A cell that starts with ``= + - @`` (or a tab/CR, which some programs strip first) is read as a
formula by Excel and LibreOffice; such cells get a leading apostrophe so they stay text (OWASP
"CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # a BOM so that Excel opens UTF-8 (Cyrillic) correctly
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(value) for value in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.csv"'
    return response


def xlsx_response(name: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def response(fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence]):
    return xlsx_response(name, header, rows) if fmt == "xlsx" else csv_response(name, header, rows)
