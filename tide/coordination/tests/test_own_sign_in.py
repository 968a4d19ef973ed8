"""The person supported gets their own sign-in, reads their plan and says what they would change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tide.accountability.models import PersonAccount
from tide.areas.models import User
from tide.coordination import services
from tide.coordination.models import PlanComment
from tide.core.models import AuditEvent

PASSWORD = "a long Tideford password 42"


@pytest.fixture
def coordinated(episode, coordinator):
    services.coordinator_allocate(episode=episode, coordinator=coordinator, on=dt.date(2026, 11, 2), actor=None)
    return episode.person


@pytest.fixture
def with_plan(coordinated, coordinator):
    services.plan_version_create(
        person=coordinated,
        in_their_words="I want my own front door and to see my sister on Sundays.",
        goals=[services.GoalInput("housing", "A flat of her own", "Jane applies to the council this week")],
        review_due_on=dt.date.today() + dt.timedelta(days=60),
        agreed_with_person=True,
        actor=coordinator,
    )
    return coordinated


def _make_sign_in(client, person, username="lucy7") -> str:
    response = client.post(reverse("accountability:person-sign-in", args=[person.pk]), {"username": username})
    assert response.status_code == 200
    return response.context["link"]


def test_a_coordinator_gives_the_person_a_sign_in_and_they_choose_a_password_once(coordinator_client, with_plan):
    link = _make_sign_in(coordinator_client, with_plan)
    client = Client()  # the person's own device
    user = User.objects.get(username="lucy7")
    assert (user.role, user.has_usable_password(), user.person_account.person) == ("person", False, with_plan)
    assert AuditEvent.objects.filter(action="person.account_created", person_id=with_plan.pk).exists()

    page = client.get(link, follow=True)
    assert "Choose your password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True)
    assert "Your password is set" in done.content.decode()
    assert "This link does not work any more" in client.get(link, follow=True).content.decode()

    signed_in = client.post(reverse("login"), {"username": "lucy7", "password": PASSWORD}, follow=True)
    assert signed_in.context["user"] == user  # no authenticator app for the person supported
    assert "Your plan" in signed_in.content.decode()


def test_the_person_reads_their_plan_and_their_comment_reaches_the_coordinator(
    coordinator_client, with_plan, coordinator
):
    _make_sign_in(coordinator_client, with_plan)
    client = Client()
    client.force_login(User.objects.get(username="lucy7"))
    page = client.get(reverse("accountability:my-plan")).content.decode()
    assert "I want my own front door" in page
    assert "Jane Coordinator" in page

    blank = client.post(reverse("accountability:my-plan"), {"text": "   "})
    assert "Write what you would like to change or add." in blank.content.decode()
    client.post(reverse("accountability:my-plan"), {"text": "Can we add getting my ID back? I lost it."})
    comment = PlanComment.objects.get()
    assert (comment.person, comment.version.number, comment.read_at) == (with_plan, 1, None)
    from tide.core.timeline import timeline_for

    said = [e for e in timeline_for(with_plan, coordinator) if e.title == "Said what they would change in their plan"]
    assert [e.detail for e in said] == ["Can we add getting my ID back? I lost it."]

    staff_page = coordinator_client.get(reverse("coordination:person", args=[with_plan.pk])).content.decode()
    assert "Can we add getting my ID back?" in staff_page
    assert "New</strong>" in staff_page
    coordinator_client.post(reverse("coordination:plan-comments-read", args=[with_plan.pk]))
    comment.refresh_from_db()
    assert comment.read_by == coordinator
    assert "Read by Jane Coordinator" in client.get(reverse("accountability:my-plan")).content.decode()


def test_without_a_plan_the_person_is_told_and_nothing_is_saved(coordinator_client, coordinated):
    _make_sign_in(coordinator_client, coordinated)
    client = Client()
    client.force_login(User.objects.get(username="lucy7"))
    assert "You do not have a plan yet" in client.get(reverse("accountability:my-plan")).content.decode()
    response = client.post(reverse("accountability:my-plan"), {"text": "Hello"})
    assert "You do not have a plan yet" in response.content.decode()
    assert not PlanComment.objects.exists()


@pytest.mark.parametrize(
    ("username", "message"),
    [("lu", "Use 3 to 150 letters"), ("lucy seven", "Use 3 to 150 letters"), ("JANE", "That username is taken")],
)
def test_a_bad_username_is_refused_and_nothing_is_made(coordinator_client, coordinated, coordinator, username, message):
    coordinator.username = "jane"
    coordinator.save()
    response = coordinator_client.post(
        reverse("accountability:person-sign-in", args=[coordinated.pk]), {"username": username}
    )
    assert message in response.content.decode()
    assert not PersonAccount.objects.exists()


def test_a_sign_in_turned_off_cannot_sign_in_and_makes_no_links(coordinator_client, coordinated):
    _make_sign_in(coordinator_client, coordinated)
    url = reverse("accountability:person-sign-in", args=[coordinated.pk])
    coordinator_client.post(url, {"do": "turn-off"})
    user = User.objects.get(username="lucy7")
    assert not user.is_active
    page = coordinator_client.post(url, {"do": "link"})
    assert page.context["link"] == ""
    assert "Turn their sign-in on again" in page.content.decode()
    user.set_password(PASSWORD)
    user.save()
    refused = Client().post(reverse("login"), {"username": "lucy7", "password": PASSWORD})
    assert not refused.context["user"].is_authenticated


def test_staff_without_a_relationship_cannot_give_a_sign_in(client, coordinated, area):
    from tide.testing.fixtures import make_user

    stranger = make_user(area, "practitioner")
    client.force_login(stranger)
    response = client.post(reverse("accountability:person-sign-in", args=[coordinated.pk]), {"username": "lucy7"})
    assert response.status_code in (302, 403)
    assert not PersonAccount.objects.exists()


def test_the_plan_comes_first_then_how_and_when_to_reach_the_coordinator(coordinator_client, with_plan, coordinator):
    coordinator.phone, coordinator.working_hours = "07700 900412", "Monday to Thursday, 9am to 5pm"
    coordinator.save(update_fields=["phone", "working_hours"])
    team = coordinator.agency
    team.phone, team.hours = "0117 496 0123", "every day, 8am to 8pm"
    team.save(update_fields=["phone", "hours"])
    _make_sign_in(coordinator_client, with_plan)
    client = Client()
    client.force_login(User.objects.get(username="lucy7"))
    page = client.get(reverse("accountability:my-plan")).content.decode()
    assert page.index("I want my own front door") < page.index("How to reach your coordinator")
    assert 'href="tel:07700900412">07700 900412</a>' in page
    assert "Monday to Thursday, 9am to 5pm" in page
    assert "Call Tideford Link Service on" in page
    assert "0117 496 0123</a> (every day, 8am to 8pm)" in page
