"""Every validation rule refuses a bad file whole, with a specific message, and writes nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tide.intake import validation
from tide.intake.models import ExtractFile
from tide.intake.services import extract_import
from tide.intake.tests.extracts import ACUTE_HEADER, ACUTE_ROWS, POLICE_HEADER, POLICE_ROWS, csv_bytes, police_csv
from tide.linkage.models import SourceRecord
from tide.people.models import Person
from tide.service_use.models import ServiceEvent

TODAY = dt.date(2026, 11, 23)


def police_with(row_index: int, old: str, new: str) -> bytes:
    rows = list(POLICE_ROWS)
    assert old in rows[row_index]
    rows[row_index] = rows[row_index].replace(old, new, 1)
    return csv_bytes(POLICE_HEADER, rows)


def acute_with(row_index: int, old: str, new: str) -> bytes:
    rows = list(ACUTE_ROWS)
    assert old in rows[row_index]
    rows[row_index] = rows[row_index].replace(old, new, 1)
    return csv_bytes(ACUTE_HEADER, rows)


def xlsx_bytes(members: int = 1, member_size: int = 10) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(members):
            archive.writestr(f"xl/part{i}.xml", "x" * member_size)
    return buffer.getvalue()


# (id, agency, filename, content, row, column, words in the message)
BAD_FILES = [
    ("empty", "police", "p.csv", b"", None, "", "empty"),
    ("header-only", "police", "p.csv", (POLICE_HEADER + "\n").encode(), None, "", "no rows"),
    (
        "missing-column",
        "police",
        "p.csv",
        csv_bytes(POLICE_HEADER.replace(',"address"', ""), []),
        1,
        "",
        "Missing column: address",
    ),
    ("extra-column", "police", "p.csv", csv_bytes(POLICE_HEADER + ',"notes"', []), 1, "", "Unexpected column: notes"),
    (
        "wrong-order",
        "police",
        "p.csv",
        csv_bytes(POLICE_HEADER.replace('"surname","forenames"', '"forenames","surname"'), []),
        1,
        "",
        "wrong order",
    ),
    (
        "not-utf8",
        "police",
        "p.csv",
        police_csv().replace(b"Daniel", "Dani\u00e9l".encode("latin-1"), 1),
        None,
        "",
        "not UTF-8",
    ),
    ("nul-bytes", "police", "p.csv", police_csv().replace(b"Daniel", b"Dan\x00iel", 1), None, "", "NUL"),
    ("short-row", "police", "p.csv", police_with(0, ',"TX1 2AB","arrest"', ',"arrest"'), 2, "", "has 9 values"),
    (
        "blank-row",
        "police",
        "p.csv",
        csv_bytes(POLICE_HEADER, [POLICE_ROWS[0], ",,,,,,,,,", POLICE_ROWS[1]]),
        3,
        "",
        "blank",
    ),
    ("required-missing", "police", "p.csv", police_with(0, '"CU00000000001"', ""), 2, "event_id", "required"),
    ("date-format", "police", "p.csv", police_with(0, "2026-01-10", "10/01/2026"), 2, "event_date", "YYYY-MM-DD"),
    ("impossible-date", "police", "p.csv", police_with(0, "2026-01-10", "2026-02-30"), 2, "event_date", "not a date"),
    ("future-date", "police", "p.csv", police_with(0, "2026-01-10", "2099-01-10"), 2, "event_date", "after the latest"),
    (
        "too-early-date",
        "police",
        "p.csv",
        police_with(0, "2026-01-10", "1999-12-31"),
        2,
        "event_date",
        "before the earliest",
    ),
    (
        "dob-before-1900",
        "police",
        "p.csv",
        police_with(0, "1984-06-12", "1899-06-12"),
        2,
        "date_of_birth",
        "before the earliest",
    ),
    ("bad-pnc", "police", "p.csv", police_with(0, "2019/0123456A", "2019-123"), 2, "pnc_id", "PNC ID looks like"),
    ("nhs-check-digit", "acute", "a.csv", acute_with(0, "9434765919", "9434765918"), 2, "nhs_number", "check digit"),
    ("nhs-length", "acute", "a.csv", acute_with(0, "9434765919", "94347659"), 2, "nhs_number", "10 digits"),
    (
        "bad-postcode",
        "police",
        "p.csv",
        police_with(0, '"TX1 2AB"', '"NOT A POSTCODE"'),
        2,
        "postcode",
        "not a UK postcode",
    ),
    (
        "event-type-not-allowed",
        "police",
        "p.csv",
        police_with(0, '"arrest"', '"burglary"'),
        2,
        "event_type",
        "not an allowed value",
    ),
    (
        "duplicate-event-id",
        "police",
        "p.csv",
        police_with(1, '"CU00000000002"', '"CU00000000001"'),
        3,
        "event_id",
        "repeats row 2",
    ),
    ("event-id-shape", "police", "p.csv", police_with(0, '"CU00000000001"', '"XX1"'), 2, "event_id", "expected shape"),
    ("record-ref-shape", "police", "p.csv", police_with(2, '"PP00000002"', '"P2"'), 4, "record_ref", "expected shape"),
    (
        "identity-inconsistent",
        "police",
        "p.csv",
        police_with(1, "1984-06-12", "1984-06-13"),
        3,
        "record_ref",
        "different identity details",
    ),
    ("too-long", "police", "p.csv", police_with(0, '"OKAFOR"', '"' + "O" * 101 + '"'), 2, "surname", "at most 100"),
    ("wrong-extension", "police", "p.pdf", police_csv(), None, "", "CSV (.csv) or Excel (.xlsx)"),
    ("xlsx-not-a-workbook", "police", "p.xlsx", b"PK not really a zip", None, "", "not a readable XLSX"),
    ("xlsx-too-many-members", "police", "p.xlsx", xlsx_bytes(members=201), None, "", "at most 200 are allowed"),
    ("xlsx-broken", "police", "p.xlsx", xlsx_bytes(members=2), None, "", "cannot be read"),
    ("bad-csv-quoting", "police", "p.csv", police_with(0, '"OKAFOR"', '"OKA"FOR"'), 2, "", "cannot be read as CSV"),
    (
        "outreach-age-not-number",
        "outreach",
        "o.csv",
        csv_bytes(
            '"event_id","record_ref","name","family_name","estimated_age","birth_year","date_of_birth","event_type","event_date"',
            ['"OC00000000001","OR000001","Mick",,about 40,,,"rough_sleeping_contact",2026-01-02'],
        ),
        2,
        "estimated_age",
        "not a whole number",
    ),
    (
        "dat-sex-not-allowed",
        "dat",
        "d.csv",
        csv_bytes(
            '"event_id","record_ref","initials","family_name","given_name","date_of_birth","sex","postcode","event_type","event_date"',
            ['"DC00000000001","DAT000001",,"Ahmed","Sara",1990-01-02,"X","TX1 1AA","dat_contact",2026-01-02'],
        ),
        2,
        "sex",
        "not a recorded sex",
    ),
    (
        "prison-number-shape",
        "prison",
        "r.csv",
        csv_bytes(
            '"event_id","record_ref","prison_number","pnc_id","family_name","given_name","date_of_birth","event_type","event_date"',
            [
                '"PR00000000001","BK0000001","12345","2019/0123456A","Okafor","Daniel",1984-06-12,"prison_night",2026-01-02'
            ],
        ),
        2,
        "prison_number",
        "prison number looks like",
    ),
]


def _nothing_written() -> bool:
    return (
        ExtractFile.objects.count() == 0
        and SourceRecord.objects.count() == 0
        and ServiceEvent.objects.count() == 0
        and Person.objects.count() == 0
    )


@pytest.fixture
def agencies(area, formats):
    from tide.testing.factories import AgencyFactory

    return {code: AgencyFactory(area=area, code=code, name=code.title()) for code in formats}


@pytest.mark.parametrize(
    ("name", "code", "filename", "content", "row", "column", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_bad_file_is_refused_whole_with_a_specific_message(
    agencies, analyst, name, code, filename, content, row, column, words
):
    outcome = extract_import(agency=agencies[code], content=content, filename=filename, channel="upload", actor=analyst)
    assert not outcome.accepted
    matching = [p for p in outcome.problems if words.lower() in p.message.lower()]
    assert matching, [str(p) for p in outcome.problems]
    assert matching[0].row == row
    assert matching[0].column == column
    assert _nothing_written()


def test_there_are_at_least_25_distinct_bad_files():
    assert len({b[0] for b in BAD_FILES}) >= 25
    assert len({b[3] for b in BAD_FILES}) >= 25


def test_file_larger_than_the_format_allows_is_refused(agencies, analyst, formats):
    fmt = formats["police"]
    fmt.spec = {**fmt.spec, "max_bytes": 100}
    fmt.save()
    outcome = extract_import(
        agency=agencies["police"], content=police_csv(), filename="p.csv", channel="upload", actor=analyst
    )
    assert "at most 100 are allowed" in outcome.problems[0].message
    assert _nothing_written()


def test_file_with_more_rows_than_the_format_allows_is_refused(agencies, analyst, formats):
    fmt = formats["police"]
    fmt.spec = {**fmt.spec, "max_rows": 2}
    fmt.save()
    outcome = extract_import(
        agency=agencies["police"], content=police_csv(), filename="p.csv", channel="upload", actor=analyst
    )
    assert any("more than 2 rows" in p.message for p in outcome.problems)
    assert _nothing_written()


def test_xlsx_that_unpacks_too_large_is_refused_before_parsing(agencies, analyst, monkeypatch):
    monkeypatch.setattr(validation, "XLSX_MAX_UNPACKED", 1000)
    outcome = extract_import(
        agency=agencies["police"],
        content=xlsx_bytes(members=3, member_size=1000),
        filename="p.xlsx",
        channel="upload",
        actor=analyst,
    )
    assert "unpacks to 3,000 bytes" in outcome.problems[0].message
    assert _nothing_written()


def test_every_problem_is_listed_not_just_the_first(agencies, analyst):
    rows = list(POLICE_ROWS)
    rows[0] = rows[0].replace('"arrest"', '"burglary"')
    rows[2] = rows[2].replace("2026-02-01", "2026-13-01")
    outcome = extract_import(
        agency=agencies["police"],
        content=csv_bytes(POLICE_HEADER, rows),
        filename="p.csv",
        channel="upload",
        actor=analyst,
    )
    assert [(p.row, p.column) for p in outcome.problems] == [(2, "event_type"), (4, "event_date")]


def test_a_valid_xlsx_file_passes_validation(formats):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([h.strip('"') for h in POLICE_HEADER.split(",")])
    sheet.append(
        [
            "CU00000000001",
            "PP00000001",
            "2019/0123456A",
            "OKAFOR",
            "Daniel",
            dt.date(1984, 6, 12),
            "",
            "TX1 2AB",
            "arrest",
            dt.date(2026, 1, 10),
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    result = validation.validate(buffer.getvalue(), filename="p.xlsx", spec=formats["police"].spec, today=TODAY)
    assert result.ok, result.problems
    assert result.rows[0]["event_date"] == dt.date(2026, 1, 10)


def test_a_malformed_format_declaration_is_named():
    with pytest.raises(validation.FormatError, match="unknown type"):
        validation.check_format(
            {
                "code": "x",
                "name": "X",
                "columns": [{"name": "a", "type": "colour"}],
                "event_id": "a",
                "record_ref": "a",
                "event_type": {},
                "event_date": "a",
            }
        )


def test_a_format_must_key_its_events_by_a_required_unique_event_id():
    spec = {
        "code": "x",
        "name": "X",
        "columns": [{"name": "a"}, {"name": "b"}],
        "record_ref": "a",
        "event_type": {"column": "b", "map": {"b": "arrest"}},
        "event_date": "a",
    }
    with pytest.raises(validation.FormatError, match="has no 'event_id'"):
        validation.check_format(spec)
    with pytest.raises(validation.FormatError, match="must be required and unique"):
        validation.check_format({**spec, "event_id": "a"})


# --- all or nothing under random corruption -----------------------------------------------------

VALID = police_csv()


def _corrupt(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, position, chunk in edits:
        position %= max(len(out), 1)
        if kind == 0:
            out[position : position + 1] = chunk
        elif kind == 1:
            del out[position : position + len(chunk)]
        else:
            out[position:position] = chunk
    return bytes(out)


EDITS = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.binary(min_size=1, max_size=3)), min_size=1, max_size=4
)


@given(edits=EDITS)
@settings(max_examples=300, deadline=None)
def test_validation_of_a_corrupted_file_returns_all_rows_or_none(formats_spec, edits):
    content = _corrupt(VALID, edits)
    result = validation.validate(content, filename="p.csv", spec=formats_spec, today=TODAY)
    if result.ok:
        assert len(result.rows) == content.count(b"\n") - 1 or len(result.rows) == len(content.splitlines()) - 1
    else:
        assert result.rows == []


@pytest.fixture(scope="module")
def formats_spec():
    import json

    from tide.intake.services import SHIPPED_FORMATS

    return json.loads((SHIPPED_FORMATS / "police.json").read_text())


@given(edits=EDITS)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_import_of_a_corrupted_file_takes_everything_or_nothing(agencies, analyst, edits):
    from django.db import transaction

    content = _corrupt(VALID, edits)
    with transaction.atomic():
        outcome = extract_import(
            agency=agencies["police"], content=content, filename="p.csv", channel="upload", actor=analyst
        )
        if outcome.accepted:
            assert ServiceEvent.objects.count() == outcome.file.row_count == outcome.file.event_count
            assert outcome.file.row_count >= 1
        else:
            assert _nothing_written()
        transaction.set_rollback(True)


def _police_spec():
    import json
    from pathlib import Path

    return json.loads((Path(validation.__file__).parent / "formats" / "police.json").read_text())


def test_a_large_csv_is_read_without_a_second_copy_in_memory():
    """The import job holds the file's bytes once; reading it must not make a whole decoded copy too."""
    import tracemalloc

    filler = "".join(f"\n{'x' * 60}" for _ in range(100_000))  # 6 MB of rows after a wrong header
    content = ('"not","the","header"' + filler + "\n").encode()
    tracemalloc.start()
    try:
        result = validation.validate(content, filename="p.csv", spec=_police_spec(), today=TODAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "Missing column" in result.problems[0].message
    assert peak < len(content) // 2  # was about 5x the file (a decoded copy and a StringIO of it)


def test_bad_utf8_and_nul_deep_in_a_large_csv_are_found_with_their_position():
    body = POLICE_HEADER.encode() + b"\n" + b"".join(row.encode() + b"\n" for row in POLICE_ROWS) * 5000
    bad = body + b'"CU9","PP9",,"A\xff",,1984-06-12,,,"arrest",2026-01-10\n'
    result = validation.validate(bad, filename="p.csv", spec=_police_spec(), today=TODAY)
    position = bad.index(b"\xff")
    assert result.problems[0].message == f"The file is not UTF-8 text (byte {position} cannot be read)."
    result = validation.validate(body + b"\x00\n", filename="p.csv", spec=_police_spec(), today=TODAY)
    assert "NUL" in result.problems[0].message
    assert not result.rows
