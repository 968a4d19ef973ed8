from django.apps import AppConfig


class SimulateConfig(AppConfig):
    name = "tide.simulate"
    label = "simulate"
