"""Finance reads: the active deflator series, the price map, cohorts and their cost tables.

Finance pages show figures, not records: a person appears as a reference number (``P-000123``),
never by name, and only to the roles declared on the views (commissioner, accountable officer).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from tide.areas.models import Area
from tide.coordination.models import Referral, ReferralStatus, SupportEpisode
from tide.finance import cba, costing, payments, pricing
from tide.finance.budgets import current_agency
from tide.finance.models import (
    BusinessCase,
    ClaimStatus,
    CostEdition,
    DeflatorSeries,
    FlexibleSpend,
    OutcomeClaim,
    OutcomeRate,
    PaymentTerms,
    PoolScenario,
    PriceRule,
    ServiceCost,
    UnitCost,
)
from tide.finance.reference import default_price_map
from tide.finance.reference import missing_prices as missing_prices  # re-exported for the views
from tide.finance.uprating import DeflatorPoint, UpratingError, normalise_year
from tide.finance.uprating import DeflatorSeries as PureSeries
from tide.identification.models import NdtAssessment
from tide.intake.selectors import DataCoverage, data_complete_to
from tide.people.models import Person
from tide.service_use import event_types
from tide.service_use.models import ServiceEvent
from tide.service_use.selectors import local_event_types

EVENT_ORDER = [t.code for t in event_types.EVENT_TYPES]


class NoReferenceDataError(Exception):
    """The unit costs or deflators have not been loaded (run ``manage.py finance_load_reference``)."""


def person_ref(person_id: int) -> str:
    return f"P-{person_id:06d}"


def active_series() -> PureSeries:
    series = DeflatorSeries.objects.filter(active=True).prefetch_related("years").first()
    if series is None:
        raise NoReferenceDataError("No deflator series is loaded.")
    return PureSeries(
        (DeflatorPoint(y.financial_year, y.index, y.forecast) for y in series.years.all()), name=series.name
    )


def active_series_record() -> DeflatorSeries | None:
    return DeflatorSeries.objects.filter(active=True).first()


def shipped_edition() -> CostEdition | None:
    return CostEdition.objects.filter(area__isnull=True, is_local=False).order_by("imported_at").first()


def default_price_year(series: PureSeries) -> str:
    return series.latest_actual


def price_rule_records(*, area: Area) -> list[PriceRule]:
    """The area's price map; an area that has not adopted one yet gets the shipped map, unsaved."""
    rules = list(PriceRule.objects.filter(area=area).select_related("unit_cost", "unit_cost__edition"))
    if rules:
        return rules
    edition = shipped_edition()
    if edition is None:
        return []
    defaults = default_price_map()
    by_code = {c.code: c for c in UnitCost.objects.filter(edition=edition, code__in={d.code for d in defaults})}
    return [
        PriceRule(
            area=area,
            event_type=d.event_type,
            unit_cost=by_code[d.code],
            multiplier=d.multiplier,
            divisor=d.divisor,
            note=d.note,
            bearer_level_1=d.bearer_level_1,
            bearer_level_2=d.bearer_level_2,
        )
        for d in defaults
        if d.code in by_code
    ]


def uses_standard_price_map(*, area: Area) -> bool:
    return not PriceRule.objects.filter(area=area).exists()


def to_pure(rule: PriceRule) -> pricing.PriceRule:
    cost = rule.unit_cost
    line = pricing.CostLine(
        code=cost.code,
        detail=cost.detail,
        unit=cost.unit,
        agency_level_1=cost.agency_level_1,
        agency_level_2=cost.agency_level_2,
        amount=cost.fiscal_cost if cost.fiscal_cost is not None else Decimal(0),
        price_year=cost.fiscal_price_year,
    )
    return pricing.PriceRule(
        rule.event_type, line, rule.multiplier, rule.divisor, rule.note, rule.bearer_level_1, rule.bearer_level_2
    )


