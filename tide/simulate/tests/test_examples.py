"""The example extracts in docs/examples/ are what the simulator makes, and each imports into a demo area
(issue 20: a newcomer can try an import without generating anything)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from tide.areas.models import Agency, User
from tide.intake.models import ExtractFile
from tide.intake.services import extract_import
from tide.service_use.models import ServiceEvent
from tide.simulate.config import AGENCIES
from tide.simulate.examples import write_examples

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "tidemouth-2026-10"


def test_the_shipped_examples_are_the_simulators_and_small(tmp_path):
    write_examples(tmp_path)
    for agency in AGENCIES:
        assert (EXAMPLES / f"{agency}.csv").read_bytes() == (tmp_path / f"{agency}.csv").read_bytes(), agency
    assert sum(p.stat().st_size for p in EXAMPLES.glob("*.csv")) < 2 * 1024 * 1024


@pytest.mark.django_db
def test_every_example_extract_imports_into_the_demo_area():
    call_command("demo", preset="tiny", seed=3)
    admin = User.objects.get(username="admin")
    before = ServiceEvent.objects.count()
    rows = 0
    for agency in AGENCIES:
        path = EXAMPLES / f"{agency}.csv"
        outcome = extract_import(
            agency=Agency.objects.get(code=agency),
            content=path.read_bytes(),
            filename=path.name,
            channel="command",
            actor=admin,
        )
        assert outcome.accepted, (agency, outcome.problems[:3])
        rows += outcome.file.event_count
    assert ServiceEvent.objects.count() == before + rows
    assert ExtractFile.objects.filter(filename__in=[f"{a}.csv" for a in AGENCIES]).count() == len(AGENCIES)
