from django.apps import AppConfig


class MessagesConfig(AppConfig):
    name = "tide.messages"
    label = "tide_messages"  # "messages" is django.contrib.messages' label
    verbose_name = "Messages"

    def ready(self) -> None:
        from tide.areas.models import STAFF_ROLES, Role
        from tide.core import jobs, navigation, routines, timeline
        from tide.messages import selectors, services

        jobs.register(services.DELIVER_JOB, services.deliver_job)
        jobs.register(services.SWEEP_JOB, services.sweep_job)
        # Every hour: send messages held for safe times or left waiting; ask Notify what was delivered.
        routines.hourly(services.SWEEP_JOB, minute=5)
        timeline.register("messages", selectors.timeline_entries)
        navigation.register(
            "Outbox",
            "messages:outbox",
            roles={Role.PRIVACY_OFFICER, Role.ADMINISTRATOR, Role.ACCOUNTABLE_OFFICER},
            order=65,
        )
        navigation.register("Your messages", "messages:choices", roles=STAFF_ROLES, order=90)