def local_type_rules(*, area: Area) -> list[pricing.PriceRule]:
    """The area's own event types that carry a unit cost (ADR 0017), as price rules of one unit each."""
    rules = []
    for local in local_event_types(area_id=area.pk).filter(unit_cost__isnull=False):
        bearer = local.bearing_agency.name if local.bearing_agency else ""
        line = pricing.CostLine(
            code=f"local:{local.code}",
            detail=local.label,
            unit=f"per {local.unit}",
            agency_level_1=bearer,
            agency_level_2="",
            amount=local.unit_cost or Decimal(0),
            price_year=local.unit_cost_year,
        )
        rules.append(pricing.PriceRule(local.code, line, note=f"{area.name}'s own unit cost for {local.label}."))
    return rules


def price_list(*, area: Area, target_year: str) -> dict[str, list[pricing.PricedRule]]:
    """Event type -> priced rules. An event type with any rule that cannot be uprated is left out
    whole (the cost tables then list it as not priced) rather than priced in part."""
    series = active_series()
    by_type: dict[str, list[pricing.PriceRule]] = defaultdict(list)
    for record in price_rule_records(area=area):
        if record.unit_cost.fiscal_cost is not None:
            by_type[record.event_type].append(to_pure(record))
    for rule in local_type_rules(area=area):
        by_type.setdefault(rule.event_type, [rule])  # a line in the price map wins over the type's own cost
    result: dict[str, list[pricing.PricedRule]] = {}
    for rules in by_type.values():
        try:
            result.update(pricing.price_list(rules, series=series, target_year=target_year))
        except UpratingError:
            continue
    return result


def data_coverage(*, area: Area) -> DataCoverage:
    """The last day every feed the finance figures draw on (every feed with data) is complete to, and
    the feeds that set it (intake's one selector, ADR 0016)."""
    return data_complete_to(area=area)


def data_as_of(*, area: Area) -> dt.date:
    """The last day figures comparing periods may run to: the earliest date any feed's data are
    complete to; with no feed set up, the ledger's last day (never after today)."""
    return data_coverage(area=area).complete_to or _ledger_end(area)


def _ledger_end(area: Area) -> dt.date:
    today = timezone.localdate()
    last = ServiceEvent.objects.filter(person__area=area).aggregate(last=Max("occurred_on"))["last"]
    return min(last, today) if last else today


def support_starts(*, area: Area) -> dict[int, dt.date]:
    """Person id -> the start of their first coordinated support episode."""
    rows = (
        SupportEpisode.objects.filter(person__area=area)
        .values("person_id")
        .annotate(first=Min("started_on"))
        .values_list("person_id", "first")
    )
    return dict(rows)


def support_start(*, person: Person) -> dt.date | None:
    return SupportEpisode.objects.filter(person=person).aggregate(first=Min("started_on"))["first"]


def person_event_pairs(*, person: Person) -> list[tuple[str, dt.date]]:
    return list(ServiceEvent.objects.filter(person=person).values_list("event_type", "occurred_on"))


def baseline_ndt(*, person: Person, support_start: dt.date) -> int | None:
    """The complete NDT assessment nearest the start of support (within 90 days before, 28 after)."""
    rows = NdtAssessment.objects.filter(
        person=person,
        total__isnull=False,
        assessed_on__gte=support_start - dt.timedelta(days=90),
        assessed_on__lte=support_start + dt.timedelta(days=28),
    ).values_list("assessed_on", "total")
    best = min(rows, key=lambda r: abs((r[0] - support_start).days), default=None)
    return best[1] if best else None


@dataclass(frozen=True)
class PersonCost:
    person_id: int
    ref: str
    support_from: dt.date
    cost_before: Decimal
    cost_during: Decimal

    @property
    def change(self) -> Decimal:
        return self.cost_during - self.cost_before


