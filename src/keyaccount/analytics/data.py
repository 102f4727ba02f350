"""Reading order lines or a per-customer summary from a file into a polars frame, with errors that
say which column and which row.

CSV files may use any delimiter (comma, semicolon, tab, pipe) and UTF-8 (with or without BOM) or
CP1251, as Russian accounting software writes them; amounts may be written "1 234,56"; dates as
2026-03-01, 01.03.2026, 2026/03/01, 20260301 or 01/03/2026 (day first) with an optional time.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from keyaccount import delimiters
from keyaccount.analytics.errors import InputError
from keyaccount.analytics.summary import CustomerDays, order_days

# Names people give these columns, most common first; matching ignores case, spaces and "_".
CUSTOMER_NAMES = ("customer", "customer_id", "client", "client_id", "account", "account_id", "buyer", "id",
                  "клиент", "покупатель", "контрагент", "инн", "customerid", "cust_id")
DATE_NAMES = ("date", "order_date", "ordered_on", "purchase_date", "invoice_date", "datetime", "timestamp",
              "дата", "дата заказа", "дата документа", "invoicedate")
AMOUNT_NAMES = ("amount", "revenue", "total", "sum", "sales", "value", "price_total", "line_total", "сумма",
                "выручка", "стоимость", "amount_rub")
OPTIONAL_NAMES = {
    "order_id": ("order_id", "order", "order_number", "invoice", "invoiceno", "номер заказа", "заказ", "документ"),
    "product": ("product", "product_id", "sku", "item", "stockcode", "товар", "артикул", "номенклатура"),
    "category": ("category", "product_category", "group", "категория", "группа"),
    "quantity": ("quantity", "qty", "количество", "кол-во"),
}
SUMMARY_ID_NAMES = ("customer", "customer_id", "id", "client", "клиент")
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d", "%d/%m/%Y", "%d-%m-%Y",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
                "%Y-%m-%d %H:%M")


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _find(columns: list[str], wanted: str | None, candidates: tuple[str, ...], role: str,
          required: bool = True) -> str | None:
    """The column for ``role``: the one named (``--customer`` …) or the first known name present."""
    keys = {_key(column): column for column in columns}
    if wanted:
        if wanted in columns:
            return wanted
        if _key(wanted) in keys:
            return keys[_key(wanted)]
        close = difflib.get_close_matches(wanted, columns, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise InputError(f"no column '{wanted}' for the {role}{hint} The file has: {', '.join(columns)}")
    # Then the headers without the unit reports add after a comma or in brackets ("Сумма, руб.",
    # "Amount (RUB)").
    bare = {_key(re.split(r"[,(\[]", column, maxsplit=1)[0]): column for column in reversed(columns)}
    for names in (keys, bare):
        for candidate in candidates:
            if _key(candidate) in names:
                return names[_key(candidate)]
    if not required:
        return None
    close = difflib.get_close_matches(candidates[0], columns, n=1, cutoff=0.6) or \
        difflib.get_close_matches(candidates[0], [c.lower() for c in columns], n=1, cutoff=0.6)
    hint = f" (is it '{close[0]}'? then say --{role} '{close[0]}')" if close else f" (say which with --{role})"
    raise InputError(f"no {role} column found{hint}. The file has: {', '.join(columns)}")


# A character that only UTF-8 could have written: a valid multi-byte sequence (``surrogateescape``
# turns each invalid byte into U+DC80-U+DCFF instead).
_UTF8_ONLY = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _decode(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else CP1251. A file that holds valid UTF-8 text is UTF-8: bytes
    that are not UTF-8 inside it are an error at their line, not a reason to read the whole file,
    its good text included, as CP1251."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if _UTF8_ONLY.search(raw.decode("utf-8", errors="surrogateescape")):
            line = raw.count(b"\n", 0, error.start) + 1
            raise InputError(f"{name}, line {line}: bytes that are not UTF-8 "
                             f"({raw[error.start:error.end].hex(' ')}) in a file otherwise written in UTF-8; "
                             "save it again as UTF-8") from error
    try:
        return raw.decode("cp1251")
    except UnicodeDecodeError as error:
        raise InputError(f"{name} is neither UTF-8 nor CP1251 text") from error


def _read_csv(path: Path) -> pl.DataFrame:
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path.name} is empty")
    text = _decode(raw, path.name)
    sample = text[:65536]
    delimiter = delimiters.guess(sample.splitlines(keepends=True)) or ","
    try:
        frame = pl.read_csv(io.StringIO(text) if len(raw) < 200_000_000 else path, separator=delimiter,
                            infer_schema=False, truncate_ragged_lines=False)
    except pl.exceptions.PolarsError as error:
        raise InputError(f"{path.name} is not a readable table: {str(error).splitlines()[0]}") from error
    return frame


def _read_xlsx(path: Path) -> pl.DataFrame:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise InputError(f"{path.name} is not a readable XLSX workbook") from error
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise InputError(f"{path.name} is empty")
    names = [str(value).strip() if value is not None else f"column_{i + 1}" for i, value in enumerate(header)]
    data = [["" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
             for value in row] for row in rows]
    return pl.DataFrame(data, schema=names, orient="row") if data else pl.DataFrame(schema=names)


def read_table(path: str | Path) -> pl.DataFrame:
    """The file's rows, blank ones (every cell empty) left out, with each row's line number in the
    file (1 = the header) in the column ``LINE``, so messages name the line a user sees."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            frame = pl.read_parquet(path)
        except pl.exceptions.PolarsError as error:
            raise InputError(f"{path.name} is not a readable Parquet file") from error
    elif suffix in (".xlsx", ".xlsm"):
        frame = _read_xlsx(path)
    else:
        frame = _read_csv(path)
    if LINE in frame.columns:
        raise InputError(f"{path.name} has a column named '{LINE}', which this reader keeps for itself")
    frame = frame.with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(LINE))
    if not frame.columns[:-1]:
        return frame
    blank = pl.all_horizontal((pl.col(c).is_null() | (pl.col(c).cast(pl.Utf8).str.strip_chars() == ""))
                              for c in frame.columns[:-1])
    return frame.filter(~blank)


