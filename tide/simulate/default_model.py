"""Re-estimate the shipped starting model from the synthetic demo area.

    python -m tide.simulate.default_model

An area's first link runs use these parameters until it has enough records of its own to retrain
(see ``model_train``). Rerun this whenever the comparisons in :mod:`tide.linkage.model` change.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from tide.linkage import engine
from tide.linkage.model import DEFAULT_MODEL_PATH
from tide.linkage.normalise import linkage_frame
from tide.simulate import SimConfig, generate

AS_OF = dt.date(2026, 11, 23)
NAMES = {"surname": "family_name", "forenames": "given_name", "name": "given_name"}


def agency_records(extract: pd.DataFrame) -> pd.DataFrame:
    """One row per record of an extract (a row per event), with the date of the record's first event,
    as the intake keeps it (an estimated age counts from then)."""
    first_seen = extract.groupby("record_ref")["event_date"].min()
    records = extract.drop_duplicates("record_ref").rename(columns=NAMES)
    return records.assign(first_seen_on=records["record_ref"].map(first_seen))


def demo_frame(seed: int = 42) -> pd.DataFrame:
    """One linkage row per agency record of the demo preset, as the records arrive."""
    area = generate(SimConfig.preset("demo", seed=seed))
    fields = pd.concat([agency_records(extract) for extract in area.extracts.values()], ignore_index=True)
    return linkage_frame(np.arange(1, len(fields) + 1), fields, today=AS_OF)


def main() -> None:
    frame = demo_frame()
    frame = engine.blank_placeholders(frame, engine.placeholder_dobs(frame["dob"]))
    document = {
        "source": "tide.simulate preset demo, seed 42: synthetic records only",
        "trained_on": len(frame),
        "trained": engine.train(frame),
        "term_frequencies": engine.term_frequencies(frame),
    }
    DEFAULT_MODEL_PATH.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"Wrote {DEFAULT_MODEL_PATH} from {len(frame):,} records")


if __name__ == "__main__":
    main()
