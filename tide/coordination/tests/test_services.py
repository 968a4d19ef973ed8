import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from tide.areas.models import Role
from tide.coordination import services
from tide.coordination.models import (
    Action,
    AssessmentOutcome,
    ContactKind,
    DeathReview,
    DeclineReason,
    Escalation,
    ExitDestination,
    InvolvementStatus,
    MeetingKind,
    PlanVersion,
    Referral,
    ReferralStatus,
    ReferrerKind,
    SafeguardingConcern,
    ServiceInvolvement,
    ServiceKind,
    SharingBasis,
    SupportEpisode,
)
from tide.core.models import AuditEvent
from tide.testing.factories import PersonFactory, UserFactory


@pytest.fixture
def coordinating(person, coordinator):
    """The coordinator coordinates the person, so may see them and update what is asked for them."""
    return SupportEpisode.objects.create(person=person, coordinator=coordinator, started_on=dt.date(2026, 1, 5))


def _agency_referral(person, agency, actor, offer=""):
    return services.referral_create(
        person=person,
        referrer_kind=ReferrerKind.AGENCY,
        from_agency=agency,
        offer=offer,
        reasons="Repeated A&E attendances.",
        sharing_basis=SharingBasis.CONSENT,
        actor=actor,
    )


# --- Referrals ---


def test_agency_referral_without_an_offer_is_refused_and_writes_nothing(person, ae, practitioner):
    with pytest.raises(ValidationError) as exc:
        _agency_referral(person, ae, practitioner, offer="   ")
    assert "offer" in exc.value.message_dict
    assert Referral.objects.count() == 0
    assert not AuditEvent.objects.filter(action="referral.created").exists()


def test_agency_referral_with_an_offer_is_recorded_and_audited(referral):
    assert referral.status == ReferralStatus.PENDING
    assert referral.strengths.startswith("Good sense")
    assert AuditEvent.objects.filter(action="referral.created", person_id=referral.person_id).count() == 1


def test_database_refuses_an_agency_referral_without_an_offer(person, ae):
    with pytest.raises(IntegrityError):
        Referral.objects.create(
            person=person,
            referrer_kind="agency",
            from_agency=ae,
            offer="",
            reasons="x",
            sharing_basis="consent",
            received_on=dt.date(2026, 1, 1),
        )


def test_self_referral_needs_no_offer(person, coordinator):
    referral = services.referral_create(
        person=person,
        referrer_kind=ReferrerKind.SELF,
        reasons="I keep getting moved on.",
        sharing_basis=SharingBasis.CONSENT,
        actor=coordinator,
    )
    assert referral.offer == ""
    assert referral.referrer_label == "The person themself"


def test_second_pending_referral_is_refused(referral, ae, practitioner):
    with pytest.raises(ValidationError, match="already has a referral"):
        _agency_referral(referral.person, ae, practitioner, offer="More of the same")


# --- Caseload decided by the group ---


def test_group_accepts_referral_at_a_meeting_starting_support(episode, referral, meeting):
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.decided_at == meeting
    assert episode.started_on == meeting.held_on
    assert episode.agreed_at == meeting
    assert episode.coordinator is None


def test_decision_needs_a_reason(referral, meeting, coordinator):
    with pytest.raises(ValidationError):
        services.referral_decide(referral=referral, meeting=meeting, accept=True, reason=" ", actor=coordinator)
    assert not SupportEpisode.objects.exists()


def test_strategic_board_cannot_agree_the_caseload(referral, area, coordinator):
    board = services.meeting_create(
        area=area, held_on=dt.date(2026, 11, 3), kind=MeetingKind.STRATEGIC, actor=coordinator
    )
    with pytest.raises(ValidationError, match="operational"):
        services.referral_decide(referral=referral, meeting=board, accept=True, reason="ok", actor=coordinator)


def test_not_accepted_referral_starts_no_support(referral, meeting, coordinator):
    services.referral_decide(
        referral=referral, meeting=meeting, accept=False, reason="Needs met by hostel team.", actor=coordinator
    )
    assert not SupportEpisode.objects.exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NOT_ACCEPTED