# The column of each row's line number in the file (see ``read_table``).
LINE = "__line__"


def _columns(frame: pl.DataFrame) -> list[str]:
    return [column for column in frame.columns if column != LINE]


def _row_of(frame: pl.DataFrame, mask: pl.Series) -> int:
    """The file row (1 = header) of the first row where ``mask`` holds."""
    first = int(mask.arg_true()[0])
    return int(frame[LINE][first]) if LINE in frame.columns else first + 2


def _dates(frame: pl.DataFrame, column: str) -> pl.Series:
    values = frame[column]
    if values.dtype == pl.Date or isinstance(values.dtype, pl.Datetime):
        if values.null_count():
            raise InputError(f"column '{column}', row {_row_of(frame, values.is_null())}: no date")
        return values if values.dtype == pl.Date else values.dt.date()
    text = values.cast(pl.Utf8).str.strip_chars()
    if text.is_null().any() or (text == "").any():
        bad = text.is_null() | (text == "")
        raise InputError(f"column '{column}', row {_row_of(frame, bad)}: no date")
    best = None
    for fmt in DATE_FORMATS:
        parsed = text.str.to_datetime(fmt, strict=False).dt.date()
        missing = parsed.null_count()
        if missing == 0:
            return parsed
        if best is None or missing < best[1]:
            best = (parsed, missing)
    parsed = best[0]
    bad = parsed.is_null()
    raise InputError(f"column '{column}', row {_row_of(frame, bad)}: '{text[int(bad.arg_true()[0])]}' is not a "
                     f"date (write it as 2026-03-01 or 01.03.2026)")


def _numbers(frame: pl.DataFrame, column: str, what: str = "a number") -> pl.Series:
    values = frame[column]
    if values.dtype.is_numeric():
        numbers = values.cast(pl.Float64)
        if numbers.null_count():
            raise InputError(f"column '{column}', row {_row_of(frame, numbers.is_null())}: no {what.split()[-1]}")
    else:
        text = (values.cast(pl.Utf8).str.strip_chars().str.replace_all(r"[\s\u00a0\u202f]", "")
                .str.replace_all(r"[₽$€]|руб\.?|RUB", "").str.replace(",", "."))
        numbers = text.cast(pl.Float64, strict=False)
        bad = numbers.is_null()
        if bad.any():
            row = int(bad.arg_true()[0])
            raise InputError(f"column '{column}', row {_row_of(frame, bad)}: '{values[row]}' is not {what}")
    bad = ~numbers.is_finite()
    if bad.any():
        raise InputError(f"column '{column}', row {_row_of(frame, bad)}: not {what}")
    return numbers


