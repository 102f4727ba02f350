"""Reading the files people import (a call log, an order history): CSV in UTF-8 or Windows-1251 with
its dialect sniffed, or a spreadsheet's first sheet, as rows of strings, streamed.

One pass over the bytes decides the encoding (the whole file decides, not a sample) and counts the
lines against ``KAM_IMPORT_MAX_ROWS``; then the file is read and decoded a megabyte at a time, so memory
does not grow with the file. A spreadsheet is opened only once ``core.uploads.check_zip`` has passed it.
Problems are ``ImportFailed`` naming the line.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import itertools
import json
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from keyaccount import delimiters
from keyaccount.core.uploads import UnsafeArchive, check_zip

CHUNK_BYTES = 1024 * 1024
# A line longer than this is no export of records (and csv would hold it whole).
MAX_LINE_CHARS = 1024 * 1024
# How many bad rows an import names (it counts the rest); with more and no skipping, it stops reading.
MAX_ERRORS = 200


class ImportFailed(ValidationError):
    """The file cannot be imported; ``messages`` name the line and the column of each problem."""


@dataclass(frozen=True)
class _Encoding:
    codec: str
    label: str  # what the report says
    errors: str = "strict"


def _survey(file: BinaryIO, encoding: str | None) -> tuple[_Encoding, int]:
    """One pass over the bytes, at memory speed, before any row is parsed: the file's text encoding
    and how many line ends it has (for the row limit). The encoding is the one the caller names,
    else UTF-8 (with or without BOM) if the whole file is valid UTF-8, else Windows-1251: the usual
    encodings of Russian telephony exports. The whole file decides, not a sample of its start: a
    Windows-1251 call log may show its first Cyrillic caller name a hundred thousand lines in."""
    chosen = None
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise ImportFailed([_("The file is not in the encoding %(encoding)s: %(error)s")
                                % {"encoding": encoding, "error": error}]) from error
        chosen = _Encoding(encoding, encoding)
    utf8 = None if chosen else codecs.getincrementaldecoder("utf-8")()
    lines, undefined_in_cp1251 = 0, False
    chunk = file.read(CHUNK_BYTES)
    if utf8 is not None and chunk.startswith(codecs.BOM_UTF8):
        # The file says it is UTF-8: a damaged character stays a visible mark in its cell.
        chosen, utf8 = _Encoding("utf-8-sig", "utf-8-sig", "replace"), None
    while chunk:
        lines += chunk.count(b"\n")
        if chosen is None:
            undefined_in_cp1251 = undefined_in_cp1251 or b"\x98" in chunk
            if utf8 is not None:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = None
        chunk = file.read(CHUNK_BYTES)
    file.seek(0)
    if chosen is None and utf8 is not None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = None
        else:
            chosen = _Encoding("utf-8", "utf-8")
    if chosen is None:
        if undefined_in_cp1251:
            raise ImportFailed([_("Cannot tell the file's text encoding (tried UTF-8 and Windows-1251); "
                                  "name it with --encoding.")])
        chosen = _Encoding("cp1251", "cp1251")
    return chosen, lines


def _text_lines(file: BinaryIO, encoding: _Encoding) -> Iterator[str]:
    """The file's lines, read and decoded a megabyte at a time, with their line ends (as csv wants
    them) split where Python's universal newlines split: \\n, \\r\\n and \\r."""
    decoder = codecs.getincrementaldecoder(encoding.codec)(encoding.errors)
    pending, line, first = "", 1, True
    while True:
        chunk = file.read(CHUNK_BYTES)
        buffered = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            where = line + pending.count("\n") + chunk[:max(error.start - buffered, 0)].count(b"\n")
            raise ImportFailed([_("Line %(line)s is not %(encoding)s text (%(reason)s); name the file's encoding "
                                  "(UTF-8 or Windows-1251).") % {
                "line": where, "encoding": encoding.label, "reason": error.reason}]) from error
        if first:
            if "\x00" in text[:4096]:
                raise ImportFailed([_("This looks like a binary file, not a CSV export.")])
            first = False
        pending += text
        if not chunk:
            break
        cut = pending.rfind("\n")
        if cut < 0:
            cut = pending.rfind("\r", 0, len(pending) - 1)
        if cut >= 0:
            complete, pending = pending[:cut + 1], pending[cut + 1:]
            line += complete.count("\n")
            yield from io.StringIO(complete, newline="")
        if len(pending) > MAX_LINE_CHARS:
            raise ImportFailed([_("Line %(line)s is longer than %(limit)s characters: this is not a table of records.")
                                % {"line": line, "limit": MAX_LINE_CHARS}])
    if pending:
        yield from io.StringIO(pending, newline="")


def _csv_records(lines: Iterable[str], dialect) -> Iterator[list[str]]:
    reader = csv.reader(lines, dialect)
    try:
        yield from reader
    except csv.Error as error:  # a field over csv's 128 KB limit, a quote never closed
        raise ImportFailed([_("Line %(line)s: %(error)s") % {"line": reader.line_num, "error": error}]) from error


