"""Writes in the outcomes room: framework versions and recorded statuses, each with its audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tide.areas.models import Area
from tide.core.access import NeedToKnowRefused, person_access
from tide.core.audit import audit_record
from tide.outcomes.audit_actions import OUTCOMES_FRAMEWORK_VERSION_CREATED, OUTCOMES_STATUS_RECORDED
from tide.outcomes.catalogue import STATUS_KINDS, validate_measure_codes
from tide.outcomes.models import FrameworkVersion, OutcomeStatus
from tide.people.models import Person


@transaction.atomic
def framework_version_create(
    *,
    area: Area,
    measures: Sequence[str],
    baseline_quarters: int,
    follow_up_quarters: int,
    change_summary: str,
    agreed_by: str,
    agreed_on: dt.date,
    actor: Any,
) -> FrameworkVersion:
    """Record a newly agreed version of the area's framework; earlier versions stay as they were."""
    errors: dict[str, list[str]] = {}
    problems = validate_measure_codes(list(measures))
    if problems:
        errors["measures"] = problems
    if not 1 <= baseline_quarters <= 8:
        errors["baseline_quarters"] = ["The baseline must be 1 to 8 quarters."]
    if not 1 <= follow_up_quarters <= 16:
        errors["follow_up_quarters"] = ["Report 1 to 16 quarters."]
    if not change_summary.strip():
        errors["change_summary"] = ["Say what changed and why."]
    if not agreed_by.strip():
        errors["agreed_by"] = ["Say who agreed this version."]
    if agreed_on > timezone.localdate():
        errors["agreed_on"] = ["The date it was agreed cannot be in the future."]
    if errors:
        raise ValidationError(errors)
    # Lock the area's versions so two people recording at once cannot take the same number.
    list(FrameworkVersion.objects.select_for_update().filter(area=area).values_list("pk", flat=True))
    number = (FrameworkVersion.objects.filter(area=area).aggregate(n=Max("number"))["n"] or 0) + 1
    version = FrameworkVersion(
        area=area,
        number=number,
        measures=list(measures),
        baseline_quarters=baseline_quarters,
        follow_up_quarters=follow_up_quarters,
        change_summary=change_summary.strip(),
        agreed_by=agreed_by.strip(),
        agreed_on=agreed_on,
        recorded_by=actor,
    )
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        action=OUTCOMES_FRAMEWORK_VERSION_CREATED,
        target=version,
        detail={"number": number, "measures": list(measures), "agreed_by": version.agreed_by},
    )
    return version


@transaction.atomic
def outcome_status_record(
    *, person: Person, kind: str, value: str, recorded_on: dt.date, in_their_words: str = "", actor: Any
) -> OutcomeStatus:
    """Record a person's status (housing, treatment, family contact) as it was on a date."""
    if actor is not None and not person_access(actor, person).allowed:  # every caller, not only the page
        raise NeedToKnowRefused(person.pk)
    if kind not in STATUS_KINDS:
        raise ValidationError({"kind": f"Unknown kind of status {kind!r}."})
    allowed = [v for v, _ in STATUS_KINDS[kind][1]]
    if value not in allowed:
        raise ValidationError({"value": f"Choose one of the {STATUS_KINDS[kind][0].lower()} options."})
    if recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": "The date cannot be in the future."})
    if person.died_on and recorded_on > person.died_on:
        raise ValidationError({"recorded_on": "The date is after the person died."})
    status = OutcomeStatus(
        person=person,
        kind=kind,
        value=value,
        recorded_on=recorded_on,
        in_their_words=in_their_words.strip(),
        recorded_by=actor,
    )
    status.full_clean()
    status.save()
    audit_record(
        actor=actor,
        action=OUTCOMES_STATUS_RECORDED,
        target=status,
        person_id=person.pk,
        detail={"kind": kind, "value": value},
    )
    return status
