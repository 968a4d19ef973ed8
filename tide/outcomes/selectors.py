"""Reads for outcomes: the current framework, the cohort's per-person-per-quarter table, one person's picture.

Visibility: cohort figures are aggregates over the user's area; one person's picture goes through
``people.selectors.person_get_for`` (the people room's gates and audit) before anything is read here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from tide.areas.models import Area
from tide.coordination.models import ExitDestination, SupportEpisode
from tide.identification.models import NdtAssessment, ScreeningResult
from tide.intake.selectors import data_complete_to
from tide.outcomes import cohort
from tide.outcomes.catalogue import BY_CODE, DEFAULT_MEASURES, PERSON_SERVICE_USE, Measure
from tide.outcomes.models import FrameworkVersion, OutcomeStatus
from tide.people.models import Person, Sex
from tide.service_use import event_types
from tide.service_use.models import ServiceEvent
from tide.service_use.selectors import SENSITIVITY

CACHE_SECONDS = 300
ETHNIC_GROUPS = {
    "A": "White",
    "B": "Mixed or multiple",
    "C": "Asian or Asian British",
    "D": "Black or Black British",
    "E": "Other",
    "Z": "Not stated",
}
SEX_LABELS = dict(Sex.choices)


@dataclass(frozen=True)
class FrameworkSpec:
    number: int  # 0: Tide's starting framework, not yet agreed locally
    measures: tuple[str, ...]
    window: cohort.Window
    agreed_by: str = ""
    agreed_on: dt.date | None = None
    change_summary: str = ""

    @property
    def is_default(self) -> bool:
        return self.number == 0

    @property
    def measure_objects(self) -> list[Measure]:
        return cohort.measures_for(self.measures)

    @property
    def key(self) -> str:
        raw = (
            f"{self.number}|{','.join(self.measures)}|{self.window.baseline_quarters}|{self.window.follow_up_quarters}"
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


DEFAULT_SPEC = FrameworkSpec(0, DEFAULT_MEASURES, cohort.Window())


def framework_current(*, area: Area | None) -> FrameworkSpec:
    version = FrameworkVersion.objects.filter(area=area).order_by("-number").first() if area else None
    if version is None:
        return DEFAULT_SPEC
    return FrameworkSpec(
        number=version.number,
        measures=tuple(version.measures),
        window=cohort.Window(version.baseline_quarters, version.follow_up_quarters),
        agreed_by=version.agreed_by,
        agreed_on=version.agreed_on,
        change_summary=version.change_summary,
    )


def framework_history(*, area: Area | None) -> list[FrameworkVersion]:
    return list(FrameworkVersion.objects.filter(area=area).select_related("recorded_by").order_by("-number"))


def _ledger_first_q(area_id: int, last_q: int) -> int:
    first = ServiceEvent.objects.filter(person__area_id=area_id).aggregate(d=Min("occurred_on"))["d"]
    return cohort.quarter_of(first) if first else last_q + 1


def _ledger_bounds(area_id: int) -> dict[str, Any]:
    """The first and last complete quarters the ledger covers. The last is the last quarter for which
    every feed's data are complete (intake's one selector, ADR 0016), never one not yet over."""
    coverage = data_complete_to(area=area_id)
    today = timezone.localdate()
    last_q = cohort.last_complete_quarter(min(today, coverage.complete_to or today))
    limited = coverage.complete_to is not None and cohort.last_complete_quarter(coverage.complete_to) < (
        cohort.last_complete_quarter(today)
    )
    return {
        "first_q": _ledger_first_q(area_id, last_q),
        "last_q": last_q,
        "limited_by": coverage.limited_by if limited else [],
        "complete_to": coverage.complete_to.isoformat() if limited and coverage.complete_to else None,
    }


def _stamp(area_id: int) -> str:
    events = ServiceEvent.objects.filter(person__area_id=area_id).aggregate(m=Max("id"), n=Count("id"))
    episodes = SupportEpisode.objects.filter(person__area_id=area_id).aggregate(
        m=Max("id"), n=Count("id"), e=Count("ended_on")
    )
    ndt = NdtAssessment.objects.filter(person__area_id=area_id).aggregate(m=Max("id"), n=Count("id"))
    statuses = OutcomeStatus.objects.filter(person__area_id=area_id).aggregate(m=Max("id"), n=Count("id"))
    return f"{events}{episodes}{ndt}{statuses}{timezone.localdate()}"


def cohort_people(*, area_id: int) -> pd.DataFrame:
    """Everyone who started coordinated support, once each, from their first start (intention to treat)."""
    rows = (
        SupportEpisode.objects.filter(person__area_id=area_id)
        .order_by("person_id", "started_on", "id")
        .values_list(
            "person_id",
            "started_on",
            "ended_on",
            "exit_destination",
            "person__died_on",
            "person__sex",
            "person__ethnicity",
            "person__date_of_birth",
        )
    )
    seen: dict[int, dict[str, Any]] = {}
    for pid, started, ended, destination, died, sex, ethnicity, dob in rows:
        if pid in seen:
            if destination == ExitDestination.MOVED_OUT and ended:
                seen[pid]["moved_out_on"] = ended
            continue
        age = None
        if dob:
            age = started.year - dob.year - ((started.month, started.day) < (dob.month, dob.day))
        seen[pid] = {
            "person": pid,
            "started_on": started,
            "died_on": died,
            "moved_out_on": ended if destination == ExitDestination.MOVED_OUT else None,
            "sex": SEX_LABELS.get(sex, "Not known"),
            "ethnic_group": ETHNIC_GROUPS.get((ethnicity or "Z")[0], "Not stated"),
            "age_band": cohort.age_band(age),
            "start_year": str(started.year),
        }
    met = _definitions_met(area_id=area_id)
    for pid, row in seen.items():
        row["definition"] = SEPARATOR.join(sorted(met.get(pid, [])))
    columns = [
        "person",
        "started_on",
        "died_on",
        "moved_out_on",
        "sex",
        "ethnic_group",
        "age_band",
        "start_year",
        "definition",
    ]
    return pd.DataFrame(list(seen.values()), columns=columns)


SEPARATOR = "|"
NONE_MET = "None of the definitions"


def _definitions_met(*, area_id: int) -> dict[int, list[str]]:
    """Which definitions of multiple disadvantage each supported person meets, from identification's
    latest screening. Empty until the identification room records screening results."""
    met: dict[int, list[str]] = {}
    rows = ScreeningResult.objects.filter(
        meets=True, person_id__in=SupportEpisode.objects.filter(person__area_id=area_id).values("person_id")
    ).values_list("person_id", "definition__name")
    for pid, name in rows:
        met.setdefault(pid, []).append(name)
    return met


def _counts(person_filter: dict[str, Any]) -> pd.DataFrame:
    rows = (
        ServiceEvent.objects.filter(**person_filter)
        .annotate(quarter=TruncQuarter("occurred_on"))
        .values_list("person_id", "event_type", "quarter")
        .annotate(n=Count("id"))
        .order_by()
    )
    frame = pd.DataFrame(list(rows), columns=["person", "event_type", "quarter", "n"])
    frame["q"] = [cohort.quarter_of(d) for d in frame["quarter"]]
    return frame


def _ndt(person_filter: dict[str, Any]) -> pd.DataFrame:
    rows = NdtAssessment.objects.filter(total__isnull=False, **person_filter).values_list(
        "person_id", "assessed_on", "total"
    )
    return pd.DataFrame(list(rows), columns=["person", "assessed_on", "total"])


def _statuses(person_filter: dict[str, Any]) -> pd.DataFrame:
    rows = OutcomeStatus.objects.filter(**person_filter).values_list("person_id", "kind", "value", "recorded_on")
    return pd.DataFrame(list(rows), columns=["person", "kind", "value", "recorded_on"])


class NeedsPrecompute(Exception):  # noqa: N818 - a signal to the view, not an error
    """The cohort is too big to compute inside a web request and has no snapshot yet."""


def inline_limit() -> int:
    return int(settings.TIDE_OUTCOMES_INLINE_LIMIT)


def snapshot_dir(*, area_id: int, spec: FrameworkSpec, stamp: str) -> Path:
    return Path(settings.TIDE_DATA_DIR) / "outcomes" / f"area-{area_id}" / f"{spec.key}-{stamp}"


def cohort_inputs(*, area_id: int) -> dict[str, Any]:
    """The cohort's people and its ledger, NDT and statuses aggregated per person per quarter."""
    cohort_filter = {"person_id__in": SupportEpisode.objects.filter(person__area_id=area_id).values("person_id")}
    return {
        "people": cohort_people(area_id=area_id),
        "counts": _counts(cohort_filter).drop(columns=["quarter"]),
        "ndt": _ndt(cohort_filter),
        "statuses": _statuses(cohort_filter),
        **_ledger_bounds(area_id),
    }


