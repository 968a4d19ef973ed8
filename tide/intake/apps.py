from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tide.intake"
    label = "intake"
    verbose_name = "Agency data intake"

    def ready(self) -> None:
        import datetime as dt

        from django.urls import reverse

        from tide.areas.models import Role
        from tide.core import jobs, metrics, navigation, routines
        from tide.intake.jobs import FEED_WATCH, KIND, feed_watch_handler, import_handler
        from tide.intake.metrics import import_metrics

        jobs.register(KIND, import_handler)
        metrics.collector(import_metrics)
        jobs.register(FEED_WATCH, feed_watch_handler, retry_safe=True)  # an alert is raised once per lapse
        routines.daily(FEED_WATCH, at=dt.time(6, 30))  # after the night's files, before the working day
        navigation.register("Data intake", "intake:index", roles={Role.ADMINISTRATOR, Role.TEAM_MANAGER}, order=60)
        # The data lead (administrator) lands on intake and review (ADR 0031).
        navigation.register_landing(Role.ADMINISTRATOR, lambda user: reverse("intake:index"))
