"""Risk and safety markers (issue 22): set, reviewed and ended with a reason, kept as history, shown
prominently to everyone with a reason to see the person and to nobody else."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Role
from tide.coordination import services as coordination
from tide.coordination.models import ReferrerKind, SharingBasis
from tide.core.models import AuditEvent
from tide.people.models import RiskKind, RiskMarker
from tide.people.services import risk_marker_set
from tide.testing.factories import PersonFactory
from tide.testing.fixtures import make_user


@pytest.fixture
def supported(area, coordinator):
    """A person on the coordinator's caseload."""
    person = PersonFactory(area=area, given_name="Ray", family_name="Synthetic")
    police = make_user(area, Role.PRACTITIONER)
    referral = coordination.referral_create(
        person=person,
        referrer_kind=ReferrerKind.AGENCY,
        from_agency=police.agency,
        offer="Neighbourhood officer keeps checking in.",
        reasons="Rough sleeping, arrests.",
        sharing_basis=SharingBasis.CONSENT,
        actor=police,
    )
    meeting = coordination.meeting_create(area=area, held_on=timezone.localdate(), actor=coordinator)
    coordination.referral_decide(referral=referral, meeting=meeting, accept=True, reason="2+", actor=coordinator)
    coordination.coordinator_allocate(episode=person.support_episodes.get(), coordinator=coordinator, actor=None)
    return person


def _date(days):
    return (timezone.localdate() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


def test_a_marker_is_set_through_the_form_audited_and_shown_as_a_warning_at_the_top(coordinator_client, supported):
    url = reverse("people:risk-marker-create", args=[supported.pk])
    response = coordinator_client.post(
        url, {"kind": "not_alone", "reason": "Threatened staff with a knife.", "review_on": _date(90)}
    )
    assert response.status_code == 302
    marker = RiskMarker.objects.get(person=supported)
    assert AuditEvent.objects.filter(action="person.risk_marker_set", person_id=supported.pk).exists()
    for page in ("people:detail", "coordination:person"):
        html = coordinator_client.get(reverse(page, args=[supported.pk])).content.decode()
        warning = html.index('class="govuk-warning-text')
        assert warning < html.index("Timeline" if page == "people:detail" else 'id="plan"')
        assert "Do not visit alone" in html
        assert "Threatened staff with a knife." in html
        assert marker.set_by.get_full_name() in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "other", "reason": "x", "review_on": _date(30)}, "other_kind"),
        ({"kind": "not_alone", "reason": "", "review_on": _date(30)}, "reason"),
        ({"kind": "not_alone", "reason": "x", "review_on": _date(-1)}, "review_on"),
        ({"kind": "not_alone", "reason": "x", "review_on": _date(400)}, "review_on"),
        ({"kind": "not_alone", "reason": "x" * 2001, "review_on": _date(30)}, "reason"),
        ({"kind": "nonsense", "reason": "x", "review_on": _date(30)}, "kind"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(coordinator_client, supported, data, field):
    response = coordinator_client.post(reverse("people:risk-marker-create", args=[supported.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not RiskMarker.objects.exists()


def test_nobody_without_a_reason_to_see_the_person_sees_or_sets_a_marker(client, area, supported, coordinator):
    marker = risk_marker_set(
        person=supported,
        kind=RiskKind.RISK_TO_SELF,
        reason="Overdosed twice.",
        review_on=timezone.localdate() + dt.timedelta(days=10),
        actor=coordinator,
    )
    stranger = make_user(area, Role.PRACTITIONER)
    client.force_login(stranger)
    assert client.get(reverse("people:detail", args=[supported.pk])).status_code == 403
    assert client.get(reverse("people:risk-marker-review", args=[marker.pk])).status_code == 403
    response = client.post(
        reverse("people:risk-marker-create", args=[supported.pk]),
        {"kind": "not_alone", "reason": "hearsay", "review_on": _date(10)},
    )
    assert response.status_code == 403
    assert b"Overdosed" not in response.content
    assert RiskMarker.objects.count() == 1


def test_review_keeps_with_a_new_date_then_ending_keeps_it_as_history(coordinator_client, supported, coordinator):
    marker = risk_marker_set(
        person=supported,
        kind=RiskKind.VIOLENCE_TO_STAFF,
        reason="Punched a hostel worker.",
        review_on=timezone.localdate() + dt.timedelta(days=10),
        actor=coordinator,
    )
    url = reverse("people:risk-marker-review", args=[marker.pk])
    assert coordinator_client.post(url, {"outcome": "keep", "note": "Still angry.", "review_on": ""}).status_code == 200
    response = coordinator_client.post(url, {"outcome": "keep", "note": "Still angry.", "review_on": _date(60)})
    assert response.status_code == 302
    marker.refresh_from_db()
    assert marker.review_on == timezone.localdate() + dt.timedelta(days=60)
    assert marker.reviewed_by == coordinator
    assert coordinator_client.post(url, {"outcome": "end", "note": "Six calm months."}).status_code == 302
    marker.refresh_from_db()
    assert marker.ended_on == timezone.localdate()
    assert marker.end_reason == "Six calm months."
    html = coordinator_client.get(reverse("people:detail", args=[supported.pk])).content.decode()
    assert "govuk-warning-text__text" not in html  # no longer a current warning
    assert "Risk marker history" in html
    assert "Six calm months." in html
    actions = set(AuditEvent.objects.filter(person_id=supported.pk).values_list("action", flat=True))
    assert {"person.risk_marker_reviewed", "person.risk_marker_ended"} <= actions
    assert coordinator_client.get(url).status_code == 404  # an ended marker is not reviewed again