def read_orders(path: str | Path, *, customer: str | None = None, date: str | None = None,
                amount: str | None = None, warn: Callable[[str], None] | None = None) -> pl.DataFrame:
    """Order lines as a frame of customer (text), date, amount and the optional order_id, product,
    category, quantity. ``warn``, when given, is told of dates after today (see
    :func:`read_customer_days`)."""
    frame = read_table(path)
    if frame.height == 0:
        raise InputError(f"{Path(path).name} has no rows")
    columns = _columns(frame)
    found = {"customer": _find(columns, customer, CUSTOMER_NAMES, "customer"),
             "date": _find(columns, date, DATE_NAMES, "date"),
             "amount": _find(columns, amount, AMOUNT_NAMES, "amount")}
    customers = frame[found["customer"]].cast(pl.Utf8).str.strip_chars()
    empty = customers.is_null() | (customers == "")
    if empty.any():
        raise InputError(f"column '{found['customer']}', row {_row_of(frame, empty)}: no customer")
    result = {"customer": customers, "date": _dates(frame, found["date"]),
              "amount": _numbers(frame, found["amount"], "an amount")}
    if not (result["amount"] > 0).any():
        raise InputError(f"column '{found['amount']}', rows {frame[LINE][0]}-{frame[LINE][-1]}: every amount is a "
                         "return (negative) or zero; nothing was bought to analyse")
    if warn is not None:
        later = result["date"] > dt.date.today()
        if later.any():
            last = result["date"].max()
            warn(f"column '{found['date']}', row {_row_of(frame, later)}: {result['date'][int(later.arg_true()[0])]} "
                 f"is after today ({dt.date.today()}); the observation ends at the file's last date, {last}. "
                 "Give --until to end it earlier (later orders are then left out)")
    for role, names in OPTIONAL_NAMES.items():
        column = _find(columns, None, names, role, required=False)
        if column and column not in found.values():
            result[role] = _numbers(frame, column) if role == "quantity" else frame[column].cast(pl.Utf8)
    return pl.DataFrame(result)


def read_summary(path: str | Path) -> pl.DataFrame:
    """A ready summary: frequency, recency, T and optionally monetary_value and a customer id."""
    frame = read_table(path)
    if frame.height == 0:
        raise InputError(f"{Path(path).name} has no rows")
    columns = _columns(frame)
    result = {LINE: frame[LINE]}
    for role, names in (("frequency", ("frequency", "x", "repeat_purchases")), ("recency", ("recency", "t_x")),
                        ("T", ("T", "age", "tenure"))):
        column = _find(columns, None, names, role)
        result[role] = _numbers(frame, column)
    monetary = _find(columns, None, ("monetary_value", "monetary", "zbar", "avg_spend"), "monetary_value",
                     required=False)
    if monetary:
        result["monetary_value"] = _numbers(frame, monetary)
    identity = _find(columns, None, SUMMARY_ID_NAMES, "customer", required=False)
    result["customer"] = (frame[identity].cast(pl.Utf8) if identity
                          else pl.Series([str(i + 1) for i in range(frame.height)]))
    summary = pl.DataFrame(result)
    checks = [(summary["frequency"] < 0, "frequency", "is negative"),
              (summary["frequency"] != summary["frequency"].round(), "frequency", "is not a whole number"),
              (summary["recency"] < 0, "recency", "is negative"),
              (summary["recency"] > summary["T"] + 1e-9, "recency", "is greater than T"),
              ((summary["frequency"] == 0) & (summary["recency"] != 0), "recency", "is not 0 for a customer "
                                                                                   "without repeat purchases")]
    for mask, column, problem in checks:
        if mask.any():
            raise InputError(f"column '{column}', row {_row_of(summary, mask)}: {problem}")
    return summary.drop(LINE)


# The Parquet fast path packs each line's customer and day into one integer: the top 44 bits of the
# customer name's hash and the day (offset so that any date of 563 BC to AD 3405 fits in 20 bits).
_DAY_BITS = 20
_DAY_OFFSET = 1 << (_DAY_BITS - 1)


def read_customer_days(path: str | Path, *, customer: str | None = None, date: str | None = None,
                       amount: str | None = None, until: dt.date | None = None,
                       warn: Callable[[str], None] | None = None) -> CustomerDays:
    """The order lines of a file folded to one row per customer and day (see :mod:`summary`).

    A Parquet file with a text customer column, a date or datetime column and a numeric amount is
    read in two streaming passes over its columns that never hold the lines as text: the lines are
    grouped on the integer key above and the names come from the customer column's distinct values
    (polars' streaming engine here: a third of the time and a quarter of the memory of its
    in-memory one, which holds the whole projection). Any
    doubt (a null, a name with spaces around it, two names whose hashes share 44 bits) falls back
    to reading every line, which also says which row is wrong.

    Without ``until`` the observation ends at the last date in the file; when that is after today
    ``warn`` is told so, with the first such row and the end used. (A warning, not a refusal: orders
    entered ahead, deliveries planned for next week, are real; a typo of 2099 shows at once in the
    warning and in the output's ``until``, and --until puts it right.)"""
    fast = _parquet_customer_days(Path(path), customer, date, amount, until)
    if fast is not None and (until is not None or warn is None or fast.until <= dt.date.today()):
        return fast
    if fast is not None:
        _warn_of_parquet_future(Path(path), date, fast.until, warn)
        return fast
    orders = read_orders(path, customer=customer, date=date, amount=amount, warn=warn if until is None else None)
    return CustomerDays.of(order_days(orders), until)


