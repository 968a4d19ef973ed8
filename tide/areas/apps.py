from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "tide.areas"
    label = "areas"
    verbose_name = "Areas, agencies and staff"