# --- Coordinator and caseload limit ---


def _fill_caseload(area, coordinator, meeting, n):
    for _ in range(n):
        person = PersonFactory(area=area)
        episode = SupportEpisode.objects.create(person=person, started_on=meeting.held_on)
        services.coordinator_allocate(episode=episode, coordinator=coordinator, on=meeting.held_on, actor=None)


def test_allocation_warns_at_the_caseload_limit(area, coordinator, meeting, episode):
    area.caseload_limit = 3
    area.save()
    _fill_caseload(area, coordinator, meeting, 2)
    result = services.coordinator_allocate(episode=episode, coordinator=coordinator, on=meeting.held_on, actor=None)
    assert result.caseload == 3
    assert "the area's limit" in result.warning


def test_soft_limit_allows_going_over_with_a_warning(area, coordinator, meeting, episode):
    area.caseload_limit = 2
    area.save()
    _fill_caseload(area, coordinator, meeting, 2)
    result = services.coordinator_allocate(episode=episode, coordinator=coordinator, on=meeting.held_on, actor=None)
    assert "over the area's limit of 2" in result.warning
    episode.refresh_from_db()
    assert episode.coordinator == coordinator


def test_hard_limit_refuses_the_allocation(area, coordinator, meeting, episode):
    area.caseload_limit = 2
    area.caseload_limit_is_hard = True
    area.save()
    _fill_caseload(area, coordinator, meeting, 2)
    with pytest.raises(ValidationError, match="limit of 2"):
        services.coordinator_allocate(episode=episode, coordinator=coordinator, on=meeting.held_on, actor=None)
    episode.refresh_from_db()
    assert episode.coordinator is None


def test_handover_keeps_history(area, agency, coordinator, episode, meeting):
    charles = UserFactory(area=area, agency=agency, role=Role.COORDINATOR, first_name="Charles")
    services.coordinator_allocate(episode=episode, coordinator=coordinator, on=meeting.held_on, actor=None)
    services.coordinator_allocate(
        episode=episode,
        coordinator=charles,
        on=meeting.held_on + dt.timedelta(days=30),
        handover_note="Lucy moved to the hospital ward.",
        actor=None,
    )
    history = list(episode.allocations.order_by("started_on"))
    assert [a.coordinator for a in history] == [coordinator, charles]
    assert history[0].ended_on == history[1].started_on
    assert history[1].ended_on is None


def test_only_a_coordinator_can_be_allocated(episode, practitioner):
    with pytest.raises(ValidationError):
        services.coordinator_allocate(episode=episode, coordinator=practitioner, actor=None)


# --- Contacts and plan ---


def test_contact_needs_only_a_kind(person, coordinator, coordinating):
    contact = services.contact_record(person=person, kind=ContactKind.VISIT, actor=coordinator)
    assert contact.occurred_on == timezone.localdate()


def test_contact_in_the_future_is_refused(person, coordinator, coordinating):
    with pytest.raises(ValidationError):
        services.contact_record(
            person=person,
            kind=ContactKind.CALL,
            occurred_on=timezone.localdate() + dt.timedelta(days=1),
            actor=coordinator,
        )


def test_plan_versions_are_kept_and_words_kept_verbatim(person, coordinator, coordinating):
    review = timezone.localdate() + dt.timedelta(days=90)
    words = "  I just want somewhere to put my stuff down, yeah?  "
    v1 = services.plan_version_create(
        person=person,
        in_their_words=words,
        goals=[services.GoalInput("housing", "Own flat")],
        review_due_on=review,
        agreed_with_person=True,
        actor=coordinator,
    )
    v2 = services.plan_version_create(
        person=person,
        in_their_words="Stay off the gear.",
        goals=[services.GoalInput("substances", "Script")],
        review_due_on=review,
        agreed_with_person=True,
        actor=coordinator,
    )
    assert (v1.number, v2.number) == (1, 2)
    assert PlanVersion.objects.get(pk=v1.pk).in_their_words == words
    assert [g.goal for g in PlanVersion.objects.get(pk=v1.pk).goals.all()] == ["Own flat"]