@dataclass(frozen=True)
class CostReport:
    tables: costing.CostTables
    as_of: dt.date
    not_yet_complete: int
    people: list[PersonCost]
    first_start: dt.date | None
    last_start: dt.date | None
    cohort: str = ""
    coverage: DataCoverage | None = None  # None: no feed set up, the window runs to the ledger's last day

    @property
    def limited_by(self) -> list[str]:
        return self.coverage.limited_by if self.coverage else []

    def change_percentile(self, q: float) -> Decimal | None:
        """The q-th percentile (0–100) of per-person change, nearest rank on the sorted list."""
        if not self.people:
            return None
        rank = max(0, min(len(self.people) - 1, round(q / 100 * (len(self.people) - 1))))
        return self.people[rank].change  # people are sorted by change

    @property
    def median_change(self) -> Decimal | None:
        return self.change_percentile(50)

    @property
    def lower_quartile(self) -> Decimal | None:
        return self.change_percentile(25)

    @property
    def upper_quartile(self) -> Decimal | None:
        return self.change_percentile(75)

    @property
    def increased_share(self) -> float:
        """The share of people whose cost rose: effects spread unevenly, so report the spread."""
        return sum(1 for p in self.people if p.change > 0) / len(self.people) if self.people else 0.0


def _events_by_person(
    person_ids: Iterable[int], since: dt.date, types: Iterable[str] | None = None
) -> dict[int, list[tuple[str, dt.date]]]:
    grouped: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    ids = list(person_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        query = ServiceEvent.objects.filter(person_id__in=chunk, occurred_on__gte=since)
        if types is not None:
            query = query.filter(event_type__in=list(types))
        # Tens of thousands of rows: read them without Django's per-value converters (SQLite returns
        # ISO date strings, PostgreSQL dates), which halves the time of the report.
        sql, params = query.values_list("person_id", "event_type", "occurred_on").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for person_id, event_type, on in cursor.fetchall():
                day = dt.date.fromisoformat(on[:10]) if isinstance(on, str) else on
                grouped[person_id].append((event_type, day))
    return grouped


def cohort_years(*, area: Area) -> list[str]:
    """Financial years in which people's coordinated support started (the area's intakes)."""
    return sorted({costing.financial_year_of(start) for start in support_starts(area=area).values()})


def cost_report(
    *,
    area: Area,
    target_year: str,
    window_days: int = 365,
    person_id: int | None = None,
    as_of: dt.date | None = None,
    cohort: str = "",
) -> CostReport:
    """Cost tables for everyone supported, one intake (``cohort``: financial year support started) or one person.

    The window stops at ``as_of``: by default the earliest date every feed's data are complete to
    (ADR 0016). People whose during-support window runs past it are left out and counted."""
    found = data_coverage(area=area)
    coverage = found if found.complete_to is not None else None
    as_of = as_of or (found.complete_to or _ledger_end(area))
    starts = support_starts(area=area)
    if cohort:
        starts = {pid: start for pid, start in starts.items() if costing.financial_year_of(start) == cohort}
    if person_id is not None:
        starts = {person_id: starts[person_id]} if person_id in starts else {}
    windows = {}
    incomplete = 0
    for pid, start in starts.items():
        w = costing.windows_for(start, window_days=window_days, as_of=as_of)
        if w is None:
            incomplete += 1
        else:
            windows[pid] = w
    prices = price_list(area=area, target_year=target_year)
    earliest = min((w.before_from for w in windows.values()), default=as_of)
    events = _events_by_person(windows, earliest)
    total = costing.Counts()
    people = []
    for pid, w in windows.items():
        counts = costing.count_events(events.get(pid, []), w)
        total.add(counts)
        before = sum((n * pricing.unit_cost(prices.get(code, [])) for code, n in counts.before.items()), Decimal(0))
        during = sum((n * pricing.unit_cost(prices.get(code, [])) for code, n in counts.during.items()), Decimal(0))
        people.append(PersonCost(pid, person_ref(pid), w.support_from, before, during))
    people.sort(key=lambda p: p.change)
    tables = costing.cost_tables(
        total, prices, people=len(windows), window_days=window_days, target_year=target_year, order=EVENT_ORDER
    )
    included = [w.support_from for w in windows.values()]
    return CostReport(
        tables, as_of, incomplete, people, min(included, default=None), max(included, default=None), cohort, coverage
    )


def expected_changes(report: CostReport) -> dict[str, Decimal]:
    return {a.bearer: a.change for a in report.tables.agencies}


@dataclass(frozen=True)
class Claimable:
    person_id: int
    ref: str
    rate: OutcomeRate
    evidence: payments.Evidence


def claimable_outcomes(*, area: Area, as_of: dt.date, limit: int = 200) -> list[Claimable]:
    """Outcomes the record shows for supported people that nobody has claimed yet."""
    rates = list(OutcomeRate.objects.filter(area=area, active=True))
    if not rates:
        return []
    starts = support_starts(area=area)
    claimed = set(
        OutcomeClaim.objects.filter(area=area).exclude(status=ClaimStatus.REJECTED).values_list("person_id", "rate_id")
    )
    earliest = min(starts.values(), default=as_of) - dt.timedelta(days=366)
    events = _events_by_person(starts, earliest, payments.EVIDENCE_EVENT_TYPES)
    found = []
    for pid, start in sorted(starts.items()):
        for rate in rates:
            if (pid, rate.pk) in claimed:
                continue
            evidence = payments.evidence_for(
                rate.evidence, events=events.get(pid, []), support_start=start, as_of=as_of, months=rate.months
            )
            if evidence.met:
                found.append(Claimable(pid, person_ref(pid), rate, evidence))
                if len(found) >= limit:
                    return found
    return found


def claims_for(*, area: Area) -> list[OutcomeClaim]:
    return list(OutcomeClaim.objects.filter(area=area).select_related("rate", "submitted_by", "decided_by"))


def payment_terms(*, area: Area) -> PaymentTerms:
    return PaymentTerms.objects.get_or_create(area=area)[0]


@dataclass(frozen=True)
class SelectionReport:
    identified: int
    supported: int
    not_supported: int
    supported_mean_ndt: float | None
    not_supported_mean_ndt: float | None
    not_supported_high_need: int
    claimed_people: int
    claimed_mean_ndt: float | None
    high_need_threshold: int
    left_out: list[tuple[str, int]]  # (reference, baseline NDT), highest need first
    referrals: payments.ReferralGap | None = None  # None when the report leaves referrals out
    referral_labels: dict[str, str] = field(default_factory=dict)


def _latest_referral_status(*, area: Area) -> dict[int, str]:
    """Person -> status of their latest referral."""
    rows = (
        Referral.objects.filter(person__area=area)
        .order_by("person_id", "received_on", "id")
        .values_list("person_id", "status")
    )
    return dict(rows)  # ordered by date, so each person's latest referral wins


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def selection_report(*, area: Area, high_need: int = 30) -> SelectionReport:
    """Guard against cherry-picking: who was identified (an NDT assessment) but never supported, and
    whether the people claimed for had lower need than those left out.

    Referrals are recorded by coordination, built in parallel; until they are on main this uses an NDT
    assessment as the sign that someone was identified and a support episode as "worked with"."""
    baseline: dict[int, int] = {}
    for pid, total in (
        NdtAssessment.objects.filter(person__area=area, total__isnull=False)
        .order_by("person_id", "assessed_on")
        .values_list("person_id", "total")
    ):
        if total is not None:
            baseline.setdefault(pid, total)  # the first (baseline) assessment
    starts = support_starts(area=area)
    referred = _latest_referral_status(area=area)
    supported = [t for p, t in baseline.items() if p in starts]
    left_out = [t for p, t in baseline.items() if p not in starts]
    claimed_people = set(
        OutcomeClaim.objects.filter(area=area).exclude(status=ClaimStatus.REJECTED).values_list("person_id", flat=True)
    )
    claimed = [t for p, t in baseline.items() if p in claimed_people]
    return SelectionReport(
        identified=len(baseline),
        supported=len(supported),
        not_supported=len(left_out),
        supported_mean_ndt=_mean(supported),
        not_supported_mean_ndt=_mean(left_out),
        not_supported_high_need=sum(1 for t in left_out if t >= high_need),
        claimed_people=len(claimed_people),
        claimed_mean_ndt=_mean(claimed),
        high_need_threshold=high_need,
        left_out=sorted(
            ((person_ref(p), t) for p, t in baseline.items() if p not in starts), key=lambda r: (-r[1], r[0])
        )[:20],
        referrals=payments.referral_gap(referrals=referred, supported=set(starts), baseline_ndt=baseline),
        referral_labels={str(k): str(v) for k, v in ReferralStatus.choices},
    )


def quarterly_outcome_payments(*, area: Area, start: dt.date, quarters: int) -> list[Decimal]:
    """Verified and pending claim amounts by quarter of achievement, from ``start``."""
    totals = [Decimal(0)] * quarters
    for achieved, amount in (
        OutcomeClaim.objects.filter(area=area).exclude(status=ClaimStatus.REJECTED).values_list("achieved_on", "amount")
    ):
        q = ((achieved.year - start.year) * 12 + achieved.month - start.month) // 3
        if 0 <= q < quarters:
            totals[q] += amount
    return totals


def expected_outcome_payments(*, area: Area, start: dt.date, quarters: int, as_of: dt.date) -> list[Decimal]:
    """What the rate card would pay, by quarter of achievement from ``start``, if every outcome the
    record shows for supported people were claimed (NDT-weighted, capped per person, in date order).
    Rejected claims are left out; claims already made are counted once, as made."""
    totals = [Decimal(0)] * quarters
    rates = list(OutcomeRate.objects.filter(area=area, active=True))
    if not rates:
        return totals
    terms = payment_terms(area=area)
    starts = support_starts(area=area)
    events = _events_by_person(
        starts, min(starts.values(), default=as_of) - dt.timedelta(days=366), payments.EVIDENCE_EVENT_TYPES
    )
    baselines = _baselines(area=area, starts=starts)
    rejected = set(
        OutcomeClaim.objects.filter(area=area, status=ClaimStatus.REJECTED).values_list("person_id", "rate_id")
    )
    for pid, first in starts.items():
        achieved = []
        for rate in rates:
            if (pid, rate.pk) in rejected:
                continue
            evidence = payments.evidence_for(
                rate.evidence, events=events.get(pid, []), support_start=first, as_of=as_of, months=rate.months
            )
            if evidence.met and evidence.achieved_on is not None:
                achieved.append((evidence.achieved_on, rate))
        paid: list[Decimal] = []
        weight = payments.ndt_weight(baselines.get(pid), reference=terms.ndt_reference)
        for on, rate in sorted(achieved, key=lambda item: item[0]):
            due = payments.payable(tariff=rate.tariff, weight=weight, cap=terms.cap_per_person, already_paid=paid)
            paid.append(due.amount)
            q = ((on.year - start.year) * 12 + on.month - start.month) // 3
            if 0 <= q < quarters:
                totals[q] += due.amount
    return totals


def _baselines(*, area: Area, starts: dict[int, dt.date]) -> dict[int, int]:
    """Person -> complete NDT total nearest their support start (90 days before to 28 after)."""
    best: dict[int, tuple[int, int]] = {}
    rows = NdtAssessment.objects.filter(person__area=area, total__isnull=False).values_list(
        "person_id", "assessed_on", "total"
    )
    for pid, on, total in rows.iterator(chunk_size=5000):
        first = starts.get(pid)
        if first is None or total is None or not (-90 <= (on - first).days <= 28):
            continue
        distance = abs((on - first).days)
        if pid not in best or distance < best[pid][0]:
            best[pid] = (distance, total)
    return {pid: total for pid, (_, total) in best.items()}


def timeline_entries(person: Any, user: Any) -> list[Any]:
    """Outcome claims on the person's timeline: what was claimed, when achieved, and its status."""
    from tide.core.timeline import Entry

    entries = []
    for claim in OutcomeClaim.objects.filter(person=person).select_related("rate"):
        entries.append(
            Entry(
                on=claim.achieved_on,
                title=f"Outcome achieved: {claim.rate.label}",
                kind="outcome payment",
                source="Finance",
                detail=f"{claim.get_status_display()}. {claim.evidence}",
                tags=("outcome",),
            )
        )
    return entries


# --- What a user of an area may see: the area-visibility rule, written once -------------------------


def _shared_or_area(area: Area, prefix: str = "") -> Q:
    """Shared reference data (no area) or this area's own."""
    return Q(**{f"{prefix}area__isnull": True}) | Q(**{f"{prefix}area": area})


def editions_for(*, area: Area) -> QuerySet[CostEdition]:
    return CostEdition.objects.filter(_shared_or_area(area))


def unit_costs_for(*, area: Area) -> QuerySet[UnitCost]:
    return UnitCost.objects.filter(_shared_or_area(area, "edition__")).select_related("edition")


def price_rules_for(*, area: Area) -> QuerySet[PriceRule]:
    return PriceRule.objects.filter(area=area)


def scenarios_for(*, area: Area) -> QuerySet[PoolScenario]:
    return PoolScenario.objects.filter(area=area)


def outcome_rates_for(*, area: Area) -> QuerySet[OutcomeRate]:
    return OutcomeRate.objects.filter(area=area)


def claims_in(*, area: Area) -> QuerySet[OutcomeClaim]:
    return OutcomeClaim.objects.filter(area=area)


def people_for(*, area: Area) -> QuerySet[Person]:
    return Person.objects.filter(area=area)


# --- Business case (the guidance's cost–benefit analysis over the cost report; ADR 0052) ---------
# Benefit lines come from the cost report's per-agency table (never netted): an agency's change in the
# cost of service use for the people supported, scaled to a year, with the area's deadweight and
# attribution (each with its source) and an optimism bias grade (default: the Unit Cost Database's own
# RAG rating of the agency's cost lines). Economic and social values come from the same event counts and
# the database's economic and social columns, on their own lines. The service's cost is the staff,
# overheads and other costs recorded per financial year plus people's flexible budget spend.

PERCENT = Decimal(100)
ZERO = Decimal(0)


def year_offset(first_year: str, financial_year: str) -> int:
    """Appraisal year (0 = ``first_year``) of a financial year such as ``2025/26``."""
    return int(normalise_year(financial_year)[:4]) - int(normalise_year(first_year)[:4])


def current_case(*, area: Area) -> BusinessCase | None:
    return BusinessCase.objects.filter(area=area).order_by("-version").first()


def versions(*, area: Area) -> list[BusinessCase]:
    return list(BusinessCase.objects.filter(area=area).select_related("created_by", "agreed_by").order_by("-version"))


def service_costs(*, area: Area) -> list[ServiceCost]:
    return list(ServiceCost.objects.filter(area=area).select_related("recorded_by"))


@dataclass(frozen=True)
class FlexibleYear:
    financial_year: str
    funder: str
    people: int
    items: int
    amount: Decimal


def flexible_by_year(*, area: Area) -> list[FlexibleYear]:
    """Flexible budget spend in aggregate (no person is named): per financial year and funder."""
    totals: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [set(), 0, ZERO])
    for spend in FlexibleSpend.objects.filter(area=area).only("spent_on", "funder", "amount", "person_id"):
        row = totals[(costing.financial_year_of(spend.spent_on), spend.funder)]
        row[0].add(spend.person_id)
        row[1] += 1
        row[2] += spend.amount
    return [FlexibleYear(y, f, len(v[0]), v[1], v[2]) for (y, f), v in sorted(totals.items())]


