from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tide.intake"
    label = "intake"
    verbose_name = "Agency data intake"