def test_plan_without_goals_is_refused(person, coordinator, coordinating):
    with pytest.raises(ValidationError):
        services.plan_version_create(
            person=person,
            in_their_words="x",
            goals=[],
            review_due_on=timezone.localdate() + dt.timedelta(days=9),
            agreed_with_person=False,
            actor=coordinator,
        )


# --- Services and declines ---


def test_decline_needs_a_coded_reason(person, hostel, coordinator, coordinating):
    row = services.service_request(person=person, agency=hostel, service=ServiceKind.HOSTEL, actor=coordinator)
    with pytest.raises(ValidationError):
        services.service_update(involvement=row, status=InvolvementStatus.DECLINED, actor=coordinator)
    row.refresh_from_db()
    assert row.status == InvolvementStatus.REQUESTED
    services.service_update(
        involvement=row, status=InvolvementStatus.DECLINED, decline_reason=DeclineReason.BEHAVIOUR, actor=coordinator
    )
    row.refresh_from_db()
    assert row.status == InvolvementStatus.DECLINED
    assert row.declined_on == timezone.localdate()


def test_days_pending_clock_runs_until_the_service_answers(person, hostel, coordinator, coordinating):
    today = timezone.localdate()
    row = services.service_request(
        person=person,
        agency=hostel,
        service=ServiceKind.HOSTEL,
        requested_on=today - dt.timedelta(days=9),
        actor=coordinator,
    )
    assert row.days_pending(today) == 9
    services.service_update(involvement=row, status=InvolvementStatus.OFFERED, actor=coordinator)
    row.refresh_from_db()
    assert row.days_pending(today) is None
    assert row.days_to_answer == 9


def test_ended_service_cannot_be_declined(person, hostel, coordinator, coordinating):
    row = services.service_request(person=person, agency=hostel, service=ServiceKind.HOSTEL, actor=coordinator)
    services.service_update(involvement=row, status=InvolvementStatus.INVOLVED, actor=coordinator)
    services.service_update(involvement=row, status=InvolvementStatus.ENDED, actor=coordinator)
    with pytest.raises(ValidationError):
        services.service_update(
            involvement=row, status=InvolvementStatus.DECLINED, decline_reason=DeclineReason.OTHER, actor=coordinator
        )


def test_database_refuses_a_decline_without_reason(person, hostel):
    with pytest.raises(IntegrityError):
        ServiceInvolvement.objects.create(
            person=person, agency=hostel, service="hostel", status="declined", requested_on=dt.date(2026, 1, 1)
        )


# --- Safeguarding and s.9 ---


@pytest.mark.parametrize(
    "missing", ["has_care_and_support_needs", "experiencing_or_at_risk_of_abuse", "unable_to_protect_self"]
)
def test_s42_concern_needs_all_three_conditions(person, council, coordinator, missing, coordinating):
    flags = dict.fromkeys(services.S42_CONDITIONS, True)
    flags[missing] = False
    with pytest.raises(ValidationError) as exc:
        services.safeguarding_raise(
            person=person, to_agency=council, concern="Financial abuse by a 'friend'.", actor=coordinator, **flags
        )
    assert list(exc.value.message_dict) == [missing]
    assert not SafeguardingConcern.objects.exists()


def test_s42_concern_with_all_three_conditions_is_raised(person, council, coordinator, coordinating):
    row = services.safeguarding_raise(
        person=person,
        to_agency=council,
        concern="Cuckooing.",
        actor=coordinator,
        **dict.fromkeys(services.S42_CONDITIONS, True),
    )
    assert row.pk