def flexible_for(*, person: Person) -> list[FlexibleSpend]:
    return list(FlexibleSpend.objects.filter(person=person).select_related("approved_by"))


def flexible_summary(*, area: Area) -> dict[str, Any]:
    agg = FlexibleSpend.objects.filter(area=area).aggregate(
        total=Sum("amount"), people=Count("person", distinct=True), last=Max("spent_on")
    )
    return {"total": agg["total"] or ZERO, "people": agg["people"], "last": agg["last"]}


def agency_grades(*, area: Area) -> dict[str, tuple[int, str]]:
    """Agency -> (default grade, why): the weakest RAG among the agency's priced cost lines."""
    grades: dict[str, tuple[int, str]] = {}
    for rule in price_rule_records(area=area):
        bearer = to_pure(rule).bearer
        grade = cba.default_grade(rule.unit_cost.rag)
        if grade > grades.get(bearer, (0, ""))[0]:
            rag = rule.unit_cost.rag or "none"
            grades[bearer] = (grade, f"Unit Cost Database rating {rag} of {rule.unit_cost.code} (default)")
    return grades


@dataclass(frozen=True)
class AgencyInputs:
    agency: str
    gross_annual: Decimal  # positive = saving
    deadweight: Decimal
    deadweight_source: str
    attribution: Decimal
    attribution_source: str
    grade: int
    grade_source: str
    change_source: str


