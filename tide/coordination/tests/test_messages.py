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