def table_from(inputs: dict[str, Any], spec: FrameworkSpec) -> cohort.PersonQuarters:
    table = cohort.build_person_quarters(
        people=inputs["people"],
        counts=inputs["counts"],
        measures=spec.measure_objects,
        window=spec.window,
        first_q=inputs["first_q"],
        last_q=inputs["last_q"],
        ndt=inputs["ndt"],
        statuses=inputs["statuses"],
    )
    table.limited_by = tuple(inputs.get("limited_by") or ())
    complete_to = inputs.get("complete_to")
    table.complete_to = dt.date.fromisoformat(complete_to) if complete_to else None
    return table


def snapshot_read(path: Path) -> dict[str, Any] | None:
    if not (path / "bounds.json").exists():
        return None
    bounds = json.loads((path / "bounds.json").read_text())
    inputs: dict[str, Any] = {name: pd.read_parquet(path / f"{name}.parquet") for name in SNAPSHOT_TABLES}
    for column in ("started_on", "died_on", "moved_out_on"):
        inputs["people"][column] = pd.to_datetime(inputs["people"][column]).dt.date
    inputs.update(bounds)
    return inputs


SNAPSHOT_TABLES = ("people", "counts", "ndt", "statuses")


def cohort_stamp(*, area_id: int) -> str:
    return hashlib.sha256(_stamp(area_id).encode()).hexdigest()[:16]


