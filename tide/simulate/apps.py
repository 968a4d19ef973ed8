from __future__ import annotations

from django.apps import AppConfig


class SimulateConfig(AppConfig):
    name = "tide.simulate"
    label = "simulate"
    verbose_name = "Synthetic area"
