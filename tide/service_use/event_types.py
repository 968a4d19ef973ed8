"""The standard vocabulary of service events in the ledger.

Pure data, no Django: the simulator, intake formats, identification rules, outcome measures and the
finance price list all speak in these codes. Each event type belongs to one need domain and is
counted in a unit (an event, or a night/day when the event spans time and arrives one row per
night).
"""

from __future__ import annotations

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


def get(code: str) -> EventType:
    """Return the event type for ``code``; ``KeyError`` names the unknown code."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown event type {code!r}") from None
