"""The catalogue of outcome domains and measures a framework version can choose from. Pure data.

*Turning the Tide* (2011) asks for a jointly agreed framework around stable housing, reduced
reoffending, improved mental health, improved family relationships and progress towards recovery
from addiction; Tide adds domestic abuse, engagement with services and crisis use of emergency
services (the MEAM evaluation's quarterly service-use counts). Each measure is defined over one
source: ledger events counted per quarter (``count``), whether any such event happened in the
quarter (``any``: a proportion), NDT assessments (``ndt``) or a recorded status (``status``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tide.service_use import event_types


@dataclass(frozen=True)
class Domain:
    code: str
    label: str


DOMAINS: tuple[Domain, ...] = (
    Domain("housing", "Stable housing"),
    Domain("offending", "Reduced offending"),
    Domain("mental_health", "Improved mental health"),
    Domain("family", "Improved family relationships"),
    Domain("recovery", "Progress towards recovery from addiction"),
    Domain("domestic_abuse", "Safety from domestic abuse"),
    Domain("engagement", "Engagement with services"),
    Domain("crisis", "Less crisis use of emergency services"),
)
DOMAIN_LABELS = {d.code: d.label for d in DOMAINS}


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    domain: str
    source: str  # "count", "any", "ndt" or "status"
    unit: str  # how one value reads: "per person per quarter", "% of people", "score"
    lower_is_better: bool = True
    event_types: tuple[str, ...] = field(default_factory=tuple)
    status_kind: str = ""  # for source "status": housing / treatment / family_contact
    status_good: tuple[str, ...] = field(default_factory=tuple)

    @property
    def proportion(self) -> bool:
        return self.source in {"any", "status"}


PER_Q = "per person per quarter"
SHARE = "% of people"

MEASURES: tuple[Measure, ...] = (
    Measure(
        "rough_sleeping",
        "Seen sleeping rough in the quarter",
        "housing",
        "any",
        SHARE,
        True,
        ("rough_sleeping_contact",),
    ),
    Measure(
        "rough_sleeping_nights",
        "Nights seen sleeping rough",
        "housing",
        "count",
        PER_Q,
        True,
        ("rough_sleeping_contact",),
    ),
    Measure("eviction", "Evictions", "housing", "count", PER_Q, True, ("eviction",)),
    Measure(
        "settled_accommodation",
        "In settled accommodation (recorded status)",
        "housing",
        "status",
        SHARE,
        False,
        status_kind="housing",
        status_good=("own_tenancy", "supported_housing", "with_family"),
    ),
    Measure("arrest", "Arrests", "offending", "count", PER_Q, True, ("arrest",)),
    Measure("prison_night", "Nights in prison", "offending", "count", PER_Q, True, ("prison_night",)),
    Measure(
        "mh_inpatient_day", "Mental health inpatient days", "mental_health", "count", PER_Q, True, ("mh_inpatient_day",)
    ),
    Measure(
        "mh_crisis_contact",
        "Mental health crisis contacts",
        "mental_health",
        "count",
        PER_Q,
        True,
        ("mh_crisis_contact",),
    ),
    Measure(
        "family_contact",
        "In contact with family (recorded status)",
        "family",
        "status",
        SHARE,
        False,
        status_kind="family_contact",
        status_good=("regular", "occasional"),
    ),
    Measure("dat_contact", "Drug and alcohol treatment contacts", "recovery", "count", PER_Q, False, ("dat_contact",)),
    Measure(
        "in_treatment",
        "In drug or alcohol treatment (recorded status)",
        "recovery",
        "status",
        SHARE,
        False,
        status_kind="treatment",
        status_good=("in_treatment", "completed"),
    ),
    Measure("da_incident", "Domestic abuse incidents", "domestic_abuse", "count", PER_Q, True, ("da_incident",)),
    Measure("ndt_total", "NDT assessment total (0–48)", "engagement", "ndt", "score", True),
    Measure(
        "mh_community_contact",
        "Community mental health contacts",
        "engagement",
        "count",
        PER_Q,
        False,
        ("mh_community_contact",),
    ),
    Measure("ae_attendance", "A&E attendances", "crisis", "count", PER_Q, True, ("ae_attendance",)),
    Measure("emergency_admission", "Emergency admissions", "crisis", "count", PER_Q, True, ("emergency_admission",)),
    Measure("ambulance_callout", "Ambulance call-outs", "crisis", "count", PER_Q, True, ("ambulance_callout",)),
)
BY_CODE = {m.code: m for m in MEASURES}
# Counts of crisis contacts with the emergency services (event_types.EMERGENCY_CRISIS, from the one
# definition of crisis): what a person's crisis chart adds up.
CRISIS_MEASURES: frozenset[str] = frozenset(
    m.code
    for m in MEASURES
    if m.source == "count" and m.event_types and set(m.event_types) <= event_types.EMERGENCY_CRISIS
)

# The service-use picture for one person (issue 7, "per person"): quarterly counts of these.
PERSON_SERVICE_USE = (
    "ae_attendance",
    "emergency_admission",
    "ambulance_callout",
    "arrest",
    "prison_night",
    "rough_sleeping_nights",
    "mh_inpatient_day",
    "dat_contact",
    "eviction",
)

# Recorded statuses: kind -> (label, ((value, label), ...)).
STATUS_KINDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "housing": (
        "Housing situation",
        (
            ("rough_sleeping", "Sleeping rough"),
            ("no_fixed_abode", "No fixed abode / sofa surfing"),
            ("hostel", "Hostel or emergency accommodation"),
            ("supported_housing", "Supported housing"),
            ("with_family", "Living with family or friends (settled)"),
            ("own_tenancy", "Own tenancy"),
            ("prison", "In prison"),
            ("hospital", "In hospital"),
        ),
    ),
    "treatment": (
        "Drug and alcohol treatment",
        (
            ("not_needed", "Not needed"),
            ("not_in_treatment", "Not in treatment"),
            ("in_treatment", "In treatment"),
            ("completed", "Completed treatment"),
        ),
    ),
    "family_contact": (
        "Contact with family",
        (
            ("none", "No contact"),
            ("occasional", "Occasional contact"),
            ("regular", "Regular contact"),
        ),
    ),
}


def status_label(kind: str, value: str) -> str:
    return dict(STATUS_KINDS[kind][1]).get(value, value)


DEFAULT_MEASURES: tuple[str, ...] = tuple(m.code for m in MEASURES)


def validate_measure_codes(codes: list[str] | tuple[str, ...]) -> list[str]:
    """Return the problems with a list of measure codes (empty list when it is fine)."""
    problems = [f"Unknown measure {c!r}." for c in codes if c not in BY_CODE]
    if not codes:
        problems.append("Choose at least one measure.")
    if len(set(codes)) != len(codes):
        problems.append("A measure is listed twice.")
    return problems
