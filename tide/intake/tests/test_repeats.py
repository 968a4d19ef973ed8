"""Events already received are recognised by their agency's event id; the data lead may then take just the
new events of a refused file, in one confirmed, audited, all-or-nothing step (ADR 0014)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from tide.core.jobs import job_run_next
from tide.core.models import AuditEvent
from tide.intake.models import ExtractFile
from tide.intake.services import extract_import
from tide.intake.tests.extracts import POLICE_ROWS, police_csv
from tide.service_use.models import ServiceEvent
from tide.testing.factories import AgencyFactory, PersonFactory, ServiceEventFactory


def _import(police, analyst, rows, name, **kw):
    return extract_import(agency=police, content=police_csv(rows), filename=name, channel="upload", actor=analyst, **kw)


@pytest.fixture
def first_two(police, analyst):
    assert _import(police, analyst, POLICE_ROWS[:2], "jan.csv").accepted
    return ServiceEvent.objects.count()


def test_a_file_mixing_new_and_received_events_is_refused_naming_each_repeat(police, analyst, first_two):
    outcome = _import(police, analyst, POLICE_ROWS, "jan-and-feb.csv")
    assert not outcome.accepted
    assert (outcome.repeated, outcome.new_rows) == (2, 2)
    assert outcome.only_repeats_stand_in_the_way
    messages = [p.message for p in outcome.problems]
    assert "2 of the 4 events in this file were already received" in messages[0]
    assert "Event CU00000000001 was already received in an earlier file." in messages
    assert "Event CU00000000002 was already received in an earlier file." in messages
    assert ServiceEvent.objects.count() == first_two
    assert ExtractFile.objects.count() == 1


def test_the_data_lead_can_take_only_the_new_events_in_one_audited_step(police, analyst, first_two):
    outcome = _import(police, analyst, POLICE_ROWS, "jan-and-feb.csv", only_new=True)
    assert outcome.accepted, outcome.problems
    file = outcome.file
    assert (file.row_count, file.event_count, file.skipped_count) == (4, 2, 2)
    assert ServiceEvent.objects.count() == first_two + 2
    assert set(ServiceEvent.objects.values_list("event_id", flat=True)) == {f"CU0000000000{i}" for i in range(1, 5)}
    audit = AuditEvent.objects.filter(action="intake.file_accepted").latest("pk")
    assert audit.detail["only_new"] is True
    assert audit.detail["already_received_left_out"] == 2


def test_taking_only_the_new_events_is_all_or_nothing(police, analyst, first_two):
    bad = [*POLICE_ROWS[:3], POLICE_ROWS[3].replace("arrest", "picnic")]
    outcome = _import(police, analyst, bad, "jan-and-feb.csv", only_new=True)
    assert not outcome.accepted
    assert "“picnic” is not an allowed value" in outcome.problems[0].message
    assert ServiceEvent.objects.count() == first_two
    assert ExtractFile.objects.count() == 1


def test_a_file_of_only_received_events_says_so_and_changes_nothing(police, analyst, first_two):
    for only_new in (False, True):
        outcome = _import(police, analyst, [POLICE_ROWS[1], POLICE_ROWS[0]], "again.csv", only_new=only_new)
        assert not outcome.accepted
        assert (outcome.repeated, outcome.new_rows) == (2, 0)
        assert not outcome.only_repeats_stand_in_the_way
        assert "Every event in this file (2) was already received" in outcome.problems[0].message
    assert ServiceEvent.objects.count() == first_two
    assert ExtractFile.objects.count() == 1


def test_the_ledger_refuses_a_second_event_with_the_same_agency_event_id(police):
    person = PersonFactory(area=police.area)
    ServiceEventFactory(person=person, agency=police, event_id="CU00000000009")
    ServiceEventFactory(person=person, agency=AgencyFactory(area=police.area), event_id="CU00000000009")
    with pytest.raises(IntegrityError):
        ServiceEventFactory(person=person, agency=police, event_id="CU00000000009")


def test_refused_upload_offers_to_import_only_the_new_events_then_does_after_confirmation(
    client, analyst, police, first_two, django_capture_on_commit_callbacks
):
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("intake:index"), {"agency": police.pk, "file": SimpleUploadedFile("feb.csv", police_csv())}
        )
        job_run_next()
    page = client.get(response["Location"]).content.decode()
    assert "File refused: nothing was recorded" in page
    assert "Import only the 2 new events" in page
    confirm_url = reverse("intake:upload-only-new", args=[response["Location"].rstrip("/").split("/")[-1]])
    confirm = client.get(confirm_url).content.decode()
    assert "2 events Tide already holds will be left out" in confirm
    assert ServiceEvent.objects.count() == first_two  # nothing until confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url)
        job_run_next()
    page = client.get(response["Location"]).content.decode()
    assert "File accepted" in page
    assert ServiceEvent.objects.count() == first_two + 2
    assert AuditEvent.objects.filter(action="intake.file_accepted", detail__only_new=True).count() == 1
    # The step is taken once: the kept file is gone.
    assert client.post(confirm_url).status_code == 404


def test_the_import_command_takes_only_the_new_events_when_asked(police, analyst, first_two, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    path = tmp_path / "feb.csv"
    path.write_bytes(police_csv())
    with pytest.raises(CommandError):
        call_command("import", str(path), agency="police")
    assert "run again with --only-new" in capsys.readouterr().out
    assert ServiceEvent.objects.count() == first_two
    call_command("import", str(path), agency="police", only_new=True)
    assert "2 already received, left out" in capsys.readouterr().out
    assert ServiceEvent.objects.count() == first_two + 2
