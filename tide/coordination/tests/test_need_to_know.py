"""Need-to-know in coordination, run strict: a referral, an action or a request does not open a record
to whoever touches it (issue 18, findings 2 and 4)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Role
from tide.coordination import services
from tide.coordination.models import (
    ActionStatus,
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
    refer = reverse("coordination:refer", args=[stranger.pk]) + f"?born={stranger.date_of_birth.isoformat()}"
    response = client.post(refer, _referral_data(ae))
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
    refer = reverse("coordination:refer", args=[stranger.pk]) + f"?born={stranger.date_of_birth.isoformat()}"
    response = client.post(refer, _referral_data(ae), follow=True)
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
    assert f"{born.day} {born:%B %Y}" not in page
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


# --- Finding 4: only those with authority change a shared record -----------------------------------------


@pytest.fixture
def bed_action(area, episode, coordinator, hostel, meeting):
    """An action from the meeting chaired by the coordinator, owned by a hostel worker, about the person."""
    owner = UserFactory(area=area, agency=hostel, role=Role.PRACTITIONER, first_name="Hal", last_name="Hostel")
    return services.action_create(
        area=area,
        meeting=meeting,
        person=episode.person,
        description="Hold a bed",
        owner=owner,
        due_on=dt.date(2026, 12, 1),
        actor=coordinator,
    )


def test_a_practitioner_cannot_complete_someone_elses_action(client, area, practitioner, bed_action):
    client.force_login(practitioner)
    response = client.post(reverse("coordination:action-done", args=[bed_action.pk]), {"next": "/"})
    assert response.status_code == 403
    bed_action.refresh_from_db()
    assert bed_action.status == ActionStatus.OPEN
    with pytest.raises(PermissionDenied):
        services.action_complete(action=bed_action, actor=practitioner)
    bed_action.refresh_from_db()
    assert bed_action.status == ActionStatus.OPEN


def test_the_owner_and_the_chair_may_complete_an_action(client, bed_action, coordinator):
    services.action_complete(action=bed_action, actor=bed_action.owner)
    assert bed_action.status == ActionStatus.DONE
    other = services.action_create(
        area=bed_action.area,
        meeting=bed_action.meeting,
        person=bed_action.person,
        description="Call the GP",
        owner=bed_action.owner,
        due_on=dt.date(2026, 12, 1),
        actor=coordinator,
    )
    client.force_login(coordinator)  # the chair, and the group is considering the person
    assert client.post(reverse("coordination:action-done", args=[other.pk])).status_code == 302
    other.refresh_from_db()
    assert other.status == ActionStatus.DONE


def test_the_owners_manager_must_also_be_able_to_see_the_person(area, agency, hostel, bed_action, episode):
    charles = UserFactory(area=area, agency=agency, role=Role.COORDINATOR)
    services.coordinator_allocate(episode=episode, coordinator=charles, actor=None)  # the group has decided
    manager = UserFactory(area=area, agency=hostel, role=Role.TEAM_MANAGER)
    bed_action.owner.manager = manager
    bed_action.owner.save()
    assert relationship_of(manager, episode.person) is None
    with pytest.raises(PermissionDenied):
        services.action_complete(action=bed_action, actor=manager)  # no relationship with the person
    bed_action.refresh_from_db()
    assert bed_action.status == ActionStatus.OPEN


@pytest.fixture
def hostel_request(episode, coordinator, hostel):
    return services.service_request(
        person=episode.person, agency=hostel, service=ServiceKind.HOSTEL, detail="A bed", actor=coordinator
    )


def test_only_the_agency_asked_or_the_coordinator_updates_a_service(client, practitioner, hostel_request, area, hostel):
    # The referring A&E practitioner is involved with consent and may see the person, but was not asked.
    assert relationship_of(practitioner, hostel_request.person)
    client.force_login(practitioner)
    url = reverse("coordination:service-update", args=[hostel_request.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"status": "declined", "decline_reason": "no_capacity"}).status_code == 403
    hostel_request.refresh_from_db()
    assert hostel_request.status == InvolvementStatus.REQUESTED
    worker = UserFactory(area=area, agency=hostel, role=Role.PRACTITIONER)
    services.service_update(involvement=hostel_request, status="offered", actor=worker)
    hostel_request.refresh_from_db()
    assert hostel_request.status == InvolvementStatus.OFFERED


def test_only_the_local_authority_or_the_raiser_records_a_safeguarding_decision(
    client, practitioner, episode, coordinator, council
):
    concern = services.safeguarding_raise(
        person=episode.person,
        to_agency=council,
        concern="Cuckooing",
        actor=coordinator,
        **dict.fromkeys(services.S42_CONDITIONS, True),
    )
    client.force_login(practitioner)
    url = reverse("coordination:safeguarding-decide", args=[concern.pk])
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert client.post(url, {"decision": "no_further_action", "decided_on": today}).status_code == 403
    concern.refresh_from_db()
    assert concern.decision == "pending"


def test_only_the_agency_asked_records_an_assessment_outcome(client, practitioner, episode, coordinator, council):
    row = services.needs_assessment_request(person=episode.person, to_agency=council, actor=coordinator)
    client.force_login(practitioner)
    url = reverse("coordination:assessment-outcome", args=[row.pk])
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert client.post(url, {"assessed_on": today, "refused": "on"}).status_code == 403
    row.refresh_from_db()
    assert row.outcome == "pending"


def test_finding_someone_to_refer_needs_their_name_and_date_of_birth_and_shows_no_one_elses(
    client, practitioner, stranger
):
    """Searching to refer must not list names and dates of birth of people the user may not see."""
    from tide.people.services import person_reindex

    person_reindex(person=stranger)
    client.force_login(practitioner)
    url = reverse("coordination:refer-start")
    born = stranger.date_of_birth
    page = client.get(url, {"q": "Rowan Fictional"}).content.decode()
    assert "Refer Rowan Fictional" not in page
    assert reverse("coordination:refer", args=[stranger.pk]) not in page
    assert f"{born.day} {born:%B %Y}" not in page
    wrong = client.get(url, {"q": "Rowan Fictional", "date_of_birth": "01/01/1990"}).content.decode()
    assert reverse("coordination:refer", args=[stranger.pk]) not in wrong
    right = client.get(url, {"q": "Rowan Fictional", "date_of_birth": born.strftime("%d/%m/%Y")}).content.decode()
    assert reverse("coordination:refer", args=[stranger.pk]) in right


def test_the_refer_page_does_not_name_people_by_id_to_those_who_cannot_see_them(client, practitioner, stranger):
    """Ids are sequential: walking /coordination/people/<id>/refer must not list the register's names."""
    client.force_login(practitioner)
    url = reverse("coordination:refer", args=[stranger.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, {"born": "1990-01-01"}).status_code == 404
    born = stranger.date_of_birth.isoformat()
    response = client.get(url, {"born": born})
    assert response.status_code == 200
    assert "Rowan Fictional" in response.content.decode()
    assert client.get(url, {"born": "2020-02-31"}).status_code == 404  # not a real date: refused, no 500


def test_mark_done_is_offered_only_to_those_who_may_complete_the_action(client, area, hostel, bed_action):
    colleague = UserFactory(area=area, agency=hostel, role=Role.PRACTITIONER)
    client.force_login(colleague)
    page = client.get(reverse("coordination:requests")).content.decode()
    assert "Hold a bed" not in page  # an agency's action about someone its worker may not see is counted
    assert "1 more about people you have no working relationship with is not shown" in page
    services.service_request(person=bed_action.person, agency=hostel, service=ServiceKind.HOSTEL, actor=None)
    assert relationship_of(colleague, bed_action.person)  # asked for a service, with the person's consent
    page = client.get(reverse("coordination:requests")).content.decode()
    assert "Hold a bed" in page  # the agency sees what it owns
    assert reverse("coordination:action-done", args=[bed_action.pk]) not in page
    client.force_login(bed_action.owner)
    page = client.get(reverse("coordination:requests")).content.decode()
    assert reverse("coordination:action-done", args=[bed_action.pk]) in page


def test_a_coordinator_cannot_open_a_record_by_referring_the_person(area, agency, coordinator, stranger):
    """The group considering a referral may open the record; whoever made the referral does not thereby."""
    referrer = UserFactory(area=area, agency=agency, role=Role.COORDINATOR)
    assert relationship_of(referrer, stranger) is None
    services.referral_create(
        person=stranger,
        referrer_kind="agency",
        from_agency=agency,
        offer="Keep in touch.",
        reasons="Sleeping rough.",
        sharing_basis=SharingBasis.CONSENT,
        actor=referrer,
    )
    assert relationship_of(referrer, stranger) is None
    assert relationship_of(coordinator, stranger).startswith("operational group")


def test_an_action_about_someone_cannot_be_created_by_who_may_not_see_them(area, practitioner, meeting, stranger):
    """Owning an open action is a relationship, so creating one must not be a way to grant yourself access."""
    with pytest.raises(PermissionDenied):
        services.action_create(
            area=area,
            meeting=meeting,
            person=stranger,
            description="Look them up",
            owner=practitioner,
            due_on=dt.date(2026, 12, 1),
            actor=practitioner,
        )
    assert relationship_of(practitioner, stranger) is None


@pytest.mark.parametrize(
    "write",
    [
        lambda person, actor, agency: services.contact_record(person=person, kind="visit", actor=actor),
        lambda person, actor, agency: services.service_request(
            person=person, agency=agency, service=ServiceKind.HOSTEL, actor=actor
        ),
        lambda person, actor, agency: services.needs_assessment_request(person=person, to_agency=agency, actor=actor),
        lambda person, actor, agency: services.cpa_record(person=person, status="unknown", actor=actor),
        lambda person, actor, agency: services.plan_version_create(
            person=person,
            in_their_words="x",
            goals=[services.GoalInput("housing", "A flat")],
            review_due_on=dt.date(2099, 1, 1),
            agreed_with_person=False,
            actor=actor,
        ),
        lambda person, actor, agency: services.plan_comments_read(person=person, actor=actor),
        lambda person, actor, agency: services.safeguarding_raise(
            person=person, to_agency=agency, concern="x", actor=actor, **dict.fromkeys(services.S42_CONDITIONS, True)
        ),
    ],
    ids=["contact", "service", "assessment", "cpa", "plan", "plan-comments", "safeguarding"],
)
def test_writes_about_a_person_check_need_to_know_in_the_service(write, practitioner, stranger, hostel):
    from tide.core.models import AuditEvent

    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        write(stranger, practitioner, hostel)
    assert AuditEvent.objects.count() == before
