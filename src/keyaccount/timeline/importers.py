"""Call history from the phone system: Asterisk CDR CSV (Master.csv) and any CSV/XLSX export with a
column mapping.

Every row is parsed and checked; errors name the line and the column. Numbers are normalised to
E.164 and matched to people (their phones), then accounts (the switchboard number), and internal
extensions to our users. Calls already imported (same Asterisk uniqueid, or the same row fields
hashed when a file has no id) are skipped, so re-importing the same or an overlapping file adds
nothing twice. A call that matches nobody is kept and waits in the queue.

The file streams: one pass over its bytes decides the encoding and counts its lines, then it is
read and decoded a megabyte at a time, rows are parsed one by one and written in batches, so
memory does not grow with the file. The import is still one transaction:
all or nothing, unless the caller asks to skip bad rows, in which case the skipped rows are
reported. A file over ``KAM_IMPORT_MAX_ROWS`` rows is refused before anything is written, and a
spreadsheet is opened only once ``core.uploads.check_zip`` has passed it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import BinaryIO

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, ContactPhone
from keyaccount.core import audit, bulk, tabular
from keyaccount.core.lookups import index_lookups
from keyaccount.core.models import User
from keyaccount.core.tabular import ImportFailed, too_many_rows
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
MAX_ERRORS = tabular.MAX_ERRORS
# Rows are written this many at a time (core.tabular reads the file a megabyte at a time).
BATCH_ROWS = 20_000
# Numbers matched to people are remembered across batches (a log repeats them), up to this many: a call
# centre's log has hundreds of thousands of distinct callers, and a smaller memory forgot them and looked
# them up again (most are no one's, and share one answer, so each costs little more than its key).
MATCH_CACHE = 400_000


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
    # The first MAX_ERRORS bad rows, each named (and a last line counting the rest); how many in all.
    skipped: list[str] = field(default_factory=list)
    skipped_rows: int = 0
    encoding: str = ""
    preview: list[CallRow] = field(default_factory=list)


# --- reading files (core.tabular) ----------------------------------------------------------------

def open_records(file: BinaryIO, *, filename: str, fmt: str, encoding: str | None = None,
                 max_rows: int | None = None) -> tuple[Iterator[list[str]], str]:
    """The rows of a call log: Master.csv is always comma-separated with double quotes and has no
    header (no sniffing: a short file would fool it); a provider's export is sniffed, or a spreadsheet."""
    return tabular.open_records(file, filename=filename, sniff=fmt != "asterisk", header=fmt != "asterisk",
                                encoding=encoding, max_rows=max_rows)


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


def parse_asterisk(records: Iterable[list[str]], *, tz: dt.tzinfo) -> Iterator[CallRow | str]:
    """Master.csv of Asterisk's cdr_csv: no header, the 16 standard columns in the documented order,
    optionally followed by uniqueid, userfield, and peeraccount/linkedid/sequence (16 to 21 columns).
    Yields each row's call, or the message naming what is wrong with it."""
    for line, row in enumerate(records, start=1):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if not 16 <= len(row) <= 21:
            yield _("Line %(line)s: %(count)s columns; an Asterisk CDR line has 16 to 21 "
                    "(accountcode, src, dst, …, amaflags[, uniqueid, userfield[, peeraccount, linkedid, "
                    "sequence]]).") % {"line": line, "count": len(row)}
            continue
        try:
            yield _asterisk_call(line, row, tz)
        except _CellError as error:
            yield _("Line %(line)s, column %(column)s (%(name)s): %(message)s") % {
                "line": line, "column": ASTERISK_COLUMNS.index(error.column) + 1, "name": error.column,
                "message": error.message}


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
    mapping = tabular.parse_pairs(spec)
    unknown = [key for key in mapping if key not in MAPPING_FIELDS]
    if unknown:
        raise ImportFailed([_("Unknown mapping fields: %(fields)s (known: %(known)s).")
                            % {"fields": ", ".join(unknown), "known": ", ".join(MAPPING_FIELDS)}])
    if "start" not in mapping or not ("their_number" in mapping or {"src", "dst"} <= mapping.keys()):
        raise ImportFailed([_("The mapping must name “start” and either “their_number” or both “src” and “dst”.")])
    return mapping


