from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("tide.core.urls")),
    path("", include("tide.areas.urls")),
    path("people/", include("tide.people.urls")),
    path("identification/", include("tide.identification.urls")),
    path("coordination/", include("tide.coordination.urls")),
    path("outcomes/", include("tide.outcomes.urls")),
    path("finance/", include("tide.finance.urls")),
    path("", include("tide.accountability.urls")),
    path("intake/", include("tide.intake.urls")),
    path("ledger/", include("tide.service_use.urls")),
    path("linkage/", include("tide.linkage.urls")),
    path("messages/", include("tide.messages.urls")),
]
if settings.TIDE_ADMIN_ENABLED:
    urlpatterns.append(path("admin/", admin.site.urls))

handler400 = "tide.core.views.bad_request"
handler403 = "tide.core.views.permission_denied"
handler404 = "tide.core.views.page_not_found"
handler500 = "tide.core.views.server_error"