def _sniffed(lines: Iterator[str]) -> tuple[type[csv.Dialect] | csv.Dialect, Iterator[str]]:
    """The CSV dialect of an export, judged on its first 20,000 characters (``keyaccount.delimiters``)."""
    head, size = [], 0
    for line in lines:
        head.append(line)
        size += len(line)
        if size >= 20000:
            break
    delimiter = delimiters.guess(head)
    return (delimiters.dialect(delimiter) if delimiter else csv.excel), itertools.chain(head, lines)


def _text_records(file: BinaryIO, encoding: _Encoding, sniff: bool) -> Iterator[list[str]]:
    lines = _text_lines(file, encoding)
    if not sniff:
        return _csv_records(lines, csv.excel)
    dialect, lines = _sniffed(lines)
    return _csv_records(lines, dialect)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def too_many_rows(limit: int) -> ImportFailed:
    return ImportFailed([_("The file has more than %(limit)s rows, the most one import takes; split it into "
                           "smaller files.") % {"limit": formats.number_format(limit, force_grouping=True)}])


def _xlsx_records(file: BinaryIO, max_rows: int) -> Iterator[list[str]]:
    """The rows of a spreadsheet's first sheet, streamed; the file is opened only once its ZIP
    directory has passed ``check_zip`` and its declared size is within the row limit."""
    from openpyxl import load_workbook

    unreadable = _("This is not a readable XLSX file: %(error)s")
    try:
        check_zip(file)
    except UnsafeArchive as error:
        raise ImportFailed(error.messages) from error
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFailed([unreadable % {"error": error}]) from error
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.active
        declared_rows = sheet.max_row if sheet is not None else None
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise ImportFailed([unreadable % {"error": error}]) from error
    if sheet is None:
        raise ImportFailed([_("The file is empty.")])
    if declared_rows and declared_rows - 1 > max_rows:
        raise too_many_rows(max_rows)

    def rows() -> Iterator[list[str]]:
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [_cell_text(value) for value in row]
        except ImportFailed:
            raise
        except Exception as error:  # noqa: BLE001 - openpyxl again: a damaged part shows only when it is read
            raise ImportFailed([unreadable % {"error": error}]) from error
        finally:
            workbook.close()

    return rows()


def _check_row_count(file: BinaryIO, encoding: _Encoding, sniff: bool, header: bool, lines: int,
                     max_rows: int) -> None:
    """Refuse a text file of more than ``max_rows`` rows before anything is written. A file of no
    more lines than that passes at once; one with more (a quoted cell may span lines) has its rows
    counted one by one."""
    if lines + 1 <= max_rows:
        return
    rows = sum(1 for row in _text_records(file, encoding, sniff) if any(cell.strip() for cell in row))
    file.seek(0)
    if rows - int(header) > max_rows:
        raise too_many_rows(max_rows)


def open_records(file: BinaryIO, *, filename: str, sniff: bool = True, header: bool = True,
                 encoding: str | None = None, max_rows: int | None = None) -> tuple[Iterator[list[str]], str]:
    """The rows of a file as lists of strings, lazily, and the text encoding (or "xlsx"). A CSV's
    dialect is sniffed unless ``sniff`` is off (then comma and double quotes); a spreadsheet (by its
    name, when sniffing) is read from its first sheet. The checks that need no row (encoding, row
    count, the spreadsheet's archive) are made here."""
    max_rows = settings.KAM_IMPORT_MAX_ROWS if max_rows is None else max_rows
    if sniff and filename.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_records(file, max_rows), "xlsx"
    used, lines = _survey(file, encoding)
    _check_row_count(file, used, sniff, header, lines, max_rows)
    return _text_records(file, used, sniff), used.label


def parse_pairs(spec: str | Mapping[str, str]) -> dict[str, str]:
    """A column mapping as people give it: a dict, a JSON object, or ``field=Column`` pairs separated by
    commas (``start=Дата,src=Откуда``)."""
    if isinstance(spec, Mapping):
        return dict(spec)
    if spec.strip().startswith("{"):
        try:
            mapping = json.loads(spec)
        except json.JSONDecodeError as error:
            raise ImportFailed([_("The mapping is not valid JSON: %(error)s") % {"error": error}]) from error
        if not isinstance(mapping, dict) or not all(isinstance(value, str) for value in mapping.values()):
            raise ImportFailed([_("The mapping is not valid JSON: %(error)s") % {
                "error": "an object of field: column name"}])
        return mapping
    mapping = {}
    for pair in spec.split(","):
        if "=" not in pair:
            raise ImportFailed([_("Mapping item “%(item)s” is not field=Column.") % {"item": pair.strip()}])
        key, _sep, column = pair.partition("=")
        mapping[key.strip()] = column.strip()
    return mapping


def closest_name(name: str, names: list[str]) -> str | None:
    """The column a person most likely meant: same letters in another case, a column that starts
    with or contains what they typed, else the most similar spelling."""
    folded = name.casefold().strip()
    for candidate in names:
        if candidate.casefold().strip() == folded:
            return candidate
    for candidate in names:
        if folded and (candidate.casefold().startswith(folded) or folded in candidate.casefold()):
            return candidate
    similar = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    return similar[0] if similar else None
