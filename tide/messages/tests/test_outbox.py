"""The outbox page: what was sent, and failures that stay visible until someone sends them again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tide.areas.models import Role
from tide.messages.models import Message, Status
from tide.messages.services import message_send
from tide.testing.factories import AreaFactory
from tide.testing.fixtures import make_user

ACK = {"reference": "INQ-ABC234", "due_on": "5 January 2027", "area": "Tideford"}


@pytest.fixture
def failed(area):
    message = message_send(
        kind="inquiry_acknowledgement", to_address="ann@example.org", context=ACK | {"area_id": area.pk}, actor=None
    )
    Message.objects.filter(pk=message.pk).update(
        status=Status.FAILED, error="The mail server answered 550.", attempts=1
    )
    return message


@pytest.mark.parametrize("role", [Role.PRIVACY_OFFICER, Role.ADMINISTRATOR, Role.ACCOUNTABLE_OFFICER])
def test_outbox_shows_a_failed_message_to_its_readers(client, area, failed, role):
    client.force_login(make_user(area, role))
    page = client.get(reverse("messages:outbox") + "?status=failed").content.decode()
    assert "Inquiry received by email" in page
    assert "The mail server answered 550." in page
    assert "ann@example.org" not in page  # the address stays out of the list


def test_outbox_filters_by_status(client, area, failed):
    client.force_login(make_user(area, Role.PRIVACY_OFFICER))
    page = client.get(reverse("messages:outbox") + "?status=delivered").content.decode()
    assert "No messages with this status" in page


def test_outbox_is_closed_to_coordinators(coordinator_client, failed):
    assert coordinator_client.get(reverse("messages:outbox")).status_code == 403


def test_outbox_shows_only_the_own_area(client, failed):
    other = AreaFactory(name="Elsewhere", code="elsewhere")
    client.force_login(make_user(other, Role.PRIVACY_OFFICER))
    assert "Inquiry received" not in client.get(reverse("messages:outbox")).content.decode()
    assert client.post(reverse("messages:retry", args=[failed.pk])).status_code == 404


def test_send_again_requeues_and_sends(client, area, failed, smtp_server, django_capture_on_commit_callbacks):
    client.force_login(make_user(area, Role.PRIVACY_OFFICER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("messages:retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert failed.attempts == 2
    assert len(smtp_server.handler.received) == 1


def test_send_again_refuses_a_message_that_did_not_fail(client, area, failed):
    Message.objects.filter(pk=failed.pk).update(status=Status.SENT)
    client.force_login(make_user(area, Role.PRIVACY_OFFICER))
    response = client.post(reverse("messages:retry", args=[failed.pk]), follow=True)
    assert "Only a failed message can be sent again." in response.content.decode()


def test_staff_choose_to_see_escalations_only_in_tide(client, area, django_capture_on_commit_callbacks):
    manager = make_user(area, Role.TEAM_MANAGER, email="mina@example.org")
    client.force_login(manager)
    assert client.post(reverse("messages:choices"), {"action_escalated": "tide"}).status_code == 302
    assert "checked" in client.get(reverse("messages:choices")).content.decode()

    message = message_send(
        kind="action_escalated", to_user=manager, context={"days_overdue": 2, "to_role": "team manager"}, actor=None
    )
    assert message.status == Status.WITHHELD
    assert "in Tide only" in message.reason

    client.post(reverse("messages:choices"), {"action_escalated": "email"})
    again = message_send(
        kind="action_escalated", to_user=manager, context={"days_overdue": 2, "to_role": "team manager"}, actor=None
    )
    assert again.status == Status.QUEUED


def test_break_glass_alerts_cannot_be_turned_off(area):
    from django.core.exceptions import ValidationError

    from tide.messages.services import staff_choices_set

    officer = make_user(area, Role.PRIVACY_OFFICER)
    with pytest.raises(ValidationError, match="cannot be turned off"):
        staff_choices_set(user=officer, by_email={"break_glass_alert": False}, actor=officer)


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.COMMISSIONER, Role.AUDITOR, Role.PERSON])
def test_message_pages_are_closed_to_those_who_must_not_see_them(client, area, failed, role):
    from tide.accountability.models import PersonAccount
    from tide.testing.factories import PersonFactory

    user = make_user(area, role)
    other = PersonFactory(area=area, given_name="Sam", family_name="Elsewhere")
    if role == Role.PERSON:
        PersonAccount.objects.create(user=user, person=PersonFactory(area=area))
    client.force_login(user)

    assert client.get(reverse("messages:outbox")).status_code == 403
    assert client.post(reverse("messages:retry", args=[failed.pk])).status_code == 403
    contact = client.get(reverse("people:contact-preference", args=[other.pk]))
    assert contact.status_code in {403, 404}
    assert "Elsewhere" not in contact.content.decode()
    if role == Role.PERSON:
        assert client.get(reverse("messages:choices")).status_code == 403
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
