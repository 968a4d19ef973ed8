import datetime as dt

import pytest

from tide.areas.models import Role
from tide.people.models import IdentifierKind
from tide.people.services import PersonInput, person_create
from tide.testing.factories import AgencyFactory
from tide.testing.fixtures import make_user


@pytest.fixture
def officer(area):
    return make_user(area, Role.ACCOUNTABLE_OFFICER, first_name="Olu", last_name="Officer")


@pytest.fixture
def privacy_officer(area):
    return make_user(area, Role.PRIVACY_OFFICER, first_name="Priya", last_name="Privacy")


@pytest.fixture
def practitioner(area):
    police = AgencyFactory(area=area, name="Tideford Police", code="police", sector="police")
    return make_user(area, Role.PRACTITIONER, agency=police, first_name="Pat", last_name="Constable")


@pytest.fixture
def tina(area, coordinator):
    return person_create(
        area=area,
        data=PersonInput(
            given_name="Christina",
            family_name="Okonkwo",
            known_as="Tina",
            date_of_birth=dt.date(1984, 6, 12),
            postcode="TX1 4AB",
            identifiers=[(IdentifierKind.NHS, "9434765919", None)],
        ),
        actor=coordinator,
    )
