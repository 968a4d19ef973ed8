"""Need-to-know in coordination, run strict: a referral, an action or a request does not open a record
to whoever touches it (issue 18, findings 2 and 4)."""

import datetime as dt

import pytest
from django.urls import reverse

from tide.areas.models import Role
from tide.coordination import services
from tide.coordination.models import (
    InvolvementStatus,
    Referral,
    ReferralStatus,
    ServiceInvolvement,
    ServiceKind,
    SharingBasis,
)
from tide.core.relationships import relationship_of
from tide.testing.factories import PersonFactory, UserFactory


@pytest.fixture(autouse=True)
def _strict_need_to_know(settings):
    settings.TIDE_NEED_TO_KNOW = "strict"


@pytest.fixture
def stranger(area):
    """Someone the practitioner has never worked with, not on any caseload."""
    return PersonFactory(area=area, given_name="Rowan", family_name="Fictional")


def _referral_data(agency, **extra):
    return {
        "referrer_kind": "agency",
        "from_agency": agency.pk,
        "offer": "We will keep seeing them at the front door.",
        "reasons": "Rough sleeping and repeat attendances.",
        "sharing_basis": SharingBasis.CONSENT,
        **extra,
    }


# --- Finding 2: a referral does not grant access to the record ------------------------------------------


def test_a_referral_does_not_open_the_record_to_the_referrer(client, practitioner, ae, stranger):
    client.force_login(practitioner)
    assert client.get(reverse("people:detail", args=[stranger.pk])).status_code == 403
    response = client.post(reverse("coordination:refer", args=[stranger.pk]), _referral_data(ae))
    assert response.status_code == 302
    assert Referral.objects.filter(person=stranger, from_agency=ae).exists()
    assert response["Location"] != reverse("coordination:person", args=[stranger.pk])
    for name in ("people:detail", "coordination:person", "identification:person", "outcomes:person"):
        assert client.get(reverse(name, args=[stranger.pk])).status_code == 403, name
    assert relationship_of(practitioner, stranger) is None


def test_the_referrer_sees_the_status_and_decision_of_its_referral_not_the_record(
    client, practitioner, coordinator, ae, stranger, meeting
):
    client.force_login(practitioner)
    response = client.post(reverse("coordination:refer", args=[stranger.pk]), _referral_data(ae), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rowan Fictional" in page
    assert "Waiting for the group" in page
    referral = Referral.objects.get(person=stranger)
    services.referral_decide(
        referral=referral, meeting=meeting, accept=False, reason="Another service fits better.", actor=coordinator
    )
    page = client.get(reverse("coordination:requests")).content.decode()
    assert "Not accepted" in page
    assert "Another service fits better." in page
    born = stranger.date_of_birth
    assert f"{born.day} {born:%b %Y}" not in page
    assert client.get(reverse("coordination:person", args=[stranger.pk])).status_code == 403


def test_consent_claimed_on_a_referral_alone_does_not_open_the_record(area, hostel, coordinator, stranger):
    """An agency with a service request on file but no sharing agreement cannot let itself in by
    referring and ticking 'the person consents': consent counts once the group has accepted it."""
    worker = UserFactory(area=area, agency=hostel, role=Role.PRACTITIONER)
    ServiceInvolvement.objects.create(
        person=stranger,
        agency=hostel,
        service=ServiceKind.HOSTEL,
        status=InvolvementStatus.REQUESTED,
        requested_on=dt.date(2026, 1, 5),
    )
    assert relationship_of(worker, stranger) is None
    services.referral_create(
        person=stranger,
        referrer_kind="agency",
        from_agency=hostel,
        offer="A bed when one is free.",
        reasons="Sleeping rough.",
        sharing_basis=SharingBasis.CONSENT,
        actor=worker,
    )
    assert relationship_of(worker, stranger) is None


def test_an_accepted_referral_makes_the_referrer_an_involved_agency(practitioner, referral, meeting, coordinator):
    assert relationship_of(practitioner, referral.person) is None
    services.referral_decide(referral=referral, meeting=meeting, accept=True, reason="Meets 2+.", actor=coordinator)
    assert referral.__class__.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED
    assert relationship_of(practitioner, referral.person).startswith("agency involved with consent")
