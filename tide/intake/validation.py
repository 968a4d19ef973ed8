"""Check an agency extract against its declared format. Pure Python: no Django, no database.

A file is accepted whole or refused whole. :func:`validate` reads the bytes of a CSV or XLSX file,
checks every rule of the format (see ``docs/adr/0010-extract-formats-as-data.md``) and returns either
the parsed rows or every problem found, each with the row, the column and a message a person can act on.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tide.people import identifiers as ids

MAX_ERRORS = 500
DECODE_CHUNK = 1024 * 1024
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ROWS = 5_000_000
XLSX_MAX_UNPACKED = 500 * 1024 * 1024
XLSX_MAX_MEMBERS = 200
TYPES = ("string", "date", "integer", "nhs_number", "pnc_id", "prison_number", "postcode", "sex")
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


@dataclass(frozen=True)
class Problem:
    row: int | None  # line in the file, the header being line 1; None for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "File"
        return f"{where}, {self.column or 'whole file'}: {self.message}"


@dataclass
class Result:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False  # more problems than MAX_ERRORS were found

    @property
    def ok(self) -> bool:
        return not self.problems


class FormatError(ValueError):
    """The declared format itself is malformed (an administrator's mistake, not the agency's)."""


def check_format(spec: dict[str, Any]) -> None:
    """Raise :class:`FormatError` naming what is wrong with a format declaration."""
    for key in ("code", "name", "columns", "record_ref", "event_type", "event_date"):
        if key not in spec:
            raise FormatError(f"The format has no {key!r}.")
    names = [c.get("name") for c in spec["columns"]]
    if len(set(names)) != len(names) or not all(names):
        raise FormatError("Every column needs a distinct name.")
    for column in spec["columns"]:
        if column.get("type", "string") not in TYPES:
            raise FormatError(f"Column {column['name']!r} has an unknown type {column.get('type')!r}.")
    for key in ("record_ref", "event_date", "event_id"):
        if spec.get(key) and spec[key] not in names:
            raise FormatError(f"{key} names a column the format does not declare: {spec[key]!r}.")
    mapping = spec["event_type"]
    if mapping.get("column") not in names or not mapping.get("map"):
        raise FormatError("event_type needs a declared column and a map of values to event types.")


def _date_bound(value: str | None, today: dt.date) -> dt.date | None:
    if not value:
        return None
    return today if value == "today" else dt.date.fromisoformat(value)


def _check_value(column: dict[str, Any], raw: str, today: dt.date) -> tuple[Any, str | None]:
    """Parse one present cell; return (value, problem)."""
    kind = column.get("type", "string")
    value: Any = raw
    if kind == "date":
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            return None, f"“{raw}” is not a date in the form YYYY-MM-DD."
        if len(raw) != 10:
            return None, f"“{raw}” is not a date in the form YYYY-MM-DD."
        low, high = _date_bound(column.get("min"), today), _date_bound(column.get("max"), today)
        if low and value < low:
            return None, f"{value:%d %B %Y} is before the earliest allowed date, {low:%d %B %Y}."
        if high and value > high:
            return None, f"{value:%d %B %Y} is after the latest allowed date, {high:%d %B %Y}."
    elif kind == "integer":
        if not re.fullmatch(r"-?\d+", raw):
            return None, f"“{raw}” is not a whole number."
        value = int(raw)
        if "min" in column and value < column["min"]:
            return None, f"{value} is below the smallest allowed value, {column['min']}."
        if "max" in column and value > column["max"]:
            return None, f"{value} is above the largest allowed value, {column['max']}."
    elif kind == "nhs_number":
        problem = ids.nhs_number_problem(raw)
        if problem:
            return None, problem
        value = ids.nhs_number_normalise(raw)
    elif kind == "pnc_id":
        problem = ids.pnc_problem(raw)
        if problem:
            return None, problem
        value = ids.pnc_normalise(raw)
    elif kind == "prison_number":
        problem = ids.prison_number_problem(raw)
        if problem:
            return None, problem
        value = raw.upper()
    elif kind == "postcode":
        if not POSTCODE_RE.match(raw.upper()):
            return None, f"“{raw}” is not a UK postcode."
        value = raw.upper()
    elif kind == "sex" and raw not in ("F", "M", "U"):
        return None, f"“{raw}” is not a recorded sex: use F, M or U."
    if kind == "string":
        if "max_length" in column and len(raw) > column["max_length"]:
            return None, f"The value is {len(raw)} characters long; at most {column['max_length']} are allowed."
        if column.get("pattern") and not re.fullmatch(column["pattern"], raw):
            return None, f"“{raw}” does not have the expected shape ({column.get('pattern_hint', column['pattern'])})."
    allowed = column.get("allowed")
    if allowed and raw not in allowed:
        return None, f"“{raw}” is not an allowed value. Allowed: {', '.join(allowed)}."
    return value, None


def _text_problem(content: bytes) -> Problem | None:
    """A problem when ``content`` is not UTF-8 text or holds NUL bytes; checked in chunks, no whole copy."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    for start in range(0, len(content), DECODE_CHUNK):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[start : start + DECODE_CHUNK], final=start + DECODE_CHUNK >= len(content))
        except UnicodeDecodeError as exc:
            return Problem(None, "", f"The file is not UTF-8 text (byte {start - pending + exc.start} cannot be read).")
    if b"\x00" in content:
        return Problem(None, "", "The file contains NUL bytes: it is not a CSV text file.")
    return None


def _csv_rows(content: bytes) -> tuple[list[str] | None, Iterator[list[str]] | None, Problem | None]:
    """The header and a row iterator that decodes as it reads: the bytes are held once, never a whole text copy."""
    problem = _text_problem(content)
    if problem is not None:
        return None, None, problem
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return None, None, Problem(None, "", "The file is empty: it has no header row.")
    except csv.Error as exc:
        return None, None, Problem(1, "", f"The header row cannot be read as CSV: {exc}.")
    return header, reader, None