def cohort_table(
    *, area: Area, spec: FrameworkSpec, allow_inline: bool = True, stamp: str = ""
) -> cohort.PersonQuarters:
    """The per-person-per-quarter table for the area's supported cohort.

    From the cache; else from a precomputed Parquet snapshot (written by the ``outcomes.precompute``
    job) for the current state of the ledger; else computed here, if the cohort is small enough to
    compute inside a web request (``TIDE_OUTCOMES_INLINE_LIMIT`` people), or ``NeedsPrecompute``.
    """
    stamp = stamp or cohort_stamp(area_id=area.pk)
    key = f"outcomes:table:{area.pk}:{spec.key}:{stamp}"
    table = cache.get(key)
    if table is not None:
        return table  # type: ignore[no-any-return]
    inputs = snapshot_read(snapshot_dir(area_id=area.pk, spec=spec, stamp=stamp))
    if inputs is None:
        size = SupportEpisode.objects.filter(person__area_id=area.pk).values("person_id").distinct().count()
        if not allow_inline or size > inline_limit():
            raise NeedsPrecompute(stamp)
        inputs = cohort_inputs(area_id=area.pk)
    table = table_from(inputs, spec)
    cache.set(key, table, CACHE_SECONDS)
    return table


def cohort_report_cached(
    *,
    area_id: int,
    spec: FrameworkSpec,
    stamp: str,
    filters: dict[str, str],
    table: cohort.PersonQuarters,
    n_boot: int,
) -> cohort.CohortReport:
    """The cohort report (statistics with bootstrap intervals: about a second for the demo area) for ``table``,
    kept like the table for ``CACHE_SECONDS`` under the ledger's stamp, the framework and the filters: the
    same inputs always give the same report (fixed seed), and any change to the ledger changes the stamp."""
    chosen = hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()[:16]
    key = f"outcomes:report:{area_id}:{spec.key}:{stamp}:{n_boot}:{chosen}"
    report = cache.get(key)
    if report is None:
        report = cohort.cohort_report(table, seed=0, n_boot=n_boot)
        cache.set(key, report, CACHE_SECONDS)
    return report  # type: ignore[no-any-return]


FILTERS = ("start_year", "sex", "age_band", "ethnic_group", "definition")
FILTER_LABELS = {
    "start_year": "Year support started",
    "sex": "Sex",
    "age_band": "Age when support started",
    "ethnic_group": "Ethnic group",
    "definition": "Definition met",
}


def filter_options(table: cohort.PersonQuarters) -> dict[str, list[str]]:
    options = {}
    for name in FILTERS:
        if name not in table.people:
            continue
        if name == "definition":
            names = {d for value in table.people[name].fillna("") for d in value.split(SEPARATOR) if d}
            if names:  # offered only once identification has screened someone
                options[name] = [*sorted(names), NONE_MET]
        else:
            options[name] = sorted(table.people[name].dropna().unique().tolist())
    return options


