"""Definitions of multiple disadvantage as data, and how a person's ledger is screened against them.

Framework-free: a definition is a list of criteria, each "at least N events of these types in the
last W days", and a rule "at least K criteria met". The same specification is evaluated per person
with dated evidence (:func:`evaluate`, for the explanation page and incremental screening) and over a
whole ledger at once with numpy (:func:`screen_frame`, for the job and the benchmark).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tide.service_use import event_types

MAX_WINDOW_DAYS = 3660  # ten years
MAX_EVIDENCE = 10  # dated events kept per criterion for the explanation


class RuleError(ValueError):
    """A definition that cannot be used; ``messages`` says what to fix, in plain words."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    event_types: tuple[str, ...]
    min_count: int = 1
    window_days: int | None = 365  # None: the whole ledger

    def window_start(self, as_of: dt.date) -> dt.date | None:
        return None if self.window_days is None else as_of - dt.timedelta(days=self.window_days - 1)

    def describe(self) -> str:
        kinds = " or ".join(event_types.get(code).label.lower() for code in self.event_types)
        times = "at least once" if self.min_count == 1 else f"at least {self.min_count} times"
        when = "at any time" if self.window_days is None else f"in the last {self.window_days} days"
        return f"{kinds}: {times} {when}"


@dataclass(frozen=True)
class DefinitionSpec:
    code: str
    name: str
    criteria: tuple[Criterion, ...]
    min_criteria: int = 2
    # A person is "close" when they meet min_criteria - near_margin criteria (but not the definition).
    near_margin: int = 1

    def meets(self, n_met: int) -> bool:
        return n_met >= self.min_criteria

    def near(self, n_met: int) -> bool:
        return not self.meets(n_met) and self.near_margin > 0 and n_met >= max(self.min_criteria - self.near_margin, 1)


@dataclass(frozen=True)
class Evidence:
    on: dt.date
    event_type: str
    ref: Any = None  # the ledger row's id, when known

    @property
    def label(self) -> str:
        return event_types.get(self.event_type).label


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    count: int
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    since: dt.date | None = None  # met from this day on (the min_count-th earliest event in the window)

    @property
    def met(self) -> bool:
        return self.count >= self.criterion.min_count


@dataclass(frozen=True)
class Result:
    spec: DefinitionSpec
    as_of: dt.date
    criteria: tuple[CriterionResult, ...]

    @property
    def n_met(self) -> int:
        return sum(1 for c in self.criteria if c.met)

    @property
    def meets(self) -> bool:
        return self.spec.meets(self.n_met)

    @property
    def near(self) -> bool:
        return self.spec.near(self.n_met)

    @property
    def met_codes(self) -> list[str]:
        return [c.criterion.code for c in self.criteria if c.met]

    @property
    def met_since(self) -> dt.date | None:
        """The day the current evidence first shows the definition met (None if it is not met).

        A criterion is met since the ``min_count``-th earliest qualifying event in its window; the
        definition since the ``min_criteria``-th earliest of those days. Used to date a person's first identification when
        the ledger is screened for the first time, rather than dating everyone to the first run.
        """
        if not self.meets:
            return None
        since = sorted(c.since or self.as_of for c in self.criteria if c.met)
        return since[self.spec.min_criteria - 1]


