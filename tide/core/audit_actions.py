"""The audit actions the core room writes: one constant per action, never a free-text string."""

BACKUP_MADE = "backup.made"
BACKUP_RESTORED = "backup.restored"
JOB_CANCEL_REQUESTED = "job.cancel_requested"
JOB_QUEUED = "job.queued"
USER_SESSION_EXPIRED = "user.session_expired"

# Admin changes name the model: build them with ``ADMIN_CHANGED.format(model=...)``.
ADMIN_CREATED = "admin.{model}.created"
ADMIN_CHANGED = "admin.{model}.changed"
ADMIN_DELETED = "admin.{model}.deleted"


def declared_actions() -> dict[str, str]:
    """Every audit action any room declares, by constant name (``room.CONSTANT``) → value.

    Each room keeps its actions in ``tide/<room>/audit_actions.py``; this reads them through the app
    registry so core imports no room above it.
    """
    import importlib
    import importlib.util

    from django.apps import apps

    found: dict[str, str] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.audit_actions"
        if not config.name.startswith("tide.") or importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for key, value in vars(module).items():
            if key.isupper() and isinstance(value, str):
                found[f"{config.label}.{key}"] = value
    return found


def action_declared(action: str) -> bool:
    """Whether ``action`` is one of the declared actions (an admin action matches its model pattern)."""
    import fnmatch

    return any(fnmatch.fnmatchcase(action, value.replace("{model}", "*")) for value in declared_actions().values())


JOB_HANDED_BACK = "job.handed_back"
CORE_PRUNED = "core.pruned"
JOB_WORKER_LOST = "job.worker_lost"
