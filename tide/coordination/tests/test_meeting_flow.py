"""Issue 22, the meeting flow: a decision at a meeting dated ahead no longer traps the coordinator's
allocation; the chair sees the brief and is one click from naming the coordinator."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tide.coordination import services
from tide.coordination.models import (
    Allocation,
    DeclineReason,
    InvolvementStatus,
    ServiceInvolvement,
    ServiceKind,
    SupportEpisode,
)
from tide.identification.models import Definition, ListEntry
from tide.testing.factories import ndt_assessment


def _future_meeting(area, chair, days=3):
    held = timezone.localdate() + dt.timedelta(days=days)
    return services.meeting_create(area=area, held_on=held, chair=chair, actor=chair)


def _accept(client, meeting, referral, **extra):
    url = reverse("coordination:decide", args=[meeting.pk, referral.pk])
    return client.post(url, {"accept": "yes", "reason": "Meets the 2+ pattern; nobody holding.", **extra})


def test_a_decision_at_a_future_meeting_then_naming_the_coordinator_succeeds(
    coordinator_client, coordinator, referral, area
):
    meeting = _future_meeting(area, coordinator)
    assert _accept(coordinator_client, meeting, referral).status_code == 302
    episode = SupportEpisode.objects.get(person=referral.person)
    assert episode.started_on == meeting.held_on
    url = reverse("coordination:allocate", args=[referral.person_id])
    form = coordinator_client.get(url).context["form"]
    assert form.fields["on"].initial == meeting.held_on
    assert meeting.held_on.strftime("%d/%m/%Y") in form.fields["on"].help_text
    # The form as the browser sends it back: the offered date, untouched, or left blank.
    response = coordinator_client.post(url, {"coordinator": coordinator.pk, "on": ""})
    assert response.status_code == 302
    assert Allocation.objects.get(episode=episode).started_on == meeting.held_on


def test_allocation_before_support_started_is_refused_on_the_date_field_with_the_date(
    coordinator_client, coordinator, referral, area
):
    meeting = _future_meeting(area, coordinator)
    _accept(coordinator_client, meeting, referral)
    url = reverse("coordination:allocate", args=[referral.person_id])
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = coordinator_client.post(url, {"coordinator": coordinator.pk, "on": today})
    assert response.status_code == 200
    errors = response.context["form"].errors["on"]
    assert meeting.held_on.strftime("%-d") in errors[0]
    assert "when support started" in errors[0]
    assert not Allocation.objects.exists()


def test_the_chair_may_start_support_today_when_deciding_ahead_of_the_meeting(
    coordinator_client, coordinator, referral, area
):
    meeting = _future_meeting(area, coordinator)
    today = timezone.localdate()
    assert _accept(coordinator_client, meeting, referral, starts_on=today.strftime("%d/%m/%Y")).status_code == 302
    assert SupportEpisode.objects.get(person=referral.person).started_on == today
    offer = ServiceInvolvement.objects.get(person=referral.person)
    assert offer.involved_on == today


def test_support_cannot_be_chosen_to_start_before_the_referral(coordinator_client, coordinator, referral, area):
    meeting = _future_meeting(area, coordinator)
    before = (referral.received_on - dt.timedelta(days=5)).strftime("%d/%m/%Y")
    response = _accept(coordinator_client, meeting, referral, starts_on=before)
    assert response.status_code == 200
    assert "before the referral was received" in response.context["form"].errors["starts_on"][0]
    assert not SupportEpisode.objects.exists()


def test_after_agreeing_the_next_step_is_one_click_to_name_a_coordinator(
    coordinator_client, coordinator, referral, area
):
    meeting = _future_meeting(area, coordinator)
    response = _accept(coordinator_client, meeting, referral)
    assert response.url == reverse("coordination:decide", args=[meeting.pk, referral.pk])
    page = coordinator_client.get(response.url).content.decode()
    allocate = reverse("coordination:allocate", args=[referral.person_id])
    assert f'href="{allocate}">Name a coordinator</a>' in page


def test_not_accepting_goes_back_to_the_meeting(coordinator_client, coordinator, referral, area):
    meeting = _future_meeting(area, coordinator)
    url = reverse("coordination:decide", args=[meeting.pk, referral.pk])
    response = coordinator_client.post(url, {"accept": "no", "reason": "Already well supported."})
    assert response.url == reverse("coordination:meeting", args=[meeting.pk])


def test_the_decision_page_shows_definitions_met_ndt_and_support_lacking(
    coordinator_client, coordinator, referral, area, hostel
):
    definition = Definition.objects.filter(area=area).first() or Definition.objects.create(
        area=area, code="ttt", name="Turning the Tide 2+ pattern", criteria=[]
    )
    today = timezone.localdate()
    ListEntry.objects.create(
        person=referral.person,
        area=area,
        status="active",
        status_since=today,
        first_identified_on=today,
        definitions=definition.code,
        gap_score=72.4,
        gap_detail="need 60%, 9 crisis events, 0 services engaged, 2 declines or no-shows",
    )
    ndt_assessment(person=referral.person, assessed_on=today - dt.timedelta(days=10), total=31)
    ServiceInvolvement.objects.create(
        person=referral.person,
        agency=hostel,
        service=ServiceKind.HOSTEL,
        status=InvolvementStatus.DECLINED,
        requested_on=today - dt.timedelta(days=20),
        declined_on=today - dt.timedelta(days=12),
        decline_reason=DeclineReason.BEHAVIOUR,
    )
    meeting = _future_meeting(area, coordinator)
    page = coordinator_client.get(reverse("coordination:decide", args=[meeting.pk, referral.pk])).content.decode()
    assert definition.name in page
    assert "31 out of 48" in page
    assert "72 out of 100" in page
    assert "declined by Harbour Hostel" in page
    assert "Excluded for behaviour" in page
