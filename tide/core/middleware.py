from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tide.core.request_context import RequestInfo, client_ip, reset_request_info, set_request_info

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
    """Make the client address (behind trusted proxies, the real one) and path available to the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            path=request.path[:500],
        )
        token = set_request_info(info)
        try:
            return self.get_response(request)
        finally:
            reset_request_info(token)


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
                audit_record(actor=user, action="user.session_expired", detail={"reason": reason})
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
