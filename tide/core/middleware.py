from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse
from django.utils.log import log_response

from tide.core.audit_actions import USER_SESSION_EXPIRED
from tide.core.metrics import route_name
from tide.core.request_context import (
    REQUEST_ID_HEADER,
    RequestInfo,
    client_ip,
    request_id,
    reset_request_info,
    set_request_info,
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RequestContextMiddleware:
    """Make the client address (behind trusted proxies, the real one) and path available to the audit log,
    and the request id and signed-in user's id to the logs; the request id goes back as ``X-Request-ID``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        info = RequestInfo(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            path=request.path[:500],
            request_id=request_id(request),
            user_id=user.pk if user is not None and user.is_authenticated else None,
        )
        # For gunicorn's access log (tide.core.logs.GunicornLogger), written after the response.
        request.META.update({"tide.request_id": info.request_id, "tide.user_id": info.user_id})
        token = set_request_info(info)
        try:
            response = self.get_response(request)
            if response.status_code >= 400:  # Django would log it after the middleware, without the ids
                log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
        finally:
            reset_request_info(token)
        response[REQUEST_ID_HEADER] = info.request_id
        request.META["tide.route"] = route_name(request)  # META is the WSGI environ under gunicorn
        return response


class SecurityHeadersMiddleware:
    """Content security policy and other headers Django does not set itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.setdefault("Cache-Control", "no-store")
        return response


class SessionTimeoutMiddleware:
    """Sign out a session idle for too long, or older than the absolute limit, whatever its activity.

    Put after AuthenticationMiddleware and MessageMiddleware. Settings: TIDE_SESSION_IDLE_SECONDS and
    TIDE_SESSION_ABSOLUTE_SECONDS. The last-seen time is written at most once a minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.conf import settings
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault("tide_auth_at", now)
            seen = session.get("tide_seen_at", started)
            idle_limit = settings.TIDE_SESSION_IDLE_SECONDS
            absolute_limit = settings.TIDE_SESSION_ABSOLUTE_SECONDS
            if now - seen > idle_limit or now - started > absolute_limit:
                from tide.core.audit import audit_record

                reason = "idle" if now - seen > idle_limit else "absolute"
                audit_record(actor=user, action=USER_SESSION_EXPIRED, detail={"reason": reason})
                logout(request)
                messages.info(request, "You were signed out to keep people's information safe. Sign in again.")
                return redirect_to_login(request.get_full_path())
            if now - seen > 60 or "tide_seen_at" not in session:
                session["tide_seen_at"] = now
        return self.get_response(request)


class RoutinesMiddleware:
    """With ``TIDE_JOBS_MODE=thread`` (one machine, no worker), after answering a request: queue the
    daily routines that are due, at most once a minute (:mod:`tide.core.routines`), and, at most every
    few seconds, end jobs whose thread died and run jobs left queued, e.g. by ``tide`` on the command
    line (:func:`tide.core.jobs.jobs_poll_now_and_then`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings
        from django.core.exceptions import MiddlewareNotUsed

        if settings.TIDE_JOBS_MODE != "thread":
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from tide.core.jobs import jobs_poll_now_and_then
        from tide.core.routines import routines_due_now_and_then

        response = self.get_response(request)
        try:
            routines_due_now_and_then()
            jobs_poll_now_and_then()
        except Exception:  # a routine must never break the page someone asked for
            logging.getLogger(__name__).exception("Could not queue the daily routines or poll the jobs")
        return response


class NulRefusalMiddleware:
    """Refuse with a plain 400 any request with a NUL character in its path, query, form, cookies or headers.

    No page of Tide takes a NUL, and PostgreSQL refuses it in text: one that reaches a query is a
    server error. Put it first after SecurityMiddleware, before anything reads a session or the user.
    JSON endpoints (``tide.core.api.json_endpoint``) get the JSON error body instead.
    """

    MESSAGE = "The request contains a NUL character (\\x00), which Tide never accepts. Check the address or the form."
    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            from tide.core.api import is_json_endpoint, json_error

            if is_json_endpoint(request):
                return json_error(400, self.MESSAGE)
            return HttpResponse(self.MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def _has_nul(self, request: HttpRequest) -> bool:
        if "\x00" in request.path_info or "\x00" in request.path:
            return True
        if any("\x00" in key or "\x00" in value for key, value in request.META.items() if _is_header(key, value)):
            return True
        if _any_nul(request.GET.lists()) or _any_nul((k, [v]) for k, v in request.COOKIES.items()):
            return True
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            from django.http.multipartparser import MultiPartParserError

            try:
                post, files = request.POST, request.FILES
            except MultiPartParserError:
                return False  # the view answers for a form it cannot read
            if _any_nul(post.lists()):
                return True
            return any("\x00" in key or any("\x00" in (f.name or "") for f in group) for key, group in files.lists())
        return False


def _is_header(key: str, value: object) -> bool:
    return isinstance(value, str) and (key.startswith("HTTP_") or key in {"CONTENT_TYPE", "QUERY_STRING"})


def _any_nul(pairs: Iterable[tuple[str, list[str]]]) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in pairs)
