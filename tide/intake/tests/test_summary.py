"""The import summary: what a finished import brought and changed, naming a person only to a user who may
see them (issue 20, "Imports you can follow")."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Role
from tide.core import relationships
from tide.identification.models import ListChange, ListStatus
from tide.intake.models import ExtractFile
from tide.intake.services import extract_import
from tide.intake.tests.extracts import acute_csv, police_csv
from tide.linkage.models import SourceRecord
from tide.testing.fixtures import make_user


@pytest.fixture
def imported(police, acute, analyst):
    extract_import(agency=police, content=police_csv(), filename="p.csv", channel="upload", actor=analyst)
    outcome = extract_import(agency=acute, content=acute_csv(), filename="a.csv", channel="upload", actor=analyst)
    assert outcome.accepted, outcome.problems
    return outcome.file


@pytest.fixture
def sees_okafor():
    relationships.register("test.okafor", lambda user, person: "test" if person.family_name == "Okafor" else None)
    yield
    relationships._providers.pop("test.okafor")


def _person_of(ref: str):
    return SourceRecord.objects.get(record_ref=ref).links.get(ended_at__isnull=True).person


def test_the_summary_shows_new_records_how_sure_tide_is_and_events_by_type_without_names(
    client, area, acute, analyst, imported
):
    client.force_login(analyst)
    body = client.get(reverse("intake:file-summary", args=[imported.pk])).content.decode()
    for ref in ("RTX0000001", "RTX0000002", "RTX0000003"):
        assert ref not in body  # another agency's records, about people the analyst may not see
    assert "Not shown: another agency’s record" in body
    data_lead = make_user(area, Role.ADMINISTRATOR, agency=acute)  # the hospital's own data lead
    client.force_login(data_lead)
    response = client.get(reverse("intake:file-summary", args=[imported.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "3 new records" in body
    for ref in ("RTX0000001", "RTX0000002", "RTX0000003"):
        assert ref in body
    holloway = SourceRecord.objects.get(record_ref="RTX0000002").links.get(ended_at__isnull=True)
    assert f"{holloway.probability:.0%}" in body  # how sure the model was
    assert response.context["summary"].events_by_type == [
        ("A&E attendance", 3),
        ("Emergency (non-elective) admission", 1),
    ]
    for name in ("Okafor", "Danny", "Holloway", "Bernadette", "Nkemelu", "Grace"):
        assert name not in body  # the data lead has no relationship with any of them
    assert "a person you may not see" in body


def test_the_summary_names_only_the_people_the_user_may_see(client, area, imported, sees_okafor):
    manager = make_user(area, Role.TEAM_MANAGER)
    client.force_login(manager)
    body = client.get(reverse("intake:file-summary", args=[imported.pk])).content.decode()
    assert "Okafor" in body
    assert "Holloway" not in body
    assert "Nkemelu" not in body


def test_the_summary_counts_people_newly_on_the_by_name_list(client, analyst, area, imported, sees_okafor):
    okafor, grace = _person_of("RTX0000001"), _person_of("RTX0000003")
    today = timezone.localdate()
    for person in (okafor, grace):
        ListChange.objects.create(person=person, area=area, on=today, before="", after=ListStatus.NEW, inflow=True)
    manager = make_user(area, Role.TEAM_MANAGER)
    client.force_login(manager)
    response = client.get(reverse("intake:file-summary", args=[imported.pk]))
    section = response.context["summary"].effects[0]
    assert (section.heading, section.count) == ("Newly identified on the by-name list", 2)
    body = response.content.decode()
    assert "Okafor" in body
    assert "Nkemelu" not in body
    assert "1 person you may not see" in body


def test_the_finished_upload_leads_to_its_summary_and_others_may_not_see_it(
    client, analyst, police, coordinator, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tide.core.jobs import job_run_next

    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("intake:index"), {"agency": police.pk, "file": SimpleUploadedFile("p.csv", police_csv())}
        )
        job_run_next()
    file = ExtractFile.objects.get()
    assert reverse("intake:file-summary", args=[file.pk]) in client.get(response["Location"]).content.decode()
    client.force_login(coordinator)
    assert client.get(reverse("intake:file-summary", args=[file.pk])).status_code == 403