def _int(value: Any, name: str, problems: list[str], *, low: int, high: int, allow_none: bool = False) -> int | None:
    if value is None or value == "":
        if allow_none:
            return None
        problems.append(f"{name} is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        problems.append(f"{name} must be a whole number.")
        return None
    try:
        number = int(value)
    except ValueError:
        problems.append(f"{name} must be a whole number.")
        return None
    if not low <= number <= high:
        problems.append(f"{name} must be between {low} and {high}.")
        return None
    return number


def spec_from_data(*, code: str, name: str, criteria: Any, min_criteria: Any, near_margin: Any = 1) -> DefinitionSpec:
    """Build and check a definition from stored data; :class:`RuleError` lists every problem."""
    problems: list[str] = []
    if not isinstance(criteria, list) or not criteria:
        raise RuleError(["A definition needs a list of at least one criterion."])
    built: list[Criterion] = []
    seen: set[str] = set()
    for index, raw in enumerate(criteria, start=1):
        where = f"Criterion {index}"
        if not isinstance(raw, Mapping):
            problems.append(f"{where} must be an object with code, label, event_types, min_count and window_days.")
            continue
        c_code = str(raw.get("code") or "").strip()
        label = str(raw.get("label") or "").strip()
        if not c_code:
            problems.append(f"{where} needs a code.")
        elif c_code in seen:
            problems.append(f"{where}: the code {c_code!r} is used twice.")
        seen.add(c_code)
        if not label:
            problems.append(f"{where} needs a label.")
        types = raw.get("event_types")
        if not isinstance(types, list) or not types:
            problems.append(f"{where} needs at least one event type.")
            types = []
        unknown = [t for t in types if not event_types.is_known(t)]
        if unknown:
            problems.append(
                f"{where}: unknown event type {', '.join(map(repr, unknown))}; known types are the shipped "
                f"{', '.join(event_types.BY_CODE)} and the area's own."
            )
        min_count = _int(raw.get("min_count", 1), f"{where} minimum count", problems, low=1, high=1000)
        window = _int(
            raw.get("window_days"), f"{where} window (days)", problems, low=1, high=MAX_WINDOW_DAYS, allow_none=True
        )
        built.append(Criterion(c_code, label, tuple(types), min_count or 1, window))
    k = _int(min_criteria, "Criteria needed", problems, low=1, high=max(len(criteria), 1))
    margin = _int(near_margin, "Near margin", problems, low=0, high=max(len(criteria), 1))
    if problems:
        raise RuleError(problems)
    return DefinitionSpec(code=code, name=name, criteria=tuple(built), min_criteria=k or 1, near_margin=margin or 0)


def evaluate(spec: DefinitionSpec, events: Iterable[Evidence], *, as_of: dt.date) -> Result:
    """Which criteria one person's events meet on ``as_of``, with the most recent dated evidence."""
    events = sorted((e for e in events if e.on <= as_of), key=lambda e: e.on, reverse=True)
    results = []
    for criterion in spec.criteria:
        start = criterion.window_start(as_of)
        matching = [e for e in events if e.event_type in criterion.event_types and (start is None or e.on >= start)]
        m = criterion.min_count
        since = matching[-m].on if len(matching) >= m else None  # matching is newest first
        results.append(CriterionResult(criterion, len(matching), tuple(matching[:MAX_EVIDENCE]), since))
    return Result(spec, as_of, tuple(results))


# --- Whole-ledger screening, vectorised --------------------------------------------------------------------

CODE_INDEX: dict[str, int] = {code: i for i, code in enumerate(event_types.BY_CODE)}


@dataclass(frozen=True)
class Ledger:
    """A ledger in columns: person index (0..n_people-1), event type index (CODE_INDEX), day number."""

    person: Any  # numpy int array
    kind: Any  # numpy int array (``codes`` values)
    day: Any  # numpy int array: days since 1970-01-01
    n_people: int
    # Event type code -> kind index: the shipped CODE_INDEX, extended with any area types the ledger holds.
    codes: Mapping[str, int] = field(default_factory=lambda: CODE_INDEX)


def code_index_with(codes: Iterable[str]) -> dict[str, int]:
    """CODE_INDEX extended with ``codes`` it lacks (an area's own event types), in first-seen order."""
    index = dict(CODE_INDEX)
    for code in codes:
        index.setdefault(code, len(index))
    return index


def ledger_from_columns(person_ids: Any, codes: Any, dates: Any) -> tuple[Ledger, Any]:
    """Columns of any length -> (Ledger, the distinct person ids in index order). Uses numpy/pandas."""
    import numpy as np
    import pandas as pd

    person_idx, uniques = pd.factorize(pd.Series(person_ids), sort=False)
    codes_cat = pd.Categorical(codes, categories=list(CODE_INDEX))
    if (codes_cat.codes < 0).any():
        bad = sorted(set(pd.Series(codes)[codes_cat.codes < 0].astype(str)))[:5]
        raise RuleError([f"unknown event type {b!r}" for b in bad])
    days = pd.to_datetime(pd.Series(dates)).to_numpy().astype("datetime64[D]").astype(np.int64)
    return Ledger(person_idx.astype(np.int64), codes_cat.codes.astype(np.int64), days, len(uniques)), uniques


def criterion_counts(ledger: Ledger, criterion: Criterion, *, as_of: dt.date) -> Any:
    """Events per person that count towards ``criterion`` (numpy array of length n_people)."""
    import numpy as np

    wanted = np.zeros(len(ledger.codes), dtype=bool)
    wanted[[ledger.codes[c] for c in criterion.event_types if c in ledger.codes]] = True
    end = (as_of - dt.date(1970, 1, 1)).days
    mask = wanted[ledger.kind] & (ledger.day <= end)
    start = criterion.window_start(as_of)
    if start is not None:
        mask &= ledger.day >= (start - dt.date(1970, 1, 1)).days
    return np.bincount(ledger.person[mask], minlength=ledger.n_people)


def screen_ledger(spec: DefinitionSpec, ledger: Ledger, *, as_of: dt.date) -> dict[str, Any]:
    """Per person: each criterion met (bool arrays), ``n_met``, ``meets`` and ``near``."""
    import numpy as np

    out: dict[str, Any] = {}
    n_met = np.zeros(ledger.n_people, dtype=np.int64)
    for criterion in spec.criteria:
        met = criterion_counts(ledger, criterion, as_of=as_of) >= criterion.min_count
        out[criterion.code] = met
        n_met += met
    out["n_met"] = n_met
    out["meets"] = n_met >= spec.min_criteria
    low = max(spec.min_criteria - spec.near_margin, 1)
    out["near"] = (~out["meets"]) & (n_met >= low) & (spec.near_margin > 0)
    return out


# --- The four shipped definitions -----------------------------------------------------------------------------

_HOMELESS = ["rough_sleeping_contact", "hostel_night", "eviction", "homelessness_application"]
_SUBSTANCE = ["dat_treatment_start", "dat_contact"]
_MENTAL = ["mh_community_contact", "mh_crisis_contact", "mh_inpatient_day"]
_CJS = [
    "arrest",
    "custody_night",
    "court_appearance",
    "conviction",
    "prison_reception",
    "prison_release",
    "prison_night",
    "probation_start",
]


def _c(code: str, label: str, types: list[str], min_count: int = 1, window: int | None = 365) -> dict[str, Any]:
    return {"code": code, "label": label, "event_types": types, "min_count": min_count, "window_days": window}


SHIPPED: tuple[dict[str, Any], ...] = (
    {
        "code": "turning_the_tide",
        "name": "Turning the Tide pattern",
        "description": "Two or more of: recent rough sleeping, two or more arrests, a second conviction in "
        "court, evidence of problematic substance misuse, experience of mental ill health "
        "(Revolving Doors Agency and MEAM, 2011).",
        "min_criteria": 2,
        "near_margin": 0,
        "criteria": [
            _c("rough_sleeping", "Recent rough sleeping", ["rough_sleeping_contact"], 1, 365),
            _c("arrests", "Two or more arrests", ["arrest"], 2, 365),
            _c("second_conviction", "A second conviction in court", ["conviction"], 2, 730),
            _c("substance", "Evidence of problematic substance misuse", _SUBSTANCE, 1, 365),
            _c("mental_health", "Experience of mental ill health", _MENTAL, 1, 365),
        ],
    },
    {
        "code": "fulfilling_lives",
        "name": "Fulfilling Lives",
        "description": "Two or more of homelessness, substance misuse, reoffending and mental ill health "
        "(National Lottery Community Fund, 2014).",
        "min_criteria": 2,
        "near_margin": 0,
        "criteria": [
            _c("homelessness", "Homelessness", _HOMELESS, 1, 365),
            _c("substance", "Substance misuse", _SUBSTANCE, 1, 365),
            _c("reoffending", "Reoffending (two or more offending events)", ["arrest", "conviction"], 2, 365),
            _c("mental_health", "Mental ill health", _MENTAL, 1, 365),
        ],
    },
    {
        "code": "changing_futures",
        "name": "Changing Futures",
        "description": "Some or all of homelessness, mental health, criminal justice contact, substance misuse "
        "and domestic abuse (DLUHC, 2021). How many are needed is a local choice; three is the default.",
        "min_criteria": 3,
        "near_margin": 1,
        "criteria": [
            _c("homelessness", "Homelessness", _HOMELESS, 1, 365),
            _c("mental_health", "Mental health", _MENTAL, 1, 365),
            _c("criminal_justice", "Criminal justice contact", _CJS, 1, 365),
            _c("substance", "Substance misuse", _SUBSTANCE, 1, 365),
            _c("domestic_abuse", "Domestic abuse", ["da_incident"], 1, 365),
        ],
    },
    {
        "code": "hard_edges_smd",
        "name": "Hard Edges severe and multiple disadvantage",
        "description": "Contact with the homelessness, substance misuse and criminal justice systems: one "
        "(SMD1), two (SMD2) or all three (SMD3) (Bramley, Fitzpatrick et al., 2015). Two or more is "
        "the default for the list.",
        "min_criteria": 2,
        "near_margin": 0,
        "criteria": [
            _c("homelessness", "Homelessness system", _HOMELESS, 1, 365),
            _c("substance", "Substance misuse system", _SUBSTANCE, 1, 365),
            _c("criminal_justice", "Criminal justice system", _CJS, 1, 365),
        ],
    },
)


def shipped_specs() -> list[DefinitionSpec]:
    return [
        spec_from_data(
            code=d["code"],
            name=d["name"],
            criteria=d["criteria"],
            min_criteria=d["min_criteria"],
            near_margin=d["near_margin"],
        )
        for d in SHIPPED
    ]
