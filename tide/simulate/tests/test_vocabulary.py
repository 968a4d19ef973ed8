"""One source for each vocabulary: the simulator, the benches and every room use the ledger's event codes,
identification's NDT items and the one definition of crisis use, rather than copies of them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tide.identification import listing, ndt
from tide.identification import models as identification_models
from tide.outcomes import catalogue
from tide.service_use import event_types
from tide.simulate import area, trajectories

BENCH = Path(__file__).resolve().parents[3] / "bench"


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_simulator_speaks_the_ledgers_event_codes():
    assert trajectories.EVENT_CODES is event_types.CODES
    assert trajectories.CODE_INDEX is event_types.CODE_INDEX
    assert area.EVENT_CODES is event_types.CODES
    assert len(event_types.CODES) == 21


def test_the_finance_bench_prices_the_ledgers_event_codes():
    assert _bench("finance_bench").ORDER is event_types.CODES


def test_ndt_items_come_from_the_ndt_module():
    assert trajectories.NDT_ITEMS is ndt.CODES
    assert identification_models.NDT_ITEMS is ndt.CODES


def test_crisis_is_defined_once_by_the_event_types():
    assert listing.CRISIS is event_types.CRISIS
    crisis_measures = [m for m in catalogue.MEASURES if m.domain == "crisis"]
    assert crisis_measures
    for measure in crisis_measures:  # the outcomes domain "crisis" counts only crisis events
        assert set(measure.event_types) <= event_types.CRISIS, measure.code
    assert {m.code for m in crisis_measures} <= catalogue.CRISIS_MEASURES
    for code in catalogue.CRISIS_MEASURES:  # the crisis chart adds up counts of crisis events only
        measure = catalogue.BY_CODE[code]
        assert measure.source == "count"
        assert set(measure.event_types) <= event_types.EMERGENCY_CRISIS <= event_types.CRISIS
    assert {"ae_attendance", "emergency_admission", "ambulance_callout", "arrest"} <= catalogue.CRISIS_MEASURES
