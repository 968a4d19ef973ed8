"""Turn a need-to-know refusal into a page that offers break-glass instead of a bare 403."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tide.core.access import NeedToKnowRefused, user_has_role

BREAK_GLASS_ROLES = {"coordinator", "practitioner", "team_manager"}


class NeedToKnowMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, NeedToKnowRefused):
            return None
        return render(
            request,
            "accountability/need_to_know.html",
            {
                "person_pk": exception.person_id,
                "can_break_glass": user_has_role(request.user, BREAK_GLASS_ROLES),
                "next": request.get_full_path(),
            },
            status=403,
        )