def test_s9_outcome_follows_the_eligibility_rule(person, council, coordinator, coordinating):
    request = services.needs_assessment_request(person=person, to_agency=council, actor=coordinator)
    services.needs_assessment_outcome(
        request=request,
        outcomes_not_achieved=["nutrition", "habitable_home"],
        significant_impact=True,
        assessed_on=timezone.localdate(),
        actor=coordinator,
    )
    assert request.outcome == AssessmentOutcome.ELIGIBLE
    other = services.needs_assessment_request(person=person, to_agency=council, actor=coordinator)
    services.needs_assessment_outcome(
        request=other,
        outcomes_not_achieved=["nutrition"],
        significant_impact=True,
        assessed_on=timezone.localdate(),
        actor=coordinator,
    )
    assert other.outcome == AssessmentOutcome.NOT_ELIGIBLE


def test_s9_unknown_outcome_is_refused(person, council, coordinator, coordinating):
    request = services.needs_assessment_request(person=person, to_agency=council, actor=coordinator)
    with pytest.raises(ValidationError):
        services.needs_assessment_outcome(
            request=request,
            outcomes_not_achieved=["flying"],
            significant_impact=True,
            assessed_on=timezone.localdate(),
            actor=coordinator,
        )


# --- Escalation ---


def test_overdue_action_escalates_to_manager_then_accountable_officer(area, agency, coordinator, officer):
    manager = UserFactory(area=area, agency=agency, role=Role.TEAM_MANAGER, first_name="Mina")
    coordinator.manager = manager
    coordinator.save()
    action = services.action_create(
        area=area, description="Book GP registration", owner=coordinator, due_on=dt.date(2026, 3, 1), actor=None
    )
    assert services.actions_escalate(today=dt.date(2026, 3, 1)) == []  # due today: not overdue
    first = services.actions_escalate(today=dt.date(2026, 3, 2))
    assert [(e.level, e.to_user) for e in first] == [(1, manager)]
    assert services.actions_escalate(today=dt.date(2026, 3, 14)) == []  # 13 days late: still with the manager
    second = services.actions_escalate(today=dt.date(2026, 3, 15))
    assert [(e.level, e.to_user) for e in second] == [(2, officer)]
    assert services.actions_escalate(today=dt.date(2026, 4, 1)) == []  # idempotent
    action.refresh_from_db()
    assert action.escalation_level == 2


def test_done_action_does_not_escalate(area, coordinator, officer):
    action = services.action_create(
        area=area, description="x", owner=coordinator, due_on=dt.date(2026, 3, 1), actor=None
    )
    services.action_complete(action=action, on=dt.date(2026, 3, 1), actor=None)
    assert services.actions_escalate(today=dt.date(2026, 5, 1)) == []


def test_late_found_action_records_both_levels(area, coordinator, officer):
    services.action_create(area=area, description="x", owner=coordinator, due_on=dt.date(2026, 3, 1), actor=None)
    made = services.actions_escalate(today=dt.date(2026, 4, 1))
    # no manager: level 1 goes to the accountable officer too
    assert [(e.level, e.to_user) for e in made] == [(1, officer), (2, officer)]


def test_escalation_command_runs_with_a_fixed_date(area, coordinator, officer):
    from django.core.management import call_command

    services.action_create(area=area, description="x", owner=coordinator, due_on=dt.date(2026, 3, 1), actor=None)
    call_command("escalate_actions", "--on", "2026-03-02")
    assert Escalation.objects.count() == 1


# --- Exits and returns ---


def test_death_prompts_a_review(episode, coordinator, officer):
    services.episode_exit(
        episode=episode, ended_on=timezone.localdate(), destination=ExitDestination.DIED, actor=coordinator
    )
    review = DeathReview.objects.get(episode=episode)
    assert review.died_on == timezone.localdate()
    assert Action.objects.filter(owner=officer, description__startswith="Review the death").exists()
    episode.person.refresh_from_db()
    assert episode.person.died_on == timezone.localdate()


def test_returning_person_keeps_their_history(episode, coordinator, ae, practitioner, area):
    services.contact_record(person=episode.person, kind=ContactKind.VISIT, actor=coordinator)
    services.episode_exit(
        episode=episode, ended_on=timezone.localdate(), destination=ExitDestination.PRISON, actor=coordinator
    )
    again = _agency_referral(episode.person, ae, practitioner, offer="Keep sharing attendances")
    meeting = services.meeting_create(area=area, held_on=timezone.localdate(), actor=coordinator)
    services.referral_decide(
        referral=again, meeting=meeting, accept=True, reason="Released; returning.", actor=coordinator
    )
    from tide.coordination.selectors import person_support

    support = person_support(person=episode.person, today=timezone.localdate())
    assert support.is_return
    assert len(support.episodes) == 2
    assert len(support.contacts) == 1


