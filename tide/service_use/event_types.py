"""The standard vocabulary of service events in the ledger.

Pure data, no Django: the simulator, intake formats, identification rules, outcome measures and the
finance price list all speak in these codes. Each event type belongs to one need domain and is
counted in a unit (an event, or a night/day when the event spans time and arrives one row per
night).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Domain(StrEnum):
    HOMELESSNESS = "homelessness", "Homelessness"
    SUBSTANCE = "substance", "Substance misuse"
    MENTAL_HEALTH = "mental_health", "Mental ill health"
    OFFENDING = "offending", "Offending"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    HEALTH = "health", "Physical and emergency health"

    def __new__(cls, value: str, label: str) -> Domain:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label  # type: ignore[attr-defined]
        return obj


@dataclass(frozen=True)
class EventType:
    code: str
    label: str
    domain: Domain
    unit: str = "event"  # "event", "night" or "day"
    # Crisis use: unplanned or emergency contact with a service, which coordinated support hopes to
    # reduce. The one definition of "crisis" in Tide: the support-gap score, the outcomes crisis
    # measures and the person's crisis chart all read :data:`CRISIS`.
    crisis: bool = False
    # The area that defined the type (ADR 0017); None for the shipped types below.
    area_id: int | None = None


EVENT_TYPES: tuple[EventType, ...] = (
    EventType("arrest", "Arrest", Domain.OFFENDING, crisis=True),
    EventType("custody_night", "Night in police custody", Domain.OFFENDING, "night", crisis=True),
    EventType("court_appearance", "Court appearance", Domain.OFFENDING),
    EventType("conviction", "Conviction", Domain.OFFENDING),
    EventType("prison_reception", "Prison reception", Domain.OFFENDING),
    EventType("prison_release", "Release from prison", Domain.OFFENDING, crisis=True),
    EventType("prison_night", "Night in prison", Domain.OFFENDING, "night"),
    EventType("probation_start", "Probation supervision start", Domain.OFFENDING),
    EventType("ae_attendance", "A&E attendance", Domain.HEALTH, crisis=True),
    EventType("emergency_admission", "Emergency (non-elective) admission", Domain.HEALTH, crisis=True),
    EventType("ambulance_callout", "Ambulance call-out", Domain.HEALTH, crisis=True),
    EventType("mh_inpatient_day", "Mental health inpatient day", Domain.MENTAL_HEALTH, "day"),
    EventType("mh_community_contact", "Community mental health contact", Domain.MENTAL_HEALTH),
    EventType("mh_crisis_contact", "Mental health crisis team contact", Domain.MENTAL_HEALTH, crisis=True),
    EventType("dat_treatment_start", "Drug and alcohol treatment start", Domain.SUBSTANCE),
    EventType("dat_contact", "Drug and alcohol treatment contact", Domain.SUBSTANCE),
    EventType("rough_sleeping_contact", "Seen sleeping rough", Domain.HOMELESSNESS, "night", crisis=True),
    EventType("hostel_night", "Night in a hostel", Domain.HOMELESSNESS, "night"),
    EventType("eviction", "Eviction", Domain.HOMELESSNESS, crisis=True),
    EventType("homelessness_application", "Homelessness application", Domain.HOMELESSNESS),
    EventType("da_incident", "Domestic abuse incident", Domain.DOMESTIC_ABUSE, crisis=True),
)

BY_CODE: dict[str, EventType] = {t.code: t for t in EVENT_TYPES}
CODES: tuple[str, ...] = tuple(BY_CODE)  # the 21 codes, in this order everywhere (simulator, benches, rules)
CODE_INDEX: dict[str, int] = {code: i for i, code in enumerate(CODES)}
CRISIS: frozenset[str] = frozenset(t.code for t in EVENT_TYPES if t.crisis)
# Crisis contacts with the emergency services (A&E, admissions, ambulance, police): the crisis events,
# counted one by one, of the health and offending domains. What a person's outcomes picture charts.
EMERGENCY_CRISIS: frozenset[str] = frozenset(
    c for c in CRISIS if BY_CODE[c].domain in {Domain.HEALTH, Domain.OFFENDING} and BY_CODE[c].unit == "event"
)
CHOICES: list[tuple[str, str]] = [(t.code, t.label) for t in EVENT_TYPES]


DOMAIN_CHOICES: list[tuple[str, str]] = [(d.value, d.label) for d in Domain]  # type: ignore[attr-defined]
UNIT_CHOICES: list[tuple[str, str]] = [("event", "Each event"), ("night", "Each night"), ("day", "Each day")]

# Areas add their own event types as data (service_use.EventType, ADR 0017). The service_use room sets this
# resolver when Django starts, so every caller of get() knows an area's types without importing Django.
_resolver: Callable[[str], EventType | None] | None = None


def set_resolver(resolver: Callable[[str], EventType | None] | None) -> None:
    global _resolver
    _resolver = resolver


def get(code: str) -> EventType:
    """Return the event type for ``code`` (shipped or an area's own); ``KeyError`` names the unknown code."""
    found = BY_CODE.get(code)
    if found is None and _resolver is not None:
        found = _resolver(code)
    if found is None:
        raise KeyError(f"unknown event type {code!r}")
    return found


def is_known(code: str) -> bool:
    try:
        get(code)
    except KeyError:
        return False
    return True


def label_of(code: str) -> str:
    """The type's label, or the code itself when no type has it (never raises: for display only)."""
    try:
        return get(code).label
    except KeyError:
        return code


def is_crisis(code: str) -> bool:
    """Crisis use, for shipped and area types alike (:data:`CRISIS` holds the shipped ones)."""
    try:
        return get(code).crisis
    except KeyError:
        return False
