from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "tide.accountability"
    label = "accountability"
    verbose_name = "Accountability"
