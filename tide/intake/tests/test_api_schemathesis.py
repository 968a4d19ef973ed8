"""Schema-driven fuzzing of the agency API (schemathesis), in-process through Django's WSGI application.

Schemathesis reads the API's own OpenAPI document, generates requests that fit it and requests that do
not (positive and negative modes), sends them with a seeded agency's token and checks every response:
no server error, only documented status codes, content types, headers and bodies, garbage refused
with a 4xx (but a CSV body, which is any text), an unauthenticated request refused. ``positive_data_acceptance`` is left out: the API also
refuses schema-valid bodies that break rules JSON Schema cannot say (every row with the same fields in
the same order), with a documented 400.

The number of examples per operation is bounded (``TIDE_FUZZ_EXAMPLES``, default 150) so that the
run takes about a minute; ``.ci/run`` runs this file in its own step on SQLite and with the
PostgreSQL suite.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import RequestFactory
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tide.areas.models import Sector
from tide.intake import api
from tide.intake.services import formats_load_shipped, token_create
from tide.testing.factories import AgencyFactory, AreaFactory

EXAMPLES = int(os.environ.get("TIDE_FUZZ_EXAMPLES", "150"))

schema = schemathesis.openapi.from_dict(api.openapi(RequestFactory().get("/intake/api/v1/openapi.json")))
schema.app = get_wsgi_application()
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE], max_examples=EXAMPLES
)


@pytest.fixture
def in_test_transaction():
    """Keep the test's database connection open across requests, as Django's test client does.

    The plain WSGI handler closes "old" connections when a request starts and ends; inside the test's
    transaction that closes the connection itself (on PostgreSQL).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def agency_token(db, in_test_transaction):
    formats_load_shipped(actor=None)
    area = AreaFactory()
    police = AgencyFactory(area=area, code="police", sector=Sector.POLICE)
    _, secret = token_create(agency=police, label="fuzz", actor=None)
    return secret


@pytest.mark.fuzz
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_agency_api_keeps_to_its_schema_whatever_it_is_sent(case, agency_token):
    excluded = [positive_data_acceptance]
    if case.media_type == "text/csv":
        # A CSV body is any bytes: "not a string" serialises to some text, which the API takes and the
        # import job then checks against the agency's format.
        excluded.append(negative_data_rejection)
    case.call_and_validate(headers={"Authorization": f"Bearer {agency_token}"}, excluded_checks=excluded)
