import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import InformationSharingAgreement, Role
from tide.coordination import services
from tide.coordination.models import (
    Contact,
    ContactKind,
    InvolvementStatus,
    Referral,
    ReferralStatus,
    ServiceKind,
    SupportEpisode,
)
from tide.identification.models import Alert
from tide.testing.factories import PersonFactory, UserFactory


@pytest.fixture
def caseload(area, coordinator, meeting, hostel):
    people = []
    for i in range(5):
        person = PersonFactory(area=area)
        episode = SupportEpisode.objects.create(person=person, started_on=meeting.held_on)
        services.coordinator_allocate(episode=episode, coordinator=coordinator, on=meeting.held_on, actor=None)
        services.contact_record(person=person, kind=ContactKind.VISIT, actor=coordinator)
        services.service_request(person=person, agency=hostel, service=ServiceKind.HOSTEL, actor=coordinator)
        services.action_create(
            area=area,
            description=f"Action {i}",
            owner=coordinator,
            person=person,
            due_on=timezone.localdate() - dt.timedelta(days=i),
            actor=None,
        )
        Alert.objects.create(person=person, kind="trigger", message="Arrested twice this month")
        people.append(person)
    return people


def test_coordinator_home_lists_people_due_overdue_and_alerts(
    coordinator_client, caseload, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        response = coordinator_client.get(reverse("coordination:home"))
    assert response.status_code == 200
    home = response.context["home"]
    assert home.caseload == 5
    assert len(home.overdue) == 4
    assert len(home.due) == 1
    assert len(home.alerts) == 5
    assert b"Arrested twice this month" in response.content


def test_person_page_has_bounded_queries(coordinator_client, caseload, django_assert_max_num_queries):
    # A fixed number, whatever the person's history: 26 on PostgreSQL since the person's own comments
    # on their plan are read with it; 35 since issue 22: the risk markers (1), the attention count in the
    # navigation (1, one UNION query), and marking the new allocation and declines seen on the coordinator's
    # visit (two updates in a transaction with their audit row: 7); 36 since issue 23: what was sent about
    # the services' answers (1). PostgreSQL adds the audit chain's lock before each of the two audit rows.
    with django_assert_max_num_queries(36 + (2 if connection.vendor == "postgresql" else 0)):
        response = coordinator_client.get(reverse("coordination:person", args=[caseload[0].pk]))
    assert response.status_code == 200
    assert b"Pending 0 days" in response.content


def test_contact_in_three_fields_from_the_phone_form(coordinator_client, caseload):
    person = caseload[0]
    response = coordinator_client.post(reverse("coordination:contact-create", args=[person.pk]), {"kind": "call"})
    assert response.status_code == 302
    assert Contact.objects.filter(person=person, kind="call").count() == 1
    form = coordinator_client.get(reverse("coordination:contact-create", args=[person.pk])).context["form"]
    assert len(form.fields) <= 3


def test_referral_without_offer_shows_the_reason_and_writes_nothing(area, ae, practitioner, client, person):
    client.force_login(practitioner)
    response = client.post(
        reverse("coordination:refer", args=[person.pk]) + f"?born={person.date_of_birth.isoformat()}",
        {
            "referrer_kind": "agency",
            "from_agency": ae.pk,
            "offer": "",
            "reasons": "Sleeping rough",
            "sharing_basis": "consent",
        },
    )
    assert response.status_code == 200
    assert "its offer" in response.content.decode()
    assert not Referral.objects.exists()


def test_unknown_ids_are_404(coordinator_client):
    for name, args in [
        ("coordination:person", [999999]),
        ("coordination:meeting", [999999]),
        ("coordination:service-update", [999999]),
        ("coordination:allocate", [999999]),
    ]:
        assert coordinator_client.get(reverse(name, args=args)).status_code == 404


def test_allocate_to_a_person_the_user_has_no_relationship_with_is_refused(coordinator_client, person):
    # Not referred, not on the caseload: the need-to-know gate refuses (offering break-glass).
    assert coordinator_client.get(reverse("coordination:allocate", args=[person.pk])).status_code == 403


def test_allocate_to_a_person_not_on_caseload_is_404(coordinator_client, referral, meeting, coordinator):
    # Referred (so the group may see them) but not yet accepted: there is no episode to allocate.
    assert coordinator_client.get(reverse("coordination:allocate", args=[referral.person_id])).status_code == 404


def test_meeting_agenda_builds_itself(coordinator_client, referral, meeting, caseload, coordinator):
    row = caseload[0].service_involvements.get()
    services.service_update(
        involvement=row, status=InvolvementStatus.DECLINED, decline_reason="no_capacity", actor=coordinator
    )
    late = services.meeting_create(
        area=meeting.area, held_on=timezone.localdate() + dt.timedelta(days=1), actor=coordinator
    )
    response = coordinator_client.get(reverse("coordination:meeting", args=[late.pk]))
    agenda = response.context["agenda"]
    assert [r.pk for r in agenda.new_referrals] == [referral.pk]
    assert len(agenda.new_alerts) == 5
    assert len(agenda.overdue_actions) == 5
    assert [d.pk for d in agenda.open_declines] == [row.pk]


def test_group_decision_through_the_page_starts_support(coordinator_client, referral, meeting):
    url = reverse("coordination:decide", args=[meeting.pk, referral.pk])
    assert coordinator_client.post(url, {"accept": "yes", "reason": ""}).status_code == 200
    response = coordinator_client.post(url, {"accept": "yes", "reason": "Two or more needs; nobody holding."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert SupportEpisode.objects.filter(person=referral.person, ended_on__isnull=True).exists()


def test_minutes_export_as_html_and_csv(coordinator_client, meeting, coordinator, ae):
    services.attendance_record(meeting=meeting, agency=ae, attendee_name="Priya", actor=coordinator)
    services.decision_record(meeting=meeting, text="=HYPERLINK(evil)", actor=coordinator)
    services.action_create(
        area=meeting.area,
        meeting=meeting,
        description="Find a bed",
        owner=coordinator,
        due_on=dt.date(2026, 12, 1),
        actor=coordinator,
    )
    html = coordinator_client.get(reverse("coordination:minutes", args=[meeting.pk])).content.decode()
    assert "Find a bed" in html
    assert "Tideford A&amp;E" in html
    response = coordinator_client.get(reverse("coordination:minutes-csv", args=[meeting.pk]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(evil)" in body
    assert "Find a bed" in body
    assert "2026-12-01" in body


def test_overdue_page_for_accountable_officer(client, officer, area, coordinator):
    services.action_create(
        area=area,
        description="Chase GP registration",
        owner=coordinator,
        due_on=timezone.localdate() - dt.timedelta(days=3),
        actor=None,
    )
    client.force_login(officer)
    response = client.get(reverse("coordination:overdue"))
    assert response.status_code == 200
    assert "Chase GP registration" in response.content.decode()


def test_coordinator_cannot_see_the_officer_page(coordinator_client):
    assert coordinator_client.get(reverse("coordination:overdue")).status_code == 403


def test_practitioner_cannot_allocate(client, practitioner, episode):
    client.force_login(practitioner)
    assert client.get(reverse("coordination:allocate", args=[episode.person_id])).status_code == 403


def test_relationship_provider_names_coordinator_and_involved_agency(episode, coordinator, hostel, area):
    from tide.core.relationships import relationship_of

    services.coordinator_allocate(episode=episode, coordinator=coordinator, actor=None)
    assert relationship_of(coordinator, episode.person) == "coordinator"
    hostel_worker = UserFactory(area=area, agency=hostel, role=Role.PRACTITIONER)
    assert relationship_of(hostel_worker, episode.person) is None
    services.service_request(person=episode.person, agency=hostel, service=ServiceKind.HOSTEL, actor=coordinator)
    assert "consent" in relationship_of(hostel_worker, episode.person)


def test_timeline_shows_referral_contact_and_decision(coordinator_client, episode, coordinator):
    services.contact_record(person=episode.person, kind=ContactKind.ACCOMPANIED, note="To the GP", actor=coordinator)
    response = coordinator_client.get(reverse("people:detail", args=[episode.person_id]))
    kinds = {e.kind for e in response.context["timeline"]}
    assert {"referral", "contact", "decision"} <= kinds
    services.safeguarding_raise(
        person=episode.person,
        to_agency=episode.referral.from_agency,
        concern="Exploited",
        actor=coordinator,
        **dict.fromkeys(services.S42_CONDITIONS, True),
    )
    response = coordinator_client.get(reverse("people:detail", args=[episode.person_id]))
    concern = next(e for e in response.context["timeline"] if e.kind == "safeguarding")
    assert concern.sensitive == "health"


def test_plan_form_saves_a_version_with_goals_and_words_verbatim(coordinator_client, episode):
    url = reverse("coordination:plan-create", args=[episode.person_id])
    words = "Me own door key. That's it."
    response = coordinator_client.post(
        url,
        {
            "in_their_words": words,
            "review_due_on": (timezone.localdate() + dt.timedelta(days=60)).strftime("%d/%m/%Y"),
            "agreed_with_person": "on",
            "goal_1_domain": "housing",
            "goal_1_goal": "A flat",
            "goal_1_steps": "Jane: bid",
            "goal_2_domain": "health",
            "goal_2_goal": "",
        },
    )
    assert response.status_code == 302
    version = episode.person.plan_versions.get()
    assert version.in_their_words == words
    assert [(g.domain, g.goal) for g in version.goals.all()] == [("housing", "A flat")]
    page = coordinator_client.get(reverse("coordination:person", args=[episode.person_id])).content.decode()
    assert "Me own door key. That&#x27;s it." in page


def test_bad_date_is_a_form_error_not_a_500(coordinator_client, episode):
    url = reverse("coordination:contact-create", args=[episode.person_id])
    response = coordinator_client.post(url, {"kind": "visit", "occurred_on": "31/02/2026"})
    assert response.status_code == 200
    assert "Date must be a real date" in response.content.decode()


def test_s42_page_refuses_missing_condition(coordinator_client, episode, council):
    from tide.coordination.models import SafeguardingConcern

    url = reverse("coordination:safeguarding-create", args=[episode.person_id])
    response = coordinator_client.post(
        url,
        {
            "to_agency": council.pk,
            "has_care_and_support_needs": "on",
            "experiencing_or_at_risk_of_abuse": "on",
            "concern": "Being financially exploited",
        },
    )
    assert response.status_code == 200
    assert "unable to protect themself" in response.content.decode()
    assert not SafeguardingConcern.objects.exists()


def test_exit_then_person_page_shows_history_and_referral_link(coordinator_client, episode, coordinator):
    services.coordinator_allocate(episode=episode, coordinator=coordinator, actor=None)
    response = coordinator_client.post(
        reverse("coordination:exit", args=[episode.person_id]),
        {
            "destination": "prison",
            "ended_on": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    page = coordinator_client.get(reverse("coordination:person", args=[episode.person_id])).content.decode()
    assert "Refer for coordinated support" in page
    assert "(Prison)" in page


def test_visited_today_is_one_tap(coordinator_client, caseload):
    person = caseload[1]
    response = coordinator_client.post(reverse("coordination:contact-quick", args=[person.pk]), {"kind": "visit"})
    assert response.status_code == 302
    assert Contact.objects.filter(person=person, kind="visit", occurred_on=timezone.localdate()).count() == 2
    response = coordinator_client.post(reverse("coordination:contact-quick", args=[person.pk]), {"kind": "dance"})
    assert Contact.objects.filter(person=person).count() == 2


def test_agency_sees_what_it_is_asked_to_do(client, area, hostel, caseload):
    hostel_worker = UserFactory(area=area, agency=hostel, role=Role.PRACTITIONER)
    client.force_login(hostel_worker)
    # Without consent or an information-sharing agreement the requests are counted, not shown (ADR 63).
    response = client.get(reverse("coordination:requests"))
    assert response.context["data"].services == []
    assert response.context["data"].hidden == 5
    agreement = InformationSharingAgreement.objects.create(area=area, name="ISA", starts_on=dt.date(2020, 1, 1))
    agreement.agencies.add(hostel)
    response = client.get(reverse("coordination:requests"))
    assert response.status_code == 200
    assert len(response.context["data"].services) == 5
    assert "Pending 0 days" in response.content.decode()


def test_action_marked_done_from_the_list(coordinator_client, caseload):
    from tide.coordination.models import Action

    action = Action.objects.filter(person=caseload[2]).get()
    response = coordinator_client.post(
        reverse("coordination:action-done", args=[action.pk]), {"next": "//evil.example"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:home")
    action.refresh_from_db()
    assert action.status == "done"


def test_group_marks_a_decline_as_dealt_with(coordinator_client, caseload, meeting, coordinator):
    row = caseload[0].service_involvements.get()
    services.service_update(
        involvement=row, status=InvolvementStatus.DECLINED, decline_reason="risk", actor=coordinator
    )
    url = reverse("coordination:decline-resolve", args=[meeting.pk, row.pk])
    assert coordinator_client.post(url).status_code == 302
    row.refresh_from_db()
    assert row.decline_resolved
    assert meeting.decisions.filter(person=caseload[0]).exists()


def test_involved_agency_without_consent_needs_a_current_sharing_agreement(area, coordinator, hostel, person):
    from tide.areas.models import InformationSharingAgreement
    from tide.coordination.models import ReferrerKind, SharingBasis
    from tide.core.relationships import relationship_of

    services.referral_create(
        person=person,
        referrer_kind=ReferrerKind.SELF,
        reasons="Asked for help",
        sharing_basis=SharingBasis.AGREEMENT,
        actor=coordinator,
    )
    # Another member of the group asks the hostel (whoever recorded a referral does not consider it).
    colleague = UserFactory(area=area, agency=coordinator.agency, role=Role.COORDINATOR)
    services.service_request(person=person, agency=hostel, service=ServiceKind.HOSTEL, actor=colleague)
    worker = UserFactory(area=area, agency=hostel, role=Role.PRACTITIONER)
    assert relationship_of(worker, person) is None
    isa = InformationSharingAgreement.objects.create(
        area=area,
        name="MEAM ISA",
        purpose="Coordinated support",
        lawful_basis="Art 6(1)(e); Sch 1 para 18",
        starts_on=timezone.localdate() - dt.timedelta(days=30),
    )
    isa.agencies.add(hostel)
    assert "information-sharing agreement" in relationship_of(worker, person)


def test_death_review_is_linked_and_completed(coordinator_client, episode, coordinator, officer, area, agency):
    from tide.coordination.models import DeathReview

    manager = UserFactory(area=area, agency=agency, role=Role.TEAM_MANAGER)
    coordinator.manager = manager
    coordinator.save()
    services.coordinator_allocate(episode=episode, coordinator=coordinator, actor=None)
    services.episode_exit(episode=episode, ended_on=timezone.localdate(), destination="died", actor=coordinator)
    review = DeathReview.objects.get()
    page = coordinator_client.get(reverse("coordination:person", args=[episode.person_id])).content.decode()
    assert reverse("coordination:death-review", args=[review.pk]) in page
    url = reverse("coordination:death-review", args=[review.pk])
    # The coordinator does not review a death in their own caseload; their manager does (ADR 0064).
    assert coordinator_client.post(url, {"findings": "Nothing to see."}).status_code == 403
    review.refresh_from_db()
    assert review.completed_on is None
    coordinator_client.force_login(manager)
    assert coordinator_client.post(url, {"findings": "Hostel exclusion left him outside."}).status_code == 302
    review.refresh_from_db()
    assert review.completed_on == timezone.localdate()


def test_s9_outcome_page_derives_eligibility(coordinator_client, episode, council, coordinator):
    from tide.coordination.models import NeedsAssessmentRequest

    url = reverse("coordination:assessment-create", args=[episode.person_id])
    assert coordinator_client.post(url, {"to_agency": council.pk}).status_code == 302
    request = NeedsAssessmentRequest.objects.get()
    url = reverse("coordination:assessment-outcome", args=[request.pk])
    response = coordinator_client.post(
        url,
        {
            "outcomes_not_achieved": ["nutrition", "hygiene", "habitable_home"],
            "significant_impact": "on",
            "assessed_on": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.outcome == "eligible"
    assert request.outcomes_not_achieved == ["habitable_home", "hygiene", "nutrition"]


def test_accountable_officer_cannot_schedule_meetings(client, officer):
    client.force_login(officer)
    assert client.get(reverse("coordination:meetings")).status_code == 200
    response = client.post(reverse("coordination:meetings"), {"held_on": "01/12/2026", "kind": "operational"})
    assert response.status_code == 403


GARBAGE = {
    "kind": "<script>",
    "occurred_on": "99/99/9999",
    "coordinator": "abc",
    "status": "flying",
    "on": "yesterday",
    "decline_reason": "because",
    "agency": "-1",
    "to_agency": "0",
    "service": "x",
    "destination": "moon",
    "ended_on": "",
    "held_on": "2026-13-45",
    "accept": "maybe",
    "reason": "",
    "description": "",
    "owner": "9999",
    "due_on": "soon",
    "person": "abc",
    "referrer_kind": "robot",
    "from_agency": "x",
    "sharing_basis": "?",
    "outcomes_not_achieved": ["flying"],
    "assessed_on": "",
    "findings": "",
    "in_their_words": "",
    "review_due_on": "x",
    "goal_1_domain": "space",
    "text": "",
}


@pytest.mark.parametrize(
    "name",
    [
        "refer",
        "contact-create",
        "contact-quick",
        "allocate",
        "plan-create",
        "service-request",
        "safeguarding-create",
        "assessment-create",
        "cpa-create",
        "exit",
    ],
)
def test_garbage_posted_to_person_forms_never_500s_or_writes(coordinator_client, episode, name):
    from tide.core.models import AuditEvent

    before = AuditEvent.objects.exclude(action="person.viewed").count()
    response = coordinator_client.post(reverse(f"coordination:{name}", args=[episode.person_id]), GARBAGE)
    assert response.status_code in (200, 302)
    assert AuditEvent.objects.exclude(action="person.viewed").count() == before


def test_garbage_posted_to_meeting_forms_never_500s(coordinator_client, meeting, referral):
    for url in [
        reverse("coordination:meetings"),
        reverse("coordination:attendance", args=[meeting.pk]),
        reverse("coordination:decision-create", args=[meeting.pk]),
        reverse("coordination:decide", args=[meeting.pk, referral.pk]),
        reverse("coordination:action-create", args=[meeting.pk]),
    ]:
        assert coordinator_client.post(url, GARBAGE).status_code in (200, 302), url
    assert not SupportEpisode.objects.exists()


def test_minutes_download_as_a_word_document(coordinator_client, meeting, coordinator, ae):
    import io
    import zipfile
    from xml.dom import minidom

    services.attendance_record(meeting=meeting, agency=ae, actor=coordinator)
    services.decision_record(meeting=meeting, text="Lucy & Ahmed <both> agreed", actor=coordinator)
    services.action_create(
        area=meeting.area,
        meeting=meeting,
        description="Find a bed",
        owner=coordinator,
        due_on=dt.date(2026, 12, 1),
        actor=coordinator,
    )
    response = coordinator_client.get(reverse("coordination:minutes-docx", args=[meeting.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(archive.namelist())
    xml = archive.read("word/document.xml").decode()
    minidom.parseString(xml)  # noqa: S318 - our own output; checks it is well-formed despite the & and <
    assert "Lucy &amp; Ahmed &lt;both&gt; agreed" in xml
    assert "Find a bed" in xml
    assert "Tideford A&amp;E" in xml


def test_home_flags_people_not_seen_for_a_week(coordinator_client, caseload, coordinator):
    from tide.coordination.models import Contact

    Contact.objects.filter(person=caseload[3]).update(occurred_on=timezone.localdate() - dt.timedelta(days=8))
    response = coordinator_client.get(reverse("coordination:home"))
    assert [r.person for r in response.context["home"].not_seen] == [caseload[3]]
    assert response.content.decode().count("Not seen for a week") == 1


def test_returning_person_is_offered_their_previous_coordinator(
    coordinator_client, episode, coordinator, ae, practitioner
):
    from tide.coordination.models import ReferrerKind, SharingBasis

    services.coordinator_allocate(episode=episode, coordinator=coordinator, actor=None)
    services.episode_exit(episode=episode, ended_on=timezone.localdate(), destination="prison", actor=coordinator)
    again = services.referral_create(
        person=episode.person,
        referrer_kind=ReferrerKind.AGENCY,
        from_agency=ae,
        offer="Same as before",
        reasons="Released",
        sharing_basis=SharingBasis.CONSENT,
        actor=practitioner,
    )
    meeting = services.meeting_create(area=episode.person.area, held_on=timezone.localdate(), actor=coordinator)
    services.referral_decide(referral=again, meeting=meeting, accept=True, reason="Returning", actor=coordinator)
    response = coordinator_client.get(reverse("coordination:allocate", args=[episode.person_id]))
    assert response.context["form"].initial["coordinator"] == coordinator.pk


def test_local_authority_decision_on_a_concern_is_recorded_once(coordinator_client, episode, council, coordinator):
    concern = services.safeguarding_raise(
        person=episode.person,
        to_agency=council,
        concern="Cuckooing",
        actor=coordinator,
        **dict.fromkeys(services.S42_CONDITIONS, True),
    )
    url = reverse("coordination:safeguarding-decide", args=[concern.pk])
    assert coordinator_client.post(url, {"decision": "pending", "decided_on": "x"}).status_code == 200
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert coordinator_client.post(url, {"decision": "s42_enquiry", "decided_on": today}).status_code == 302
    concern.refresh_from_db()
    assert concern.decision == "s42_enquiry"
    response = coordinator_client.post(url, {"decision": "no_further_action", "decided_on": today})
    assert response.status_code == 200
    assert "already recorded" in response.content.decode()


def test_relationships_cover_the_group_manager_involved_referrer_and_action_owner(
    area, agency, coordinator, ae, practitioner, hostel, referral, meeting
):
    from tide.core.relationships import relationship_of

    outsider = UserFactory(area=area, agency=hostel, role=Role.PRACTITIONER)
    manager = UserFactory(area=area, agency=agency, role=Role.TEAM_MANAGER)
    person = referral.person
    assert relationship_of(coordinator, person).startswith("operational group")
    assert relationship_of(practitioner, person) is None  # referring is not a relationship (ADR 0064)
    assert relationship_of(outsider, person) is None
    services.referral_decide(referral=referral, meeting=meeting, accept=True, reason="ok", actor=coordinator)
    assert relationship_of(practitioner, person) == "agency involved with consent: Tideford A&E"
    charles = UserFactory(area=area, agency=agency, role=Role.COORDINATOR, manager=manager)
    services.coordinator_allocate(episode=person.support_episodes.get(), coordinator=charles, actor=None)
    assert relationship_of(coordinator, person) is None  # the group has decided; Jane is not the coordinator
    assert relationship_of(manager, person) == "manager of the person's coordinator"
    services.action_create(
        area=area, person=person, description="Bed", owner=outsider, due_on=meeting.held_on, actor=None
    )
    assert relationship_of(outsider, person) == "owner of an action for this person"


def test_minutes_csv_neutralises_full_width_formulas(coordinator_client, meeting, coordinator):
    services.decision_record(meeting=meeting, text="\uff1d1+1", actor=coordinator)
    services.decision_record(meeting=meeting, text="\ufe6bSUM(A1)", actor=coordinator)
    body = coordinator_client.get(reverse("coordination:minutes-csv", args=[meeting.pk])).content.decode()
    assert "decision,'\uff1d1+1," in body
    assert "decision,'\ufe6bSUM(A1)," in body
