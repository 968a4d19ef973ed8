from django.conf import settings
from django.http import HttpRequest

from tide.core.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "nav_items": items_for(user, request.path) if user is not None else [],
        "service_name": "Tide",
        "debug": settings.DEBUG,
        "admin_enabled": getattr(settings, "TIDE_ADMIN_ENABLED", True),
    }
