from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "tide.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
