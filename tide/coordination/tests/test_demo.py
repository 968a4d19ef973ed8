import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tide.areas.models import Role
from tide.coordination.demo import demo_coordination_load
from tide.coordination.models import Contact, Meeting, PlanVersion, Referral, SupportEpisode
from tide.coordination.selectors import coordinator_home, meeting_agenda
from tide.testing.factories import AgencyFactory, PersonFactory, UserFactory


def test_demo_fills_in_open_episodes_through_the_services(area, agency, coordinator, hostel, ae, council):
    UserFactory(area=area, agency=agency, role=Role.TEAM_MANAGER)
    AgencyFactory(area=area, name="Drugs", code="dat", sector="drug_alcohol")
    for _ in range(6):
        SupportEpisode.objects.create(person=PersonFactory(area=area), coordinator=coordinator, started_on="2026-01-05")
    for _ in range(10):
        PersonFactory(area=area)
    counts = demo_coordination_load(area=area, seed=1, say=lambda _: None)
    assert counts["episodes"] == 6
    assert PlanVersion.objects.count() == 6
    assert Contact.objects.count() == counts["contacts"] > 0
    assert Referral.objects.filter(status="pending").count() == 4
    from tide.people.models import RiskMarker

    assert counts["risk markers"] == RiskMarker.objects.filter(ended_on__isnull=True).count() == 2
    upcoming = Meeting.objects.order_by("-held_on").first()
    assert len(meeting_agenda(meeting=upcoming).new_referrals) == 4
    from django.utils import timezone

    assert coordinator_home(user=coordinator, today=timezone.localdate()).caseload == 6
    assert demo_coordination_load(area=area, say=lambda _: None) == {}  # idempotent


def test_demo_command_needs_an_area(db):
    with pytest.raises(CommandError, match="load the demo first"):
        call_command("coordination_demo", "--area", "nowhere")
