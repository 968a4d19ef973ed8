"""Outcome payments: evidence from the ledger, weighting by baseline need, caps per person. Pure.

Evidence rules read a person's dated service events and support start:

* ``accommodation_sustained`` (N months): for someone homeless in the year before support or since,
  no rough sleeping, hostel night, eviction or homelessness application for N months in a row after
  support started (the Fair Chance Fund's 3, 6, 12, 18 months);
* ``rough_sleeping_reduced``: fewer nights seen sleeping rough in the first 12 months of support than
  in the 12 months before (and at least one before);
* ``treatment_engagement``: a drug and alcohol treatment start during support followed by at least
  four treatment contacts within 12 weeks.

Payments are the tariff times a weight from the person's baseline NDT total (so that taking on people
with higher need is paid more, a guard against cherry-picking), limited by a cap per person across
all their claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HOUSING_BREAKS = frozenset({"rough_sleeping_contact", "hostel_night", "eviction", "homelessness_application"})
DAYS_PER_MONTH = Decimal("30.4375")
# The only event types any evidence rule reads; callers may load just these.
EVIDENCE_EVENT_TYPES = HOUSING_BREAKS | {"dat_treatment_start", "dat_contact"}

ACCOMMODATION = "accommodation_sustained"
ROUGH_SLEEPING = "rough_sleeping_reduced"
TREATMENT = "treatment_engagement"
EVIDENCE_KINDS = {
    ACCOMMODATION: "Accommodation sustained for a number of months",
    ROUGH_SLEEPING: "Nights sleeping rough reduced in the first year",
    TREATMENT: "Engaged with drug and alcohol treatment",
}


@dataclass(frozen=True)
class Evidence:
    met: bool
    achieved_on: dt.date | None
    summary: str


def _months_days(months: int) -> int:
    return int((DAYS_PER_MONTH * months).to_integral_value(ROUND_HALF_UP))


def evidence_for(
    kind: str,
    *,
    events: Iterable[tuple[str, dt.date]],
    support_start: dt.date,
    as_of: dt.date,
    months: int = 0,
) -> Evidence:
    events = sorted((e for e in events if e[0] in EVIDENCE_EVENT_TYPES), key=lambda e: e[1])
    if kind == ACCOMMODATION:
        if months < 1:
            raise ValueError("Accommodation sustained needs a number of months.")
        need = _months_days(months)
        year_before = support_start - dt.timedelta(days=365)
        if not any(e in HOUSING_BREAKS and on >= year_before for e, on in events):
            return Evidence(
                False, None, "No homelessness recorded in the year before or since support started: nothing to sustain."
            )
        run_from = support_start
        for event_type, on in events:
            if event_type not in HOUSING_BREAKS or on < support_start:
                continue
            if (on - run_from).days >= need:
                break
            run_from = on + dt.timedelta(days=1)
        achieved = run_from + dt.timedelta(days=need)
        if achieved <= as_of + dt.timedelta(days=1) and not any(
            e in HOUSING_BREAKS and run_from <= on < achieved for e, on in events
        ):
            return Evidence(
                True,
                achieved - dt.timedelta(days=1),
                f"No rough sleeping, hostel night, eviction or homelessness application recorded from "
                f"{run_from:%d %b %Y} to {achieved - dt.timedelta(days=1):%d %b %Y} ({need} days).",
            )
        return Evidence(False, None, f"No run of {need} days without a housing break since support started.")
    if kind == ROUGH_SLEEPING:
        year = dt.timedelta(days=365)
        end = support_start + year
        before = sum(
            1 for e, on in events if e == "rough_sleeping_contact" and support_start - year <= on < support_start
        )
        during = sum(1 for e, on in events if e == "rough_sleeping_contact" and support_start <= on < end)
        if end > as_of + dt.timedelta(days=1):
            return Evidence(False, None, f"The first year of support ends on {end:%d %b %Y}; not yet complete.")
        met = before > 0 and during < before
        return Evidence(
            met,
            end - dt.timedelta(days=1) if met else None,
            f"Nights seen sleeping rough: {before} in the 12 months before support, {during} in the first 12 months.",
        )
    if kind == TREATMENT:
        starts = [on for e, on in events if e == "dat_treatment_start" and on >= support_start]
        for start in starts:
            window_end = start + dt.timedelta(weeks=12)
            contacts = [on for e, on in events if e == "dat_contact" and start <= on < window_end and on <= as_of]
            if len(contacts) >= 4:
                return Evidence(
                    True,
                    contacts[3],
                    f"Treatment started {start:%d %b %Y}; {len(contacts)} contacts in the next 12 weeks (4 needed).",
                )
        return Evidence(False, None, "No treatment start during support followed by 4 contacts within 12 weeks.")
    raise ValueError(f"Unknown evidence rule {kind!r}.")


def ndt_weight(
    baseline: int | None, *, reference: int, floor: Decimal = Decimal("0.5"), ceiling: Decimal = Decimal("1.5")
) -> Decimal:
    """Baseline NDT total ÷ reference, kept between floor and ceiling; 1 when there is no baseline."""
    if baseline is None:
        return Decimal(1)
    if not 0 <= baseline <= 48:
        raise ValueError("An NDT total is between 0 and 48.")
    if reference <= 0:
        raise ValueError("The reference NDT total must be above zero.")
    return max(floor, min(ceiling, Decimal(baseline) / Decimal(reference)))


@dataclass(frozen=True)
class Payable:
    tariff: Decimal
    weight: Decimal
    weighted: Decimal
    already_paid: Decimal
    cap: Decimal
    amount: Decimal

    @property
    def capped(self) -> bool:
        return self.amount < self.weighted

    @property
    def derivation(self) -> str:
        text = f"£{self.tariff:,.2f} × NDT weight {self.weight:.2f} = £{self.weighted:,.2f}"
        if self.capped:
            text += (
                f"; limited to £{self.amount:,.2f} by the cap of £{self.cap:,.2f} per person"
                f" (£{self.already_paid:,.2f} already claimed)"
            )
        return text


def payable(*, tariff: Decimal, weight: Decimal, cap: Decimal, already_paid: Sequence[Decimal] = ()) -> Payable:
    if tariff < 0 or cap < 0:
        raise ValueError("A tariff and a cap cannot be negative.")
    paid = sum(already_paid, Decimal(0))
    weighted = tariff * weight
    amount = max(Decimal(0), min(weighted, cap - paid))
    return Payable(tariff, weight, weighted, paid, cap, amount)


@dataclass(frozen=True)
class ReferralGap:
    """Referred people never worked with: how many, why (referral status) and their need."""

    referred: int
    not_worked_with: int
    by_status: dict[str, int]
    mean_ndt_worked_with: float | None
    mean_ndt_not_worked_with: float | None


def referral_gap(*, referrals: dict[int, str], supported: set[int], baseline_ndt: dict[int, int]) -> ReferralGap:
    """``referrals``: person -> status of their latest referral; ``supported``: people with support."""
    left = {p: status for p, status in referrals.items() if p not in supported}
    by_status: dict[str, int] = {}
    for status in left.values():
        by_status[status] = by_status.get(status, 0) + 1
    worked = [baseline_ndt[p] for p in referrals if p in supported and p in baseline_ndt]
    not_worked = [baseline_ndt[p] for p in left if p in baseline_ndt]
    return ReferralGap(
        referred=len(referrals),
        not_worked_with=len(left),
        by_status=dict(sorted(by_status.items())),
        mean_ndt_worked_with=sum(worked) / len(worked) if worked else None,
        mean_ndt_not_worked_with=sum(not_worked) / len(not_worked) if not_worked else None,
    )
