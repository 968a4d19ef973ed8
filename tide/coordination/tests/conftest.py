import datetime as dt

import pytest

from tide.areas.models import Role, Sector
from tide.coordination import services
from tide.coordination.models import ReferrerKind, SharingBasis
from tide.testing.factories import AgencyFactory, PersonFactory, UserFactory


@pytest.fixture
def ae(area):
    return AgencyFactory(area=area, name="Tideford A&E", code="ae", sector=Sector.NHS_ACUTE)


@pytest.fixture
def hostel(area):
    return AgencyFactory(area=area, name="Harbour Hostel", code="hostel", sector=Sector.HOUSING)


@pytest.fixture
def council(area):
    return AgencyFactory(area=area, name="Tideford Adult Social Care", code="asc", sector=Sector.ADULT_SOCIAL_CARE)


@pytest.fixture
def practitioner(area, ae):
    return UserFactory(area=area, agency=ae, role=Role.PRACTITIONER, first_name="Priya", last_name="Nurse")


@pytest.fixture
def officer(area, council):
    user = UserFactory(area=area, agency=council, role=Role.ACCOUNTABLE_OFFICER, first_name="Olu", last_name="Officer")
    area.accountable_officer = user
    area.save()
    return user


@pytest.fixture
def person(area):
    return PersonFactory(area=area, given_name="Lucy", family_name="Synthetic")


@pytest.fixture
def referral(person, ae, practitioner):
    return services.referral_create(
        person=person,
        referrer_kind=ReferrerKind.AGENCY,
        from_agency=ae,
        offer="A&E liaison will keep seeing Lucy when she attends and share attendances.",
        reasons="Twelve A&E attendances in six months; sleeping rough.",
        strengths="Good sense of humour; close to her sister.",
        hopes="A flat of her own.",
        sharing_basis=SharingBasis.CONSENT,
        actor=practitioner,
    )


@pytest.fixture
def meeting(area, coordinator):
    return services.meeting_create(area=area, held_on=dt.date(2026, 11, 2), chair=coordinator, actor=coordinator)


@pytest.fixture
def episode(referral, meeting, coordinator):
    services.referral_decide(
        referral=referral, meeting=meeting, accept=True, reason="Meets the 2+ pattern.", actor=coordinator
    )
    return referral.person.support_episodes.get()