def _warn_of_parquet_future(path: Path, date: str | None, last: dt.date, warn: Callable[[str], None]) -> None:
    """The warning of :func:`read_orders` about dates after today, for a Parquet file read the fast
    way: the first such row found by a streaming scan of the date column alone, not by reading every
    line."""
    lines = pl.scan_parquet(path)
    column = _find(list(lines.collect_schema().names()), date, DATE_NAMES, "date")
    day = pl.col(column)
    if isinstance(lines.collect_schema()[column], pl.Datetime):
        day = day.dt.date()
    first = (lines.select(day.alias("day")).with_row_index("row").filter(pl.col("day") > dt.date.today())
             .head(1).collect(engine="streaming"))
    today = dt.date.today()
    warn(f"column '{column}', row {int(first['row'][0]) + 2}: {first['day'][0]} is after today ({today}); the "
         f"observation ends at the file's last date, {last}. Give --until to end it earlier (later orders are "
         "then left out)")


def _parquet_customer_days(path: Path, customer, date, amount, until) -> CustomerDays | None:
    if path.suffix.lower() != ".parquet" or not path.exists():
        return None
    try:
        lines = pl.scan_parquet(path)
        schema = lines.collect_schema()
    except pl.exceptions.PolarsError:
        return None
    columns = list(schema.names())
    found = (_find(columns, customer, CUSTOMER_NAMES, "customer"), _find(columns, date, DATE_NAMES, "date"),
             _find(columns, amount, AMOUNT_NAMES, "amount"))
    customer_type, date_type, amount_type = (schema[name] for name in found)
    if (customer_type not in (pl.Utf8, pl.Categorical) or not amount_type.is_numeric()
            or not (date_type == pl.Date or isinstance(date_type, pl.Datetime))):
        return None
    name, day, value = (pl.col(c) for c in found)
    day = (day if date_type == pl.Date else day.dt.date()).cast(pl.Int32).cast(pl.Int64)
    in_range = (day >= -_DAY_OFFSET) & (day < _DAY_OFFSET)
    key = (name.cast(pl.Utf8).hash(seed=0) // (1 << _DAY_BITS) * (1 << _DAY_BITS)
           + (day + _DAY_OFFSET).cast(pl.UInt64))
    try:
        days = (lines.select(pl.when(in_range).then(key).alias("key"),
                             value.cast(pl.Float64).fill_null(float("nan")).alias("amount"))
                .group_by("key").agg(pl.col("amount").sum()).collect(engine="streaming"))
        names = lines.select(name.cast(pl.Utf8).unique().sort()).collect(engine="streaming").to_series()
    except pl.exceptions.PolarsError:
        return None
    if days.height == 0 or days["key"].null_count() or not days["amount"].is_finite().all():
        return None
    if names.null_count() or (names.str.strip_chars() != names).any() or (names == "").any():
        return None
    # Sorted by key: each customer's days together (hash-major) and in date order (day-minor).
    order = days["key"].arg_sort().to_numpy()
    key = days["key"].to_numpy()[order]
    customer_hash = key >> np.uint64(_DAY_BITS)
    name_hash = names.hash(seed=0).to_numpy() >> np.uint64(_DAY_BITS)
    by_hash = np.argsort(name_hash)
    sorted_hash = name_hash[by_hash]
    starts = np.r_[True, customer_hash[1:] != customer_hash[:-1]]
    if np.any(sorted_hash[1:] == sorted_hash[:-1]) or int(starts.sum()) != len(names):
        return None
    # The k-th run of one hash is the k-th name in hash order.
    code = by_hash[np.cumsum(starts) - 1]
    day_number = (key & np.uint64((1 << _DAY_BITS) - 1)).astype(np.int64) - _DAY_OFFSET
    return CustomerDays.from_codes(names, code, day_number, days["amount"].to_numpy()[order], until,
                                   grouped=True)
