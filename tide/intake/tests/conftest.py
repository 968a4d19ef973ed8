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
