from __future__ import annotations

import pytest

from tide.areas.models import Role, Sector
from tide.intake.services import formats_load_shipped
from tide.testing.factories import AgencyFactory, UserFactory


@pytest.fixture
def formats(db):
    return {f.code: f for f in formats_load_shipped(actor=None)}


@pytest.fixture
def police(area, formats):
    return AgencyFactory(area=area, code="police", name="Tideford Police", sector=Sector.POLICE)


@pytest.fixture
def acute(area, formats):
    return AgencyFactory(area=area, code="acute", name="Tideford Hospital", sector=Sector.NHS_ACUTE)


@pytest.fixture
def analyst(area, agency):
    return UserFactory(area=area, agency=agency, role=Role.ADMINISTRATOR, first_name="Ana", last_name="Lyst")


@pytest.fixture(autouse=True)
def analyst_may_see_everyone():
    """The review tests' analyst works with a relationship to the people in the extracts (ADR 0063: a
    reviewer sees a pair only when they may see both records)."""
    from tide.core import relationships

    relationships.register("test.analyst", lambda user, person: "test analyst" if user.last_name == "Lyst" else None)
    yield
    relationships._providers.pop("test.analyst", None)
