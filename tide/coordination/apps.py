from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "tide.coordination"
    label = "coordination"
    verbose_name = "Coordinated support"
