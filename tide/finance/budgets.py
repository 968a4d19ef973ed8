"""Who bears a cost: the Unit Cost Database's two agency levels, tidied, and the budget they fall to.

Pure Python. The database spells the same agency several ways ("Local Authority", "Local authority");
:func:`bearer_label` makes one label of the two levels. :func:`funder_of` says whose budget a bearer's
cost falls to and whether that budget is national (Ministry of Justice, Home Office, Department of
Health and Social Care, DWP, HM Treasury) or local, so savings to national budgets can be shown apart
as the sum an area might ask to reinvest (justice reinvestment).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Funder:
    name: str
    national: bool


_CANONICAL = {
    "local authority": "Local Authority",
    "nhs": "NHS",
    "police": "Police",
    "criminal justice system": "Criminal Justice System",
    "probation": "Probation",
    "court": "Court",
    "prison / young offenders institute": "Prison / Young Offenders Institute",
    "dwp": "DWP",
    "hm treasury": "HM Treasury",
    "hm revenue and customs": "HM Revenue and Customs",
    "ministry of justice": "Ministry of Justice",
    "department for education": "Department for Education",
    "fire service": "Fire Service",
    "schools": "Schools",
    "multiple": "Multiple",
}

_FUNDERS = {
    "Police": Funder("Home Office (police)", True),
    "Criminal Justice System": Funder("Ministry of Justice", True),
    "Probation": Funder("Ministry of Justice", True),
    "Court": Funder("Ministry of Justice", True),
    "Prison / Young Offenders Institute": Funder("Ministry of Justice", True),
    "Ministry of Justice": Funder("Ministry of Justice", True),
    "NHS": Funder("Department of Health and Social Care (NHS)", True),
    "DWP": Funder("Department for Work and Pensions", True),
    "HM Treasury": Funder("HM Treasury", True),
    "HM Revenue and Customs": Funder("HM Treasury", True),
    "Department for Education": Funder("Department for Education", True),
    "Local Authority": Funder("Local authority", False),
    "Fire Service": Funder("Fire and rescue authority", False),
    "Schools": Funder("Schools", False),
}
UNKNOWN = Funder("Not stated", False)


def canonical_level(value: str) -> str:
    text = " ".join((value or "").split())
    return _CANONICAL.get(text.lower(), text)


def bearer_label(level_1: str, level_2: str = "") -> str:
    """One label for a bearing agency: ``"Local Authority – Housing Services"`` or ``"Police"``."""
    first, second = canonical_level(level_1), canonical_level(level_2)
    if not first:
        return "Not stated"
    return f"{first} – {second}" if second else first


@dataclass(frozen=True)
class Succession:
    predecessor: str
    successor: str
    from_date: dt.date
    source: str


# Bearing agencies that were replaced, with the date the successor took over.
SUCCESSIONS = (
    Succession(
        "NHS – Clinical Commissioning Group",
        "NHS – Integrated Care Board",
        dt.date(2022, 7, 1),
        "Health and Care Act 2022: integrated care boards replaced clinical commissioning groups on 1 July 2022",
    ),
)
_BY_PREDECESSOR = {s.predecessor: s for s in SUCCESSIONS}


def agency_on(label: str, day: dt.date) -> str:
    """The bearing agency that held ``label``'s budget on ``day`` (follows successors)."""
    seen = set()
    while label in _BY_PREDECESSOR and label not in seen:
        seen.add(label)
        succession = _BY_PREDECESSOR[label]
        if day < succession.from_date:
            break
        label = succession.successor
    return label


def current_agency(label: str) -> str:
    """The agency that bears ``label``'s costs now: the last successor in the chain."""
    return agency_on(label, dt.date.max)


def succession_of(label: str) -> Succession | None:
    """How the current agency ``label`` came to be, if it replaced another."""
    return next((s for s in SUCCESSIONS if s.successor == label), None)


def funder_of(level_1: str) -> Funder:
    return _FUNDERS.get(canonical_level(level_1), UNKNOWN)
