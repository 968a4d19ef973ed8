from typing import Any

from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "tide.accountability"
    label = "accountability"
    verbose_name = "Accountability"

    def ready(self) -> None:
        from django.urls import reverse

        from tide.accountability import selectors
        from tide.areas.models import Role
        from tide.core import access, navigation, relationships

        # Oversight needs no query, so it goes first; the providers of rooms registered earlier
        # (coordination: the coordinator) come next; the agency and coordination-service ones last.
        others = list(relationships._providers.items())
        relationships._providers.clear()
        relationships.register("accountability.oversight", selectors.relationship_oversight)
        for name, provider in others:
            relationships.register(name, provider)
        relationships.register("accountability.agency_involved", selectors.relationship_agency_involved)
        relationships.register("accountability.coordination_service", selectors.relationship_coordination_service)
        access.register_break_glass_checker(selectors.break_glass_active)
        self._forget_identifiers_when_they_change(selectors.identifier_index_clear)

        navigation.register("Accountability", "accountability:overview", roles={Role.ACCOUNTABLE_OFFICER}, order=60)
        navigation.register("Inquiries", "accountability:inquiry-list", roles={Role.ACCOUNTABLE_OFFICER}, order=61)
        navigation.register(
            "Break-glass alerts", "accountability:break-glass-list", roles={Role.PRIVACY_OFFICER}, order=62
        )
        navigation.register(
            "Subject access",
            "accountability:sar-list",
            roles={Role.PRIVACY_OFFICER, Role.ACCOUNTABLE_OFFICER},
            order=63,
        )
        navigation.register(
            "Access policy",
            "accountability:access-policy",
            roles={Role.PRIVACY_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR, Role.ACCOUNTABLE_OFFICER},
            order=64,
        )
        navigation.register("Your plan", "accountability:my-plan", roles={Role.PERSON}, order=4)
        navigation.register("Your record", "accountability:my-record", roles={Role.PERSON}, order=5)
        # Each role lands on its own work (ADR 0031): the officer on the overview, the person on their plan.
        navigation.register_landing(Role.ACCOUNTABLE_OFFICER, lambda user: reverse("accountability:overview"))
        navigation.register_landing(Role.PERSON, lambda user: reverse("accountability:my-plan"))

    @staticmethod
    def _forget_identifiers_when_they_change(clear: Any) -> None:
        """The cached identifier index of the public pages is emptied when an identifier is written."""
        from django.db.models.signals import post_delete, post_save

        from tide.linkage.models import SourceRecord
        from tide.people.models import Person, PersonAlias, PersonIdentifier
        from tide.service_use.models import ServiceEvent

        for model in (Person, PersonAlias, PersonIdentifier, SourceRecord, ServiceEvent):
            post_save.connect(clear, sender=model, dispatch_uid=f"identifier-index-{model.__name__}-save")
            post_delete.connect(clear, sender=model, dispatch_uid=f"identifier-index-{model.__name__}-delete")
