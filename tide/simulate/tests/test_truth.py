from __future__ import annotations

import re

import numpy as np
import pandas as pd

from tide.service_use.event_types import BY_CODE
from tide.simulate import AGENCIES, EVENT_AGENCY, SimConfig, generate
from tide.simulate.identifiers import is_valid_nhs_number

AREA = generate(SimConfig.preset("tiny", seed=21))
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}$")


def test_every_extract_row_maps_to_a_true_person() -> None:
    rec = AREA.records.set_index(["agency", "record_ref"])["person_id"]
    assert rec.index.is_unique
    people = set(AREA.people["person_id"])
    for agency, df in AREA.extracts.items():
        keys = pd.MultiIndex.from_arrays([np.full(len(df), agency), df["record_ref"]])
        assert keys.isin(rec.index).all(), agency
        assert set(rec.loc[keys]) <= people


def test_truth_events_equal_extract_rows() -> None:
    for agency in AGENCIES:
        ex = AREA.extracts[agency][["record_ref", "event_type", "event_date"]]
        tr = AREA.events[AREA.events["agency"] == agency][["record_ref", "event_type", "event_date"]]
        key = ["record_ref", "event_type", "event_date"]
        pd.testing.assert_frame_equal(
            ex.sort_values(key).reset_index(drop=True), tr.sort_values(key).reset_index(drop=True)
        )
    assert sum(len(df) for df in AREA.extracts.values()) == len(AREA.events)


def test_events_use_the_standard_vocabulary_and_their_agency() -> None:
    assert set(AREA.events["event_type"]) <= set(BY_CODE)
    assert (AREA.events["agency"] == AREA.events["event_type"].map(EVENT_AGENCY)).all()
    for agency, df in AREA.extracts.items():
        assert (df["event_type"].map(EVENT_AGENCY) == agency).all()


def test_events_fall_inside_the_period_and_before_death() -> None:
    cfg = AREA.config
    d = AREA.events["event_date"]
    assert d.min() >= pd.Timestamp(cfg.period_start)
    assert d.max() <= pd.Timestamp(cfg.period_end)
    died = AREA.events.merge(AREA.people[["person_id", "died_on"]], on="person_id")
    assert not (died["event_date"] >= died["died_on"]).any()


def test_nhs_numbers_are_valid_and_in_the_test_range() -> None:
    nhs = AREA.people["nhs_number"]
    assert nhs.map(is_valid_nhs_number).all()
    assert nhs.str.startswith("999").all()
    assert is_valid_nhs_number("9434765919")
    assert not is_valid_nhs_number("9434765918")


def test_identifiers_have_their_published_shapes() -> None:
    p = AREA.people
    assert p["person_id"].str.fullmatch(r"S\d{7}").all()
    assert p["postcode"].str.match(POSTCODE).all()
    assert p["postcode"].str.startswith("TX").all()
    pnc = p["pnc_id"][p["pnc_id"] != ""]
    assert len(pnc) > 0
    assert pnc.str.fullmatch(r"\d{4}/\d{7}[A-Z]").all()
    pn = p["prison_number"][p["prison_number"] != ""]
    assert len(pn) > 0
    assert pn.str.fullmatch(r"[A-Z]\d{4}[A-Z]{2}").all()
    assert set(p["sex"]) == {"F", "M"}


def test_ndt_items_and_total_stay_in_range() -> None:
    ndt = AREA.ndt
    items = [c for c in ndt.columns if c not in ("person_id", "assessed_on", "total")]
    assert len(items) == 10
    for c in items:
        allowed = {0, 2, 4, 6, 8} if c in ("risk_to_others", "risk_from_others") else {0, 1, 2, 3, 4}
        assert set(ndt[c]) <= allowed, c
    assert (ndt[items].sum(axis=1) == ndt["total"]).all()
    assert ndt["total"].between(0, 48).all()
    assert set(ndt["person_id"]) <= set(AREA.people.loc[AREA.people["md"], "person_id"])


def test_definitions_follow_the_true_needs() -> None:
    d = AREA.definitions.merge(AREA.people, on="person_id")
    smd = d[["homelessness", "substance", "offending"]].sum(axis=1)
    assert (d["hard_edges_smd"] == smd).all()
    fl = d[["homelessness", "substance", "offending", "mental_health"]].sum(axis=1) >= 2
    assert (d["fulfilling_lives"] == fl).all()
    assert d.loc[d["md"], "fulfilling_lives"].all()


def test_nobody_sleeps_in_a_hostel_or_rough_while_in_prison() -> None:
    e = AREA.events
    nights = e[e["event_type"] == "prison_night"]
    receptions = set(
        zip(*e[e["event_type"] == "prison_reception"][["person_id", "event_date"]].to_numpy().T, strict=True)
    )
    inside = set(zip(nights["person_id"], nights["event_date"], strict=True)) - receptions
    assert len(inside) > 100
    community = e[e["event_type"].isin(["hostel_night", "rough_sleeping_contact", "ae_attendance", "dat_contact"])]
    assert not any(k in inside for k in zip(community["person_id"], community["event_date"], strict=True))


def test_pnc_ids_start_no_earlier_than_age_fourteen() -> None:
    p = AREA.people[AREA.people["pnc_id"] != ""]
    year = p["pnc_id"].str[:4].astype(int)
    assert (year >= p["date_of_birth"].dt.year + 14).all()


def test_identifiers_are_never_shared_between_people():
    import numpy as np

    from tide.simulate import SimConfig
    from tide.simulate.population import make_people

    cfg = SimConfig(seed=5, n_people=60_000)
    people = make_people(cfg, np.random.default_rng(5), 0, 60_000)
    for column in ("nhs_number", "pnc_id", "prison_number"):
        values = people.loc[people[column] != "", column]
        assert not values.duplicated().any(), column


def test_no_date_of_birth_is_shared_by_a_crowd():
    from tide.simulate import SimConfig, generate

    people = generate(SimConfig.preset("demo", seed=42)).people
    assert people["date_of_birth"].value_counts().max() <= 8
