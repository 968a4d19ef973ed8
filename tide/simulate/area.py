"""Generation of a synthetic area, chunk by chunk (the same chunks in memory and when streaming)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .config import AGENCIES, SimConfig
from .definitions import definitions
from .extracts import build_extracts
from .population import make_people
from .trajectories import CODE_INDEX, EVENT_CODES, full_response_multiplier, simulate_events


@dataclass
class Chunk:
    people: pd.DataFrame
    events: pd.DataFrame
    ndt: pd.DataFrame
    records: pd.DataFrame
    definitions: pd.DataFrame
    extracts: dict[str, pd.DataFrame]
    realised: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class SyntheticArea:
    """A whole synthetic area in memory: true people and events, and each agency's extract."""

    config: SimConfig
    people: pd.DataFrame
    events: pd.DataFrame
    ndt: pd.DataFrame
    extracts: dict[str, pd.DataFrame]
    records: pd.DataFrame
    definitions: pd.DataFrame
    effects: dict[str, Any] = field(default_factory=dict)

    @property
    def truth(self) -> dict[str, Any]:
        """Ground truth: record -> person mapping, definitions and the true effects."""
        return {"records": self.records, "definitions": self.definitions, "effects": self.effects}


def chunk_rng(cfg: SimConfig, chunk: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(cfg.seed), 7919, chunk]))


def iter_chunks(cfg: SimConfig) -> Iterator[Chunk]:
    n_chunks = (cfg.n_people + cfg.chunk_size - 1) // cfg.chunk_size
    for c in range(n_chunks):
        rng = chunk_rng(cfg, c)
        offset = c * cfg.chunk_size
        n = min(cfg.chunk_size, cfg.n_people - offset)
        people = make_people(cfg, rng, offset, n)
        traj = simulate_events(cfg, rng, people)
        ex = build_extracts(cfg, rng, people, traj.events, c, offset)
        ndt = traj.ndt
        ndt.insert(0, "person_id", people["person_id"].to_numpy()[ndt.pop("person_idx").to_numpy()])
        yield Chunk(
            people=people,
            events=ex.events,
            ndt=ndt,
            records=ex.records,
            definitions=definitions(people, traj.events),
            extracts=ex.extracts,
            realised=traj.realised,
        )


def add_realised(total: dict[str, list[float]], part: dict[str, list[float]]) -> None:
    for k, (a, b) in part.items():
        t = total.setdefault(k, [0.0, 0.0])
        t[0] += a
        t[1] += b


def effects_truth(cfg: SimConfig, realised: dict[str, list[float]] | None = None) -> dict[str, Any]:
    names = sorted(cfg.effects)
    realised = realised or {}
    return {
        "realised_multiplier": {k: round(a / b, 6) for k, (a, b) in sorted(realised.items()) if b > 0},
        "realised_meaning": (
            "For supported people over their quarters on support (from support_start to the end "
            "of the period, death or moving out, or up to a disengaged/excluded exit): "
            "expected events with support divided by expected events for the same people and quarters "
            "had support had no effect. The true average effect on the treated in this area."
        ),
        "no_effect": cfg.no_effect,
        "meaning": (
            "Cohort-average multiplier of each rate after about two years (8 quarters) of "
            "coordinated support; reached as m + (1 - m) * exp(-t / tau), t in quarters since "
            "support_start. Rough sleeping applies to every supported person; other rates vary "
            "by response: 'worse' people get worse_factor, 'none' 1, 'full' the full multiplier."
        ),
        "tau_quarters": cfg.effect_tau_quarters,
        "cohort_multiplier": {k: cfg.effect(k) for k in names},
        "full_response_multiplier": {
            k: (full_response_multiplier(cfg, cfg.effect(k)) if cfg.effect(k) != 1.0 else 1.0)
            for k in names
            if k != "rough_sleeping"
        },
        "response_shares": {
            "worse": cfg.worse_share,
            "none": cfg.no_response_share,
            "full": 1 - cfg.worse_share - cfg.no_response_share,
        },
        "worse_factor": cfg.worse_factor,
        "rough_sleeping_start": cfg.rough_sleeping_start,
        "rough_sleeping_after_two_years": cfg.rough_sleeping_start * cfg.effect("rough_sleeping"),
        "ae_per_quarter_start": cfg.rates["ae_attendance"],
        "ae_per_quarter_after_two_years": cfg.rates["ae_attendance"] * cfg.effect("ae_attendance"),
        "effects_stop_after_exit": ["disengaged", "excluded"],
    }


def generate(config: SimConfig) -> SyntheticArea:
    """Generate the whole area in memory (for the tiny and demo presets)."""
    chunks = list(iter_chunks(config))
    realised: dict[str, list[float]] = {}
    for c in chunks:
        add_realised(realised, c.realised)

    def cat(name: str) -> pd.DataFrame:
        return pd.concat([getattr(c, name) for c in chunks], ignore_index=True)

    extracts = {a: pd.concat([c.extracts[a] for c in chunks], ignore_index=True) for a in AGENCIES}
    return SyntheticArea(
        config=config,
        people=cat("people"),
        events=cat("events"),
        ndt=cat("ndt"),
        extracts=extracts,
        records=cat("records"),
        definitions=cat("definitions"),
        effects=effects_truth(config, realised),
    )


__all__ = ["CODE_INDEX", "EVENT_CODES", "SyntheticArea", "generate", "iter_chunks"]
