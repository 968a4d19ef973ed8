"""Coordinated support changes rates by the configured effects; ``no_effect`` leaves them alone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tide.simulate.trajectories import quarter_bounds

from .helpers import days, demo_area, quarter_of


def _late_support_quarters(area) -> set[tuple[str, int]]:
    """(person, quarter) pairs at least four quarters into support, before any exit."""
    cfg = area.config
    qb = quarter_bounds(cfg)
    mid = (qb[:-1] + qb[1:]) / 2
    p = area.people[area.people["support_start"].notna()]
    start = days(p["support_start"])
    stop = np.where(p["exit_on"].notna(), days(p["exit_on"].fillna(pd.Timestamp("2100-01-01"))), 10**9)
    out = set()
    for pid, s, e in zip(p["person_id"], start, stop, strict=True):
        for q, m in enumerate(mid):
            if m - s >= 4 * 91.3 and qb[q + 1] <= e:
                out.add((pid, q))
    return out


def _count(area, code: str, pairs: set[tuple[str, int]]) -> int:
    ev = area.events[area.events["event_type"] == code]
    q = quarter_of(area.config, ev["event_date"])
    return sum((pid, qq) in pairs for pid, qq in zip(ev["person_id"], q, strict=True))


def test_support_reduces_ae_attendances_by_about_the_configured_effect() -> None:
    # Heavy tails and mixed responses make one demo-sized area noisy (ratios 0.59-0.81 across
    # seeds), so the check pools three areas.
    with_effect = without = n_pairs = 0
    for seed in (11, 12, 13):
        effect, none = demo_area(seed), demo_area(seed, no_effect=True)
        pd.testing.assert_frame_equal(effect.people, none.people)
        pairs = _late_support_quarters(effect)
        n_pairs += len(pairs)
        with_effect += _count(effect, "ae_attendance", pairs)
        without += _count(none, "ae_attendance", pairs)
    assert n_pairs > 900
    expected = effect.config.effects["ae_attendance"]  # 0.63, approached from above
    assert expected - 0.08 < with_effect / without < expected + 0.12


def test_support_cuts_rough_sleeping_and_no_effect_does_not() -> None:
    effect, none = demo_area(), demo_area(no_effect=True)
    pairs = _late_support_quarters(effect)

    def share(area) -> float:
        ev = area.events[area.events["event_type"] == "rough_sleeping_contact"]
        q = quarter_of(area.config, ev["event_date"])
        seen = set(zip(ev["person_id"], q, strict=True))
        return len(pairs & seen) / len(pairs)

    assert share(effect) < 0.12
    assert 0.35 < share(none) < 0.55


def test_no_effect_keeps_supported_cohort_rates_flat() -> None:
    none = demo_area(no_effect=True)
    pairs = _late_support_quarters(none)
    supported = set(none.people.loc[none.people["support_start"].notna(), "person_id"])
    ev = none.events[(none.events["event_type"] == "ae_attendance") & none.events["person_id"].isin(supported)]
    q = quarter_of(none.config, ev["event_date"])
    late = sum((pid, qq) in pairs for pid, qq in zip(ev["person_id"], q, strict=True)) / len(pairs)
    early = (q == 0).sum() / len(supported)
    assert abs(late / early - 1) < 0.2


def test_effects_truth_names_the_true_effect_sizes() -> None:
    e = demo_area().effects
    assert e["cohort_multiplier"]["ae_attendance"] == 0.63
    assert abs(e["rough_sleeping_after_two_years"] - 0.05) < 1e-9
    assert demo_area(no_effect=True).effects["cohort_multiplier"]["ae_attendance"] == 1.0


def test_effects_truth_reports_the_realised_average_effect_on_the_supported() -> None:
    realised = demo_area().effects["realised_multiplier"]
    assert 0.63 < realised["ae_attendance"] < 0.85  # the curve is still approaching 0.63
    assert 0.109 < realised["rough_sleeping"] < 0.4
    assert realised["dat_contact"] > 1.1
    assert set(demo_area(no_effect=True).effects["realised_multiplier"].values()) == {1.0}
