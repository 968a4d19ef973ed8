"""The area's event types page: the data lead adds and changes the area's own types; nobody else may."""

from __future__ import annotations

import pytest

from tide.areas.models import Role
from tide.service_use.models import EventType
from tide.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

GOOD = {"code": "benefit_sanction", "label": "Benefit sanction", "domain": "homelessness", "unit": "event"}


@pytest.fixture
def admin_client(client, area):
    client.force_login(make_user(area, Role.ADMINISTRATOR))
    return client


def test_the_data_lead_adds_a_type_and_sees_it_listed(admin_client):
    response = admin_client.post("/ledger/event-types/add", GOOD | {"unit_cost": "85.00", "unit_cost_year": "2024/25"})
    assert response.status_code == 302
    added = EventType.objects.get(code="benefit_sanction")
    assert added.unit_cost == 85
    assert added.area_id is not None
    page = admin_client.get("/ledger/event-types/").content.decode()
    assert "Benefit sanction" in page
    assert "£85.00 (2024/25)" in page


def test_bad_input_is_named_and_nothing_is_saved(admin_client):
    response = admin_client.post("/ledger/event-types/add", GOOD | {"code": "arrest", "unit_cost": "85"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the financial year of the unit cost" in page
    assert not EventType.objects.filter(area__isnull=False).exists()
    response = admin_client.post("/ledger/event-types/add", GOOD | {"code": "arrest"})
    assert "already taken" in response.content.decode()
    assert EventType.objects.get(code="arrest").area_id is None


def test_a_shipped_type_cannot_be_opened_for_change(admin_client):
    assert admin_client.get("/ledger/event-types/arrest/edit").status_code == 404


def test_a_change_keeps_the_code(admin_client):
    admin_client.post("/ledger/event-types/add", GOOD)
    admin_client.post("/ledger/event-types/benefit_sanction/edit", GOOD | {"label": "DWP benefit sanction"})
    assert EventType.objects.get(code="benefit_sanction").label == "DWP benefit sanction"


def test_a_coordinator_cannot_reach_it(coordinator_client):
    assert coordinator_client.get("/ledger/event-types/").status_code == 403
    assert coordinator_client.post("/ledger/event-types/add", GOOD).status_code == 403
    assert not EventType.objects.filter(code="benefit_sanction").exists()
