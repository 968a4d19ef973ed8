"""Finance writes. Each service is atomic and records its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tide.areas.models import Area
from tide.core.access import person_access
from tide.core.actors import actor_pk, actor_user
from tide.core.audit import audit_record
from tide.finance import cba, payments, pooling, selectors
from tide.finance.audit_actions import (
    FINANCE_BUSINESS_CASE_AGREED,
    FINANCE_BUSINESS_CASE_SAVED,
    FINANCE_CLAIM_REJECTED,
    FINANCE_CLAIM_SUBMITTED,
    FINANCE_CLAIM_VERIFIED,
    FINANCE_COST_EDITION_IMPORTED,
    FINANCE_DEFLATORS_IMPORTED,
    FINANCE_FLEXIBLE_SPEND_ADDED,
    FINANCE_LOCAL_COST_ADDED,
    FINANCE_POOL_SCENARIO_CREATED,
    FINANCE_POOL_SCENARIO_DELETED,
    FINANCE_PRICE_MAP_SEEDED,
    FINANCE_PRICE_RULE_CHANGED,
    FINANCE_RATE_CARD_CHANGED,
    FINANCE_RATE_CARD_SEEDED,
    FINANCE_SERVICE_COST_ADDED,
)
from tide.finance.models import (
    BusinessCase,
    ClaimStatus,
    CostEdition,
    DeflatorSeries,
    DeflatorYear,
    FlexibleSpend,
    OutcomeClaim,
    OutcomeRate,
    PaymentTerms,
    PoolScenario,
    PriceRule,
    ServiceCost,
    UnitCost,
)
from tide.finance.reference import (
    ReferenceDataError,
    default_price_map,
    manifest,
    parse_unit_costs,
    read_vendored,
)
from tide.finance.uprating import UpratingError, normalise_year, parse_deflator_csv
from tide.people.models import Person
from tide.service_use import event_types

UNIT_COSTS_FILE = "gmca-unit-cost-database-v1.4.csv"
DEFLATORS_FILE = "gdp-deflators-budget-2015.csv"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def cost_edition_import(
    *, name: str, text: str, licence: str, attribution: str, source: str, actor: Any, sha256: str = ""
) -> CostEdition:
    """Import a whole edition of unit costs (Unit Cost Database columns); refuse a bad file whole."""
    try:
        rows = parse_unit_costs(text)
    except ReferenceDataError as error:
        raise ValidationError(error.problems) from None
    _check_years_covered({y for r in rows for y in (r.fiscal_price_year, r.economic_price_year, r.social_price_year)})
    digest = sha256 or _sha(text)
    if CostEdition.objects.filter(sha256=digest).exists():
        raise ValidationError("This file has already been imported.")
    edition = CostEdition.objects.create(
        name=name,
        licence=licence,
        attribution=attribution,
        source=source,
        sha256=digest,
        imported_by=actor_user(actor),
    )
    UnitCost.objects.bulk_create(
        UnitCost(
            edition=edition,
            theme=r.theme,
            outcome_category=r.outcome_category,
            outcome_detail=r.outcome_detail,
            code=r.code,
            detail=r.detail,
            unit=r.unit,
            agency_level_1=r.agency_level_1,
            agency_level_2=r.agency_level_2,
            fiscal_cost=r.fiscal_cost,
            fiscal_price_year=r.fiscal_price_year,
            economic_value=r.economic_value,
            economic_price_year=r.economic_price_year,
            social_value=r.social_value,
            social_price_year=r.social_price_year,
            source=r.source,
            rag=r.rag,
        )
        for r in rows
    )
    audit_record(actor=actor, action=FINANCE_COST_EDITION_IMPORTED, target=edition, detail={"rows": len(rows)})
    return edition


def _price_years_in_use() -> set[str]:
    years: set[str] = set()
    for field in ("fiscal_price_year", "economic_price_year", "social_price_year"):
        years.update(UnitCost.objects.exclude(**{field: ""}).values_list(field, flat=True).distinct())
    return years


def _check_years_covered(years: set[str]) -> None:
    """Refuse price years the active deflator series cannot uprate."""
    active = DeflatorSeries.objects.filter(active=True).first()
    if active is None:
        return
    covered = set(active.years.values_list("financial_year", flat=True))
    missing = sorted(years - covered - {""})
    if missing:
        raise ValidationError(
            f"The deflator series in use ({active.name}) has no index for {', '.join(missing)}. "
            "Import a series that covers these years first."
        )


@transaction.atomic
def deflator_series_import(
    *, name: str, text: str, source: str, attribution: str, actor: Any, sha256: str = ""
) -> DeflatorSeries:
    """Import a deflator series and make it the one used for uprating; refuse a bad file whole."""
    try:
        points = parse_deflator_csv(text)
    except UpratingError as error:
        raise ValidationError(str(error)) from None
    covered = {p.year for p in points}
    used = _price_years_in_use()
    if used - covered:
        raise ValidationError(
            "The series has no index for "
            + ", ".join(sorted(used - covered))
            + ", used by unit costs in the library; every price year must be covered."
        )
    DeflatorSeries.objects.filter(active=True).update(active=False)
    series = DeflatorSeries.objects.create(
        name=name, source=source, attribution=attribution, sha256=sha256 or _sha(text), active=True
    )
    DeflatorYear.objects.bulk_create(
        DeflatorYear(series=series, financial_year=p.year, index=p.index, forecast=p.forecast) for p in points
    )
    audit_record(actor=actor, action=FINANCE_DEFLATORS_IMPORTED, target=series, detail={"years": len(points)})
    return series


@transaction.atomic
def reference_data_load(*, actor: Any) -> tuple[CostEdition, DeflatorSeries]:
    """Load the vendored Unit Cost Database and deflators (checked against the manifest); idempotent."""
    files = manifest()
    text, digest = read_vendored(UNIT_COSTS_FILE)
    edition = CostEdition.objects.filter(sha256=digest).first()
    if edition is None:
        meta = files[UNIT_COSTS_FILE]
        edition = cost_edition_import(
            name="Unit Cost Database v1.4 (New Economy / GMCA)",
            text=text,
            licence=meta["licence"],
            attribution=meta["attribution"],
            source=meta["title"],
            sha256=digest,
            actor=actor,
        )
    text, digest = read_vendored(DEFLATORS_FILE)
    series = DeflatorSeries.objects.filter(sha256=digest).first()
    if series is None:
        meta = files[DEFLATORS_FILE]
        series = deflator_series_import(
            name="HM Treasury GDP deflators (Budget 2015)",
            text=text,
            source=meta["title"],
            attribution=meta["attribution"],
            sha256=digest,
            actor=actor,
        )
    return edition, series


@transaction.atomic
def unit_cost_create_local(
    *,
    area: Area,
    code: str,
    detail: str,
    unit: str,
    agency_level_1: str,
    agency_level_2: str,
    fiscal_cost: Decimal,
    fiscal_price_year: str,
    source: str,
    actor: Any,
) -> UnitCost:
    """Add one of the area's own unit costs (kept in the area's local edition)."""
    try:
        year = normalise_year(fiscal_price_year)
    except UpratingError as error:
        raise ValidationError({"fiscal_price_year": str(error)}) from None
    if fiscal_cost < 0:
        raise ValidationError({"fiscal_cost": "A cost cannot be negative."})
    try:
        _check_years_covered({year})
    except ValidationError as error:
        raise ValidationError({"fiscal_price_year": error.messages}) from None
    edition, _ = CostEdition.objects.get_or_create(
        area=area, is_local=True, defaults={"name": f"Local costs: {area.name}", "licence": "Local"}
    )
    cost = UnitCost(
        edition=edition,
        code=code,
        detail=detail,
        unit=unit,
        agency_level_1=agency_level_1,
        agency_level_2=agency_level_2,
        fiscal_cost=fiscal_cost,
        fiscal_price_year=year,
        source=source,
        theme="Local",
    )
    cost.full_clean()
    cost.save()
    audit_record(actor=actor, action=FINANCE_LOCAL_COST_ADDED, target=cost, detail={"code": code})
    return cost


@transaction.atomic
def price_map_seed(*, area: Area, edition: CostEdition, actor: Any) -> int:
    """Give an area the shipped price map (tide/finance/data/price-map.csv) if it has none."""
    if PriceRule.objects.filter(area=area).exists():
        return 0
    rows = default_price_map()
    by_code = {c.code: c for c in UnitCost.objects.filter(edition=edition, code__in={r.code for r in rows})}
    missing = sorted({r.code for r in rows} - set(by_code))
    if missing:
        raise ValidationError(f"The edition has no cost lines {', '.join(missing)} used by the shipped price map.")
    rules = [
        PriceRule(
            area=area,
            event_type=r.event_type,
            unit_cost=by_code[r.code],
            multiplier=r.multiplier,
            divisor=r.divisor,
            note=r.note,
            bearer_level_1=r.bearer_level_1,
            bearer_level_2=r.bearer_level_2,
        )
        for r in rows
    ]
    PriceRule.objects.bulk_create(rules)
    audit_record(actor=actor, action=FINANCE_PRICE_MAP_SEEDED, detail={"area": area.code, "rules": len(rules)})
    return len(rules)


@transaction.atomic
def price_rule_update(
    *,
    rule: PriceRule,
    unit_cost: UnitCost,
    multiplier: Decimal,
    divisor: Decimal,
    note: str,
    actor: Any,
    bearer_level_1: str = "",
    bearer_level_2: str = "",
) -> PriceRule:
    if unit_cost.fiscal_cost is None:
        raise ValidationError({"unit_cost": "That cost line has no fiscal cost, so it cannot price an event."})
    if unit_cost.edition.area_id not in (None, rule.area_id):
        raise ValidationError({"unit_cost": "That cost line belongs to another area."})
    before = {"unit_cost": rule.unit_cost_id, "multiplier": str(rule.multiplier), "divisor": str(rule.divisor)}
    if bearer_level_2 and not bearer_level_1:
        raise ValidationError({"bearer_level_1": "Name the agency before the part of it that bears the cost."})
    rule.unit_cost, rule.multiplier, rule.divisor, rule.note = unit_cost, multiplier, divisor, note
    rule.bearer_level_1, rule.bearer_level_2 = bearer_level_1.strip(), bearer_level_2.strip()
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action=FINANCE_PRICE_RULE_CHANGED,
        target=rule,
        detail={
            "before": before,
            "after": {"unit_cost": unit_cost.pk, "multiplier": str(multiplier), "divisor": str(divisor)},
        },
    )
    return rule


@transaction.atomic
def price_rule_create(
    *,
    area: Area,
    event_type: str,
    unit_cost: UnitCost,
    multiplier: Decimal,
    divisor: Decimal,
    note: str,
    actor: Any,
    bearer_level_1: str = "",
    bearer_level_2: str = "",
) -> PriceRule:
    if not event_types.is_known(event_type):
        raise ValidationError({"event_type": "Choose an event type from the ledger's vocabulary."})
    if not PriceRule.objects.filter(area=area).exists():
        shipped = CostEdition.objects.filter(area__isnull=True, is_local=False).order_by("imported_at").first()
        if shipped is not None:
            price_map_seed(area=area, edition=shipped, actor=actor)  # keep the standard lines
    rule = PriceRule(area=area, event_type=event_type, unit_cost=unit_cost, multiplier=1, divisor=1)
    rule.unit_cost = unit_cost
    return price_rule_update(
        rule=rule, unit_cost=unit_cost, multiplier=multiplier, divisor=divisor, note=note, actor=actor
    )


@transaction.atomic
def pool_scenario_create(
    *,
    area: Area,
    name: str,
    method: str,
    budget: Decimal,
    shares: dict[str, Decimal],
    changes: dict[str, Decimal],
    notes: str = "",
    actor: Any,
) -> PoolScenario:
    """Save a scenario after checking it evaluates against the current expected changes."""
    try:
        pooling.scenario_evaluate(name=name, method=method, budget=budget, changes=changes, shares=shares)
    except pooling.ScenarioError as error:
        raise ValidationError(str(error)) from None
    if PoolScenario.objects.filter(area=area, name=name).exists():
        raise ValidationError({"name": "A scenario with this name already exists."})
    scenario = PoolScenario.objects.create(
        area=area,
        name=name,
        method=method,
        budget=budget,
        shares={k: str(v) for k, v in shares.items()} if method == pooling.FIXED else {},
        notes=notes,
        created_by=actor,
    )
    audit_record(actor=actor, action=FINANCE_POOL_SCENARIO_CREATED, target=scenario, detail={"method": method})
    return scenario


DEFAULT_RATES = (
    ("accommodation-3m", "Accommodation sustained 3 months", "accommodation_sustained", 3, "1500"),
    ("accommodation-6m", "Accommodation sustained 6 months", "accommodation_sustained", 6, "1500"),
    ("accommodation-12m", "Accommodation sustained 12 months", "accommodation_sustained", 12, "2000"),
    ("accommodation-18m", "Accommodation sustained 18 months", "accommodation_sustained", 18, "2000"),
    ("rough-sleeping-reduced", "Nights sleeping rough reduced", "rough_sleeping_reduced", 0, "1000"),
    ("treatment-engagement", "Engagement with drug and alcohol treatment", "treatment_engagement", 0, "800"),
)


@transaction.atomic
def outcome_rate_card_seed(*, area: Area, actor: Any) -> int:
    """A starting rate card (local tariffs: the London and Fair Chance Fund prices were not published)."""
    PaymentTerms.objects.get_or_create(area=area)
    if OutcomeRate.objects.filter(area=area).exists():
        return 0
    OutcomeRate.objects.bulk_create(
        OutcomeRate(area=area, code=c, label=label, evidence=kind, months=m, tariff=Decimal(t))
        for c, label, kind, m, t in DEFAULT_RATES
    )
    audit_record(actor=actor, action=FINANCE_RATE_CARD_SEEDED, detail={"area": area.code})
    return len(DEFAULT_RATES)


@transaction.atomic
def outcome_claim_create(*, person: Person, rate: OutcomeRate, as_of: dt.date, actor: Any) -> OutcomeClaim:
    """Claim an outcome for a person: the evidence is drawn from the ledger, weighted by baseline NDT,
    limited by the cap per person. Refused if the evidence does not show the outcome."""
    from tide.finance import selectors  # selectors import services' models only

    if rate.area_id != person.area_id or not rate.active:
        raise ValidationError("That outcome is not on this area's rate card.")
    start = selectors.support_start(person=person)
    if start is None:
        raise ValidationError("This person has no coordinated support, so no outcome can be claimed.")
    if OutcomeClaim.objects.filter(person=person, rate=rate).exclude(status=ClaimStatus.REJECTED).exists():
        raise ValidationError("This outcome has already been claimed for this person.")
    events = selectors.person_event_pairs(person=person)
    evidence = payments.evidence_for(rate.evidence, events=events, support_start=start, as_of=as_of, months=rate.months)
    if not evidence.met or evidence.achieved_on is None:
        raise ValidationError(f"The record does not show this outcome: {evidence.summary}")
    terms, _ = PaymentTerms.objects.get_or_create(area=person.area)
    baseline = selectors.baseline_ndt(person=person, support_start=start)
    weight = payments.ndt_weight(baseline, reference=terms.ndt_reference)
    paid = list(
        OutcomeClaim.objects.filter(person=person).exclude(status=ClaimStatus.REJECTED).values_list("amount", flat=True)
    )
    due = payments.payable(tariff=rate.tariff, weight=weight, cap=terms.cap_per_person, already_paid=paid)
    try:
        with transaction.atomic():
            claim = OutcomeClaim.objects.create(
                area=person.area,
                person=person,
                rate=rate,
                achieved_on=evidence.achieved_on,
                evidence=evidence.summary,
                baseline_ndt=baseline,
                weight=weight,
                amount=due.amount.quantize(Decimal("0.01")),
                derivation=due.derivation,
                submitted_by=actor,
            )
    except IntegrityError:
        raise ValidationError("This outcome has already been claimed for this person.") from None
    audit_record(
        actor=actor,
        action=FINANCE_CLAIM_SUBMITTED,
        target=claim,
        person_id=person.pk,
        detail={"rate": rate.code, "amount": str(claim.amount)},
    )
    return claim


@transaction.atomic
def outcome_claim_decide(*, claim: OutcomeClaim, approve: bool, note: str, actor: Any) -> OutcomeClaim:
    """Verify or reject a claim. The person who submitted a claim cannot verify it (four eyes)."""
    claim = OutcomeClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimStatus.SUBMITTED:
        raise ValidationError("This claim has already been decided.")
    if claim.submitted_by_id == actor_pk(actor):
        raise ValidationError("Someone other than the person who submitted the claim must verify it.")
    if not approve and not note.strip():
        raise ValidationError({"note": "Give the reason for rejecting the claim."})
    claim.status = ClaimStatus.VERIFIED if approve else ClaimStatus.REJECTED
    claim.decided_by, claim.decided_at, claim.decision_note = actor, timezone.now(), note.strip()
    claim.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action=FINANCE_CLAIM_VERIFIED if approve else FINANCE_CLAIM_REJECTED,
        target=claim,
        person_id=claim.person_id,
        reason=note.strip(),
    )
    return claim


@transaction.atomic
def rate_card_update(
    *,
    area: Area,
    cap_per_person: Decimal,
    ndt_reference: int,
    tariffs: dict[int, Decimal],
    active: dict[int, bool],
    actor: Any,
) -> PaymentTerms:
    """Change the cap, the NDT reference and the tariffs; claims already made keep their amounts."""
    if cap_per_person < 0:
        raise ValidationError({"cap_per_person": "The cap cannot be negative."})
    if not 1 <= ndt_reference <= 48:
        raise ValidationError({"ndt_reference": "The reference NDT total is between 1 and 48."})
    terms, _ = PaymentTerms.objects.get_or_create(area=area)
    before: dict[str, Any] = {"cap": str(terms.cap_per_person), "ndt_reference": terms.ndt_reference, "tariffs": {}}
    after: dict[str, Any] = {"cap": str(cap_per_person), "ndt_reference": ndt_reference, "tariffs": {}}
    terms.cap_per_person, terms.ndt_reference = cap_per_person, ndt_reference
    terms.save()
    for rate in OutcomeRate.objects.filter(area=area, pk__in=tariffs):
        tariff = tariffs[rate.pk]
        if tariff < 0:
            raise ValidationError(f"The tariff for {rate.label} cannot be negative.")
        before["tariffs"][rate.code] = [str(rate.tariff), rate.active]
        after["tariffs"][rate.code] = [str(tariff), active.get(rate.pk, rate.active)]
        rate.tariff, rate.active = tariff, active.get(rate.pk, rate.active)
        rate.save(update_fields=["tariff", "active"])
    audit_record(actor=actor, action=FINANCE_RATE_CARD_CHANGED, target=terms, detail={"before": before, "after": after})
    return terms


@transaction.atomic
def pool_scenario_delete(*, scenario: PoolScenario, actor: Any) -> None:
    audit_record(actor=actor, action=FINANCE_POOL_SCENARIO_DELETED, target=scenario, detail={"name": scenario.name})
    scenario.delete()


# --- Business case (ADR 0052) --------------------------------------------------------------------

PERCENT = Decimal(100)
ZERO = Decimal(0)


def _percent(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: "Enter a percentage, like 25."}) from None
    if not ZERO <= number <= PERCENT:
        raise ValidationError({field: "Enter a percentage from 0 to 100."})
    return number / PERCENT


@transaction.atomic
def business_case_save(
    *,
    area: Area,
    first_year: str,
    years: int,
    drop_off_percent: Decimal,
    ramp_up: str,
    price_year: str,
    agencies: dict[str, dict[str, Any]],
    notes: str = "",
    actor: Any,
) -> BusinessCase:
    """Save the assumptions as a new version (earlier versions are kept, with who agreed them)."""
    try:
        normalise_year(first_year)
    except UpratingError:
        raise ValidationError({"first_year": "Enter a financial year like 2024/25."}) from None
    for part in (p.strip() for p in ramp_up.split(",") if p.strip()):
        _percent(part, "ramp_up")
    clean = {}
    for agency, values in agencies.items():
        if not values.get("deadweight_source") or not values.get("attribution_source"):
            raise ValidationError(f"Say where the deadweight and attribution for {agency} come from.")
        clean[agency] = {
            "deadweight": str(_percent(values["deadweight"], "agencies")),
            "deadweight_source": values["deadweight_source"],
            "attribution": str(_percent(values["attribution"], "agencies")),
            "attribution_source": values["attribution_source"],
            "grade": int(values["grade"]),
            "grade_source": values.get("grade_source", ""),
        }
        if clean[agency]["grade"] not in cba.OPTIMISM_BIAS_BY_GRADE:
            raise ValidationError("The confidence grade must be 1 to 6.")
    previous = BusinessCase.objects.filter(area=area).order_by("-version").first()
    case = BusinessCase(
        area=area,
        version=(previous.version + 1) if previous else 1,
        first_year=normalise_year(first_year),
        years=years,
        drop_off=_percent(drop_off_percent, "drop_off"),
        ramp_up=",".join(p.strip() for p in ramp_up.split(",") if p.strip()),
        price_year=price_year,
        window_days=previous.window_days if previous else 365,
        agencies=clean,
        notes=notes,
        created_by=actor,
    )
    try:
        selectors.assumptions_of(case).check()
    except cba.AnalysisError as error:
        raise ValidationError(str(error)) from None
    case.save()
    audit_record(actor=actor, action=FINANCE_BUSINESS_CASE_SAVED, target=case, detail={"version": case.version})
    return case


@transaction.atomic
def business_case_agree(*, case: BusinessCase, actor: Any) -> BusinessCase:
    if case.agreed_at is not None:
        raise ValidationError(f"Version {case.version} was already agreed.")
    if case.created_by_id == getattr(actor, "pk", None):
        raise PermissionDenied("Someone other than its author must agree a version of the business case.")
    case.agreed_by = actor
    case.agreed_at = timezone.now()
    case.save(update_fields=["agreed_by", "agreed_at"])
    audit_record(actor=actor, action=FINANCE_BUSINESS_CASE_AGREED, target=case, detail={"version": case.version})
    return case


def service_cost_create(
    *, area: Area, financial_year: str, category: str, funder: str, amount: Decimal, source: str, actor: Any
) -> ServiceCost:
    try:
        year = normalise_year(financial_year)
    except UpratingError:
        raise ValidationError({"financial_year": "Enter a financial year like 2024/25."}) from None
    if amount <= 0:
        raise ValidationError({"amount": "Enter an amount above £0."})
    cost = ServiceCost.objects.create(
        area=area,
        financial_year=year,
        category=category,
        funder=funder,
        amount=amount,
        source=source,
        recorded_by=actor,
    )
    audit_record(
        actor=actor, action=FINANCE_SERVICE_COST_ADDED, target=cost, detail={"year": year, "amount": str(amount)}
    )
    return cost


def flexible_spend_create(
    *, person: Person, spent_on: dt.date, what: str, amount: Decimal, funder: str, approved_by: Any, actor: Any
) -> FlexibleSpend:
    """Record one item of a person's flexible budget; only someone with a need to know the person may."""
    if not person_access(actor, person).allowed:
        raise PermissionDenied("You do not work with this person.")
    if amount <= 0:
        raise ValidationError({"amount": "Enter an amount above £0."})
    if spent_on > timezone.localdate():
        raise ValidationError({"spent_on": "The date cannot be in the future."})
    if approved_by is None or approved_by.area_id != person.area_id:
        raise ValidationError({"approved_by": "Choose who approved the spend."})
    spend = FlexibleSpend.objects.create(
        area=person.area,
        person=person,
        spent_on=spent_on,
        what=what,
        amount=amount,
        funder=funder,
        approved_by=approved_by,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=FINANCE_FLEXIBLE_SPEND_ADDED, target=spend, detail={"amount": str(amount)})
    return spend
