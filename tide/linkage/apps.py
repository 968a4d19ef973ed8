from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "tide.linkage"
    label = "linkage"
    verbose_name = "Record linkage"
