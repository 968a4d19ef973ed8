"""A complete NDT assessment with a given total, for tests (the items are filled to add up to it)."""

from __future__ import annotations

from tide.identification import ndt as ndt_rules
from tide.identification.models import NdtAssessment


def complete_ndt(person, assessed_on, total: int) -> NdtAssessment:
    remaining = total
    values = {}
    for item in sorted(ndt_rules.ITEMS, key=lambda i: -max(i.allowed)):  # double-weighted items first
        value = max(v for v in item.allowed if v <= remaining)
        values[item.code] = value
        remaining -= value
    assert remaining == 0, f"cannot make an NDT total of {total}"
    return NdtAssessment.objects.create(person=person, assessed_on=assessed_on, total=total, **values)
