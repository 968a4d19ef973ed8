from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "tide.identification"
    label = "identification"
    verbose_name = "Identification"

    def ready(self) -> None:
        from tide.areas.models import FRONTLINE_ROLES, Role
        from tide.core import jobs, navigation, timeline
        from tide.identification import selectors, services
        from tide.service_use import hooks

        hooks.register("identification", services.on_events_recorded)
        jobs.register("identification.screen", services.screening_job)
        timeline.register("identification", selectors.timeline_entries)
        list_roles = {Role.COORDINATOR, Role.TEAM_MANAGER, Role.ACCOUNTABLE_OFFICER}
        navigation.register("By-name list", "identification:list", roles=list_roles, order=20)
        navigation.register(
            "Alerts", "identification:alerts", roles=FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER}, order=25
        )
        navigation.register("Definitions", "identification:definitions", roles={Role.ADMINISTRATOR}, order=85)
        navigation.register("Equity", "identification:equity", roles=list_roles | {Role.COMMISSIONER}, order=80)
