"""Background linkage work (kind ``linkage.train``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from tide.areas.models import Area
from tide.core.jobs import Progress
from tide.core.models import Job
from tide.linkage.services import model_train

TRAIN = "linkage.train"


class TrainingRefusedError(Exception):
    """The area's records cannot support estimating the parameters; the message says why."""


def train_handler(job: Job, progress: Progress) -> dict[str, Any]:
    area = Area.objects.get(pk=job.params["area"])
    try:
        version = model_train(area=area, actor=job.created_by, progress=progress)
    except ValidationError as error:
        raise TrainingRefusedError(" ".join(error.messages)) from error
    return {"model": version.pk, "trained_on": version.trained_on, "next_url": reverse("linkage:model")}
