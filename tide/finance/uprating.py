"""Uprating costs between price years with a GDP deflator series. Pure Python, no Django.

The rule is the one the Unit Cost Database uses::

    cost_in_target_year = cost × index[target_year] ÷ index[price_year]

Every result carries its derivation so a commissioner can check the sum by hand. Values stay
unrounded (``Decimal``); round only to display.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class UpratingError(ValueError):
    """A price year is malformed or not in the series; the message says which."""


def normalise_year(value: str) -> str:
    """Return a financial year as ``YYYY/YY``; accept ``YYYY-YY`` and ``YYYY/YYYY`` too."""
    text = (value or "").strip().replace("-", "/")
    match = re.match(r"^(\d{4})/(\d{2}|\d{4})$", text)
    if not match:
        raise UpratingError(f"{value!r} is not a financial year like 2014/15.")
    start, end = int(match.group(1)), match.group(2)
    expected = (start + 1) % 100
    if int(end[-2:]) != expected or (len(end) == 4 and int(end) != start + 1):
        raise UpratingError(f"{value!r} is not a financial year: the second year must follow the first.")
    return f"{start}/{expected:02d}"


@dataclass(frozen=True)
class DeflatorPoint:
    year: str
    index: Decimal
    forecast: bool


@dataclass(frozen=True)
class Uprated:
    amount: Decimal
    price_year: str
    target_year: str
    value: Decimal  # unrounded
    index_from: Decimal
    index_to: Decimal

    @property
    def derivation(self) -> str:
        if self.price_year == self.target_year:
            return f"£{self.amount:,.2f} is already in {self.target_year} prices"
        return (
            f"£{self.amount:,.2f} ({self.price_year} prices) × {self.index_to} ÷ {self.index_from}"
            f" = £{self.value:,.2f} ({self.target_year} prices)"
        )


class DeflatorSeries:
    """A cumulated deflator index by financial year (any base)."""

    def __init__(self, points: Iterable[DeflatorPoint], *, name: str = "") -> None:
        self.name = name
        self.points: dict[str, DeflatorPoint] = {}
        for point in points:
            if point.index <= 0:
                raise UpratingError(f"The index for {point.year} must be above zero.")
            if point.year in self.points:
                raise UpratingError(f"{point.year} appears twice in the deflator series.")
            self.points[point.year] = point
        if not self.points:
            raise UpratingError("The deflator series has no years.")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Decimal | float | str], *, name: str = "") -> DeflatorSeries:
        return cls((DeflatorPoint(normalise_year(y), Decimal(str(v)), False) for y, v in mapping.items()), name=name)

    @property
    def years(self) -> list[str]:
        return sorted(self.points)

    @property
    def latest_actual(self) -> str:
        actual = [y for y, p in self.points.items() if not p.forecast]
        return max(actual or self.points)

    def index(self, year: str) -> Decimal:
        key = normalise_year(year)
        try:
            return self.points[key].index
        except KeyError:
            raise UpratingError(f"{key} is not in the deflator series ({self.years[0]} to {self.years[-1]}).") from None

    def uprate(self, amount: Decimal | int | str, *, price_year: str, target_year: str) -> Uprated:
        amount = Decimal(str(amount))
        source, target = normalise_year(price_year), normalise_year(target_year)
        index_from, index_to = self.index(source), self.index(target)
        value = amount if source == target else amount * index_to / index_from
        return Uprated(amount, source, target, value, index_from, index_to)


def parse_deflator_csv(text: str) -> list[DeflatorPoint]:
    """Parse the deflator CSV (columns ``financial_year``, ``index_1989_90_eq_100`` or ``index``,
    ``forecast``). Raises :class:`UpratingError` naming the first bad row; returns nothing partial."""
    reader = csv.DictReader(io.StringIO(text))
    fields = set(reader.fieldnames or [])
    index_col = next((c for c in ("index_1989_90_eq_100", "index") if c in fields), None)
    if "financial_year" not in fields or index_col is None:
        raise UpratingError("The deflator file needs the columns financial_year and index_1989_90_eq_100 (or index).")
    points = []
    for line, row in enumerate(reader, start=2):
        try:
            year = normalise_year(row["financial_year"])
            value = Decimal((row[index_col] or "").strip())
        except (UpratingError, InvalidOperation) as error:
            raise UpratingError(
                f"Row {line}: {error if isinstance(error, UpratingError) else 'the index is not a number.'}"
            ) from None
        if value <= 0:
            raise UpratingError(f"Row {line}: the index must be above zero.")
        forecast = (row.get("forecast") or "").strip().lower() in {"yes", "y", "true", "1"}
        points.append(DeflatorPoint(year, value, forecast))
    DeflatorSeries(points)  # checks duplicates and emptiness
    return points
