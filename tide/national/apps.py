from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "tide.national"
    label = "national"
    verbose_name = "National returns"
