"""Parameters of the synthetic area, with documented defaults (sources in docs/simulation.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

AGENCIES: tuple[str, ...] = (
    "police",
    "probation",
    "prison",
    "acute",
    "ambulance",
    "mental_health",
    "dat",
    "outreach",
    "housing",
    "da_service",
)

# event type -> agency that records it
EVENT_AGENCY: dict[str, str] = {
    "arrest": "police",
    "custody_night": "police",
    "court_appearance": "probation",
    "conviction": "probation",
    "probation_start": "probation",
    "prison_reception": "prison",
    "prison_night": "prison",
    "prison_release": "prison",
    "ae_attendance": "acute",
    "emergency_admission": "acute",
    "ambulance_callout": "ambulance",
    "mh_inpatient_day": "mental_health",
    "mh_community_contact": "mental_health",
    "mh_crisis_contact": "mental_health",
    "dat_treatment_start": "dat",
    "dat_contact": "dat",
    "rough_sleeping_contact": "outreach",
    "hostel_night": "housing",
    "eviction": "housing",
    "homelessness_application": "housing",
    "da_incident": "da_service",
}

DOMAINS: tuple[str, ...] = ("homelessness", "substance", "mental_health", "offending", "domestic_abuse")


def _rates() -> dict[str, float]:
    # Mean events per person per quarter for the MD cohort before support, among people with the
    # need domain of the event (health events: everyone). See docs/simulation.md for reasoning.
    return {
        "ae_attendance": 1.2,
        "emergency_admission": 0.35,
        "ambulance_callout": 0.7,
        "arrest": 0.8,
        "court_appearance": 0.4,
        "probation_start": 0.06,
        "prison_reception": 0.08,
        "mh_community_contact": 1.5,
        "mh_crisis_contact": 0.3,
        "mh_admission": 0.04,
        "dat_treatment_start": 0.1,
        "dat_contact": 3.0,
        "eviction": 0.05,
        "homelessness_application": 0.12,
        "da_incident": 0.35,
    }


def _effects() -> dict[str, float]:
    # Cohort-average rate multiplier reached after ~2 years (8 quarters) of coordinated support.
    return {
        "rough_sleeping": 0.05 / 0.46,  # MEAM Approach Y5: 46% -> 5% after eight quarters
        "ae_attendance": 0.63,  # MEAM Approach Y5: A&E 1.2 -> 0.8 per person per quarter (-37%)
        "emergency_admission": 0.51,  # MEAM Approach Y4: emergency hospital days -49%
        "ambulance_callout": 0.70,
        "arrest": 0.75,
        "court_appearance": 0.8,
        "prison_reception": 0.8,
        "mh_crisis_contact": 0.7,
        "mh_admission": 0.8,
        "mh_community_contact": 1.2,
        "dat_contact": 1.3,
        "dat_treatment_start": 1.5,
        "eviction": 0.5,
        "homelessness_application": 1.0,
        "da_incident": 0.8,
        "hostel": 1.0,
        "probation_start": 1.0,
    }


def _noise() -> dict[str, float]:
    return {
        "typo": 0.04,  # per record, per name field
        "dob_transposed": 0.02,  # day and month swapped (when day <= 12)
        "dob_typo": 0.01,  # one digit of the DOB wrong
        "dob_placeholder": 0.005,  # 1900-01-01
        "nickname": 0.10,  # given name recorded as a known-as name (outreach: x4)
        "surname_change": 0.03,  # recorded under another surname (marriage, alias)
        "missing": 0.03,  # each optional identity field blank
        "nhs_missing": 0.10,  # NHS number absent at A&E
        "duplicate_record": 0.08,  # person has a second record at the same agency
        "dat_initials_only": 0.30,  # DAT records with initials + DOB only
        "outreach_no_surname": 0.60,  # at the first contact; divided by the number of contacts
        "outreach_no_dob": 0.70,  # estimated age / birth year instead of DOB; likewise
    }


@dataclass
class SimConfig:
    """All parameters of a synthetic area. Defaults are the ``demo`` preset."""

    seed: int = 42
    n_people: int = 4000  # adults known to at least one service in the period
    md_share: float = 0.10  # share of them facing multiple disadvantage (the MD cohort)
    period_end: dt.date = dt.date(2026, 9, 30)
    n_quarters: int = 12  # 3 years of quarters ending period_end
    chunk_size: int = 20_000  # people per generation chunk (fixes the random streams)
    # Hard Edges (2015): England per year 364k / 164k / 58k in one / two / three of H, S, CJ.
    hard_edges_counts: tuple[float, float, float] = (364_000, 164_000, 58_000)
    smd0_share: float = 0.20  # non-MD people in contact only with MH / DA services (assumption)
    # Changing Futures cohort, ever experienced (MD cohort prevalence by domain).
    cf_homelessness: float = 0.95
    cf_mental_health: float = 0.99
    cf_substance: float = 0.95
    cf_offending: float = 0.88
    cf_da_female: float = 0.93
    cf_da_male: float = 0.46
    female_share_md: float = 0.30
    female_share_other: float = 0.40
    nonmd_mh_rate: float = 0.35
    nonmd_da_rate_female: float = 0.25
    nonmd_da_rate_male: float = 0.05
    rates: dict[str, float] = field(default_factory=_rates)
    nonmd_rate_factor: float = 0.25  # non-MD rates relative to MD rates
    health_nonmd_factor: float = 0.25
    frailty_shape: float = 0.6  # gamma shape of per-person rate heterogeneity (NB dispersion)
    rough_sleeping_start: float = 0.46  # MEAM Y5: share rough sleeping at the start
    rough_sleeping_nonmd: float = 0.10
    rough_sleeping_persistence: float = 0.7
    hostel_quarter_prob: float = 0.35  # MD, homeless, not rough sleeping: a hostel stay this quarter
    hostel_quarter_prob_nonmd: float = 0.05
    prison_stay_median_nights: float = 45.0
    mh_stay_median_days: float = 21.0
    support_share: float = 0.70  # share of the MD cohort who get coordinated support
    support_window: tuple[float, float] = (0.25, 0.75)  # support starts spread over the middle
    effects: dict[str, float] = field(default_factory=_effects)
    no_effect: bool = False
    effect_tau_quarters: float = 1.6  # exponential approach: 46% -> 8% at 4q -> 5% at 8q
    worse_share: float = 0.15  # supported people whose use rises instead
    worse_factor: float = 1.25
    no_response_share: float = 0.15
    death_share_md: float = 0.05  # Fulfilling Lives: about 1 in 20 died
    death_share_other: float = 0.01
    exit_share: float = 0.45  # supported people who exit before the period ends
    exit_reasons: dict[str, float] = field(
        default_factory=lambda: {
            "moved_on_support": 0.22,
            "no_longer_needs": 0.15,
            "disengaged": 0.25,
            "prison": 0.10,
            "hospital": 0.03,
            "moved_out": 0.10,
            "excluded": 0.05,
            "other": 0.10,
        }
    )
    noise: dict[str, float] = field(default_factory=_noise)

    @property
    def period_start(self) -> dt.date:
        end = self.period_end + dt.timedelta(days=1)
        months = end.year * 12 + end.month - 1 - 3 * self.n_quarters
        return dt.date(months // 12, months % 12 + 1, 1)

    def effect(self, name: str) -> float:
        return 1.0 if self.no_effect else float(self.effects.get(name, 1.0))

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["period_end"] = self.period_end.isoformat()
        d["period_start"] = self.period_start.isoformat()
        return d

    @classmethod
    def preset(cls, name: str, seed: int = 42, **overrides: Any) -> SimConfig:
        """``tiny`` (~300 people), ``demo`` (4,000), ``bench100k`` / ``bench1m`` (agency records)."""
        sizes = {"tiny": 300, "demo": 4000, "bench100k": 27_500, "bench1m": 275_000}
        if name not in sizes:
            raise ValueError(f"unknown preset {name!r}; choose from {sorted(sizes)}")
        return cls(seed=seed, n_people=sizes[name], **overrides)


PRESETS: tuple[str, ...] = ("tiny", "demo", "bench100k", "bench1m")
