import datetime as dt

from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "tide.identification"
    label = "identification"
    verbose_name = "Identification"

    def ready(self) -> None:
        from django.core.signals import request_started

        from tide.areas.models import FRONTLINE_ROLES, Role
        from tide.core import jobs, navigation, relationships, routines, timeline
        from tide.identification import selectors, services
        from tide.intake import summary
        from tide.service_use import hooks

        hooks.register("identification", services.on_events_recorded)
        hooks.register_moved("identification", services.on_events_moved)
        jobs.register("identification.screen", services.screening_job)
        routines.daily("identification.screen", at=dt.time(2, 0))  # the whole ledger, as of the day
        timeline.register("identification", selectors.timeline_entries)
        summary.register("identification.newly_identified", selectors.newly_identified_after_import)
        relationships.register("identification.alert", selectors.relationship)
        # Ask the rooms that know the common relationships (coordinator, agency involved) first: the alert
        # check costs a query, so it moves last once every room has registered (at the first request).
        request_started.connect(_ask_alert_relationship_last, dispatch_uid="identification.relationship_order")
        list_roles = {Role.COORDINATOR, Role.TEAM_MANAGER, Role.ACCOUNTABLE_OFFICER}
        navigation.register("By-name list", "identification:list", roles=list_roles, order=20)
        navigation.register(
            "Alerts", "identification:alerts", roles=FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER}, order=25
        )
        navigation.register("Definitions", "identification:definitions", roles={Role.ADMINISTRATOR}, order=85)
        navigation.register("Equity", "identification:equity", roles=list_roles | {Role.COMMISSIONER}, order=80)


def _ask_alert_relationship_last(**kwargs: object) -> None:
    from django.core.signals import request_started

    from tide.core import relationships
    from tide.identification import selectors

    relationships._providers.pop("identification.alert", None)
    relationships.register("identification.alert", selectors.relationship)
    request_started.disconnect(dispatch_uid="identification.relationship_order")