def _xlsx_rows(content: bytes) -> tuple[list[str] | None, Iterator[list[str]] | None, Problem | None]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return None, None, Problem(None, "", "The file is not a readable XLSX workbook.")
    members = archive.infolist()
    if len(members) > XLSX_MAX_MEMBERS:
        return (
            None,
            None,
            Problem(None, "", f"The workbook has {len(members)} parts; at most {XLSX_MAX_MEMBERS} are allowed."),
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > XLSX_MAX_UNPACKED:
        return (
            None,
            None,
            Problem(
                None, "", f"The workbook unpacks to {unpacked:,} bytes; at most {XLSX_MAX_UNPACKED:,} are allowed."
            ),
        )
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        return None, None, Problem(None, "", f"The workbook cannot be read: {exc}.")
    sheet = book.worksheets[0]

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    rows = ([cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
    try:
        header = next(rows)
    except StopIteration:
        return None, None, Problem(None, "", "The workbook's first sheet is empty: it has no header row.")
    return header, rows, None


def validate(
    content: bytes,
    *,
    filename: str,
    spec: dict[str, Any],
    today: dt.date,
    stop: Callable[[int], None] | None = None,
) -> Result:
    """Check ``content`` against ``spec``; ``stop(rows_read)`` is called every 10,000 rows (progress)."""
    result = Result()
    max_bytes = int(spec.get("max_bytes", DEFAULT_MAX_BYTES))
    max_rows = int(spec.get("max_rows", DEFAULT_MAX_ROWS))

    def add(row: int | None, column: str, message: str) -> None:
        if len(result.problems) < MAX_ERRORS:
            result.problems.append(Problem(row, column, message))
        else:
            result.truncated = True

    if not content:
        add(None, "", "The file is empty.")
        return result
    if len(content) > max_bytes:
        add(None, "", f"The file is {len(content):,} bytes; at most {max_bytes:,} are allowed for this agency.")
        return result
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        header, rows, problem = _xlsx_rows(content)
    elif lower.endswith((".csv", ".txt")) or "." not in lower:
        header, rows, problem = _csv_rows(content)
    else:
        header, rows, problem = None, None, Problem(None, "", "Send a CSV (.csv) or Excel (.xlsx) file.")
    if problem is not None or header is None or rows is None:
        result.problems.append(problem or Problem(None, "", "The file cannot be read."))
        return result

    columns = spec["columns"]
    expected = [c["name"] for c in columns]
    header = [h.strip() for h in header]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        if missing:
            add(1, "", f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")
        if extra:
            add(1, "", f"Unexpected column{'s' if len(extra) > 1 else ''}: {', '.join(h or '(blank)' for h in extra)}.")
        if not missing and not extra:
            add(1, "", f"The columns are in the wrong order. Expected: {', '.join(expected)}.")
        return result

    unique_columns = [c["name"] for c in columns if c.get("unique")]
    seen: dict[str, dict[str, int]] = {name: {} for name in unique_columns}
    mapping = spec["event_type"]["map"]
    event_type_column = spec["event_type"]["column"]
    record_ref = spec["record_ref"]
    identity_columns = [c["name"] for c in columns if c.get("identity")]
    identities: dict[str, tuple[int, tuple[Any, ...]]] = {}
    line = 1
    try:
        for raw_row in rows:
            line += 1
            if stop is not None and line % 10_000 == 0:
                stop(line)
            if not any(cell.strip() for cell in raw_row):
                add(line, "", "The row is blank.")
                continue
            if len(raw_row) != len(expected):
                add(line, "", f"The row has {len(raw_row)} values; the header has {len(expected)}.")
                continue
            if line - 1 > max_rows:
                add(None, "", f"The file has more than {max_rows:,} rows, the most allowed for this agency.")
                break
            parsed: dict[str, Any] = {}
            row_ok = True
            for column, raw in zip(columns, raw_row, strict=True):
                name = column["name"]
                raw = raw.strip()
                if raw == "":
                    if column.get("required"):
                        add(line, name, "A value is required.")
                        row_ok = False
                    parsed[name] = None
                    continue
                value, issue = _check_value(column, raw, today)
                if issue:
                    add(line, name, issue)
                    row_ok = False
                parsed[name] = value
            for name in unique_columns:
                value = parsed.get(name)
                if value is None:
                    continue
                first = seen[name].get(value)
                if first is not None:
                    add(line, name, f"“{value}” repeats row {first}: each row must have its own {name}.")
                    row_ok = False
                else:
                    seen[name][value] = line
            code = parsed.get(event_type_column)
            if code is not None and code not in mapping:
                add(line, event_type_column, f"“{code}” has no event type in this agency's format.")
                row_ok = False
            ref = parsed.get(record_ref)
            if ref is not None and identity_columns:
                identity = tuple(parsed.get(c) for c in identity_columns)
                earlier = identities.get(ref)
                if earlier is None:
                    identities[ref] = (line, identity)
                elif earlier[1] != identity:
                    add(
                        line,
                        record_ref,
                        f"Record {ref} has different identity details from row {earlier[0]}: "
                        "one record must describe one person the same way.",
                    )
                    row_ok = False
            if row_ok:
                parsed["_line"] = line
                result.rows.append(parsed)
    except csv.Error as exc:
        add(line + 1, "", f"The file cannot be read as CSV from here: {exc}.")
    if line == 1:
        add(None, "", "The file has a header but no rows.")
    if result.problems:
        result.rows = []
    return result


def problems_as_text(problems: Iterable[Problem]) -> list[str]:
    return [str(p) for p in problems]
