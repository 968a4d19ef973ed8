from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "tide.finance"
    label = "finance"
    verbose_name = "Finance"

    def ready(self) -> None:
        from tide.areas.models import Role
        from tide.core import navigation, timeline
        from tide.finance.selectors import timeline_entries

        navigation.register(
            "Finance",
            "finance:index",
            roles={Role.COMMISSIONER, Role.ACCOUNTABLE_OFFICER, Role.ADMINISTRATOR},
            order=60,
        )
        timeline.register("finance", timeline_entries)