def agency_inputs(case: BusinessCase, report: CostReport, grades: dict[str, tuple[int, str]]) -> list[AgencyInputs]:
    scale = Decimal(365) / Decimal(report.tables.window_days)
    rows = []
    for agency in report.tables.agencies:
        saved = case.agencies.get(agency.bearer, {})
        default_grade, grade_why = grades.get(agency.bearer, (6, "No rating found: weakest grade"))
        rows.append(
            AgencyInputs(
                agency=agency.bearer,
                gross_annual=-agency.change * scale,
                deadweight=Decimal(saved.get("deadweight", "0")),
                deadweight_source=saved.get("deadweight_source", "Not yet entered"),
                attribution=Decimal(saved.get("attribution", "1")),
                attribution_source=saved.get("attribution_source", "Not yet entered"),
                grade=int(saved.get("grade", default_grade)),
                grade_source=saved.get("grade_source") or grade_why,
                change_source=(
                    f"Cost report: {report.tables.people} people, {report.tables.window_days} days before vs during "
                    f"support, {report.tables.target_year} prices"
                ),
            )
        )
    return rows


def _value_lines(
    area: Area, report: CostReport, target_year: str, inputs: dict[str, AgencyInputs]
) -> list[cba.BenefitLine]:
    """Economic and social benefit lines from the same event counts (database's own columns)."""
    series = active_series()
    scale = Decimal(365) / Decimal(report.tables.window_days)
    totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    change = {s.event_type: s.difference for s in report.tables.services}
    for rule in price_rule_records(area=area):
        if change.get(rule.event_type, 0) == 0:
            continue
        for kind, value, year in (
            (cba.ECONOMIC, rule.unit_cost.economic_value, rule.unit_cost.economic_price_year),
            (cba.SOCIAL, rule.unit_cost.social_value, rule.unit_cost.social_price_year),
        ):
            if value is None or not year:
                continue
            try:
                each = series.uprate(value * rule.multiplier / rule.divisor, price_year=year, target_year=target_year)
            except UpratingError:
                continue
            bearer = to_pure(rule).bearer
            totals[(bearer, kind)] += -change[rule.event_type] * each.value * scale
    lines = []
    for (agency, kind), gross in sorted(totals.items()):
        a = inputs.get(agency)
        lines.append(
            cba.BenefitLine(
                agency,
                kind,
                gross,
                deadweight=a.deadweight if a else ZERO,
                attribution=a.attribution if a else Decimal(1),
                grade=a.grade if a else 6,
                source=f"Unit Cost Database {kind} values × change in events",
            )
        )
    return lines


