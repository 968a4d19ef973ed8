import datetime as dt

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "tide.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from tide.core import audit, jobs, routines

        jobs.register("core.audit_head", audit.audit_head_job, retry_safe=True)
        routines.daily("core.audit_head", at=dt.time(1, 0))  # check the chain, keep its head outside the database
        jobs.register("core.prune", jobs.prune_job, retry_safe=True)
        routines.daily("core.prune", at=dt.time(3, 0))  # old finished jobs, expired sessions (ADR 0067)


class TideAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` whose ``admin.site`` sits behind Tide's sign-in (``tide.core.admin_site``)."""

    default = False  # not the app config of tide.core itself
    default_site = "tide.core.admin_site.TideAdminSite"
