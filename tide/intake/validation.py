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
from collections.abc import Callable, Iterator
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

    def add(self, row: int | None, column: str, message: str) -> None:
        """Note a problem; past :data:`MAX_ERRORS` only that there were more."""
        if len(self.problems) < MAX_ERRORS:
            self.problems.append(Problem(row, column, message))
        else:
            self.truncated = True


class FormatError(ValueError):
    """The declared format itself is malformed (an administrator's mistake, not the agency's)."""


def check_format(spec: dict[str, Any]) -> None:
    """Raise :class:`FormatError` naming what is wrong with a format declaration."""
    for key in ("code", "name", "columns", "event_id", "record_ref", "event_type", "event_date"):
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
    event_id = next(c for c in spec["columns"] if c["name"] == spec["event_id"])
    if not (event_id.get("required") and event_id.get("unique")):
        raise FormatError("The event_id column must be required and unique: Tide keys every event by it.")
    mapping = spec["event_type"]
    if mapping.get("column") not in names or not mapping.get("map"):
        raise FormatError("event_type needs a declared column and a map of values to event types.")


def _date_bound(value: str | None, today: dt.date) -> dt.date | None:
    if not value:
        return None
    return today if value == "today" else dt.date.fromisoformat(value)


Check = Callable[[dict[str, Any], str, dt.date], tuple[Any, str | None]]


def _date_value(column: dict[str, Any], raw: str, today: dt.date) -> tuple[Any, str | None]:
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
    return value, None


def _integer_value(column: dict[str, Any], raw: str, today: dt.date) -> tuple[Any, str | None]:
    if not re.fullmatch(r"-?\d+", raw):
        return None, f"“{raw}” is not a whole number."
    value = int(raw)
    if "min" in column and value < column["min"]:
        return None, f"{value} is below the smallest allowed value, {column['min']}."
    if "max" in column and value > column["max"]:
        return None, f"{value} is above the largest allowed value, {column['max']}."
    return value, None


def _identifier(problem_of: Callable[[str], str | None], normalise: Callable[[str], str]) -> Check:
    def check(column: dict[str, Any], raw: str, today: dt.date) -> tuple[Any, str | None]:
        problem = problem_of(raw)
        return (None, problem) if problem else (normalise(raw), None)

    return check


def _postcode_value(column: dict[str, Any], raw: str, today: dt.date) -> tuple[Any, str | None]:
    if not POSTCODE_RE.match(raw.upper()):
        return None, f"“{raw}” is not a UK postcode."
    return raw.upper(), None


def _sex_value(column: dict[str, Any], raw: str, today: dt.date) -> tuple[Any, str | None]:
    if raw not in ("F", "M", "U"):
        return None, f"“{raw}” is not a recorded sex: use F, M or U."
    return raw, None


def _string_value(column: dict[str, Any], raw: str, today: dt.date) -> tuple[Any, str | None]:
    if "max_length" in column and len(raw) > column["max_length"]:
        return None, f"The value is {len(raw)} characters long; at most {column['max_length']} are allowed."
    if column.get("pattern") and not re.fullmatch(column["pattern"], raw):
        return None, f"“{raw}” does not have the expected shape ({column.get('pattern_hint', column['pattern'])})."
    return raw, None


def _as_given(column: dict[str, Any], raw: str, today: dt.date) -> tuple[Any, str | None]:
    return raw, None


# One check per column type (TYPES): each parses a present cell into (value, None) or (None, problem).
VALUE_CHECKS: dict[str, Check] = {
    "string": _string_value,
    "date": _date_value,
    "integer": _integer_value,
    "nhs_number": _identifier(ids.nhs_number_problem, ids.nhs_number_normalise),
    "pnc_id": _identifier(ids.pnc_problem, ids.pnc_normalise),
    "prison_number": _identifier(ids.prison_number_problem, str.upper),
    "postcode": _postcode_value,
    "sex": _sex_value,
}


def check_value(column: dict[str, Any], raw: str, today: dt.date) -> tuple[Any, str | None]:
    """Parse one present cell by its column's type, then its allowed values; return (value, problem)."""
    value, problem = VALUE_CHECKS.get(column.get("type", "string"), _as_given)(column, raw, today)
    if problem:
        return None, problem
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


def _open(
    content: bytes, filename: str, max_bytes: int
) -> tuple[list[str], Iterator[list[str]] | None, Problem | None]:
    """The header and an iterator over the rows, or the problem that stops the file being read at all."""
    if not content:
        return [], None, Problem(None, "", "The file is empty.")
    if len(content) > max_bytes:
        return (
            [],
            None,
            Problem(
                None, "", f"The file is {len(content):,} bytes; at most {max_bytes:,} are allowed for this agency."
            ),
        )
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        header, rows, problem = _xlsx_rows(content)
    elif lower.endswith((".csv", ".txt")) or "." not in lower:
        header, rows, problem = _csv_rows(content)
    else:
        return [], None, Problem(None, "", "Send a CSV (.csv) or Excel (.xlsx) file.")
    if problem is not None or header is None or rows is None:
        return [], None, problem or Problem(None, "", "The file cannot be read.")
    return [h.strip() for h in header], rows, None