def cost_lines(*, area: Area, case: BusinessCase) -> list[cba.CostLine]:
    lines = []
    for cost in ServiceCost.objects.filter(area=area):
        year = year_offset(case.first_year, cost.financial_year)
        if 0 <= year < case.years:
            lines.append(
                cba.CostLine(year, current_agency(cost.funder), cost.amount, label=cost.get_category_display())
            )
    for row in flexible_by_year(area=area):
        year = year_offset(case.first_year, row.financial_year)
        if 0 <= year < case.years:
            lines.append(cba.CostLine(year, current_agency(row.funder), row.amount, label="Flexible budgets"))
    return lines


def assumptions_of(case: BusinessCase) -> cba.Assumptions:
    ramp = tuple(Decimal(p.strip()) / PERCENT for p in case.ramp_up.split(",") if p.strip())
    return cba.Assumptions(years=case.years, rate=case.discount_rate, ramp_up=ramp, drop_off=case.drop_off)


@dataclass(frozen=True)
class CaseResult:
    case: BusinessCase
    report: CostReport
    inputs: list[AgencyInputs]
    benefits: list[cba.BenefitLine]
    costs: list[cba.CostLine]
    analysis: cba.Analysis
    sensitivity: list[cba.Sensitivity]


def analyse_case(*, area: Area, case: BusinessCase) -> CaseResult:
    report = cost_report(area=area, target_year=case.price_year, window_days=case.window_days)
    inputs = agency_inputs(case, report, agency_grades(area=area))
    fiscal = [
        cba.BenefitLine(a.agency, cba.FISCAL, a.gross_annual, a.deadweight, a.attribution, a.grade, a.change_source)
        for a in inputs
    ]
    values = _value_lines(area, report, case.price_year, {a.agency: a for a in inputs})
    costs = cost_lines(area=area, case=case)
    assumptions = assumptions_of(case)
    analysis = cba.analyse(fiscal + values, costs, assumptions)
    return CaseResult(
        case, report, inputs, fiscal + values, costs, analysis, cba.sensitivity(fiscal, costs, assumptions)
    )


