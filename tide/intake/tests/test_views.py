from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tide.areas.models import Role
from tide.intake.models import AgencyToken, ExtractFile
from tide.intake.services import token_create
from tide.intake.tests.extracts import POLICE_ROWS, police_csv
from tide.service_use.models import ServiceEvent
from tide.testing.fixtures import make_user


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def test_upload_with_an_error_shows_every_problem_and_records_nothing(
    analyst_client, police, django_capture_on_commit_callbacks
):
    bad = police_csv([POLICE_ROWS[0].replace("arrest", "picnic")])
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(
            reverse("intake:index"), {"agency": police.pk, "file": SimpleUploadedFile("custody.csv", bad)}
        )
    response = analyst_client.get(response["Location"])
    assert response.status_code == 200
    body = response.content.decode()
    assert "File refused: nothing was recorded" in body
    assert "“picnic” is not an allowed value" in body
    assert ExtractFile.objects.count() == 0


def test_upload_of_a_good_file_is_accepted_as_a_background_job(
    analyst_client, police, django_capture_on_commit_callbacks
):
    response = analyst_client.post(
        reverse("intake:index"), {"agency": police.pk, "file": SimpleUploadedFile("custody.csv", police_csv())}
    )
    assert "Checking “custody.csv”" in analyst_client.get(response["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        from tide.core.jobs import job_run_next

        job_run_next()
    response = analyst_client.get(response["Location"])
    assert "File accepted" in response.content.decode()
    file = ExtractFile.objects.get()
    assert analyst_client.get(reverse("intake:file-detail", args=[file.pk])).status_code == 200


def test_upload_form_errors_are_specific(analyst_client, police):
    response = analyst_client.post(reverse("intake:index"), {"agency": ""})
    body = response.content.decode()
    assert "Choose the agency that sent the file." in body
    assert "Choose the extract file to upload." in body


def test_coordinators_cannot_upload_extracts(coordinator_client):
    assert coordinator_client.get(reverse("intake:index")).status_code == 403


def test_other_peoples_uploads_and_unknown_ids_are_not_found(analyst_client, area, police):
    assert analyst_client.get(reverse("intake:upload-result", args=[999])).status_code == 404
    assert analyst_client.get(reverse("intake:file-detail", args=[999])).status_code == 404
    assert analyst_client.get(reverse("intake:format-detail", args=["nope"])).status_code == 404


def test_formats_pages_list_and_describe_the_declared_formats(analyst_client, formats):
    assert "Police custody" in analyst_client.get(reverse("intake:formats")).content.decode()
    body = analyst_client.get(reverse("intake:format-detail", args=["police"])).content.decode()
    assert "pnc_id" in body
    assert "arrest, custody_night" in body


def test_administrator_creates_a_token_shown_once_and_stored_as_a_hash(analyst_client, police):
    response = analyst_client.post(reverse("intake:tokens"), {"agency": police.pk, "label": "Custody nightly"})
    body = response.content.decode()
    token = AgencyToken.objects.get()
    assert "tide_" in body
    assert token.token_hash not in body
    analyst_client.post(reverse("intake:token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_api_needs_a_valid_token(client, police):
    response = client.post(reverse("intake:api-extracts"), police_csv(), content_type="text/csv")
    assert response.status_code == 401
    response = client.post(
        reverse("intake:api-extracts"), police_csv(), content_type="text/csv", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert response.status_code == 401


def test_api_takes_a_csv_extract_and_reports_the_outcome(client, police, analyst, django_capture_on_commit_callbacks):
    _, secret = token_create(agency=police, label="custody", actor=analyst)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:api-extracts"), police_csv(), content_type="text/csv", **auth)
    assert response.status_code == 202
    status = client.get(reverse("intake:api-job", args=[response.json()["job"]]), **auth).json()
    assert status["status"] == "succeeded"
    assert status["accepted"] is True
    assert status["events"] == 4
    assert ServiceEvent.objects.count() == 4


def test_api_json_rows_with_a_bad_value_are_refused_with_problems(
    client, police, analyst, django_capture_on_commit_callbacks
):
    _, secret = token_create(agency=police, label="custody", actor=analyst)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    row = {
        "event_id": "CU00000000001", "record_ref": "PP00000001", "pnc_id": "", "surname": "OKAFOR", "forenames": "Daniel",
        "date_of_birth": "1984-06-12", "address": "", "postcode": "TX1 2AB", "event_type": "arrest", "event_date": "2026-13-01",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:api-extracts"), {"rows": [row]}, content_type="application/json", **auth)
    status = client.get(reverse("intake:api-job", args=[response.json()["job"]]), **auth).json()
    assert status["accepted"] is False
    assert status["problems"][0]["column"] == "event_date"
    assert ServiceEvent.objects.count() == 0


def test_api_refuses_unreadable_bodies_and_other_agencies_jobs(client, police, area, analyst):
    from tide.testing.factories import AgencyFactory

    _, secret = token_create(agency=police, label="custody", actor=analyst)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.post(reverse("intake:api-extracts"), b"{", content_type="application/json", **auth).status_code == 400
    assert client.post(reverse("intake:api-extracts"), b"x", content_type="text/plain", **auth).status_code == 415
    other = AgencyFactory(area=area, code="acute")
    _, other_secret = token_create(agency=other, label="acute", actor=analyst)
    job = client.post(reverse("intake:api-extracts"), police_csv(), content_type="text/csv", **auth).json()["job"]
    response = client.get(reverse("intake:api-job", args=[job]), HTTP_AUTHORIZATION=f"Bearer {other_secret}")
    assert response.status_code == 404


def test_openapi_document_describes_the_intake_api(client):
    document = client.get(reverse("intake:api-openapi")).json()
    assert document["openapi"].startswith("3.")
    assert reverse("intake:api-extracts") in document["paths"]
    assert document["components"]["securitySchemes"]["agencyToken"]["scheme"] == "bearer"


def test_team_manager_may_upload_but_not_manage_tokens(client, area):
    manager = make_user(area, Role.TEAM_MANAGER)
    client.force_login(manager)
    assert client.get(reverse("intake:index")).status_code == 200
    assert client.get(reverse("intake:tokens")).status_code == 403
