from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "tide.linkage"
    label = "linkage"
    verbose_name = "Record linkage"

    def ready(self) -> None:
        from tide.areas.models import FRONTLINE_ROLES, Role
        from tide.core import jobs, navigation, timeline
        from tide.linkage.jobs import TRAIN, train_handler
        from tide.linkage.selectors import timeline_entries

        jobs.register(TRAIN, train_handler)
        timeline.register("linkage", timeline_entries)
        navigation.register("Match review", "linkage:review", roles={Role.ADMINISTRATOR, Role.TEAM_MANAGER}, order=61)
        navigation.register(
            "Already known?", "linkage:known", roles=set(FRONTLINE_ROLES) | {Role.ADMINISTRATOR}, order=25
        )