def test_handover_from_a_coordinator_named_without_an_allocation_keeps_them_in_history(
    area, agency, coordinator, episode
):
    SupportEpisode.objects.filter(pk=episode.pk).update(coordinator=coordinator)
    charles = UserFactory(area=area, agency=agency, role=Role.COORDINATOR, first_name="Charles")
    services.coordinator_allocate(episode=episode, coordinator=charles, actor=None)
    assert [a.coordinator for a in episode.allocations.order_by("started_on")] == [coordinator, charles]


def test_referring_agency_stays_involved_after_acceptance(episode, referral):
    row = ServiceInvolvement.objects.get(person=episode.person, agency=referral.from_agency)
    assert row.status == InvolvementStatus.INVOLVED
    assert referral.offer in row.detail


def test_long_unanswered_request_goes_on_the_agenda(area, person, hostel, coordinator, coordinating):
    from tide.coordination.selectors import meeting_agenda

    today = timezone.localdate()
    services.service_request(
        person=person,
        agency=hostel,
        service=ServiceKind.HOSTEL,
        requested_on=today - dt.timedelta(days=20),
        actor=coordinator,
    )
    services.service_request(person=person, agency=hostel, service=ServiceKind.GP_REGISTRATION, actor=coordinator)
    meeting = services.meeting_create(area=area, held_on=today, actor=coordinator)
    assert [s.service for s in meeting_agenda(meeting=meeting).long_waits] == [ServiceKind.HOSTEL]


def test_service_response_by_agency_counts_waits_declines_and_answer_times(
    area, person, hostel, coordinator, coordinating
):
    from tide.coordination.selectors import service_response_by_agency

    today = timezone.localdate()
    a = services.service_request(
        person=person,
        agency=hostel,
        service=ServiceKind.HOSTEL,
        requested_on=today - dt.timedelta(days=10),
        actor=coordinator,
    )
    services.service_update(
        involvement=a,
        status=InvolvementStatus.DECLINED,
        decline_reason=DeclineReason.RISK,
        on=today - dt.timedelta(days=6),
        actor=coordinator,
    )
    b = services.service_request(
        person=person,
        agency=hostel,
        service=ServiceKind.HOSTEL,
        requested_on=today - dt.timedelta(days=9),
        actor=coordinator,
    )
    services.service_update(
        involvement=b, status=InvolvementStatus.OFFERED, on=today - dt.timedelta(days=7), actor=coordinator
    )
    services.service_request(
        person=person,
        agency=hostel,
        service=ServiceKind.HOSTEL,
        requested_on=today - dt.timedelta(days=20),
        actor=coordinator,
    )
    (row,) = service_response_by_agency(area, today=today)
    assert (row.requests, row.pending, row.longest_pending_days, row.declined) == (3, 1, 20, 1)
    assert row.median_days_to_answer == 3  # answers after 4 and 2 days
    assert row.decline_share == 0.5


def test_declines_and_no_shows_feed_identification(person, hostel, coordinator, coordinating):
    from tide.coordination.selectors import declines_and_no_shows
    from tide.identification.services import _declines

    row = services.service_request(person=person, agency=hostel, service=ServiceKind.HOSTEL, actor=coordinator)
    services.service_update(
        involvement=row, status=InvolvementStatus.DECLINED, decline_reason="risk", actor=coordinator
    )
    services.contact_record(person=person, kind=ContactKind.NO_SHOW, actor=coordinator)
    services.contact_record(person=person, kind=ContactKind.VISIT, actor=coordinator)
    assert declines_and_no_shows([person.pk]) == {person.pk: 2}
    assert _declines([person.pk])[person.pk] == 2  # through the hook identification reads
