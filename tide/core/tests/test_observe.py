"""Observe (ADR 0081, 0082): request ids, JSON log lines, gunicorn's access log and /metrics."""

import datetime as dt
import io
import json
import logging
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from gunicorn.config import Config
from prometheus_client.parser import text_string_to_metric_families

from tide.core.gunicorn_logging import GunicornLogger
from tide.core.logs import JsonFormatter
from tide.core.models import Job
from tide.testing.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """What the django.request logger writes through the JSON formatter during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_each_response_carries_a_fresh_request_id_and_a_client_cannot_choose_it(settings):
    settings.TIDE_TRUSTED_PROXIES = []
    first = Client().get("/healthz")
    second = Client().get("/healthz", HTTP_X_REQUEST_ID="chosen-by-the-client")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_trusted_proxy_s_request_id_is_kept_and_a_malformed_one_replaced(settings):
    settings.TIDE_TRUSTED_PROXIES = ["127.0.0.1"]
    kept = Client().get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001", REMOTE_ADDR="127.0.0.1")
    assert kept["X-Request-ID"] == "lb-7f3a9c2e-0001"
    replaced = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nINFO forged", REMOTE_ADDR="127.0.0.1")
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])
    elsewhere = Client().get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0002", REMOTE_ADDR="192.0.2.9")
    assert elsewhere["X-Request-ID"] != "lb-7f3a9c2e-0002"


def test_log_lines_are_json_with_the_request_id_and_the_signed_in_user_but_no_query(coordinator, json_log):
    client = Client()
    client.force_login(coordinator)
    response = client.get("/no-such-page/?q=Alice+Example")
    assert response.status_code == 404
    lines = [line for line in json_log() if line["logger"] == "django.request"]
    assert lines, "Django logs a 404 as a warning"
    line = lines[-1]
    assert line["level"] == "WARNING"
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == coordinator.pk
    assert dt.datetime.fromisoformat(line["time"]).tzinfo is not None
    assert "Alice" not in json.dumps(line)


def test_an_anonymous_request_logs_a_null_user_and_an_exception_its_traceback(json_log):
    Client().get("/no-such-page/")
    assert json_log()[-1]["user_id"] is None
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("django.request").exception("failed")
    assert "RuntimeError: boom" in json_log()[-1]["exception"]


def test_gunicorn_access_log_names_the_route_and_leaves_out_the_query(coordinator):
    client = Client()
    client.force_login(coordinator)
    response = client.get("/healthz?name=Alice")
    environ = response.wsgi_request.environ
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("errorlog", "-")
    logger = GunicornLogger(cfg)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        assert isinstance(handler.formatter, JsonFormatter)
        handler.setStream(stream)
    logger.access(SimpleNamespace(status="200 OK", sent=42), None, environ, dt.timedelta(milliseconds=12.5))
    line = json.loads(stream.getvalue())
    assert line["route"] == "healthz"
    assert line["path"] == "/healthz"
    assert (line["status"], line["bytes"], line["duration_ms"]) == (200, 42, 12.5)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == coordinator.pk
    assert "Alice" not in stream.getvalue()


def test_metrics_are_off_until_a_token_or_network_is_set(settings):
    settings.TIDE_METRICS_TOKEN = ""
    settings.TIDE_METRICS_NETWORKS = []
    assert Client().get("/metrics").status_code == 404


def test_metrics_want_the_bearer_token(settings):
    settings.TIDE_METRICS_TOKEN = "s3cret-token-for-prometheus"
    settings.TIDE_METRICS_NETWORKS = []
    refused = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus").status_code == 200


def test_metrics_from_a_trusted_network_only(settings):
    import ipaddress

    settings.TIDE_METRICS_TOKEN = ""
    settings.TIDE_METRICS_NETWORKS = [ipaddress.ip_network("10.9.0.0/16")]
    assert Client().get("/metrics", REMOTE_ADDR="10.9.3.4").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 403


def _scrape(settings) -> str:
    settings.TIDE_METRICS_TOKEN = "t0ken-t0ken"
    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer t0ken-t0ken")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _value(text: str, name: str, **labels: str) -> float:
    """The value of the one sample called ``name`` with exactly these labels (in any order)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    raise AssertionError(f"{name}{labels} not in the metrics")


def test_metrics_give_request_latency_by_route_name_not_path(settings, coordinator):
    client = Client()
    client.force_login(coordinator)
    before = _scrape(settings)
    name, labels = "tide_http_request_duration_seconds_count", {"method": "GET", "route": "healthz", "status": "200"}
    count = _value(before, name, **labels) if 'route="healthz"' in before else 0.0
    client.get("/healthz")
    client.get("/jobs/999999/")
    after = _scrape(settings)
    assert _value(after, name, **labels) == count + 1
    assert 'route="job-detail"' in after
    assert "/jobs/999999" not in after


def test_metrics_give_queue_depth_job_durations_and_import_rows(settings, area):
    settings.TIDE_JOBS_MODE = "worker"
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    Job.objects.create(kind="intake.import", status=Job.Status.QUEUED)
    Job.objects.create(kind="intake.import", status=Job.Status.QUEUED)
    Job.objects.create(
        kind="intake.import",
        status=Job.Status.SUCCEEDED,
        started_at=start,
        finished_at=start + dt.timedelta(seconds=40),
    )
    from tide.intake.models import ExtractFile, ExtractFormat

    fmt = ExtractFormat.objects.create(code="metrics-test", name="Metrics test", spec={"columns": []})
    agency = AgencyFactory(area=area)
    ExtractFile.objects.create(
        area=area,
        agency=agency,
        format=fmt,
        format_version=1,
        filename="a.csv",
        sha256="a" * 64,
        size_bytes=10,
        channel="upload",
        row_count=1234,
        event_count=1000,
    )
    text = _scrape(settings)
    assert _value(text, "tide_jobs_queue_depth") == 2
    assert _value(text, "tide_jobs", kind="intake.import", status="queued") == 2
    assert _value(text, "tide_jobs_oldest_queued_seconds") >= 0
    done = {"kind": "intake.import", "status": Job.Status.SUCCEEDED.value}
    assert _value(text, "tide_job_duration_seconds_bucket", le="15.0", **done) == 0
    assert _value(text, "tide_job_duration_seconds_bucket", le="60.0", **done) == 1
    assert _value(text, "tide_job_duration_seconds_sum", **done) == 40
    assert _value(text, "tide_import_rows_total", channel="upload") == 1234
    assert _value(text, "tide_import_files_total", channel="upload") == 1
