"""Finding 3 of issue 18: a meeting is for its group, not for everyone in the area."""

from __future__ import annotations

import pytest

from tide.coordination.models import Decision, Referral, ReferralStatus
from tide.testing.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def test_a_practitioner_whose_agency_is_not_at_the_meeting_cannot_read_or_decide_at_it(client, world):
    meeting, upcoming = world.objects["meeting"], world.objects["meeting_upcoming"]
    client.force_login(world.users["practitioner_unrelated"])  # the night shelter is on no attendance list
    for suffix in ("", "minutes", "minutes.csv", "minutes.docx"):
        response = client.get(f"/coordination/meetings/{meeting.pk}/{suffix}")
        assert response.status_code == 403, suffix
        assert world.people["coordinated"].family.encode() not in response.content
    referral = world.objects["referral_pending"]
    decisions = Decision.objects.count()
    response = client.post(
        f"/coordination/meetings/{upcoming.pk}/referrals/{referral.pk}/decide", {"accept": "yes", "reason": "Because."}
    )
    assert response.status_code == 403
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.PENDING
    response = client.post(f"/coordination/meetings/{meeting.pk}/decisions/new", {"text": "Decided by a stranger."})
    assert response.status_code == 403
    assert Decision.objects.count() == decisions


def test_the_groups_members_still_open_the_meeting(client, world):
    meeting = world.objects["meeting"]
    for who in ("coordinator", "manager", "practitioner_police", "accountable_officer"):
        client.force_login(world.users[who])
        assert client.get(f"/coordination/meetings/{meeting.pk}/").status_code == 200, who


def test_a_member_sees_only_the_people_they_may_see_and_a_count_of_the_others(client, world):
    from tide.coordination.models import ServiceInvolvement

    meeting = world.objects["meeting"]
    quillon = world.people["coordinated"]  # coordinated by the link service; the hospital has no relationship
    client.force_login(world.users["practitioner_acute"])  # the hospital attended
    for suffix in ("", "minutes", "minutes.csv", "minutes.docx"):
        response = client.get(f"/coordination/meetings/{meeting.pk}/{suffix}")
        assert response.status_code == 200, suffix
        assert quillon.family.encode() not in response.content, suffix
    page = client.get(f"/coordination/meetings/{meeting.pk}/").content.decode()
    assert "about people you have no working relationship with" in page
    form = client.get(f"/coordination/meetings/{meeting.pk}/actions/new").content.decode()
    assert quillon.family not in form
    declined = world.objects["declined_involvement"]
    response = client.post(f"/coordination/meetings/{meeting.pk}/declines/{declined.pk}/resolve")
    assert response.status_code == 403
    assert not ServiceInvolvement.objects.get(pk=declined.pk).decline_resolved
    client.force_login(world.users["coordinator"])  # Quillon's coordinator sees them
    assert quillon.family.encode() in client.get(f"/coordination/meetings/{meeting.pk}/").content
