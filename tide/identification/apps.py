import datetime as dt

from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "tide.identification"
    label = "identification"
    verbose_name = "Identification"

    def ready(self) -> None:
        from django.core.signals import request_started
        from django.db.models.signals import post_save

        from tide.areas.models import FRONTLINE_ROLES, Area, Role
        from tide.core import jobs, navigation, relationships, routines, timeline
        from tide.identification import selectors, services
        from tide.intake import summary
        from tide.service_use import hooks, usage

        post_save.connect(_area_saved, sender=Area, dispatch_uid="identification.definitions_per_area")
        hooks.register("identification", services.on_events_recorded)
        hooks.register_moved("identification", services.on_events_moved)
        jobs.register("identification.screen", services.screening_job)
        routines.daily("identification.screen", at=dt.time(2, 0))  # the whole ledger, as of the day
        timeline.register("identification", selectors.timeline_entries)
        summary.register("identification.newly_identified", selectors.newly_identified_after_import)
        relationships.register("identification.alert", selectors.relationship)
        usage.register("identification.definitions", selectors.definitions_using)
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


def _area_saved(sender: type, instance: object, created: bool, raw: bool = False, **kwargs: object) -> None:
    """A new area gets its own copy of the shipped definitions (ADR 0007); areas cannot import this room."""
    if created and not raw:
        from tide.identification import services

        services.on_area_created(area=instance)  # type: ignore[arg-type]
