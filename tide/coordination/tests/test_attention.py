"""Issue 22, "My caseload stays silent": a coordinator's page says what needs their attention, with a
count in the navigation, and each role lands on its own work."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Role
from tide.coordination import services
from tide.coordination.models import DeclineReason, InvolvementStatus, ServiceKind
from tide.coordination.selectors import attention_count
from tide.people.models import RiskKind, RiskMarker
from tide.testing.fixtures import make_user


@pytest.fixture
def allocated(episode, coordinator):
    services.coordinator_allocate(episode=episode, coordinator=coordinator, actor=None)
    return episode.person


def _home(client):
    return client.get(reverse("coordination:home"))


def test_a_person_allocated_minutes_ago_is_new_not_unseen_for_a_week(coordinator_client, allocated):
    html = _home(coordinator_client).content.decode()
    assert "Not seen for a week" not in html
    assert ">New</strong>" in html


def test_a_person_with_no_contact_a_week_after_allocation_is_flagged(coordinator_client, allocated, coordinator):
    from tide.coordination.models import Allocation, SupportEpisode

    week_ago = timezone.localdate() - dt.timedelta(days=8)
    SupportEpisode.objects.filter(person=allocated).update(started_on=week_ago)
    Allocation.objects.filter(coordinator=coordinator).update(started_on=week_ago)
    assert "Not seen for a week" in _home(coordinator_client).content.decode()


def test_needs_your_attention_lists_each_kind_with_a_count_in_the_navigation(
    coordinator_client, allocated, coordinator, hostel, area
):
    person = allocated
    row = services.service_request(person=person, agency=hostel, service=ServiceKind.HOSTEL, actor=coordinator)
    services.service_update(
        involvement=row,
        status=InvolvementStatus.DECLINED,
        decline_reason=DeclineReason.BEHAVIOUR,
        decline_detail="Barred after a fight in March; review in June.",
        actor=make_user(area, Role.PRACTITIONER, agency=hostel),
    )
    services.plan_version_create(
        person=person,
        in_their_words="A flat near my sister.",
        goals=[services.GoalInput("housing", "A flat near my sister", "")],
        review_due_on=timezone.localdate() + dt.timedelta(days=30),
        agreed_with_person=True,
        actor=coordinator,
    )
    services.plan_comment_add(person=person, text="Please add my dog to the plan.", actor=make_user(area, Role.PERSON))
    RiskMarker.objects.create(
        person=person,
        kind=RiskKind.RISK_TO_SELF,
        reason="Overdose in spring.",
        set_by=coordinator,
        set_on=timezone.localdate() - dt.timedelta(days=100),
        review_on=timezone.localdate() - dt.timedelta(days=1),
    )
    response = _home(coordinator_client)
    attention = response.context["home"].attention
    assert len(attention.new_allocations) == 1
    assert len(attention.declines) == 1
    assert len(attention.plan_comments) == 1
    assert len(attention.risk_reviews) == 1
    html = response.content.decode()
    assert "Barred after a fight in March" in html
    assert "Please add my dog to the plan." in html
    assert "Review the “Risk to self” marker" in html
    count = attention_count(user=coordinator)
    assert count == attention.count == 4
    assert f'<span class="tide-nav-count">{count}<' in html

    # Opening the person's page marks the allocation and the decline seen; the others stay until dealt with.
    coordinator_client.get(reverse("coordination:person", args=[person.pk]))
    assert attention_count(user=coordinator) == 2
    # Someone else's visit marks nothing.
    row.decline_seen_at = None
    row.save(update_fields=["decline_seen_at"])
    assert services.attention_seen(person=person, actor=make_user(area, Role.COORDINATOR)) == 0


def test_the_referrers_offer_is_named_for_what_it_is_and_a_decline_shows_its_detail(
    coordinator_client, allocated, coordinator, hostel, area
):
    row = services.service_request(person=allocated, agency=hostel, service=ServiceKind.HOSTEL, actor=coordinator)
    services.service_update(
        involvement=row,
        status=InvolvementStatus.DECLINED,
        decline_reason=DeclineReason.RISK,
        decline_detail="Two assaults on staff this year.",
        actor=coordinator,
    )
    html = coordinator_client.get(reverse("coordination:person", args=[allocated.pk])).content.decode()
    assert "Other service" not in html
    assert "What the referrer offered to keep doing" in html
    assert "A&amp;E liaison will keep seeing Lucy" in html
    assert "Two assaults on staff this year." in html


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        (Role.COORDINATOR, "/coordination/"),
        (Role.PRACTITIONER, "/coordination/requests"),
        (Role.ACCOUNTABLE_OFFICER, "/accountability/"),
        (Role.COMMISSIONER, "/outcomes/"),
        (Role.ADMINISTRATOR, "/intake/"),
        (Role.PERSON, "/my-plan/"),
    ],
)
def test_each_role_lands_on_its_own_work(client, area, role, lands_on):
    client.force_login(make_user(area, role))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == lands_on


def test_the_chair_lands_on_the_next_meeting(client, area, coordinator):
    manager = make_user(area, Role.TEAM_MANAGER)
    client.force_login(manager)
    assert client.get("/").url == reverse("coordination:meetings")
    services.meeting_create(area=area, held_on=timezone.localdate() - dt.timedelta(days=7), actor=None)
    upcoming = services.meeting_create(area=area, held_on=timezone.localdate() + dt.timedelta(days=3), actor=None)
    assert client.get("/").url == reverse("coordination:meeting", args=[upcoming.pk])


def test_old_referrer_offers_are_renamed_by_the_data_migration(episode):
    import importlib

    from django.apps import apps

    from tide.coordination.models import ServiceInvolvement

    migration = importlib.import_module("tide.coordination.migrations.0008_referrer_offers_named")
    row = ServiceInvolvement.objects.get(person=episode.person)
    ServiceInvolvement.objects.filter(pk=row.pk).update(service="other", detail="Referrer's offer: Keep seeing her")
    other = ServiceInvolvement.objects.create(
        person=episode.person,
        agency=row.agency,
        service="other",
        detail="Food bank vouchers",
        requested_on=row.requested_on,
    )
    migration.forwards(apps, None)
    row.refresh_from_db()
    other.refresh_from_db()
    assert (row.service, row.detail) == ("referrer_offer", "Keep seeing her")
    assert (other.service, other.detail) == ("other", "Food bank vouchers")
