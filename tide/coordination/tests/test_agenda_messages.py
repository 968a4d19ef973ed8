"""The chair sends a meeting's agenda to its attendees through the messages room (a real SMTP server):
a link and counts, never names; staff choices honoured; a resend after a change says what changed;
a failed delivery shows on the meeting page and the outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Role
from tide.coordination import services
from tide.coordination.models import AgendaSending, ReferrerKind, SharingBasis
from tide.core.models import AuditEvent
from tide.messages.models import Message, Status
from tide.messages.services import staff_choices_set
from tide.messages.tests.servers import SmtpServer
from tide.testing.factories import PersonFactory, UserFactory


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.TIDE_MESSAGES_BACKEND = "smtp"
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.TIDE_MESSAGES_RETRY_SECONDS = 0
        settings.TIDE_SITE_URL = "https://tide.example.gov.uk"
        yield server


@pytest.fixture
def upcoming(area, coordinator, ae, hostel):
    coordinator.email = "jane@example.org"
    coordinator.save()
    meeting = services.meeting_create(
        area=area, held_on=timezone.localdate() + dt.timedelta(days=5), chair=coordinator, actor=coordinator
    )
    services.attendance_record(meeting=meeting, agency=ae, actor=coordinator)
    services.attendance_record(meeting=meeting, agency=hostel, present=False, actor=coordinator)
    return meeting


@pytest.fixture
def attendees(area, practitioner, hostel):
    practitioner.email = "priya@example.org"
    practitioner.save()
    keyworker = UserFactory(
        area=area, agency=hostel, role=Role.PRACTITIONER, first_name="Kofi", email="kofi@example.org"
    )
    return practitioner, keyworker


def _refer(person, agency, actor):
    return services.referral_create(
        person=person,
        referrer_kind=ReferrerKind.AGENCY,
        from_agency=agency,
        offer="Keep seeing her.",
        reasons="Sleeping rough; many A&E visits.",
        strengths="Funny.",
        hopes="A flat.",
        sharing_basis=SharingBasis.CONSENT,
        actor=actor,
    )


def _send(capture, meeting, actor):
    with capture(execute=True):
        return services.meeting_agenda_send(meeting=meeting, actor=actor)


def _bodies(smtp):
    return {
        r["to"][0]: (" ".join(r["email"]["Subject"].split()), r["email"].get_payload().replace("\r\n", "\n"))
        for r in smtp.handler.received
    }


def test_attendees_get_the_agenda_with_counts_and_a_link_but_no_names(
    smtp, upcoming, attendees, referral, coordinator, officer, django_capture_on_commit_callbacks
):
    sending = _send(django_capture_on_commit_callbacks, upcoming, coordinator)

    mail = _bodies(smtp)
    assert set(mail) == {"priya@example.org", "kofi@example.org"}  # the chair sent it; officers are not attendees
    subject, body = mail["kofi@example.org"]
    held = upcoming.held_on
    assert subject == f"Tide: agenda for the operational multi-agency group on {held:%A} {held.day} {held:%B %Y}"
    assert "- New referrals: 1" in body
    assert f"https://tide.example.gov.uk/coordination/meetings/{upcoming.pk}/" in body
    assert "https://tide.example.gov.uk/messages/choices/" in body
    for personal in ("Lucy", "Synthetic", "A&E", "rough"):
        assert personal not in subject + body
    assert sending.recipients == 2
    assert not sending.changed
    rows = Message.objects.filter(about=f"coordination.meeting:{upcoming.pk}")
    assert {m.status for m in rows} == {Status.SENT}
    assert AuditEvent.objects.filter(action="meeting.agenda_sent", target_id=str(upcoming.pk)).exists()


def test_staff_who_chose_tide_only_get_no_email_and_the_row_says_why(
    smtp, upcoming, attendees, coordinator, django_capture_on_commit_callbacks
):
    priya, _kofi = attendees
    staff_choices_set(user=priya, by_email={"meeting_agenda": False}, actor=priya)

    _send(django_capture_on_commit_callbacks, upcoming, coordinator)

    assert set(_bodies(smtp)) == {"kofi@example.org"}
    row = Message.objects.get(kind="meeting_agenda", to_user=priya)
    assert row.status == Status.WITHHELD
    assert row.reason == "They chose to see this in Tide only, not by email."


def test_a_resend_after_the_agenda_changed_says_what_changed(
    smtp, upcoming, attendees, referral, ae, practitioner, coordinator, django_capture_on_commit_callbacks
):
    _send(django_capture_on_commit_callbacks, upcoming, coordinator)
    _refer(PersonFactory(area=upcoming.area, given_name="Mo", family_name="Example"), ae, practitioner)
    smtp.handler.received.clear()

    sending = _send(django_capture_on_commit_callbacks, upcoming, coordinator)

    subject, body = _bodies(smtp)["kofi@example.org"]
    assert sending.changed
    assert subject.startswith("Tide: the agenda for the operational multi-agency group on ")
    assert subject.endswith(" has changed")
    assert "has changed since it was sent on" in body
    assert "What changed:\n- New referrals: 2, was 1" in body
    assert "Mo" not in body
    assert "Example" not in body

    smtp.handler.received.clear()
    again = _send(django_capture_on_commit_callbacks, upcoming, coordinator)
    subject, body = _bodies(smtp)["kofi@example.org"]
    assert not again.changed
    assert "It has not changed since it was sent on" in body
    assert "has changed" not in subject


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("not the chair", PermissionDenied),
        ("held already", ValidationError),
        ("nobody attending", ValidationError),
    ],
)
def test_a_refused_sending_says_why_and_writes_nothing(
    case, error, smtp, area, upcoming, attendees, coordinator, django_capture_on_commit_callbacks
):
    actor = coordinator
    meeting = upcoming
    if case == "not the chair":
        actor = attendees[0]
    elif case == "held already":
        meeting = services.meeting_create(
            area=area, held_on=timezone.localdate() - dt.timedelta(days=1), chair=coordinator, actor=coordinator
        )
        services.attendance_record(meeting=meeting, agency=attendees[0].agency, actor=coordinator)
    else:
        meeting = services.meeting_create(
            area=area, held_on=timezone.localdate() + dt.timedelta(days=1), chair=coordinator, actor=coordinator
        )

    with pytest.raises(error):
        _send(django_capture_on_commit_callbacks, meeting, actor)

    assert not AgendaSending.objects.exists()
    assert not Message.objects.exists()
    assert smtp.handler.received == []


def test_a_meeting_without_a_chair_may_be_sent_by_a_team_manager_not_a_practitioner(
    smtp, area, agency, ae, attendees, coordinator, django_capture_on_commit_callbacks
):
    meeting = services.meeting_create(
        area=area, held_on=timezone.localdate() + dt.timedelta(days=2), chair=None, actor=coordinator
    )
    services.attendance_record(meeting=meeting, agency=ae, actor=coordinator)
    manager = UserFactory(area=area, agency=agency, role=Role.TEAM_MANAGER)

    with pytest.raises(PermissionDenied):
        _send(django_capture_on_commit_callbacks, meeting, attendees[0])
    sending = _send(django_capture_on_commit_callbacks, meeting, manager)

    assert sending.recipients == 1
    assert set(_bodies(smtp)) == {"priya@example.org"}


def test_the_chair_sends_from_the_meeting_page_and_sees_a_failure_there_and_in_the_outbox(
    smtp, client, area, upcoming, attendees, coordinator, django_capture_on_commit_callbacks
):
    smtp.handler.refuse_always = "550 5.1.1 No such mailbox"
    client.force_login(coordinator)
    url = reverse("coordination:meeting", args=[upcoming.pk])

    page = client.get(url).content.decode()
    assert "Send the agenda to attendees" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("coordination:meeting-agenda-send", args=[upcoming.pk]))

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The agenda is on its way to 2 attendees." in page
    assert page.count("Meeting agenda by email to") == 2
    assert "govuk-tag--red" in page
    assert "Failed</strong> The mail server answered 550." in page
    assert "Send the agenda again" in page
    privacy = UserFactory(area=area, role=Role.PRIVACY_OFFICER)
    client.force_login(privacy)
    outbox = client.get(reverse("messages:outbox") + "?status=failed").content.decode()
    assert outbox.count("Meeting agenda by email") == 2
    assert "Send again" in outbox


def test_the_meeting_page_says_when_the_agenda_changed_since_it_was_sent(
    smtp, client, upcoming, attendees, ae, practitioner, coordinator, django_capture_on_commit_callbacks
):
    _send(django_capture_on_commit_callbacks, upcoming, coordinator)
    client.force_login(coordinator)
    url = reverse("coordination:meeting", args=[upcoming.pk])
    assert "agenda-changed" not in client.get(url).content.decode()

    _refer(PersonFactory(area=upcoming.area), ae, practitioner)

    page = client.get(url).content.decode()
    assert "The agenda has changed since it was sent." in page
    assert "Send the changed agenda" in page


def test_an_attendee_may_not_send_and_sees_no_button(
    smtp, client, upcoming, attendees, django_capture_on_commit_callbacks
):
    priya = attendees[0]
    client.force_login(priya)

    page = client.get(reverse("coordination:meeting", args=[upcoming.pk])).content.decode()
    response = client.post(reverse("coordination:meeting-agenda-send", args=[upcoming.pk]))

    assert "Send the agenda" not in page
    assert response.status_code == 403
    assert not Message.objects.exists()
    assert not AgendaSending.objects.exists()


def test_the_chair_sees_on_the_meeting_page_whether_the_referrer_was_told_of_a_decision(
    smtp, client, upcoming, referral, practitioner, coordinator, django_capture_on_commit_callbacks
):
    smtp.handler.refuse_always = "554 5.7.1 Rejected"
    practitioner.email = "priya@example.org"
    practitioner.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decide(
            referral=referral, meeting=upcoming, accept=True, reason="Meets it.", actor=coordinator
        )
    client.force_login(coordinator)

    page = client.get(reverse("coordination:meeting", args=[upcoming.pk])).content.decode()

    assert "Referral decided by email to Priya Nurse" in page
    assert "The mail server answered 554." in page
