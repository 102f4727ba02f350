"""Call history from the phone system: Asterisk CDR CSV (Master.csv) and any CSV/XLSX export with a
column mapping.

Every row is parsed and checked first; errors name the line and the column. Then numbers are
normalised to E.164 and matched to people (their phones), then accounts (the switchboard number),
and internal extensions to our users. Calls already imported (same Asterisk uniqueid, or the same
row fields hashed when a file has no id) are skipped, so re-importing the same or an overlapping
file adds nothing twice. A call that matches nobody is kept and waits in the queue.

The import is one transaction: all or nothing, unless the caller asks to skip bad rows, in which
case every skipped row is reported.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import json
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, ContactPhone
from keyaccount.core import audit, bulk
from keyaccount.core.models import User
from keyaccount.timeline.choices import CallDirection, CallOutcome, InteractionKind, MatchStatus
from keyaccount.timeline.models import CallImport, Interaction

ASTERISK_COLUMNS = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata", "start",
    "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield", "peeraccount",
    "linkedid", "sequence",
)
# What a mapping may name for a generic CSV/XLSX export; "start" is required, and either
# "their_number" or "src" + "dst".
MAPPING_FIELDS = ("start", "answer", "src", "dst", "their_number", "direction", "duration", "talk", "outcome",
                  "recording", "id", "extension", "our_number")
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
                "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%d.%m.%y %H:%M")
# Checked in this order: "не отвечен" (missed) contains "отвечен" (answered).
_OUTCOME_WORDS = (
    (CallOutcome.MISSED, ("no answer", "noanswer", "missed", "не отв", "неотв", "пропущ", "cancel", "отмен")),
    (CallOutcome.BUSY, ("busy", "занят")),
    (CallOutcome.FAILED, ("failed", "congestion", "ошиб", "error", "неуд")),
    (CallOutcome.ANSWERED, ("answered", "ответ", "отвеч", "успеш", "принят", "success", "completed")),
)
# Dialplan contexts through which calls from the outside world arrive.
_INBOUND_CONTEXT = re.compile(r"from-(trunk|pstn|external|did)|incoming|inbound|from-sip-external", re.I)
_EXTENSION = re.compile(r"^\d{2,6}$")
_CHANNEL_EXTENSION = re.compile(r"^[A-Za-z0-9]+/(\d{2,6})-")
MAX_ERRORS = 200


class ImportFailed(ValidationError):
    """The file cannot be imported; ``messages`` name the line and the column of each problem."""


@dataclass
class CallRow:
    line: int
    key: str
    starts_at: dt.datetime
    answered_at: dt.datetime | None
    duration: int | None
    talk: int | None
    outcome: str
    direction: str
    their_number: str
    our_number: str
    our_line: str
    recording_url: str = ""


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    matched: int = 0
    unmatched: int = 0
    ambiguous: int = 0
    skipped: list[str] = field(default_factory=list)
    encoding: str = ""
    preview: list[CallRow] = field(default_factory=list)


# --- reading files ------------------------------------------------------------------------------


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (with or without BOM) or Windows-1251, the usual
    encodings of Russian telephony exports, unless the caller names one."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError) as error:
            raise ImportFailed([_("The file is not in the encoding %(encoding)s: %(error)s")
                                % {"encoding": encoding, "error": error}]) from error
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251"), "cp1251"
    except UnicodeDecodeError as error:
        raise ImportFailed([_("Cannot tell the file's text encoding (tried UTF-8 and Windows-1251); "
                              "name it with --encoding.")]) from error


def _csv_rows(text: str) -> Iterator[list[str]]:
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text, newline=""), dialect)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def read_table(data: bytes, filename: str, encoding: str | None = None) -> tuple[list[list[str]], str]:
    """All rows of a CSV or XLSX file as lists of strings, and the text encoding (for CSV)."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
            raise ImportFailed([_("This is not a readable XLSX file: %(error)s") % {"error": error}]) from error
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)], "xlsx"
    text, used = decode(data, encoding)
    if "\x00" in text[:4096]:
        raise ImportFailed([_("This looks like a binary file, not a CSV export.")])
    return list(_csv_rows(text)), used


# --- values -------------------------------------------------------------------------------------


def parse_moment(value: str, tz: dt.tzinfo) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    if value.isdigit() and len(value) >= 9:  # Unix time
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    if value[:4].isdigit() and value[4:5] == "-":
        # ISO 8601, as Asterisk writes it: the C parser is ten times faster than strptime.
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    for fmt in DATE_FORMATS:
        try:
            moment = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return moment.replace(tzinfo=tz)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise ValueError(_("“%(value)s” is not a date and time (e.g. 2026-03-15 14:05:00 or "
                           "15.03.2026 14:05)") % {"value": value}) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


