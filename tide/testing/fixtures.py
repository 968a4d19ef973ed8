"""pytest fixtures shared across rooms; loaded by the root conftest as a plugin."""

from __future__ import annotations

import pytest

from tide.areas.models import Role
from tide.testing.factories import AgencyFactory, AreaFactory, UserFactory


@pytest.fixture
def area(db):
    return AreaFactory()


@pytest.fixture
def agency(area):
    return AgencyFactory(area=area, name="Tideford Link Service", code="link")


@pytest.fixture
def coordinator(area, agency):
    return UserFactory(area=area, agency=agency, role=Role.COORDINATOR, first_name="Jane", last_name="Coordinator")


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def make_user(area, role: str, **kwargs):
    agency = kwargs.pop("agency", None) or AgencyFactory(area=area)
    return UserFactory(area=area, agency=None if role == Role.PERSON else agency, role=role, **kwargs)


@pytest.fixture(autouse=True)
def _fresh_identifier_index():
    """Public pages cache each area's identifier index (ADR 65); rows rolled back or bulk-created in
    another test must not linger in it."""
    from tide.accountability.selectors import identifier_index_clear

    identifier_index_clear()
    yield
    identifier_index_clear()


@pytest.fixture(autouse=True)
def _fresh_event_types():
    """Area event types are looked up and kept for a while (ADR 0017); a rolled-back type must not linger."""
    from tide.service_use.selectors import event_types_forget

    event_types_forget()
    yield
    event_types_forget()
