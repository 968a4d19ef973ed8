import datetime as dt

from django.apps import AppConfig
from django.urls import reverse


class CoordinationConfig(AppConfig):
    name = "tide.coordination"
    label = "coordination"
    verbose_name = "Coordinated support"

    def ready(self) -> None:
        from tide.areas.models import FRONTLINE_ROLES, Role
        from tide.coordination import jobs, selectors
        from tide.core import jobs as core_jobs
        from tide.core import navigation, relationships, routines, timeline
        from tide.identification import caseload
        from tide.identification.services import register_declines_provider

        navigation.register(
            "My caseload",
            "coordination:home",
            roles={Role.COORDINATOR, Role.TEAM_MANAGER},
            order=5,
            badge=lambda user: selectors.attention_count(user=user),
        )
        navigation.register_landing(Role.COORDINATOR, lambda user: reverse("coordination:home"))
        navigation.register_landing(Role.TEAM_MANAGER, selectors.chair_landing)
        navigation.register_landing(Role.PRACTITIONER, lambda user: reverse("coordination:requests"))
        navigation.register("Refer someone", "coordination:refer-start", roles=FRONTLINE_ROLES, order=20)
        navigation.register("Asked of us", "coordination:requests", roles=FRONTLINE_ROLES, order=25)
        navigation.register(
            "Meetings", "coordination:meetings", roles=FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER}, order=30
        )
        navigation.register(
            "Overdue actions",
            "coordination:overdue",
            roles={Role.ACCOUNTABLE_OFFICER, Role.TEAM_MANAGER},
            order=40,
        )
        relationships.register("coordination", selectors.relationship)
        timeline.register("coordination", selectors.timeline_entries)
        core_jobs.register(jobs.ESCALATE, jobs.escalate_handler)
        routines.daily(jobs.ESCALATE, at=dt.time(6, 0))
        register_declines_provider("coordination", selectors.declines_and_no_shows)
        caseload.register(
            caseload.CaseloadProvider(
                open_on=selectors.caseload_open_on,
                last_exits=selectors.caseload_last_exits,
                coordinators=selectors.caseload_coordinators,
                ever_supported=selectors.caseload_ever_supported,
            )
        )