_MAX_SECONDS = 7 * 24 * 3600


def parse_seconds(value: str) -> int | None:
    if value.isdigit() and int(value) <= _MAX_SECONDS:
        return int(value)
    value = value.strip()
    if not value:
        return None
    if ":" in value:  # 0:03:25 or 03:25
        parts = value.split(":")
        if all(part.isdigit() for part in parts) and len(parts) in (2, 3):
            seconds = 0
            for part in parts:
                seconds = seconds * 60 + int(part)
            return seconds
    try:
        number = float(value.replace(",", "."))
    except ValueError as error:
        raise ValueError(_("“%(value)s” is not a number of seconds") % {"value": value}) from error
    if number < 0 or number > _MAX_SECONDS:
        raise ValueError(_("%(value)s seconds is out of range") % {"value": value})
    return int(number)


_ASTERISK_DISPOSITIONS = {"ANSWERED": CallOutcome.ANSWERED, "NO ANSWER": CallOutcome.MISSED,
                          "BUSY": CallOutcome.BUSY, "FAILED": CallOutcome.FAILED, "CONGESTION": CallOutcome.FAILED}


def parse_outcome(value: str) -> str:
    if value in _ASTERISK_DISPOSITIONS:
        return _ASTERISK_DISPOSITIONS[value]
    lowered = value.strip().lower()
    for outcome, words in _OUTCOME_WORDS:
        if any(word in lowered for word in words):
            return outcome
    raise ValueError(_("“%(value)s” is not a call outcome (ANSWERED, NO ANSWER, BUSY, FAILED)") % {"value": value})


@lru_cache(maxsize=500_000)
def normalise_number(raw: str) -> str:
    """E.164 for an outside number; internal extensions and unparseable values come back as typed
    (digits only), so they are kept and shown but never matched to a person.

    Cached: a phone system's log repeats the same numbers many times.
    """
    raw = raw.strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) <= 6:
        return digits
    region = settings.KAM_DEFAULT_REGION
    # The shapes of Russian numbers seen in every exchange's log, without the cost of a full parse.
    if region == "RU" and not raw.startswith("+"):
        if len(digits) == 11 and digits[0] in "78":
            return "+7" + digits[1:]
        if len(digits) == 10 and digits[0] in "3489":
            return "+7" + digits
    try:
        number = phonenumbers.parse(raw if raw.startswith("+") else digits, region)
    except phonenumbers.NumberParseException:
        return digits
    if not phonenumbers.is_possible_number(number):
        return digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _is_outside(number: str) -> bool:
    return number.startswith("+")


def _row_hash(*parts: str) -> str:
    return "h:" + hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


# --- parsing ------------------------------------------------------------------------------------


def _direction(src: str, dst: str, context: str) -> tuple[str, str, str, str]:
    """(direction, their number, our number, our line) from an Asterisk record's numbers."""
    src_n, dst_n = normalise_number(src), normalise_number(dst)
    src_internal, dst_internal = bool(_EXTENSION.match(src_n)), bool(_EXTENSION.match(dst_n))
    if src_internal and dst_internal:
        return CallDirection.INTERNAL, dst_n, "", src_n
    if src_internal:
        return CallDirection.OUTBOUND, dst_n, "", src_n
    if dst_internal:
        return CallDirection.INBOUND, src_n, "", dst_n
    if _INBOUND_CONTEXT.search(context):
        return CallDirection.INBOUND, src_n, dst_n, ""
    return CallDirection.OUTBOUND, dst_n, src_n, ""


def parse_asterisk(rows: Iterable[list[str]], *, tz: dt.tzinfo) -> tuple[list[CallRow], list[str]]:
    """Master.csv of Asterisk's cdr_csv: no header, the 16 standard columns in the documented order,
    optionally followed by uniqueid, userfield, and peeraccount/linkedid/sequence (16 to 21 columns)."""
    calls, errors = [], []
    for line, row in enumerate(rows, start=1):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if not 16 <= len(row) <= 21:
            errors.append(_("Line %(line)s: %(count)s columns; an Asterisk CDR line has 16 to 21 "
                            "(accountcode, src, dst, …, amaflags[, uniqueid, userfield[, peeraccount, linkedid, "
                            "sequence]]).") % {"line": line, "count": len(row)})
            continue
        try:
            call = _asterisk_call(line, row, tz)
        except _CellError as error:
            errors.append(_("Line %(line)s, column %(column)s (%(name)s): %(message)s") % {
                "line": line, "column": ASTERISK_COLUMNS.index(error.column) + 1, "name": error.column,
                "message": error.message})
            continue
        calls.append(call)
        if len(errors) > MAX_ERRORS:
            break
    return calls, errors


