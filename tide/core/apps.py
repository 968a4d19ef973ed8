from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "tide.core"
    label = "core"
    verbose_name = "Core"


class TideAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` whose ``admin.site`` sits behind Tide's sign-in (``tide.core.admin_site``)."""

    default = False  # not the app config of tide.core itself
    default_site = "tide.core.admin_site.TideAdminSite"
