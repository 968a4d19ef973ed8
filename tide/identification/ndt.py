"""NDT assessment scoring and validation, framework-free.

The New Directions Team assessment (formerly the Chaos Index) is copyright South West London and
St George's Mental Health NHS Trust. Tide uses the item names and its own short level wording; an area
holding a licence can load the full wording from a file (:func:`parse_wording`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

COPYRIGHT = (
    "The NDT assessment (New Directions Team assessment, formerly the Chaos Index) is copyright "
    "South West London and St George's Mental Health NHS Trust, and is used with acknowledgement."
)
ADVISORY = (
    "Scores advise; they do not decide. The multi-agency group agrees who joins the caseload, whatever the total."
)


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    weight: int  # 1, or 2 for the two risk items
    levels: tuple[str, str, str, str, str]  # Tide's own short wording for ratings 0-4

    @property
    def allowed(self) -> tuple[int, ...]:
        return tuple(level * self.weight for level in range(5))

    @property
    def maximum(self) -> int:
        return 4 * self.weight


_PLAIN = ("None", "Mild", "Moderate", "Serious", "Severe")

ITEMS: tuple[Item, ...] = (
    Item(
        "engagement",
        "Engagement with frontline services",
        1,
        ("Engages well", "Mostly engages", "Engages now and then", "Rarely engages", "Does not engage"),
    ),
    Item(
        "intentional_self_harm",
        "Intentional self-harm",
        1,
        ("No concern", "Thoughts, no acts", "Occasional acts", "Frequent acts", "Life-threatening acts"),
    ),
    Item(
        "unintentional_self_harm",
        "Unintentional self-harm",
        1,
        ("No concern", "Minor neglect of safety", "Some risky neglect", "Serious neglect", "Life-threatening neglect"),
    ),
    Item(
        "risk_to_others", "Risk to others", 2, ("No risk seen", "Low risk", "Some risk", "High risk", "Very high risk")
    ),
    Item(
        "risk_from_others",
        "Risk from others",
        2,
        ("No risk seen", "Low risk", "Some risk", "High risk", "Very high risk"),
    ),
    Item("stress_anxiety", "Stress and anxiety", 1, _PLAIN),
    Item(
        "social_effectiveness",
        "Social effectiveness",
        1,
        ("Gets on with others", "Minor difficulties", "Some difficulties", "Marked difficulties", "Cannot get on"),
    ),
    Item("substance_misuse", "Alcohol and drug use", 1, _PLAIN),
    Item(
        "impulse_control",
        "Impulse control",
        1,
        ("In control", "Mostly in control", "Sometimes impulsive", "Often impulsive", "Very impulsive"),
    ),
    Item("housing", "Housing", 1, ("Settled home", "Mostly settled", "Insecure", "Very insecure", "Street homeless")),
)
BY_CODE: dict[str, Item] = {item.code: item for item in ITEMS}
CODES: tuple[str, ...] = tuple(BY_CODE)
MAX_TOTAL = sum(item.maximum for item in ITEMS)  # 48


class NdtError(ValueError):
    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(self.problems.values()))


def item_problem(code: str, value: Any) -> str | None:
    """Why ``value`` is not a valid rating for item ``code``; ``None`` if it is (or is not rated)."""
    item = BY_CODE[code]
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{item.label} must be a whole number."
    if item.weight == 2 and value in range(item.maximum + 1) and value % 2:
        return f"{item.label} is double-weighted: enter 0, 2, 4, 6 or 8."
    if value not in item.allowed:
        allowed = ", ".join(map(str, item.allowed[:-1])) + f" or {item.allowed[-1]}"
        return f"{item.label} must be {allowed}."
    return None


def validate(values: Mapping[str, Any]) -> dict[str, int | None]:
    """Check every rating; return all ten (None = not rated) or raise :class:`NdtError` naming each problem."""
    unknown = sorted(set(values) - set(CODES))
    problems: dict[str, str] = {code: f"{code!r} is not an NDT item." for code in unknown}
    for code in CODES:
        problem = item_problem(code, values.get(code))
        if problem:
            problems[code] = problem
    if problems:
        raise NdtError(problems)
    return {code: (None if values.get(code) in (None, "") else int(values[code])) for code in CODES}


def total(values: Mapping[str, int | None]) -> int | None:
    """The total (0-48), which exists only when all ten items are rated."""
    checked = validate(values)
    if any(v is None for v in checked.values()):
        return None
    return sum(v for v in checked.values() if v is not None)


def rated_count(values: Mapping[str, int | None]) -> int:
    return sum(1 for code in CODES if values.get(code) is not None)


@dataclass(frozen=True)
class Change:
    code: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        """After minus before: negative is an improvement (lower scores mean fewer problems)."""
        return None if self.before is None or self.after is None else self.after - self.before


def distance(before: Mapping[str, int | None], after: Mapping[str, int | None]) -> tuple[list[Change], int | None]:
    """Distance travelled per item and in total between two assessments (total only if both totals exist)."""
    changes = [Change(code, before.get(code), after.get(code)) for code in CODES]
    t_before, t_after = total(before), total(after)
    return changes, (None if t_before is None or t_after is None else t_after - t_before)


def level_text(code: str, value: int | None, wording: Mapping[tuple[str, int], str] | None = None) -> str:
    """The wording for a rating: the area's licensed wording if loaded, else Tide's own short words."""
    if value is None:
        return "Not rated"
    item = BY_CODE[code]
    level = value // item.weight
    if wording and (code, level) in wording:
        return wording[(code, level)]
    return item.levels[level]


def _json_wording_rows(text: str, problems: dict[str, str]) -> list[tuple[str, Any, str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NdtError({"file": f"The file is not valid JSON (line {exc.lineno}): {exc.msg}."}) from None
    if not isinstance(data, dict):
        raise NdtError({"file": "The JSON must map each item code to a list of five texts."})
    rows: list[tuple[str, Any, str]] = []
    for code, texts in data.items():
        if not isinstance(texts, list) or len(texts) != 5:
            problems[f"{code}"] = f"{code}: give exactly five texts, for levels 0 to 4."
            continue
        rows.extend((code, level, str(t)) for level, t in enumerate(texts))
    return rows


def _csv_wording_rows(text: str, problems: dict[str, str]) -> list[tuple[str, Any, str]]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or {"item", "level", "text"} - set(reader.fieldnames):
        raise NdtError({"file": "The CSV needs a header row with the columns item, level and text."})
    rows: list[tuple[str, Any, str]] = []
    for line, row in enumerate(reader, start=2):
        rows.append((row["item"].strip(), row["level"].strip(), row["text"].strip()))
        if not row["text"].strip():
            problems[f"line{line}"] = f"Line {line}: the text is empty."
    return rows


def parse_wording(text: str, *, filename: str = "") -> dict[tuple[str, int], str]:
    """Read a licensed wording file: CSV with columns item,level,text, or JSON {item: [text0..text4]}.

    Every item and level 0-4 must be present once; :class:`NdtError` lists what is wrong.
    """
    problems: dict[str, str] = {}
    if filename.endswith(".json") or text.lstrip().startswith("{"):
        rows = _json_wording_rows(text, problems)
    else:
        rows = _csv_wording_rows(text, problems)
    wording: dict[tuple[str, int], str] = {}
    for code, level, words in rows:
        if code not in BY_CODE:
            problems[f"item:{code}"] = f"{code!r} is not an NDT item."
            continue
        try:
            number = int(level)
        except (TypeError, ValueError):
            problems[f"{code}:{level}"] = f"{code}: level {level!r} must be 0, 1, 2, 3 or 4."
            continue
        if number not in range(5):
            problems[f"{code}:{level}"] = f"{code}: level {level!r} must be 0, 1, 2, 3 or 4."
            continue
        if (code, number) in wording:
            problems[f"{code}:{number}:dup"] = f"{code}: level {number} is given twice."
        wording[(code, number)] = words
    missing = [f"{code} level {level}" for code in CODES for level in range(5) if (code, level) not in wording]
    if missing and not problems:
        problems["missing"] = "The file is missing: " + ", ".join(missing[:10]) + ("…" if len(missing) > 10 else "")
    if problems:
        raise NdtError(problems)
    return wording


def history(assessments: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """For dated assessments (oldest first): each with its total and change since the previous and the first."""
    rows: list[dict[str, Any]] = []
    first_total: int | None = None
    previous: Mapping[str, Any] | None = None
    for a in assessments:
        t = total(a)
        if first_total is None and t is not None:
            first_total = t
        since_prev = None
        if previous is not None:
            _, since_prev = distance(previous, a)
        rows.append(
            {
                "values": a,
                "total": t,
                "rated": rated_count(a),
                "since_previous": since_prev,
                "since_first": (t - first_total) if t is not None and first_total is not None else None,
            }
        )
        previous = a
    return rows
