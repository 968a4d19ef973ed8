"""Screening in the database agrees with the vectorised screening, and with the synthetic area's truth."""

import datetime as dt

import numpy as np
import pytest

from tide.identification import rules
from tide.identification.models import ListEntry, ScreeningResult
from tide.identification.services import screening_run
from tide.people.models import PersonIdentifier
from tide.simulate import SimConfig, generate
from tide.simulate.demo import demo_load, feeds_as_sent

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 9, 30)  # the simulation's period end


@pytest.fixture(scope="module")
def sim():
    return feeds_as_sent(generate(SimConfig.preset("tiny", seed=3)))


def test_database_screening_matches_the_vectorised_screening_and_the_truth(sim):
    area = demo_load(seed=3, preset="tiny", say=lambda _: None)
    screening_run(as_of=AS_OF, area_id=area.pk)
    by_nhs = dict(PersonIdentifier.objects.filter(kind="nhs", person__area=area).values_list("value", "person_id"))
    sim_to_db = {pid: by_nhs[nhs] for pid, nhs in zip(sim.people.person_id, sim.people.nhs_number, strict=True)}
    ledger, uniques = rules.ledger_from_columns(sim.events.person_id, sim.events.event_type, sim.events.event_date)
    truth = sim.definitions.set_index("person_id")
    for spec in rules.shipped_specs():
        screened = rules.screen_ledger(spec, ledger, as_of=AS_OF)
        expected = {sim_to_db[uniques[i]] for i in np.flatnonzero(screened["meets"])}
        in_db = set(
            ScreeningResult.objects.filter(definition__code=spec.code, meets=True).values_list("person_id", flat=True)
        )
        assert in_db == expected, spec.code
        assert len(in_db) > 0
        true_ids = {
            sim_to_db[pid]
            for pid, v in truth[spec.code].items()
            if (v >= spec.min_criteria if spec.code == "hard_edges_smd" else bool(v))
        }
        precision = len(in_db & true_ids) / len(in_db)
        assert precision >= 0.95, (spec.code, precision)
    listed = set(ListEntry.objects.values_list("person_id", flat=True))
    assert listed == set(ScreeningResult.objects.filter(meets=True).values_list("person_id", flat=True))
