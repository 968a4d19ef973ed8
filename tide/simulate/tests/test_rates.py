"""Generated rates, overlaps and noise fall within stated tolerances of the configuration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tide.simulate import SimConfig
from tide.simulate.population import hard_edges_other_shares

from .helpers import days, demo_area, quarter_of


def _pre_support_rate(code: str, gate: str | None = None) -> float:
    """Events per MD person-quarter, over quarters wholly before support (or never supported)."""
    area = demo_area()
    cfg = area.config
    p = area.people[area.people["md"]].copy()
    if gate:
        p = p[p[gate]]
    p = p[p["died_on"].isna() & (p["exit_reason"] != "moved_out")]
    first_q = np.where(
        p["support_start"].isna(),
        cfg.n_quarters,
        quarter_of(cfg, p["support_start"].fillna(pd.Timestamp("2000-01-01"))),
    )
    first_q = np.where(p["support_start"].isna(), cfg.n_quarters, first_q)
    pq = dict(zip(p["person_id"], first_q, strict=True))
    ev = area.events[(area.events["event_type"] == code) & area.events["person_id"].isin(pq)]
    q = quarter_of(cfg, ev["event_date"])
    before = q < ev["person_id"].map(pq).to_numpy()
    return before.sum() / first_q.sum()


def test_md_cohort_ae_rate_before_support_is_about_1_2_per_quarter() -> None:
    assert abs(_pre_support_rate("ae_attendance") - 1.2) < 0.2


def test_md_arrest_and_dat_rates_before_support_match_config() -> None:
    cfg = demo_area().config
    assert abs(_pre_support_rate("arrest", "offending") - cfg.rates["arrest"]) < 0.2
    assert abs(_pre_support_rate("dat_contact", "substance") - cfg.rates["dat_contact"]) < 0.8


def test_about_46_percent_of_md_cohort_sleep_rough_at_the_start() -> None:
    area = demo_area()
    md = area.people[area.people["md"]]
    ev = area.events[area.events["event_type"] == "rough_sleeping_contact"]
    first_q = ev[quarter_of(area.config, ev["event_date"]) == 0]
    share = md["person_id"].isin(first_q["person_id"]).mean()
    assert abs(share - 0.46) < 0.07


def test_md_domain_prevalence_matches_changing_futures() -> None:
    area = demo_area()
    cfg = area.config
    md = area.people[area.people["md"]]
    assert 300 < len(md) < 500
    assert abs(md["homelessness"].mean() - cfg.cf_homelessness) < 0.04
    assert abs(md["mental_health"].mean() - cfg.cf_mental_health) < 0.03
    assert abs(md["substance"].mean() - cfg.cf_substance) < 0.04
    assert abs(md["offending"].mean() - cfg.cf_offending) < 0.05
    women = md[md["sex"] == "F"]
    men = md[md["sex"] == "M"]
    assert abs(women["domestic_abuse"].mean() - cfg.cf_da_female) < 0.08
    assert abs(men["domestic_abuse"].mean() - cfg.cf_da_male) < 0.08


def test_hard_edges_overlaps_match_published_shares() -> None:
    area = demo_area()
    level = area.definitions["hard_edges_smd"]
    shares = level[level > 0].value_counts(normalize=True).sort_index().to_numpy()
    target = np.array(area.config.hard_edges_counts) / sum(area.config.hard_edges_counts)
    assert np.abs(shares - target).max() < 0.03
    assert hard_edges_other_shares(area.config).min() >= 0


def test_about_one_in_twenty_of_the_md_cohort_dies() -> None:
    md = demo_area().people.query("md")
    assert abs(md["died_on"].notna().mean() - 0.05) < 0.03


def test_support_starts_are_spread_over_the_middle_of_the_period() -> None:
    area = demo_area()
    cfg = area.config
    s = area.people["support_start"].dropna()
    assert abs(len(s) / area.people["md"].sum() - cfg.support_share) < 0.07
    frac = (days(s) - days(pd.Series([pd.Timestamp(cfg.period_start)]))[0]) / (
        days(pd.Series([pd.Timestamp(cfg.period_end)]))[0] - days(pd.Series([pd.Timestamp(cfg.period_start)]))[0]
    )
    assert frac.min() >= cfg.support_window[0] - 0.01
    assert frac.max() <= cfg.support_window[1] + 0.01


def test_noise_rates_on_records_match_config() -> None:
    area = demo_area()
    nz = area.config.noise
    r = area.records
    assert len(r) > 10_000
    assert abs(r["given_typo"].mean() - nz["typo"]) < 0.01
    assert abs(r["family_typo"].mean() - nz["typo"]) < 0.01
    assert abs(r["dob_placeholder"].mean() - nz["dob_placeholder"]) < 0.004
    assert abs(r["dob_transposed"].mean() - nz["dob_transposed"]) < 0.006
    not_outreach = r["agency"] != "outreach"
    assert abs(r.loc[not_outreach, "nickname"].mean() - nz["nickname"]) < 0.015
    assert abs(r.loc[~not_outreach, "nickname"].mean() - 4 * nz["nickname"]) < 0.06
    assert 0.5 * nz["surname_change"] < r["surname_changed"].mean() < 1.1 * nz["surname_change"]
    per_person = r.groupby(["agency", "person_id"]).size()
    assert abs((per_person > 1).mean() - nz["duplicate_record"]) < 0.03


def test_noise_flags_are_visible_in_the_extracts() -> None:
    area = demo_area()
    acute = area.extracts["acute"].drop_duplicates("record_ref")
    rec = area.records.set_index(["agency", "record_ref"])
    truth = area.people.set_index("person_id")
    acute = acute.join(rec.loc["acute"], on="record_ref").join(truth, on="person_id", rsuffix="_true")
    placeholder = acute["dob_placeholder"] & ~acute["dob_missing"]
    assert (acute.loc[placeholder, "date_of_birth"] == pd.Timestamp("1900-01-01")).all()
    clean = ~acute[["given_typo", "nickname", "dob_transposed", "dob_typo", "dob_placeholder", "dob_missing"]].any(
        axis=1
    )
    given = acute["given_name"].notna()
    assert (acute.loc[clean & given, "given_name"] == acute.loc[clean & given, "given_name_true"]).all()
    assert (acute.loc[clean, "date_of_birth"] == acute.loc[clean, "date_of_birth_true"]).all()
    typo = acute["given_typo"] & given
    assert (acute.loc[typo, "given_name"] != acute.loc[typo, "given_name_true"]).mean() > 0.9
    assert abs(acute["nhs_number"].isna().mean() - area.config.noise["nhs_missing"]) < 0.03


def test_outreach_knows_less_about_people_it_has_seen_less() -> None:
    area = demo_area()
    events = area.extracts["outreach"]
    o = events.drop_duplicates("record_ref").set_index("record_ref")
    contacts = events.groupby("record_ref").size().reindex(o.index)
    nz = area.config.noise
    missing = nz["missing"]
    expected_no_dob = (nz["outreach_no_dob"] / contacts + missing - nz["outreach_no_dob"] / contacts * missing).mean()
    assert abs(o["date_of_birth"].isna().mean() - expected_no_dob) < 0.04
    assert abs(o["family_name"].isna().mean() - (nz["outreach_no_surname"] / contacts).mean()) < 0.04
    once = contacts == 1
    assert 0.5 < o.loc[once, "date_of_birth"].isna().mean() < 0.9
    assert o.loc[contacts >= 10, "family_name"].isna().mean() < 0.12
    assert ((o["estimated_age"].notna()) | (o["birth_year"].notna()) | o["date_of_birth"].notna()).all()


def test_service_use_has_many_zeros_and_a_heavy_tail() -> None:
    area = demo_area()
    md = area.people.loc[area.people["md"], "person_id"]
    ae = area.events[area.events["event_type"] == "ae_attendance"]
    per_person = ae["person_id"].value_counts().reindex(md, fill_value=0)
    assert (per_person == 0).mean() > 0.10
    assert per_person.max() > 4 * per_person.mean()
    top_decile = per_person.sort_values(ascending=False).head(len(per_person) // 10).sum()
    assert top_decile / per_person.sum() > 0.25


def test_unknown_preset_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown preset"):
        SimConfig.preset("huge")
