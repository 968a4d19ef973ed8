from django.apps import AppConfig


class MessagesConfig(AppConfig):
    name = "tide.messages"
    label = "tide_messages"  # "messages" is django.contrib.messages' label
    verbose_name = "Messages"

    def ready(self) -> None:
        import datetime as dt

        from tide.areas.models import STAFF_ROLES, Role
        from tide.core import jobs, navigation, routines, timeline
        from tide.messages import selectors, services

        jobs.register(services.DELIVER_JOB, services.deliver_job)
        jobs.register(services.SWEEP_JOB, services.sweep_job)
        # Routines are daily; a sweep every hour picks up messages held for safe times or left open.
        for hour in range(24):
            routines.daily(f"{services.SWEEP_JOB}.{hour:02d}", at=dt.time(hour, 5))
            jobs.register(f"{services.SWEEP_JOB}.{hour:02d}", services.sweep_job)
        timeline.register("messages", selectors.timeline_entries)
        navigation.register(
            "Outbox",
            "messages:outbox",
            roles={Role.PRIVACY_OFFICER, Role.ADMINISTRATOR, Role.ACCOUNTABLE_OFFICER},
            order=65,
        )
        navigation.register("Your messages", "messages:choices", roles=STAFF_ROLES, order=90)