class _CellError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _cell(values: Mapping[str, str], column: str, parse, *args):
    try:
        return parse(values.get(column, ""), *args)
    except ValueError as error:
        raise _CellError(column, str(error)) from error


def _asterisk_call(line: int, row: list[str], tz: dt.tzinfo) -> CallRow:
    # Positions are those of ASTERISK_COLUMNS. This runs once per row of files of millions of rows,
    # so it reads the list directly and names the failing column from one handler.
    column = "start"
    try:
        starts_at = parse_moment(row[9], tz)
        column = "answer"
        answered_at = parse_moment(row[10], tz) if row[10] else None
        column = "duration"
        duration = parse_seconds(row[12])
        column = "billsec"
        talk = parse_seconds(row[13])
        column = "disposition"
        outcome = parse_outcome(row[14])
    except ValueError as error:
        raise _CellError(column, str(error)) from error
    if starts_at is None:
        raise _CellError("start", _("the call has no start time"))
    direction, their, ours, line_ext = _direction(row[1], row[2], row[3])
    if not line_ext:
        match = _CHANNEL_EXTENSION.match(row[6] if direction == CallDirection.INBOUND else row[5])
        line_ext = match.group(1) if match else ""
    uniqueid = row[16].strip() if len(row) > 16 else ""
    if uniqueid:
        key = f"ast:{uniqueid}:{row[20].strip() if len(row) > 20 else ''}"
    else:
        key = _row_hash(row[1], row[2], row[5], row[6], row[9], row[12], row[13], row[14])
    return CallRow(line=line, key=key, starts_at=starts_at, answered_at=answered_at, duration=duration,
                   talk=talk, outcome=outcome, direction=direction, their_number=their, our_number=ours,
                   our_line=line_ext)


