"""An area's own event type (ADR 0017) flows from an agency's extract to a person's timeline and makes one of
the area's definitions match, with no code change."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tide.areas.models import Role, Sector
from tide.identification.models import Definition, ScreeningResult
from tide.identification.services import definition_update, screen_people
from tide.intake.services import extract_import, format_save, formats_load_shipped
from tide.intake.tests.extracts import ACUTE_ROWS, acute_csv
from tide.people.models import Person
from tide.service_use.models import ServiceEvent
from tide.service_use.selectors import timeline_entries
from tide.service_use.services import event_type_save
from tide.testing.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

GP_ROW = '"AE00000000009","RTX0000001","9434765919","Okafor","Danny",1984-06-12,"TX1 2AB","GP_REFUSED",2026-03-02'


@pytest.fixture
def admin(area, agency):
    return UserFactory(area=area, agency=agency, role=Role.ADMINISTRATOR)


@pytest.fixture
def acute(area, admin):
    formats = {f.code: f for f in formats_load_shipped(actor=None)}
    gp_type = event_type_save(
        area=area,
        actor=admin,
        code="gp_refused_registration",
        label="GP refused registration",
        domain="health",
        unit="event",
        crisis=False,
        bearing_agency=None,
    )
    spec = copy.deepcopy(formats["acute"].spec)
    next(c for c in spec["columns"] if c["name"] == "event_type")["allowed"].append("GP_REFUSED")
    spec["event_type"]["map"]["GP_REFUSED"] = gp_type.code
    format_save(spec=spec, actor=admin)
    return AgencyFactory(area=area, code="acute", name="Tideford Hospital", sector=Sector.NHS_ACUTE)


def test_a_format_cannot_map_to_a_type_nobody_defined(area, admin):
    spec = copy.deepcopy({f.code: f for f in formats_load_shipped(actor=None)}["acute"].spec)
    spec["event_type"]["map"]["BENEFIT_SANCTION"] = "benefit_sanction"
    with pytest.raises(ValidationError) as error:
        format_save(spec=spec, actor=admin)
    assert "benefit_sanction" in str(error.value)
    assert (
        "BENEFIT_SANCTION"
        not in {f.code: f for f in formats_load_shipped(actor=None)}["acute"].spec["event_type"]["map"]
    )


def test_an_area_event_type_flows_from_an_extract_to_the_timeline_and_a_definition(area, admin, acute):
    outcome = extract_import(
        agency=acute, content=acute_csv([*ACUTE_ROWS, GP_ROW]), filename="a.csv", channel="upload", actor=admin
    )
    assert outcome.accepted, outcome.problems
    event = ServiceEvent.objects.get(event_id="AE00000000009")
    assert event.event_type == "gp_refused_registration"
    danny = event.person
    assert "GP refused registration" in [e.title for e in timeline_entries(danny, admin)]

    definition = Definition.objects.get(area=area, code="hard_edges_smd")
    criteria = [
        {"code": "refused_gp", "label": "Refused by a GP", "event_types": ["gp_refused_registration"], "min_count": 1},
        {"code": "emergency", "label": "Came to A&E", "event_types": ["ae_attendance"], "min_count": 1},
    ]
    for c in criteria:
        c["window_days"] = 365
    definition_update(definition=definition, changes={"criteria": criteria, "min_criteria": 2}, actor=admin)

    grace = Person.objects.get(family_name="Nkemelu")  # A&E only: does not meet it
    screen_people(person_ids=[danny.pk, grace.pk], as_of=dt.date(2026, 6, 1))
    met = ScreeningResult.objects.get(person=danny, definition=definition)
    assert met.meets
    assert set(met.criteria_met) == {"refused_gp", "emergency"}
    assert not ScreeningResult.objects.filter(person=grace, definition=definition, meets=True).exists()
