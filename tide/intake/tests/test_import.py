from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from tide.core.jobs import JobCancelledError
from tide.core.models import Job
from tide.intake.jobs import KIND, import_handler, incoming_save
from tide.intake.models import ExtractFile
from tide.intake.services import extract_import
from tide.intake.tests.extracts import ACUTE_ROWS, POLICE_ROWS, acute_csv, police_csv
from tide.linkage.models import SourceRecord
from tide.people.models import Person
from tide.service_use.models import ServiceEvent


def test_accepted_file_keeps_its_provenance_and_its_events_reach_the_ledger(police, analyst):
    outcome = extract_import(
        agency=police, content=police_csv(), filename="custody.csv", channel="upload", actor=analyst
    )
    assert outcome.accepted, outcome.problems
    file = ExtractFile.objects.get()
    assert (file.agency, file.received_by, file.row_count, file.record_count, file.event_count) == (
        police,
        analyst,
        4,
        3,
        4,
    )
    assert len(file.sha256) == 64
    event = ServiceEvent.objects.get(event_id="CU00000000002")
    assert (event.event_type, event.occurred_on, event.agency) == ("custody_night", dt.date(2026, 1, 10), police)
    assert event.record_ref == "PP00000001"
    assert event.person.family_name == "Okafor"  # capitals from the police system are tidied for the register
    assert Person.objects.count() == 3


def test_a_record_keeps_its_date_of_birth_and_the_date_of_its_first_event(acute, analyst):
    rows = [ACUTE_ROWS[1], ACUTE_ROWS[0]]  # the later event first
    extract_import(agency=acute, content=acute_csv(rows), filename="a.csv", channel="upload", actor=analyst)
    record = SourceRecord.objects.get(record_ref="RTX0000001")
    assert (record.date_of_birth, record.first_seen_on) == (dt.date(1984, 6, 12), dt.date(2026, 1, 20))
    assert record.family_key == "okafor"
    record.family_name = "O'Kafor-Smith"
    record.save()  # a record saved one at a time keeps its search key too
    assert SourceRecord.objects.get(pk=record.pk).family_key == "o kafor smith"


def test_the_same_file_sent_twice_is_refused_as_a_repeat(police, analyst):
    extract_import(agency=police, content=police_csv(), filename="a.csv", channel="upload", actor=analyst)
    outcome = extract_import(agency=police, content=police_csv(), filename="b.csv", channel="api", actor=analyst)
    assert not outcome.accepted
    assert "already accepted" in outcome.problems[0].message
    assert ExtractFile.objects.count() == 1
    assert ServiceEvent.objects.count() == 4


def test_an_event_already_received_in_another_file_is_refused(police, analyst):
    extract_import(
        agency=police, content=police_csv(POLICE_ROWS[:2]), filename="a.csv", channel="upload", actor=analyst
    )
    outcome = extract_import(
        agency=police, content=police_csv(POLICE_ROWS[1:]), filename="b.csv", channel="upload", actor=analyst
    )
    assert [(p.row, p.column) for p in outcome.problems] == [(None, "event_id"), (2, "event_id")]
    assert "already received" in outcome.problems[1].message
    assert ServiceEvent.objects.count() == 2


def test_import_job_cancelled_midway_writes_nothing(police, analyst):
    job = Job.objects.create(
        kind=KIND,
        params={"agency": police.pk, "filename": "p.csv", "incoming": incoming_save(police_csv()), "channel": "upload"},
        created_by=analyst,
    )

    def progress(fraction, message=""):
        if fraction > 0.5:
            raise JobCancelledError

    with pytest.raises(JobCancelledError):
        import_handler(job, progress)
    assert ExtractFile.objects.count() == SourceRecord.objects.count() == ServiceEvent.objects.count() == 0


def test_import_command_accepts_a_good_file_and_refuses_a_bad_one(police, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(police_csv(POLICE_ROWS[:1]))
    bad.write_bytes(police_csv([POLICE_ROWS[1].replace("custody_night", "picnic")]))
    call_command("import", str(good), agency="police")
    assert "accepted, 1 events" in capsys.readouterr().out
    with pytest.raises(CommandError, match="1 file"):
        call_command("import", str(bad), agency="police")
    assert "“picnic” is not an allowed value" in capsys.readouterr().out
    assert ServiceEvent.objects.count() == 1
