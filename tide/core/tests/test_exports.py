"""The one CSV writer: formulas neutralised in every cell, numbers kept, and no other writer for exports."""

import ast
import csv
import io
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tide.core.exports import FORMULA_STARTS, csv_lines, csv_response, csv_safe, csv_streaming_response

TIDE = Path(__file__).resolve().parents[2]


def test_formula_text_is_quoted():
    assert csv_safe('=HYPERLINK("http://x.example","y")') == '\'=HYPERLINK("http://x.example","y")'
    assert csv_safe("+1+cmd") == "'+1+cmd"
    assert csv_safe("-2+3") == "'-2+3"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("\t=1") == "'\t=1"
    assert csv_safe("\r=1") == "'\r=1"
    assert csv_safe("\n=1") == "'\n=1"
    assert csv_safe("   =1+1") == "'   =1+1"
    assert csv_safe("\uff1dSUM(A1)") == "'\uff1dSUM(A1)"  # full-width equals


def test_numbers_and_ordinary_text_pass_unchanged():
    assert csv_safe(-5) == -5
    assert csv_safe(-1.5) == -1.5
    assert csv_safe(Decimal("-12.50")) == Decimal("-12.50")
    assert csv_safe("-12.50") == "-12.50"
    assert csv_safe("Tideford Police") == "Tideford Police"
    assert csv_safe("a = b") == "a = b"
    assert csv_safe(None) == ""


@given(st.text())
def test_no_neutralised_text_can_start_a_formula(text):
    out = csv_safe(text)
    assert out in (text, "'" + text)
    if out == text and text:
        # Left unchanged: either a plain number or nothing a spreadsheet would run.
        starts = {text[:1], text.lstrip()[:1]}
        assert not (starts & FORMULA_STARTS) or text.strip("+-.0123456789eE") == ""


@given(st.lists(st.lists(st.one_of(st.text(), st.integers(), st.decimals(allow_nan=False)), max_size=5), max_size=5))
def test_written_rows_read_back_as_the_neutralised_cells(rows):
    text = "".join(csv_lines(rows))
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read == [[str(csv_safe(v)) for v in row] for row in rows]


def test_header_cells_are_neutralised_too():
    response = csv_response("x.csv", [["=cmd|' /C calc'!A0", "name"], ["-", 1]])
    assert response.content.decode().splitlines() == ["'=cmd|' /C calc'!A0,name", "'-,1"]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_streaming_response_is_neutralised():
    response = csv_streaming_response("x.csv", iter([["=1", "@a"], ["b", 2]]))
    assert b"".join(response.streaming_content).decode().splitlines() == ["'=1,'@a", "b,2"]


# Modules that may use the csv module's writers: the core writer itself, and the agency API, which turns
# a JSON body into the agency's own extract format (data coming in, not an export anyone opens).
ALLOWED_WRITERS = {"tide/core/exports.py", "tide/intake/api.py"}


def _uses_csv_writer(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"writer", "DictWriter"}
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "csv"
            and {alias.name for alias in node.names} & {"writer", "DictWriter"}
        ):
            return True
    return False


def test_no_module_but_the_core_writer_writes_csv():
    offenders = []
    for path in sorted(TIDE.rglob("*.py")):
        relative = path.relative_to(TIDE.parent).as_posix()
        if "/tests/" in relative or relative in ALLOWED_WRITERS:
            continue
        if _uses_csv_writer(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(relative)
    assert offenders == [], f"Write CSV with tide.core.exports (csv_response, csv_writer): {offenders}"
