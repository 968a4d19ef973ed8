"""The synthetic local area: people, trajectories, service events, noisy agency extracts and
ground truth. Pure Python (numpy, pandas, pyarrow); no record is or resembles a real person's.

>>> area = generate(SimConfig.preset("tiny", seed=1))
>>> write(area, "out/")            # or, for the big presets, streaming:
>>> generate_to(SimConfig.preset("bench1m", seed=1), "out/")
"""

from __future__ import annotations

from .area import SyntheticArea, generate
from .config import AGENCIES, EVENT_AGENCY, PRESETS, SimConfig
from .writer import generate_to, write

__all__ = [
    "AGENCIES",
    "EVENT_AGENCY",
    "PRESETS",
    "SimConfig",
    "SyntheticArea",
    "generate",
    "generate_to",
    "write",
]
