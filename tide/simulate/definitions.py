"""True membership of each published definition of multiple disadvantage.

Computed from a person's true needs (the five domain flags) and true events in the period:

* ``turning_the_tide``: two or more of: rough sleeping in the period (any
  ``rough_sleeping_contact``); two or more arrests; a second conviction (two or more
  ``conviction`` events); problematic substance misuse (substance need); mental ill health.
* ``fulfilling_lives``: two or more of homelessness, substance misuse, offending, mental ill health.
* ``changing_futures``: three or more of the five domains (homelessness, mental health, substance
  misuse, offending, domestic abuse).
* ``hard_edges_smd``: how many of homelessness, substance misuse and offending (0-3); SMD3 = 3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .trajectories import CODE_INDEX


def definitions(people: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """``events`` has ``person_idx`` (row in ``people``) and ``code`` columns."""
    n = len(people)
    p = events["person_idx"].to_numpy()
    c = events["code"].to_numpy()

    def count(code: str) -> np.ndarray:
        return np.bincount(p[c == CODE_INDEX[code]], minlength=n)

    f = {d: people[d].to_numpy() for d in ("homelessness", "substance", "mental_health", "offending", "domestic_abuse")}
    ttt = (
        (count("rough_sleeping_contact") > 0).astype(int)
        + (count("arrest") >= 2)
        + (count("conviction") >= 2)
        + f["substance"]
        + f["mental_health"]
    )
    fl = f["homelessness"].astype(int) + f["substance"] + f["offending"] + f["mental_health"]
    cf = fl + f["domestic_abuse"]
    smd = f["homelessness"].astype(int) + f["substance"] + f["offending"]
    return pd.DataFrame(
        {
            "person_id": people["person_id"].to_numpy(),
            "turning_the_tide": ttt >= 2,
            "fulfilling_lives": fl >= 2,
            "changing_futures": cf >= 3,
            "hard_edges_smd": smd.astype(np.int64),
        }
    )