def case_form_initial(
    case: BusinessCase | None, report: CostReport, grades: dict[str, tuple[int, str]], *, default_year: str
) -> dict[str, Any]:
    """The assumptions form starts from the current version (or the defaults for a first version)."""
    initial: dict[str, Any] = {
        "first_year": case.first_year if case else costing.financial_year_of(report.as_of),
        "years": case.years if case else 5,
        "price_year": case.price_year if case else default_year,
        "ramp_up": case.ramp_up if case else "",
        "drop_off": (case.drop_off * PERCENT).normalize() if case else Decimal(0),
    }
    saved = case.agencies if case else {}
    for i, agency in enumerate(a.bearer for a in report.tables.agencies):
        values = saved.get(agency, {})
        initial[f"deadweight_{i}"] = (Decimal(values.get("deadweight", "0")) * PERCENT).normalize()
        initial[f"deadweight_source_{i}"] = values.get("deadweight_source", "")
        initial[f"attribution_{i}"] = (Decimal(values.get("attribution", "1")) * PERCENT).normalize()
        initial[f"attribution_source_{i}"] = values.get("attribution_source", "")
        initial[f"grade_{i}"] = values.get("grade", grades.get(agency, (6, ""))[0])
    return initial


def approvers_for(*, area: Area) -> QuerySet[Any]:
    """Who may approve flexible budget spend: the area's team managers and commissioners."""
    from tide.areas.models import Role, User

    return User.objects.filter(area=area, is_active=True, role__in=[Role.TEAM_MANAGER, Role.COMMISSIONER]).order_by(
        "last_name", "first_name"
    )
