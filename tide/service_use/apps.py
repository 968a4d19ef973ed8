from django.apps import AppConfig


class ServiceUseConfig(AppConfig):
    name = "tide.service_use"
    label = "service_use"
    verbose_name = "Service-use ledger"

    def ready(self) -> None:
        from tide.areas.models import Role
        from tide.core import navigation, timeline
        from tide.service_use import event_types
        from tide.service_use.selectors import event_type_lookup, timeline_entries

        timeline.register("service_use", timeline_entries)
        event_types.set_resolver(event_type_lookup)
        navigation.register("Event types", "service_use:event-types", roles={Role.ADMINISTRATOR}, order=86)
