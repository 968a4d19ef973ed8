"""Event types as data (ADR 0017): the shipped types are rows; an area adds its own without a code change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tide.areas.models import Role
from tide.core.models import AuditEvent
from tide.service_use import event_types
from tide.service_use.audit_actions import LEDGER_EVENT_TYPE_ADDED, LEDGER_EVENT_TYPE_CHANGED
from tide.service_use.models import EventType
from tide.service_use.selectors import event_types_for
from tide.service_use.services import event_type_save
from tide.testing.factories import AreaFactory
from tide.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(area):
    return make_user(area, Role.ADMINISTRATOR)


@pytest.fixture
def other_area(db):
    return AreaFactory(name="Elsewhere", code="elsewhere")


def test_the_shipped_types_are_loaded_as_rows_matching_the_code() -> None:
    rows = {t.code: t for t in EventType.objects.filter(area__isnull=True)}
    assert set(rows) == set(event_types.CODES)
    for shipped in event_types.EVENT_TYPES:
        row = rows[shipped.code]
        assert (row.label, row.domain, row.unit, row.crisis) == (
            shipped.label,
            shipped.domain.value,
            shipped.unit,
            shipped.crisis,
        )


def _add(area, admin, **changes):
    fields = {
        "area": area,
        "actor": admin,
        "code": "gp_refused_registration",
        "label": "GP refused registration",
        "domain": "health",
        "unit": "event",
        "crisis": False,
        "bearing_agency": None,
    }
    return event_type_save(**(fields | changes))


def test_an_area_adds_a_type_that_every_caller_then_knows(area, admin) -> None:
    added = _add(area, admin, crisis=True)
    known = event_types.get("gp_refused_registration")
    assert (known.label, known.domain, known.crisis, known.area_id) == (
        "GP refused registration",
        "health",
        True,
        area.pk,
    )
    assert "gp_refused_registration" in [t.code for t in event_types_for(area_id=area.pk)]
    assert AuditEvent.objects.filter(action=LEDGER_EVENT_TYPE_ADDED, target_id=str(added.pk)).exists()


def test_a_shipped_code_cannot_be_taken(area, admin) -> None:
    with pytest.raises(ValidationError) as error:
        _add(area, admin, code="arrest")
    assert "already taken" in str(error.value)
    assert event_types.get("arrest").label == "Arrest"


def test_a_unit_cost_needs_its_financial_year(area, admin) -> None:
    with pytest.raises(ValidationError):
        _add(area, admin, unit_cost=Decimal("120.00"), unit_cost_year="2024")
    assert not EventType.objects.filter(code="gp_refused_registration").exists()
    saved = _add(area, admin, unit_cost=Decimal("120.00"), unit_cost_year="2024/25")
    assert saved.unit_cost == Decimal("120.00")


def test_a_change_is_audited_and_relabels_the_type(area, admin) -> None:
    added = _add(area, admin)
    event_type_save(
        event_type=added,
        area=area,
        actor=admin,
        label="GP declined to register",
        domain="health",
        unit="event",
        crisis=False,
        bearing_agency=None,
    )
    assert event_types.get("gp_refused_registration").label == "GP declined to register"
    assert AuditEvent.objects.filter(action=LEDGER_EVENT_TYPE_CHANGED).count() == 1


def test_another_area_cannot_change_it(area, other_area, admin) -> None:
    added = _add(area, admin)
    with pytest.raises(ValidationError):
        event_type_save(
            event_type=added,
            area=other_area,
            actor=admin,
            label="X",
            domain="health",
            unit="event",
            crisis=False,
            bearing_agency=None,
        )
    assert EventType.objects.get(pk=added.pk).label == "GP refused registration"
