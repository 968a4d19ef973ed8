from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tide.people"
    label = "people"
    verbose_name = "People register"

    def ready(self) -> None:
        from tide.areas.models import FRONTLINE_ROLES, Role
        from tide.core import navigation

        navigation.register(
            "Find a person",
            "people:search",
            roles=FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER, Role.PRIVACY_OFFICER},
            order=10,
        )
