from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tide.core"
    label = "core"
    verbose_name = "Core"