def header_problems(header: list[str], expected: list[str]) -> list[Problem]:
    """What is wrong with the header row: missing, unexpected or reordered columns."""
    if header == expected:
        return []
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    problems = []
    if missing:
        problems.append(Problem(1, "", f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}."))
    if extra:
        problems.append(
            Problem(
                1, "", f"Unexpected column{'s' if len(extra) > 1 else ''}: {', '.join(h or '(blank)' for h in extra)}."
            )
        )
    if not missing and not extra:
        problems.append(Problem(1, "", f"The columns are in the wrong order. Expected: {', '.join(expected)}."))
    return problems


class _RowChecker:
    """The checks of one data row: each cell, then those that span rows (unique columns, a mapped event
    type, one identity per record). A row passing them all joins ``result.rows``."""

    def __init__(self, spec: dict[str, Any], today: dt.date, result: Result) -> None:
        self.columns = spec["columns"]
        self.today, self.result = today, result
        self.unique_columns = [c["name"] for c in self.columns if c.get("unique")]
        self.seen: dict[str, dict[str, int]] = {name: {} for name in self.unique_columns}
        self.mapping = spec["event_type"]["map"]
        self.event_type_column = spec["event_type"]["column"]
        self.record_ref = spec["record_ref"]
        self.identity_columns = [c["name"] for c in self.columns if c.get("identity")]
        self.identities: dict[str, tuple[int, tuple[Any, ...]]] = {}

    def check(self, line: int, raw_row: list[str]) -> None:
        parsed, ok = self._cells(line, raw_row)
        ok = self._unique(line, parsed) and ok
        ok = self._event_type(line, parsed) and ok
        ok = self._identity(line, parsed) and ok
        if ok:
            parsed["_line"] = line
            self.result.rows.append(parsed)

    def _cells(self, line: int, raw_row: list[str]) -> tuple[dict[str, Any], bool]:
        parsed: dict[str, Any] = {}
        ok = True
        for column, cell in zip(self.columns, raw_row, strict=True):
            name, raw = column["name"], cell.strip()
            if raw == "":
                if column.get("required"):
                    self.result.add(line, name, "A value is required.")
                    ok = False
                parsed[name] = None
                continue
            value, issue = check_value(column, raw, self.today)
            if issue:
                self.result.add(line, name, issue)
                ok = False
            parsed[name] = value
        return parsed, ok

    def _unique(self, line: int, parsed: dict[str, Any]) -> bool:
        ok = True
        for name in self.unique_columns:
            value = parsed.get(name)
            if value is None:
                continue
            first = self.seen[name].get(value)
            if first is not None:
                self.result.add(line, name, f"“{value}” repeats row {first}: each row must have its own {name}.")
                ok = False
            else:
                self.seen[name][value] = line
        return ok

    def _event_type(self, line: int, parsed: dict[str, Any]) -> bool:
        code = parsed.get(self.event_type_column)
        if code is not None and code not in self.mapping:
            self.result.add(line, self.event_type_column, f"“{code}” has no event type in this agency's format.")
            return False
        return True

    def _identity(self, line: int, parsed: dict[str, Any]) -> bool:
        ref = parsed.get(self.record_ref)
        if ref is None or not self.identity_columns:
            return True
        identity = tuple(parsed.get(c) for c in self.identity_columns)
        earlier = self.identities.get(ref)
        if earlier is None:
            self.identities[ref] = (line, identity)
            return True
        if earlier[1] != identity:
            self.result.add(
                line,
                self.record_ref,
                f"Record {ref} has different identity details from row {earlier[0]}: "
                "one record must describe one person the same way.",
            )
            return False
        return True


def _check_rows(
    rows: Iterator[list[str]],
    *,
    checker: _RowChecker,
    width: int,
    max_rows: int,
    stop: Callable[[int], None] | None,
) -> int:
    """Check every data row; returns the last line read (1 when there was only the header)."""
    result = checker.result
    line = 1
    try:
        for raw_row in rows:
            line += 1
            if stop is not None and line % 10_000 == 0:
                stop(line)
            if not any(cell.strip() for cell in raw_row):
                result.add(line, "", "The row is blank.")
            elif len(raw_row) != width:
                result.add(line, "", f"The row has {len(raw_row)} values; the header has {width}.")
            elif line - 1 > max_rows:
                result.add(None, "", f"The file has more than {max_rows:,} rows, the most allowed for this agency.")
                break
            else:
                checker.check(line, raw_row)
    except csv.Error as exc:
        result.add(line + 1, "", f"The file cannot be read as CSV from here: {exc}.")
    return line


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
    header, rows, problem = _open(content, filename, int(spec.get("max_bytes", DEFAULT_MAX_BYTES)))
    if problem is not None or rows is None:
        result.problems.append(problem or Problem(None, "", "The file cannot be read."))
        return result
    expected = [c["name"] for c in spec["columns"]]
    for problem in header_problems(header, expected):
        result.add(problem.row, problem.column, problem.message)
    if result.problems:
        return result
    last_line = _check_rows(
        rows,
        checker=_RowChecker(spec, today, result),
        width=len(expected),
        max_rows=int(spec.get("max_rows", DEFAULT_MAX_ROWS)),
        stop=stop,
    )
    if last_line == 1:
        result.add(None, "", "The file has a header but no rows.")
    if result.problems:
        result.rows = []
    return result
