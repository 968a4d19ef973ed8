"""Escalations reach the team manager, then the accountable officer, through the messages room."""

import datetime as dt
import json

from tide.areas.models import Role
from tide.coordination import services
from tide.messages.models import Message
from tide.testing.factories import UserFactory


def test_escalation_is_sent_to_the_manager_then_the_officer_without_the_action_text(
    area, agency, coordinator, officer, settings, django_capture_on_commit_callbacks
):
    settings.TIDE_MESSAGES_BACKEND = "console"
    manager = UserFactory(area=area, agency=agency, role=Role.TEAM_MANAGER, email="mina@example.org")
    coordinator.manager = manager
    coordinator.save()
    officer.email = "olu@example.org"
    officer.save()
    services.action_create(
        area=area,
        description="Book GP registration for Tina",
        owner=coordinator,
        due_on=dt.date(2026, 3, 1),
        actor=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.actions_escalate(today=dt.date(2026, 3, 2))
        services.actions_escalate(today=dt.date(2026, 3, 15))

    sent = list(Message.objects.filter(kind="action_escalated").order_by("pk"))
    assert [(m.to_user, m.to_address, m.status) for m in sent] == [
        (manager, "mina@example.org", "sent"),
        (officer, "olu@example.org", "sent"),
    ]
    assert all("Tina" not in m.personalisation + m.subject for m in sent)
    assert json.loads(sent[0].personalisation)["days_overdue"] == "1"


def test_referrer_is_told_of_the_groups_decision_without_the_persons_name(
    referral, meeting, practitioner, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.TIDE_MESSAGES_BACKEND = "console"
    practitioner.email = "priya@example.org"
    practitioner.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decide(
            referral=referral, meeting=meeting, accept=False, reason="Not yet 2+ pattern.", actor=coordinator
        )

    (message,) = Message.objects.filter(kind="referral_decided")
    assert message.to_user == practitioner
    assert message.status == "sent"
    context = json.loads(message.personalisation)
    assert context["decision"] == "did not accept"
    assert "Lucy" not in message.personalisation + message.subject
    assert "2+ pattern" not in message.personalisation  # the reason may be personal: it stays in Tide


def test_coordinator_is_told_when_a_service_declines(
    episode, hostel, coordinator, settings, django_capture_on_commit_callbacks
):
    from tide.coordination.models import DeclineReason, InvolvementStatus, ServiceKind

    settings.TIDE_MESSAGES_BACKEND = "console"
    coordinator.email = "jane@example.org"
    coordinator.save()
    services.coordinator_allocate(episode=episode, coordinator=coordinator, actor=coordinator)
    row = services.service_request(person=episode.person, agency=hostel, service=ServiceKind.HOSTEL, actor=coordinator)
    hostel_worker = UserFactory(area=hostel.area, agency=hostel, role=Role.PRACTITIONER)
    with django_capture_on_commit_callbacks(execute=True):
        services.service_update(
            involvement=row,
            status=InvolvementStatus.DECLINED,
            decline_reason=DeclineReason.BEHAVIOUR,
            actor=hostel_worker,
        )

    (message,) = Message.objects.filter(kind="service_declined")
    assert message.to_user == coordinator
    assert "Lucy" not in message.personalisation + message.subject
    assert json.loads(message.personalisation)["agency"] == "Harbour Hostel"


def test_a_decline_message_that_failed_shows_on_the_person_page_and_an_escalation_on_the_overdue_page(
    client, episode, hostel, coordinator, officer, settings, django_capture_on_commit_callbacks
):
    """A failed delivery shows on the sender's side, not only in the outbox (issue 23)."""
    from tide.coordination.models import DeclineReason, InvolvementStatus, ServiceKind

    settings.TIDE_MESSAGES_BACKEND = "console"
    coordinator.email = ""  # nowhere to send it: the message fails with a reason
    coordinator.save()
    services.coordinator_allocate(episode=episode, coordinator=coordinator, actor=coordinator)
    row = services.service_request(person=episode.person, agency=hostel, service=ServiceKind.HOSTEL, actor=coordinator)
    hostel_worker = UserFactory(area=hostel.area, agency=hostel, role=Role.PRACTITIONER)
    with django_capture_on_commit_callbacks(execute=True):
        services.service_update(
            involvement=row,
            status=InvolvementStatus.DECLINED,
            decline_reason=DeclineReason.BEHAVIOUR,
            actor=hostel_worker,
        )
        services.action_create(
            area=episode.person.area, description="Book a GP", owner=coordinator, due_on=dt.date(2026, 3, 1), actor=None
        )
        officer.email = ""
        officer.save()
        services.actions_escalate(today=dt.date(2026, 3, 20))
    (declined,) = Message.objects.filter(kind="service_declined")
    assert declined.status in {"failed", "withheld"}

    client.force_login(coordinator)
    page = client.get(f"/coordination/people/{episode.person.pk}/").content.decode()
    assert "Messages sent" in page
    assert "A service declined" in page
    assert declined.get_status_display() in page

    escalated = list(Message.objects.filter(kind="action_escalated"))
    assert escalated
    client.force_login(officer)
    overdue = client.get("/coordination/overdue").content.decode()
    assert "Overdue action escalated" in overdue
    assert escalated[0].get_status_display() in overdue
