"""Every event in the demo's ledger carries its agency's own event id, so the demo area's own extracts,
sent again, are recognised as already received and change no figure (issue 20, ADR 0014)."""

from __future__ import annotations

import io

import pyarrow.csv as pacsv
import pytest
from django.core.management import call_command
from django.db.models import Count

from tide.areas.models import Agency, Area, User
from tide.coordination.models import SupportEpisode
from tide.finance.selectors import active_series, cost_report, default_price_year
from tide.identification.selectors import list_summary
from tide.intake.models import ExtractFile
from tide.intake.services import extract_import
from tide.service_use.models import ServiceEvent
from tide.simulate import SimConfig, generate
from tide.simulate.demo import _owners, _recent_records, feeds_as_sent
from tide.simulate.writer import to_table

pytestmark = pytest.mark.django_db

SEED = 3


def _csv(rows) -> bytes:
    out = io.BytesIO()
    pacsv.write_csv(to_table(rows), out, write_options=pacsv.WriteOptions(quoting_style="needed"))
    return out.getvalue()


def _counts() -> dict:
    area = Area.objects.get(code="tidemouth")
    helen = User.objects.get(username="helen")
    report = cost_report(area=area, target_year=default_price_year(active_series()))
    return {
        "events": dict(ServiceEvent.objects.values_list("agency__code").annotate(n=Count("id"))),
        "list": list_summary(user=helen).figures.by_status,
        "caseload": SupportEpisode.objects.filter(ended_on__isnull=True).count(),
        "cost_people": [(p.person_id, p.cost_before, p.cost_during) for p in report.people],
        "cost_tables": report.tables,
        "files": ExtractFile.objects.count(),
    }


@pytest.fixture
def demo():
    call_command("demo", preset="tiny", seed=SEED)
    return feeds_as_sent(generate(SimConfig.preset("tiny", seed=SEED)))


def test_the_demos_ledger_holds_each_agencys_own_event_ids(demo):
    sent = {(code, event_id) for code, extract in demo.extracts.items() for event_id in extract["event_id"]}
    held = set(ServiceEvent.objects.values_list("agency__code", "event_id"))
    assert held == sent


def test_the_demo_areas_own_extracts_sent_again_change_no_count(demo, django_capture_on_commit_callbacks):
    before = _counts()
    taken_by_intake = _recent_records(demo, _owners(demo))  # the demo's "latest extracts" went through intake
    admin = User.objects.get(username="admin")
    for code, extract in demo.extracts.items():
        agency = Agency.objects.get(code=code)
        older = extract[[(code, ref) not in taken_by_intake for ref in extract["record_ref"]]]
        for rows, name in ((extract, f"{code}-again.csv"), (older, f"{code}-older.csv")):
            if rows.empty:
                continue
            with django_capture_on_commit_callbacks(execute=True):
                outcome = extract_import(
                    agency=agency, content=_csv(rows), filename=name, channel="command", actor=admin
                )
            assert not outcome.accepted, f"{name} was taken in again"
            assert outcome.repeated == len(rows)
            assert outcome.new_rows == 0
            assert "already received" in outcome.problems[0].message
    assert _counts() == before