def parse_mapping(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """A mapping from our field names to the file's column names: a dict, a JSON object, or
    ``start=Дата,src=Откуда,dst=Куда,duration=Длительность`` pairs."""
    if spec is None or spec == "":
        raise ImportFailed([_("A generic CSV/XLSX import needs a column mapping, e.g. "
                              "start=Date,src=From,dst=To,duration=Duration,outcome=Status.")])
    if isinstance(spec, Mapping):
        mapping = dict(spec)
    elif spec.strip().startswith("{"):
        try:
            mapping = json.loads(spec)
        except json.JSONDecodeError as error:
            raise ImportFailed([_("The mapping is not valid JSON: %(error)s") % {"error": error}]) from error
    else:
        mapping = {}
        for pair in spec.split(","):
            if "=" not in pair:
                raise ImportFailed([_("Mapping item “%(item)s” is not field=Column.") % {"item": pair.strip()}])
            key, _sep, column = pair.partition("=")
            mapping[key.strip()] = column.strip()
    unknown = [key for key in mapping if key not in MAPPING_FIELDS]
    if unknown:
        raise ImportFailed([_("Unknown mapping fields: %(fields)s (known: %(known)s).")
                            % {"fields": ", ".join(unknown), "known": ", ".join(MAPPING_FIELDS)}])
    if "start" not in mapping or not ("their_number" in mapping or {"src", "dst"} <= mapping.keys()):
        raise ImportFailed([_("The mapping must name “start” and either “their_number” or both “src” and “dst”.")])
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


def parse_mapped(rows: list[list[str]], mapping: Mapping[str, str], *,
                 tz: dt.tzinfo) -> tuple[list[CallRow], list[str]]:
    """A provider's export with a header row, read through ``mapping``."""
    if not rows:
        raise ImportFailed([_("The file is empty.")])
    header = [name.strip().lstrip("\ufeff") for name in rows[0]]
    positions, errors = {}, []
    for key, column in mapping.items():
        if column in header:
            positions[key] = header.index(column)
            continue
        closest = closest_name(column, header)
        hint = _(" Did you mean “%(name)s”?") % {"name": closest} if closest else ""
        errors.append(_("Column “%(column)s” (for %(field)s) is not in the file.%(hint)s")
                      % {"column": column, "field": key, "hint": hint})
    if errors:
        raise ImportFailed(errors)
    calls = []
    column_number = {key: index + 1 for key, index in positions.items()}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {key: (row[index] if index < len(row) else "") for key, index in positions.items()}
        try:
            calls.append(_mapped_call(line, values, tz))
        except _CellError as error:
            errors.append(_("Line %(line)s, column %(column)s (%(name)s): %(message)s") % {
                "line": line, "column": column_number[error.column], "name": mapping[error.column],
                "message": error.message})
            if len(errors) > MAX_ERRORS:
                break
    return calls, errors


def _mapped_call(line: int, values: Mapping[str, str], tz: dt.tzinfo) -> CallRow:
    starts_at = _cell(values, "start", parse_moment, tz)
    if starts_at is None:
        raise _CellError("start", _("the call has no start time"))
    answered_at = _cell(values, "answer", parse_moment, tz) if "answer" in values else None
    duration = _cell(values, "duration", parse_seconds) if "duration" in values else None
    talk = _cell(values, "talk", parse_seconds) if "talk" in values else None
    if "outcome" in values and values["outcome"].strip():
        outcome = _cell(values, "outcome", parse_outcome)
    else:
        outcome = CallOutcome.ANSWERED if (talk or 0) > 0 else CallOutcome.MISSED
    extension = values.get("extension", "").strip()
    if "their_number" in values:
        their = normalise_number(values["their_number"])
        if not their:
            raise _CellError("their_number", _("the number is empty"))
        raw_direction = values.get("direction", "").strip().lower()
        direction = CallDirection.INBOUND if raw_direction.startswith(("in", "вх")) else (
            CallDirection.INTERNAL if raw_direction.startswith(("int", "вн")) else CallDirection.OUTBOUND)
        ours = normalise_number(values.get("our_number", ""))
    else:
        direction, their, ours, ext = _direction(values["src"], values["dst"], "")
        extension = extension or ext
    key = f"id:{values['id'].strip()}" if values.get("id", "").strip() else _row_hash(
        *(values.get(name, "") for name in sorted(values)))
    return CallRow(line=line, key=key, starts_at=starts_at, answered_at=answered_at, duration=duration, talk=talk,
                   outcome=outcome, direction=direction, their_number=their, our_number=ours, our_line=extension,
                   recording_url=values.get("recording", "").strip()[:500])


# --- matching and writing -----------------------------------------------------------------------


def _chunks(items: list, size: int = 900) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _match(numbers: set[str]) -> tuple[dict[str, tuple[int | None, list[int], str]], int]:
    """For each outside number: (account id, contact ids, match status)."""
    outside = sorted(number for number in numbers if _is_outside(number))
    by_number: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for chunk in _chunks(outside):
        for number, contact_id, account_id in ContactPhone.objects.filter(
                number__in=chunk, contact__erased_at__isnull=True).values_list("number", "contact_id",
                                                                                "contact__account_id"):
            by_number[number].append((contact_id, account_id))
    switchboards: dict[str, list[int]] = defaultdict(list)
    rest = [number for number in outside if number not in by_number]
    for chunk in _chunks(rest):
        for number, account_id in Account.objects.filter(phone__in=chunk).values_list("phone", "id"):
            switchboards[number].append(account_id)
    result = {}
    for number in numbers:
        people = by_number.get(number, [])
        accounts = {account for _contact, account in people} or set(switchboards.get(number, []))
        if len(accounts) == 1:
            result[number] = (accounts.pop(), [contact for contact, _account in people], MatchStatus.MATCHED)
        elif len(accounts) > 1:
            result[number] = (None, [], MatchStatus.AMBIGUOUS)
        else:
            result[number] = (None, [], MatchStatus.UNMATCHED)
    return result, len(outside)


def _existing_keys(keys: list[str]) -> set[str]:
    """The keys among ``keys`` already imported, in one query rather than a thousand ``IN (...)``
    lookups: one array parameter on PostgreSQL, a temporary table joined to the index on SQLite."""
    if len(keys) <= 5000:
        found: set[str] = set()
        for chunk in _chunks(keys):
            found.update(Interaction.objects.filter(external_key__in=chunk).values_list("external_key", flat=True))
        return found
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT external_key FROM timeline_interaction WHERE external_key = ANY(%s)", [keys])
            return {row[0] for row in cursor.fetchall()}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS kam_import_keys")
        cursor.execute("CREATE TEMPORARY TABLE kam_import_keys (external_key VARCHAR(120) PRIMARY KEY)")
        bulk.insert_rows("kam_import_keys", ["external_key"], ((key,) for key in keys))
        cursor.execute("SELECT k.external_key FROM kam_import_keys k "
                       "JOIN timeline_interaction i ON i.external_key = k.external_key")
        found = {row[0] for row in cursor.fetchall()}
        cursor.execute("DROP TABLE kam_import_keys")
    return found


_INTERACTION_COLUMNS = [
    "id", "version", "created_at", "updated_at", "kind", "account_id", "owner_id", "starts_at", "ends_at", "subject",
    "summary", "direction", "our_number", "our_line", "their_number", "answered_at", "duration_seconds",
    "talk_seconds", "outcome", "recording_url", "match_status", "email_from", "email_to", "place", "video_link",
    "agenda", "meeting_status", "agreements", "external_key",
]


def import_calls(*, user, data: bytes, filename: str, fmt: str, mapping=None, skip_bad: bool = False,
                 encoding: str | None = None, utc: bool = False, dry_run: bool = False) -> ImportReport:
    """Import a call log. Raises ``ImportFailed`` (nothing written) when the file has bad rows and
    ``skip_bad`` is off; with ``skip_bad`` the good rows are imported and the bad ones reported."""
    tz = dt.UTC if utc else zoneinfo.ZoneInfo(settings.KAM_CDR_TIME_ZONE)
    if fmt == "asterisk":
        text, used = decode(data, encoding)
        calls, errors = parse_asterisk(_csv_rows_plain(text), tz=tz)
    elif fmt == "csv":
        table, used = read_table(data, filename, encoding)
        calls, errors = parse_mapped(table, parse_mapping(mapping), tz=tz)
    else:
        raise ImportFailed([_("Unknown format “%(fmt)s”: use asterisk or csv.") % {"fmt": fmt}])
    if errors and not skip_bad:
        raise ImportFailed(errors[:MAX_ERRORS] + ([_("…and more; fix these first.")] if len(errors) > MAX_ERRORS
                                                   else []))
    if not calls and not errors:
        raise ImportFailed([_("The file has no calls.")])
    report = ImportReport(rows=len(calls) + len(errors), skipped=errors, encoding=used, preview=calls[:20])
    with transaction.atomic():
        _write(user=user, calls=calls, report=report, filename=filename, fmt=fmt, dry_run=dry_run)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _csv_rows_plain(text: str) -> Iterator[list[str]]:
    # Master.csv is always comma-separated with double quotes; no sniffing (a short file would fool it).
    return csv.reader(io.StringIO(text, newline=""))


def _write(*, user, calls: list[CallRow], report: ImportReport, filename: str, fmt: str, dry_run: bool) -> None:
    unique: dict[str, CallRow] = {}
    for call in calls:
        unique.setdefault(call.key, call)
    existing = _existing_keys(list(unique))
    fresh = [call for key, call in unique.items() if key not in existing]
    report.duplicates = len(calls) - len(fresh)
    matches, _outside = _match({call.their_number for call in fresh})
    extensions = dict(User.objects.filter(is_active=True).exclude(extension="").values_list("extension", "pk"))
    batch = CallImport.objects.create(file_name=filename[:200], file_format=fmt, imported_by=user if user.pk else None,
                                      rows=report.rows, skipped=len(report.skipped))
    ids = bulk.reserve_ids("timeline_interaction", len(fresh))
    now = timezone.now()
    links, rows = [], []
    for pk, call in zip(ids, fresh, strict=True):
        account_id, contact_ids, status = matches.get(call.their_number, (None, [], MatchStatus.UNMATCHED))
        if status == MatchStatus.MATCHED:
            report.matched += 1
        elif status == MatchStatus.AMBIGUOUS:
            report.ambiguous += 1
        else:
            report.unmatched += 1
        # The person on our line is responsible for the call; a call on no known line stays with
        # whoever imported it, so that it never waits in a queue nobody sees.
        owner_id = extensions.get(call.our_line) or (user.pk if user.pk else None)
        rows.append((pk, 1, now, now, InteractionKind.CALL, account_id, owner_id, call.starts_at, None, "", "",
                     call.direction, call.our_number[:40], call.our_line[:40], call.their_number[:40],
                     call.answered_at, call.duration, call.talk, call.outcome, call.recording_url, status, "", "", "",
                     "", "", "", "", call.key))
        links.extend((pk, contact_id) for contact_id in contact_ids)
    # The user on our line is the call's owner; imported calls need no participant rows besides
    # (a million of them would double the import's writes for nothing the owner does not say).
    bulk.insert_rows("timeline_interaction", _INTERACTION_COLUMNS, rows,
                     datetime_columns=("created_at", "updated_at", "starts_at", "ends_at", "answered_at"))
    bulk.insert_rows("timeline_interactioncontact", ["interaction_id", "contact_id"], links)
    report.created = len(rows)
    CallImport.objects.filter(pk=batch.pk).update(created=report.created, duplicates=report.duplicates,
                                                  matched=report.matched, unmatched=report.unmatched + report.ambiguous)
    batch.refresh_from_db()
    if not dry_run:
        audit.record_create(actor=user, instance=batch, after=audit.snapshot(batch))
