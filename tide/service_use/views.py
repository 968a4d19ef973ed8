"""The area's event types: the shipped vocabulary and the types the area adds itself (ADR 0017)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tide.areas.models import Role
from tide.core.access import access
from tide.core.forms import form_post
from tide.service_use import event_types, usage
from tide.service_use.forms import EventTypeForm
from tide.service_use.selectors import local_event_type_get, local_event_types
from tide.service_use.services import event_type_save

EDIT_ROLES = {Role.ADMINISTRATOR}


@access(roles=EDIT_ROLES)
def event_types_view(request: HttpRequest) -> HttpResponse:
    area_id: int = request.user.area_id  # type: ignore[union-attr]
    local = [(t, usage.uses_of(area_id=area_id, code=t.code)) for t in local_event_types(area_id=area_id)]
    return render(request, "service_use/event_types.html", {"shipped": event_types.EVENT_TYPES, "local": local})


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES)
def event_type_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    area = request.user.area  # type: ignore[union-attr]
    existing = local_event_type_get(area_id=area.pk, code=code) if code else None
    if code and existing is None:
        raise Http404("Your area has no event type of its own with that code.")
    initial: dict[str, Any] = {}
    if existing is not None:
        keys = ("label", "domain", "unit", "crisis", "bearing_agency", "unit_cost", "unit_cost_year")
        initial = {key: getattr(existing, key) for key in keys}
    form = EventTypeForm(request.POST or None, initial=initial, area_id=area.pk, adding=existing is None)
    return form_post(
        request,
        form,
        on_valid=lambda data: event_type_save(area=area, actor=request.user, event_type=existing, **data),
        message=lambda saved: f"{saved.label} saved. Extract formats and definitions can use {saved.code} now.",
        success="service_use:event-types",
        template="service_use/event_type_edit.html",
        context={"existing": existing},
    )
