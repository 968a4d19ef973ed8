"""The one CSV writer every export uses: each cell, header cells included, neutralised against formulas.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab, carriage return or
line feed, or any of them after leading spaces, or their full-width forms) as a formula, which can
reach the network or the file system (CSV injection). Following the OWASP guidance, such text gets a
leading apostrophe, which the spreadsheet shows as text. Numbers stay numbers: an ``int``, ``float``
or ``Decimal``, and text that is nothing but a plain decimal number (``-12.50``), cannot be a formula.

Use :func:`csv_response` (or :func:`csv_streaming_response` for long lists) in views, and
:func:`csv_writer` to write to a file. No other module writes CSV for people to open (a test checks).
See ADR 0065.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

# What a spreadsheet may take as the start of a formula, with the full-width and small forms that some
# spreadsheets fold to the ASCII ones.
FORMULA_STARTS = frozenset(
    "=+-@\t\r\n"
    "\uff1d\uff0b\uff0d\uff20"  # full-width = + - @
    "\ufe66\ufe62\ufe63\ufe6b"  # small = + - @
)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

Row = Sequence[Any]


def csv_safe(value: Any) -> Any:
    """The value as a CSV cell a spreadsheet will not run: numbers unchanged, formula-like text quoted."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    text = str(value)
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    if text[:1] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text


class SafeWriter:
    """``csv.writer`` whose every row passes through :func:`csv_safe`."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Row) -> Any:
        return self._writer.writerow([csv_safe(value) for value in row])

    def writerows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str] | Any, **options: Any) -> SafeWriter:
    """A writer for a file or response: ``csv_writer(handle).writerow([...])``."""
    return SafeWriter(stream, **options)


def _attachment(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"


def csv_response(filename: str, rows: Iterable[Row]) -> HttpResponse:
    """A CSV download of ``rows`` (the header is the first row; blank rows separate tables)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    _attachment(response, filename)
    csv_writer(response).writerows(rows)
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """Each row as one line of CSV text, neutralised, for streaming."""
    writer = SafeWriter(_Echo())
    for row in rows:
        yield writer.writerow(row)


def csv_streaming_response(filename: str, rows: Iterable[Row]) -> StreamingHttpResponse:
    """A CSV download written while ``rows`` (a generator) is read: for lists too long to hold."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    _attachment(response, filename)
    return response
