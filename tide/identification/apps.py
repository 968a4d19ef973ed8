from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "tide.identification"
    label = "identification"
    verbose_name = "Identification"
