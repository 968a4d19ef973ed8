from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from tide.simulate import SimConfig, SyntheticArea, generate
from tide.simulate.trajectories import quarter_bounds

EPOCH = np.datetime64("1970-01-01", "D")


def days(s: pd.Series) -> np.ndarray:
    v = s.to_numpy(dtype="datetime64[s]").astype("datetime64[D]")
    return (v - EPOCH).astype(np.int64)


def quarter_of(cfg: SimConfig, s: pd.Series) -> np.ndarray:
    return np.searchsorted(quarter_bounds(cfg), days(s), side="right") - 1


@functools.lru_cache(maxsize=4)
def demo_area(seed: int = 11, no_effect: bool = False) -> SyntheticArea:
    """The demo area, generated once per test session."""
    return generate(SimConfig.preset("demo", seed=seed, no_effect=no_effect))
