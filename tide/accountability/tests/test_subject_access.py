import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tide.accountability import services
from tide.accountability.models import SarStatus
from tide.core.models import AuditEvent
from tide.people.selectors import person_get_for
from tide.testing.factories import ServiceEventFactory


def test_subject_access_is_due_in_a_calendar_month_and_needs_a_second_approver(
    area, officer, privacy_officer, coordinator, tina
):
    ServiceEventFactory(person=tina, event_type="arrest", occurred_on=dt.date(2026, 1, 15))
    person_get_for(user=coordinator, pk=tina.pk, reason="weekly review")
    sar = services.sar_log(person=tina, received_on=dt.date(2026, 1, 31), actor=privacy_officer)
    assert sar.due_on == dt.date(2026, 2, 28)
    with pytest.raises(ValidationError):
        services.sar_approve(sar=sar, actor=officer)
    services.sar_prepare(sar=sar, actor=privacy_officer)
    held = sar.export["held"]
    assert any(row["event_type"] == "arrest" for row in held["Service events"])
    assert any(row["value"] == "9434765919" for row in held["Person identifiers"])
    assert any(v["reason"] == "weekly review" and "Coordinator" in v["who"] for v in sar.export["viewed_by"])
    with pytest.raises(ValidationError, match="second member of staff"):
        services.sar_approve(sar=sar, actor=privacy_officer)
    services.sar_approve(sar=sar, actor=officer)
    assert sar.status == SarStatus.RELEASED
    assert {"sar.logged", "sar.prepared", "sar.released"} <= set(
        AuditEvent.objects.filter(target_id=str(sar.pk)).values_list("action", flat=True)
    )


def test_future_received_date_is_refused(area, privacy_officer, tina):
    with pytest.raises(ValidationError):
        services.sar_log(person=tina, received_on=dt.date(2999, 1, 1), actor=privacy_officer)


def test_export_downloads_only_after_release(client, area, officer, privacy_officer, tina):
    client.force_login(privacy_officer)
    response = client.post(
        "/accountability/subject-access/", {"person": "Kristina Okonkwo", "received_on": "2/11/2026"}
    )
    assert response.status_code == 302
    sar_url = response.url
    client.post(sar_url + "prepare")
    assert client.get(sar_url + "export.json").status_code == 403
    client.post(sar_url + "approve")  # same person: refused
    assert client.get(sar_url + "export.json").status_code == 403
    client.force_login(officer)
    client.post(sar_url + "approve")
    download = client.get(sar_url + "export.json")
    assert download.status_code == 200
    assert b"Okonkwo" in download.content
    bad = client.post("/accountability/subject-access/", {"person": "999999", "received_on": "2/11/2026"})
    assert b"no person with that record number" in bad.content
    nobody = client.post("/accountability/subject-access/", {"person": "Zebedee Quux", "received_on": "2/11/2026"})
    assert b"Nobody in the register matches" in nobody.content