def group_mask(table: cohort.PersonQuarters, name: str, value: str) -> np.ndarray:
    """Who is in a group. A person can meet several definitions, so those groups overlap."""
    column = table.people[name]
    if name == "definition":
        if value == NONE_MET:
            return (column.fillna("") == "").to_numpy()
        return column.fillna("").map(lambda v: value in v.split(SEPARATOR)).to_numpy(dtype=bool)
    return (column == value).to_numpy()


def apply_filters(table: cohort.PersonQuarters, filters: dict[str, str]) -> cohort.PersonQuarters:
    keep = np.ones(len(table.people), dtype=bool)
    for name, value in filters.items():
        if value and name in table.people:
            keep &= group_mask(table, name, value)
    return table.subset(np.nonzero(keep)[0])


@dataclass
class PersonPicture:
    person: Person
    started_on: dt.date | None
    table: cohort.PersonQuarters
    quarter_numbers: list[int]  # calendar quarter numbers of the table's columns
    ndt: list[NdtAssessment]
    statuses: dict[str, list[OutcomeStatus]]

    @property
    def service_measures(self) -> list[Measure]:
        return self.table.measures


def measure_sensitivity(measure: Measure) -> str:
    """ "health" (UK GDPR Art. 9), "criminal" (Art. 10) or "" for a measure's data."""
    if measure.source == "ndt" or measure.status_kind == "treatment":
        return "health"
    if measure.event_types:
        return SENSITIVITY.get(event_types.get(measure.event_types[0]).domain, "")
    return ""


STATUS_SENSITIVITY = {"treatment": "health"}


def person_picture(*, person: Person, allowed: frozenset[str] | None = None) -> PersonPicture:
    """One person's NDT, statuses and quarterly service use before and during support.

    The caller has already passed the people room's gates (``person_get_for``); ``allowed`` is the
    sensitive categories that viewer may see (``person.access.sensitive``): measures, assessments and
    statuses of other categories are left out.
    """
    if allowed is None:
        allowed = frozenset({"health", "criminal"})
    episode = SupportEpisode.objects.filter(person=person).order_by("started_on", "id").first()
    today = timezone.localdate()
    started = episode.started_on if episode else None
    moved_out = episode.ended_on if episode and episode.exit_destination == ExitDestination.MOVED_OUT else None
    people = pd.DataFrame(
        [{"person": person.pk, "started_on": started or today, "died_on": person.died_on, "moved_out_on": moved_out}]
    )
    last_q = cohort.quarter_of(today)  # show the quarter in progress too (marked as such)
    first_q = _ledger_first_q(person.area_id, last_q)
    window = framework_current(area=person.area).window
    table = cohort.build_person_quarters(
        people=people,
        counts=_counts({"person": person}),
        measures=[BY_CODE[c] for c in PERSON_SERVICE_USE if measure_sensitivity(BY_CODE[c]) in allowed | {""}],
        window=window,
        first_q=first_q,
        last_q=last_q,
    )
    start_q = int(table.people["start_q"].iloc[0])
    quarter_numbers = [start_q + r for r in table.rel_quarters if start_q + r <= last_q]
    statuses: dict[str, list[OutcomeStatus]] = {}
    for status in (
        OutcomeStatus.objects.filter(person=person).select_related("recorded_by").order_by("recorded_on", "id")
    ):
        if STATUS_SENSITIVITY.get(status.kind, "") in allowed | {""}:
            statuses.setdefault(status.kind, []).append(status)
    return PersonPicture(
        person=person,
        started_on=started,
        table=table,
        quarter_numbers=quarter_numbers,
        ndt=list(NdtAssessment.objects.filter(person=person).order_by("assessed_on", "id"))
        if "health" in allowed
        else [],
        statuses=statuses,
    )


def timeline_entries(person: Any, user: Any) -> list[Any]:
    from django.urls import reverse

    from tide.core.timeline import Entry

    url = reverse("outcomes:person", args=[person.pk])
    return [
        Entry(
            on=s.recorded_on,
            title=f"{s.get_kind_display()}: {s.get_value_display()}",
            kind="outcome status",
            source="Outcomes",
            detail=s.in_their_words,
            url=url,
            tags=("outcomes",),
        )
        for s in OutcomeStatus.objects.filter(person=person).order_by("-recorded_on")[:50]
    ]
