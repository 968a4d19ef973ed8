from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "tide.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from django.urls import reverse

        from tide.areas.models import FRONTLINE_ROLES, Role
        from tide.core import navigation, timeline
        from tide.outcomes.selectors import timeline_entries

        navigation.register(
            "Outcomes",
            "outcomes:report",
            roles=FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER, Role.COMMISSIONER, Role.AUDITOR},
            order=60,
        )
        timeline.register("outcomes", timeline_entries)
        # The commissioner lands on the outcomes overview, one link from finance (ADR 0031).
        navigation.register_landing(Role.COMMISSIONER, lambda user: reverse("outcomes:report"))

        from tide.core import jobs
        from tide.outcomes.jobs import KIND, precompute

        jobs.register(KIND, precompute)
