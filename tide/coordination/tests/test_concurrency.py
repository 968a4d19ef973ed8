"""Two people editing the same record: a stale save changes nothing and shows the other change
(issue 18, finding 11)."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Role
from tide.coordination import services
from tide.coordination.models import ActionStatus, InvolvementStatus, PlanVersion, ServiceKind
from tide.testing.factories import UserFactory


@pytest.fixture(autouse=True)
def _strict_need_to_know(settings):
    settings.TIDE_NEED_TO_KNOW = "strict"


@pytest.fixture
def team(area, agency, coordinator, episode):
    """The person's coordinator (Jane) and her manager (Mo): both may edit the plan."""
    manager = UserFactory(area=area, agency=agency, role=Role.TEAM_MANAGER, first_name="Mo", last_name="Manager")
    coordinator.manager = manager
    coordinator.save()
    services.coordinator_allocate(episode=episode, coordinator=coordinator, actor=None)
    return coordinator, manager


def _plan_post(words):
    return {
        "in_their_words": words,
        "review_due_on": (timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y"),
        "goal_1_domain": "housing",
        "goal_1_goal": "A flat",
        "goal_1_steps": "",
    }


def test_a_plan_saved_on_top_of_a_version_the_user_did_not_see_is_refused(team, episode):
    jane, mo = team
    jane_client, mo_client = Client(), Client()
    jane_client.force_login(jane)
    mo_client.force_login(mo)
    person = episode.person
    services.plan_version_create(
        person=person,
        in_their_words="Somewhere safe.",
        goals=[services.GoalInput("housing", "A flat")],
        review_due_on=timezone.localdate() + dt.timedelta(days=30),
        agreed_with_person=True,
        actor=jane,
    )
    url = reverse("coordination:plan-create", args=[person.pk])
    assert 'name="based_on" value="1"' in jane_client.get(url).content.decode()
    assert 'name="based_on" value="1"' in mo_client.get(url).content.decode()
    saved = jane_client.post(url, {**_plan_post("Somewhere safe, near my sister."), "based_on": "1"})
    assert saved.status_code == 302
    response = mo_client.post(url, {**_plan_post("Somewhere safe and a dog."), "based_on": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Jane Coordinator" in page
    assert "Somewhere safe, near my sister." in page  # what the other person saved
    assert "Somewhere safe and a dog." in page  # what this user wrote is kept in the form
    assert PlanVersion.objects.filter(person=person).count() == 2
    assert not any("saved" in str(m) for m in get_messages(response.wsgi_request))
    # Having seen version 2, Mo may now save on top of it deliberately.
    assert 'name="based_on" value="2"' in page
    assert mo_client.post(url, {**_plan_post("Somewhere safe and a dog."), "based_on": "2"}).status_code == 302
    assert PlanVersion.objects.filter(person=person).count() == 3


def test_a_stale_service_update_changes_nothing_and_shows_the_other_change(client, area, hostel, team, episode):
    jane, _ = team
    row = services.service_request(person=episode.person, agency=hostel, service=ServiceKind.HOSTEL, actor=jane)
    worker = UserFactory(area=area, agency=hostel, role=Role.PRACTITIONER, first_name="Hal", last_name="Hostel")
    url = reverse("coordination:service-update", args=[row.pk])
    client.force_login(worker)
    assert 'name="version" value="1"' in client.get(url).content.decode()
    client.force_login(jane)
    assert 'name="version" value="1"' in client.get(url).content.decode()
    client.force_login(worker)
    assert client.post(url, {"status": "offered", "version": "1"}).status_code == 302
    client.force_login(jane)
    response = client.post(url, {"status": "declined", "decline_reason": "no_capacity", "version": "1"})
    assert response.status_code == 409
    assert "Hal Hostel" in response.content.decode()
    row.refresh_from_db()
    assert row.status == InvolvementStatus.OFFERED
    assert row.version == 2


def test_the_version_check_is_in_the_service(area, hostel, team, episode):
    from tide.core.concurrency import StaleEdit

    jane, _ = team
    row = services.service_request(person=episode.person, agency=hostel, service=ServiceKind.HOSTEL, actor=jane)
    services.service_update(involvement=row, status="offered", version=1, actor=jane)
    with pytest.raises(StaleEdit) as stale:
        services.service_update(involvement=row, status="declined", decline_reason="risk", version=1, actor=jane)
    assert stale.value.current_version == 2
    row.refresh_from_db()
    assert row.status == InvolvementStatus.OFFERED


def test_marking_done_an_action_someone_else_changed_says_so(area, hostel, team, episode, meeting):
    jane, mo = team
    action = services.action_create(
        area=area,
        meeting=meeting,
        person=episode.person,
        description="Hold a bed",
        owner=jane,
        due_on=dt.date(2026, 12, 1),
        actor=jane,
    )
    jane_client, mo_client = Client(), Client()
    jane_client.force_login(jane)
    mo_client.force_login(mo)  # her manager, with the page open from before
    assert jane_client.post(reverse("coordination:action-done", args=[action.pk]), {"version": "1"}).status_code == 302
    response = mo_client.post(reverse("coordination:action-done", args=[action.pk]), {"version": "1"})
    assert response.status_code == 302
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Jane Coordinator" in n for n in notes), notes
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.version == 2