def parse_mapped(records: Iterable[list[str]], mapping: Mapping[str, str], *,
                 tz: dt.tzinfo) -> Iterator[CallRow | str]:
    """A provider's export with a header row, read through ``mapping``. Yields each row's call, or
    the message naming what is wrong with it; a column the mapping names and the header lacks
    refuses the file at once."""
    records = iter(records)
    first = next(records, None)
    if first is None:
        raise ImportFailed([_("The file is empty.")])
    header = [name.strip().lstrip("\ufeff") for name in first]
    positions, errors = {}, []
    for key, column in mapping.items():
        if column in header:
            positions[key] = header.index(column)
            continue
        closest = tabular.closest_name(column, header)
        hint = _(" Did you mean “%(name)s”?") % {"name": closest} if closest else ""
        errors.append(_("Column “%(column)s” (for %(field)s) is not in the file.%(hint)s")
                      % {"column": column, "field": key, "hint": hint})
    if errors:
        raise ImportFailed(errors)
    column_number = {key: index + 1 for key, index in positions.items()}
    for line, row in enumerate(records, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {key: (row[index] if index < len(row) else "") for key, index in positions.items()}
        try:
            yield _mapped_call(line, values, tz)
        except _CellError as error:
            yield _("Line %(line)s, column %(column)s (%(name)s): %(message)s") % {
                "line": line, "column": column_number[error.column], "name": mapping[error.column],
                "message": error.message}


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


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


_UNMATCHED = (None, (), MatchStatus.UNMATCHED)
_AMBIGUOUS = (None, (), MatchStatus.AMBIGUOUS)


def _match(numbers: set[str]) -> tuple[dict[str, tuple[int | None, tuple[int, ...], str]], int]:
    """For each outside number: (account id, contact ids, match status)."""
    with index_lookups():
        return _match_numbers(numbers)


def _phones_of_people(numbers: list[str]) -> Iterator[tuple[str, int, int]]:
    """(number, contact id, account id) of the people (not erased) with one of ``numbers``."""
    # Unordered: with the models' default order (an account's name) SQLite walked the whole name index
    # instead of looking each number up in the phone index, 0.24 s a query at 100,000 accounts.
    for chunk in _chunks(numbers, 5000):
        yield from ContactPhone.objects.filter(number__any_of=chunk, contact__erased_at__isnull=True).order_by() \
            .values_list("number", "contact_id", "contact__account_id")


def _switchboards(numbers: list[str]) -> Iterator[tuple[str, int]]:
    """(number, account id) of the accounts whose own phone is one of ``numbers``."""
    for chunk in _chunks(numbers, 5000):
        yield from Account.objects.filter(phone__any_of=chunk).order_by().values_list("phone", "id")


def _match_numbers(numbers: set[str]) -> tuple[dict[str, tuple[int | None, tuple[int, ...], str]], int]:
    outside = sorted(number for number in numbers if _is_outside(number))
    by_number: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for number, contact_id, account_id in _phones_of_people(outside):
        by_number[number].append((contact_id, account_id))
    switchboards: dict[str, list[int]] = defaultdict(list)
    for number, account_id in _switchboards([number for number in outside if number not in by_number]):
        switchboards[number].append(account_id)
    result = {}
    for number in numbers:
        people = by_number.get(number, [])
        accounts = {account for _contact, account in people} or set(switchboards.get(number, []))
        if len(accounts) == 1:
            result[number] = (accounts.pop(), tuple(contact for contact, _account in people), MatchStatus.MATCHED)
        elif len(accounts) > 1:
            result[number] = _AMBIGUOUS
        else:
            result[number] = _UNMATCHED
    return result, len(outside)


def _existing_keys(keys: list[str]) -> set[str]:
    """The keys among one batch's ``keys`` already imported, each looked up in the unique index."""
    found: set[str] = set()
    with index_lookups():
        for chunk in _chunks(keys, 5000):
            found.update(Interaction.objects.filter(external_key__any_of=chunk).order_by()
                         .values_list("external_key", flat=True))
    return found


# What an imported call sets; every other column takes its default (core.bulk.insert_records).
_CALL_FIELDS = ["id", "kind", "account_id", "owner_id", "starts_at", "direction", "our_number", "our_line",
                "their_number", "answered_at", "duration_seconds", "talk_seconds", "outcome", "recording_url",
                "match_status", "external_key"]


def import_calls(*, user, data: bytes | BinaryIO, filename: str, fmt: str, mapping=None, skip_bad: bool = False,
                 encoding: str | None = None, utc: bool = False, dry_run: bool = False,
                 progress: Callable[[int, int, int], None] | None = None) -> ImportReport:
    """Import a call log: ``data`` is the file's bytes or, for a file of any size, a binary file
    open for reading (and seeking), read a megabyte at a time. Raises ``ImportFailed`` (nothing
    written) when the file has bad rows and ``skip_bad`` is off; with ``skip_bad`` the good rows
    are imported and the bad ones reported. ``progress(rows, bytes read, file size)`` is told after
    each batch written."""
    tz = dt.UTC if utc else zoneinfo.ZoneInfo(settings.KAM_CDR_TIME_ZONE)
    if fmt not in ("asterisk", "csv"):
        raise ImportFailed([_("Unknown format “%(fmt)s”: use asterisk or csv.") % {"fmt": fmt}])
    file = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    fields = parse_mapping(mapping) if fmt == "csv" else None
    records, used = open_records(file, filename=filename, fmt=fmt, encoding=encoding)
    calls = parse_asterisk(records, tz=tz) if fields is None else parse_mapped(records, fields, tz=tz)
    report = ImportReport(encoding=used)
    try:
        with transaction.atomic():
            _import(user=user, calls=calls, report=report, filename=filename, fmt=fmt, skip_bad=skip_bad,
                    dry_run=dry_run, progress=(lambda rows: progress(rows, file.tell(), size)) if progress else None)
            if dry_run:
                transaction.set_rollback(True)
    finally:
        calls.close()  # the file's reader stops now, not when a refused import's traceback is let go
    return report


def _import(*, user, calls: Iterator[CallRow | str], report: ImportReport, filename: str, fmt: str,
            skip_bad: bool, dry_run: bool, progress: Callable[[int], None] | None = None) -> None:
    """Write the calls as they are parsed, BATCH_ROWS at a time. Once a bad row shows without
    ``skip_bad`` the file will be refused: nothing more is written, and the rest is read only to
    name up to MAX_ERRORS bad rows in all."""
    max_rows = settings.KAM_IMPORT_MAX_ROWS
    record = CallImport.objects.create(file_name=filename[:200], file_format=fmt,
                                       imported_by=user if user.pk else None)
    writer = _CallWriter(user=user, report=report)
    batch: list[CallRow] = []
    for call in calls:
        report.rows += 1
        if report.rows > max_rows:
            raise too_many_rows(max_rows)
        if isinstance(call, str):
            report.skipped_rows += 1
            if len(report.skipped) < MAX_ERRORS:
                report.skipped.append(call)
            if not skip_bad and report.skipped_rows > MAX_ERRORS:
                break
            continue
        if len(report.preview) < 20:
            report.preview.append(call)
        if report.skipped_rows and not skip_bad:
            continue
        batch.append(call)
        if len(batch) == BATCH_ROWS:
            writer.write(batch)
            batch = []
            if progress:
                progress(report.rows)
    if report.skipped_rows and not skip_bad:
        raise ImportFailed(report.skipped + ([_("…and more; fix these first.")]
                                             if report.skipped_rows > MAX_ERRORS else []))
    if not report.rows:
        raise ImportFailed([_("The file has no calls.")])
    writer.write(batch)
    if report.created >= bulk.STATISTICS_AFTER_ROWS:
        bulk.refresh_statistics([Interaction._meta.db_table, "timeline_interactioncontact"])
    if progress:
        progress(report.rows)
    if report.skipped_rows > len(report.skipped):
        report.skipped.append(_("…and %(count)s more bad rows.") % {
            "count": report.skipped_rows - len(report.skipped)})
    CallImport.objects.filter(pk=record.pk).update(
        rows=report.rows, skipped=report.skipped_rows, created=report.created, duplicates=report.duplicates,
        matched=report.matched, unmatched=report.unmatched + report.ambiguous)
    record.refresh_from_db()
    if not dry_run:
        audit.record_create(actor=user, instance=record, after=audit.snapshot(record))


class _CallWriter:
    """Writes one batch of calls after another into the import's transaction. A call already in
    the database, from an earlier import or an earlier batch of this file, is a duplicate; so is
    a repeat within the batch."""

    def __init__(self, *, user, report: ImportReport):
        self.user, self.report = user, report
        self.extensions = dict(User.objects.filter(is_active=True).exclude(extension="")
                               .values_list("extension", "pk"))
        self.matches: dict[str, tuple[int | None, tuple[int, ...], str]] = {}

    def _matches_for(self, numbers: set[str]) -> dict[str, tuple[int | None, tuple[int, ...], str]]:
        missing = numbers - self.matches.keys()
        if missing:
            if len(self.matches) + len(missing) > MATCH_CACHE:
                self.matches.clear()
                missing = numbers
            self.matches.update(_match(missing)[0])
        return self.matches

    def write(self, calls: list[CallRow]) -> None:
        if not calls:
            return
        report, user = self.report, self.user
        unique: dict[str, CallRow] = {}
        for call in calls:
            unique.setdefault(call.key, call)
        existing = _existing_keys(list(unique))
        fresh = [call for key, call in unique.items() if key not in existing]
        report.duplicates += len(calls) - len(fresh)
        matches = self._matches_for({call.their_number for call in fresh})
        ids = bulk.reserve_ids("timeline_interaction", len(fresh))
        links, rows = [], []
        importer = user.pk or None
        for pk, call in zip(ids, fresh, strict=True):
            account_id, contact_ids, status = matches.get(call.their_number, _UNMATCHED)
            if status == MatchStatus.MATCHED:
                report.matched += 1
            elif status == MatchStatus.AMBIGUOUS:
                report.ambiguous += 1
            else:
                report.unmatched += 1
            # The person on our line is responsible for the call; a call on no known line stays with
            # whoever imported it, so that it never waits in a queue nobody sees.
            owner_id = self.extensions.get(call.our_line) or importer
            rows.append((pk, InteractionKind.CALL, account_id, owner_id, call.starts_at, call.direction,
                         call.our_number[:40], call.our_line[:40], call.their_number[:40], call.answered_at,
                         call.duration, call.talk, call.outcome, call.recording_url, status, call.key))
            links.extend((pk, contact_id) for contact_id in contact_ids)
        # The user on our line is the call's owner; imported calls need no participant rows besides
        # (a million of them would double the import's writes for nothing the owner does not say).
        if rows:
            bulk.insert_records(Interaction, _CALL_FIELDS, rows)
        if links:
            bulk.insert_rows("timeline_interactioncontact", ["interaction_id", "contact_id"], links)
        report.created += len(rows)


# --- an import through the web (core.import_jobs) -------------------------------------------------

def run_import(*, user, file: BinaryIO, filename: str, options: dict, dry_run: bool,
               progress: Callable[[int, int], None] | None = None) -> dict:
    """The call import as ``core.import_jobs`` runs it (the web page's job, ``kam import calls``): the
    options the form or the command line gave; the report as plain data."""
    report = import_calls(user=user, data=file, filename=filename, fmt=options.get("file_format") or "asterisk",
                          mapping=options.get("mapping") or None, skip_bad=bool(options.get("skip_bad")),
                          encoding=options.get("encoding") or None, utc=bool(options.get("utc")),
                          dry_run=dry_run,
                          progress=(lambda rows, read, _size: progress(rows, read)) if progress else None)
    return {
        "rows": report.rows, "created": report.created, "duplicates": report.duplicates,
        "matched": report.matched, "unmatched": report.unmatched, "ambiguous": report.ambiguous,
        "encoding": report.encoding, "skipped": report.skipped, "skipped_rows": report.skipped_rows,
        "preview": [{"line": call.line, "starts_at": call.starts_at.isoformat(), "direction": call.direction,
                     "their_number": call.their_number, "outcome": call.outcome, "talk": call.talk}
                    for call in report.preview],
    }


def summary(report: dict, dry_run: bool) -> str:
    verb = "Would import" if dry_run else "Imported"
    return (f"{verb} {report['created']} calls from {report['rows']} rows ({report['encoding']}); "
            f"{report['duplicates']} were already there; {report['matched']} matched, {report['unmatched']} "
            f"unmatched and {report['ambiguous']} ambiguous wait in the queue; {report['skipped_rows']} bad rows "
            f"skipped.")
