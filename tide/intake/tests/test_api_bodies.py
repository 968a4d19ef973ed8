"""The agency API answers every malformed request with a JSON error: never HTML, never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tide.core.models import Job
from tide.intake.jobs import incoming_dir
from tide.intake.services import token_create
from tide.intake.tests.extracts import POLICE_HEADER, police_csv

EXTRACTS = "/intake/api/v1/extracts"
COLUMNS = [c.strip('"') for c in POLICE_HEADER.split(",")]


@pytest.fixture
def auth(police, analyst):
    _, secret = token_create(agency=police, label="custody", actor=analyst)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json", response.content[:300]
    body = response.json()
    assert isinstance(body["error"], str)
    assert body["error"]
    return body["error"]


def _deep(levels):
    return b"[" * levels + b"]" * levels


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"rows": [{"surname": "\xff\xfe"}]}', id="not-utf8"),
        pytest.param(b"\xff\xfe\x00\x00", id="binary"),
        pytest.param(b"{", id="not-json"),
        pytest.param(b'{"rows": 5}', id="rows-a-number"),
        pytest.param(b'{"rows": "abc"}', id="rows-a-string"),
        pytest.param(b'{"rows": {"a": 1}}', id="rows-an-object"),
        pytest.param(b'{"rows": []}', id="rows-empty"),
        pytest.param(b"[]", id="a-list"),
        pytest.param(b"null", id="null"),
        pytest.param(b"5", id="a-number"),
        pytest.param(b'{"rows": [1, 2]}', id="rows-not-objects"),
        pytest.param(b'{"rows": [null]}', id="row-null"),
        pytest.param(b'{"rows": [{"surname": {"nested": [1]}}]}', id="nested-value"),
        pytest.param(b'{"rows": [{"surname": ["a"]}]}', id="list-value"),
        pytest.param(b'{"rows": [{"a": 1}], "filename": {"x": 1}}', id="filename-an-object"),
        pytest.param(b'{"rows": [{"a": 1}], "filename": "a\\u0000b"}', id="filename-with-nul"),
        pytest.param(b'{"rows": [{"a": "x\\u0000y"}]}', id="value-with-nul"),
        pytest.param(b'{"rows": [{"a": 1' + b"9" * 5000 + b"}]}", id="huge-integer"),
        pytest.param(_deep(100_000), id="deeply-nested"),
        pytest.param(b'{"rows": [{"a": 1}, {"b": 2}]}', id="rows-with-different-fields"),
    ],
)
def test_a_malformed_json_body_gets_a_json_400(client, auth, body):
    response = client.post(EXTRACTS, body, content_type="application/json", **auth)
    _json_error(response, 400)
    assert not Job.objects.exists()


@pytest.mark.parametrize("content_type", ["application/json", "text/csv"])
def test_an_empty_body_gets_a_json_400(client, auth, content_type):
    _json_error(client.generic("POST", EXTRACTS, b"", CONTENT_TYPE=content_type, **auth), 400)
    assert not Job.objects.exists()


def test_a_body_that_is_not_utf8_says_so(client, auth):
    message = _json_error(client.post(EXTRACTS, b'{"rows": "\xff"}', content_type="application/json", **auth), 400)
    assert "UTF-8" in message


def test_a_wrong_content_type_gets_a_json_415(client, auth):
    _json_error(client.post(EXTRACTS, b"x", content_type="text/plain", **auth), 415)
    _json_error(client.post(EXTRACTS, {"rows": "x"}, **auth), 415)  # a form, multipart


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nope", "Basic abc", "Bearer  "])
def test_a_missing_or_invalid_token_gets_a_json_401(client, police, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    _json_error(client.post(EXTRACTS, police_csv(), content_type="text/csv", **extra), 401)
    _json_error(client.get("/intake/api/v1/jobs/1", **extra), 401)


def test_a_wrong_method_gets_a_json_405_with_allow(client, auth):
    response = client.get(EXTRACTS, **auth)
    _json_error(response, 405)
    assert response["Allow"] == "POST"
    response = client.delete("/intake/api/v1/jobs/1", **auth)
    _json_error(response, 405)
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("job", ["999999", "0", "-1", "x", "99999999999999999999999999999", "1.5"])
def test_an_unknown_job_gets_a_json_404(client, auth, job):
    _json_error(client.get(f"/intake/api/v1/jobs/{job}", **auth), 404)


def _big_csv(size: int) -> bytes:
    line = b"CU%011d,PP00000001,,OKAFOR,Daniel,1984-06-12,,TX1 2AB,arrest,2026-01-01\n"
    out = [POLICE_HEADER.encode() + b"\n"]
    total, n = 0, 0
    while total < size:
        row = line % n
        out.append(row)
        total += len(row)
        n += 1
    return b"".join(out)


def test_a_body_larger_than_django_s_form_limit_is_taken_whole(client, auth, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # the limit for forms must not apply to the API
    body = _big_csv(64 * 1024)
    response = client.post(EXTRACTS, body, content_type="text/csv", **auth)
    assert response.status_code == 202, response.content[:300]
    job = Job.objects.get(pk=response.json()["job"])
    assert (incoming_dir() / job.params["incoming"]).read_bytes() == body


def test_a_body_over_the_api_limit_gets_a_json_413_and_leaves_nothing_behind(client, auth, settings):
    settings.TIDE_API_MAX_BYTES = 10_000
    before = set(incoming_dir().iterdir())
    message = _json_error(client.post(EXTRACTS, _big_csv(20_000), content_type="text/csv", **auth), 413)
    assert "10,000" in message
    assert not Job.objects.exists()
    assert set(incoming_dir().iterdir()) == before


def test_a_json_body_over_the_api_limit_gets_a_json_413(client, auth, settings):
    settings.TIDE_API_MAX_BYTES = 100
    body = b'{"rows": [{"a": "' + b"x" * 200 + b'"}]}'
    _json_error(client.post(EXTRACTS, body, content_type="application/json", **auth), 413)


def test_a_header_with_a_nul_gets_a_json_400(client, auth):
    response = client.post(EXTRACTS, police_csv(), content_type="text/csv", HTTP_X_FILENAME="a\x00b.csv", **auth)
    _json_error(response, 400)


def test_a_well_formed_json_body_is_queued(client, auth):
    row = dict.fromkeys(COLUMNS, "x") | {"event_id": 7, "pnc_id": None, "address": True}
    response = client.post(EXTRACTS, {"rows": [row], "filename": "custody"}, content_type="application/json", **auth)
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job"])
    assert job.params["filename"] == "custody.csv"
    content = (incoming_dir() / job.params["incoming"]).read_text()
    assert content.splitlines()[1].startswith("7,x,,x,x,x,True,")
    assert reverse("intake:api-job", args=[job.pk]) in response.json()["status_url"]


@pytest.mark.slow
def test_the_demo_area_s_largest_extracts_can_be_sent(client, area, analyst, formats, tmp_path):
    """The demo's housing (5.7 MB) and prison (3.6 MB) extracts are over Django's 2.5 MiB form limit."""
    from tide.areas.models import Sector
    from tide.simulate import SimConfig, generate, write
    from tide.testing.factories import AgencyFactory

    write(generate(SimConfig.preset("demo", seed=42)), tmp_path)
    for code, sector in [("housing", Sector.HOUSING), ("prison", Sector.PRISON)]:
        body = (tmp_path / "extracts" / f"{code}.csv").read_bytes()
        assert len(body) > 2.5 * 1024 * 1024
        _, secret = token_create(agency=AgencyFactory(area=area, code=code, sector=sector), label=code, actor=analyst)
        response = client.post(
            EXTRACTS, body, content_type="text/csv", HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_X_FILENAME=code
        )
        assert response.status_code == 202, response.content[:300]
        job = Job.objects.get(pk=response.json()["job"])
        assert (incoming_dir() / job.params["incoming"]).read_bytes() == body
        assert job.params["filename"] == f"{code}.csv"
