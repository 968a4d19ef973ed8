"""The ``outcomes.precompute`` background job: the cohort's per-person-per-quarter inputs as Parquet."""

from __future__ import annotations

import json
import shutil
from typing import Any

from django.urls import reverse

from tide.areas.models import Area
from tide.core.jobs import Progress
from tide.core.models import Job
from tide.outcomes.selectors import (
    SNAPSHOT_TABLES,
    cohort_inputs,
    cohort_stamp,
    framework_current,
    snapshot_dir,
)

KIND = "outcomes.precompute"


def precompute(job: Job, progress: Progress) -> dict[str, Any]:
    area = Area.objects.get(pk=job.params["area"])
    spec = framework_current(area=area)
    stamp = cohort_stamp(area_id=area.pk)
    progress(0.05, "Reading the ledger for everyone who started support")
    inputs = cohort_inputs(area_id=area.pk)
    progress(0.8, "Writing the per-person-per-quarter table")
    path = snapshot_dir(area_id=area.pk, spec=spec, stamp=stamp)
    partial = path.with_name(path.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name in SNAPSHOT_TABLES:
        inputs[name].to_parquet(partial / f"{name}.parquet", index=False)
    (partial / "bounds.json").write_text(
        json.dumps({k: inputs[k] for k in ("first_q", "last_q", "limited_by", "complete_to")})
    )
    shutil.rmtree(path, ignore_errors=True)
    partial.rename(path)
    # Older snapshots for this area are stale: the ledger has moved on.
    for old in path.parent.iterdir():
        if old != path:
            shutil.rmtree(old, ignore_errors=True)
    return {"people": len(inputs["people"]), "next_url": reverse("outcomes:report")}
