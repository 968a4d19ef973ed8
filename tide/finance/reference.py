"""Reading unit cost files in the Unit Cost Database's columns. Pure Python.

A file is read whole or refused whole: :func:`parse_unit_costs` returns every row or raises
:class:`ReferenceError` listing the first problems with their line numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tide.finance.uprating import UpratingError, normalise_year

DATA_DIR = Path(__file__).resolve().parent / "data"
COLUMNS = (
    "theme",
    "outcome_category",
    "outcome_detail",
    "code",
    "detail",
    "unit",
    "agency_level_1",
    "agency_level_2",
    "fiscal_cost_gbp",
    "fiscal_price_year",
    "economic_value_gbp",
    "economic_price_year",
    "social_value_gbp",
    "social_price_year",
    "source",
    "rag",
)
VALUES = (
    ("fiscal", "fiscal_cost_gbp", "fiscal_price_year"),
    ("economic", "economic_value_gbp", "economic_price_year"),
    ("social", "social_value_gbp", "social_price_year"),
)


class ReferenceDataError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems[:10]))


@dataclass(frozen=True)
class UnitCostRow:
    theme: str
    outcome_category: str
    outcome_detail: str
    code: str
    detail: str
    unit: str
    agency_level_1: str
    agency_level_2: str
    fiscal_cost: Decimal | None
    fiscal_price_year: str
    economic_value: Decimal | None
    economic_price_year: str
    social_value: Decimal | None
    social_price_year: str
    source: str
    rag: str


def parse_unit_costs(text: str) -> list[UnitCostRow]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ReferenceDataError([f"Missing columns: {', '.join(missing)}."])
    rows: list[UnitCostRow] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for line, raw in enumerate(reader, start=2):
        row = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        if not row["detail"]:
            problems.append(f"Line {line}: the detail is empty.")
            continue
        values: dict[str, Decimal | None] = {}
        years: dict[str, str] = {}
        for name, value_col, year_col in VALUES:
            amount, year = row[value_col], row[year_col]
            values[name], years[name] = None, ""
            if not amount:
                continue
            try:
                values[name] = Decimal(amount)
            except InvalidOperation:
                problems.append(f"Line {line}: {value_col} {amount!r} is not a number.")
                continue
            if values[name] < 0:  # type: ignore[operator]
                problems.append(f"Line {line}: {value_col} cannot be negative.")
            try:
                years[name] = normalise_year(year) if year else ""
            except UpratingError as error:
                problems.append(f"Line {line}: {year_col}: {error}")
            if not year:
                problems.append(f"Line {line}: {value_col} has no price year.")
        if row["rag"] and row["rag"] not in {"G", "A", "R"}:
            problems.append(f"Line {line}: rag must be G, A or R.")
        key = (row["code"], row["detail"])
        if key in seen:
            problems.append(f"Line {line}: {row['code'] or row['detail']!r} appears twice.")
        seen.add(key)
        rows.append(
            UnitCostRow(
                theme=row["theme"],
                outcome_category=row["outcome_category"],
                outcome_detail=row["outcome_detail"],
                code=row["code"],
                detail=row["detail"],
                unit=row["unit"],
                agency_level_1=row["agency_level_1"],
                agency_level_2=row["agency_level_2"],
                fiscal_cost=values["fiscal"],
                fiscal_price_year=years["fiscal"],
                economic_value=values["economic"],
                economic_price_year=years["economic"],
                social_value=values["social"],
                social_price_year=years["social"],
                source=row["source"],
                rag=row["rag"],
            )
        )
    if problems:
        raise ReferenceDataError(problems)
    if not rows:
        raise ReferenceDataError(["The file has no rows."])
    return rows


@dataclass(frozen=True)
class DefaultRule:
    event_type: str
    code: str
    multiplier: Decimal
    divisor: Decimal
    note: str
    bearer_level_1: str = ""
    bearer_level_2: str = ""


def default_price_map() -> list[DefaultRule]:
    """The shipped price map (tide/finance/data/price-map.csv): event type -> cost line code.

    A row without a code is an event type the shipped database cannot price: it is left out, so the
    event shows as "price missing" (never £0) until the area sets a price (see :func:`missing_prices`).
    """
    rows = csv.DictReader(io.StringIO((DATA_DIR / "price-map.csv").read_text(encoding="utf-8")))
    return [
        DefaultRule(
            r["event_type"],
            r["code"],
            Decimal(r["multiplier"]),
            Decimal(r["divisor"]),
            r["note"],
            r.get("bearer_level_1") or "",
            r.get("bearer_level_2") or "",
        )
        for r in rows
        if r["code"]
    ]


def missing_prices() -> dict[str, str]:
    """Event types the shipped database has no value for, with the reason: the area must set them."""
    rows = csv.DictReader(io.StringIO((DATA_DIR / "price-map.csv").read_text(encoding="utf-8")))
    return {r["event_type"]: r["note"] for r in rows if not r["code"]}


def manifest() -> dict[str, dict[str, str]]:
    return json.loads((DATA_DIR / "MANIFEST.json").read_text())["files"]


def read_vendored(name: str) -> tuple[str, str]:
    """Text and SHA-256 of a vendored file, refusing one whose hash differs from the manifest."""
    data = (DATA_DIR / name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    expected = manifest()[name]["sha256"]
    if digest != expected:
        raise ReferenceDataError([f"{name} does not match its manifest (sha256 {digest}, expected {expected})."])
    return data.decode("utf-8"), digest
