"""JSON endpoints: one error format, JSON refusals of wrong methods, request bodies streamed to disk.

A view wrapped in :func:`json_endpoint` answers every refusal as ``{"error": "<message>"}`` with a
JSON content type, never Django's HTML pages (see docs/adr/0068). Middleware that refuses a request
before the view runs asks :func:`is_json_endpoint` which format to answer in.

The body of a JSON endpoint is never read with ``request.body``: that holds it in memory and stops at
``DATA_UPLOAD_MAX_MEMORY_SIZE`` with an HTML 400. :func:`body_to_file` copies it to a file in chunks
and stops at the endpoint's own limit.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

CHUNK = 1024 * 1024


def json_error(status: int, message: str, **extra: Any) -> JsonResponse:
    """The one error body of every JSON endpoint: ``{"error": message, ...}``."""
    return JsonResponse({"error": message, **extra}, status=status)


def json_endpoint(*, methods: Iterable[str]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Mark a view as a JSON endpoint and refuse other methods with a JSON 405 and an ``Allow`` header."""
    allowed = sorted({m.upper() for m in methods})

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = json_error(405, f"Use {' or '.join(allowed)} here, not {request.method}.")
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, **kwargs)

        wrapped.tide_json = True  # type: ignore[attr-defined]
        return wrapped

    return decorator


def is_json_endpoint(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return bool(getattr(match.func, "tide_json", False))


class BodyTooLargeError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit:,} bytes.")
        self.limit = limit


def body_to_file(request: HttpRequest, *, max_bytes: int, directory: Path) -> Path:
    """Copy the request body into a new file in ``directory`` in chunks; at most ``max_bytes``.

    Refuses at once when the declared ``Content-Length`` is over the limit; otherwise counts what
    arrives. On refusal (:class:`BodyTooLargeError`) or any error the partial file is removed.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > max_bytes:
        raise BodyTooLargeError(max_bytes)
    directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=directory, suffix=".bin")
    path = Path(name)
    try:
        written = 0
        with os.fdopen(handle, "wb") as out:
            while chunk := request.read(CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise BodyTooLargeError(max_bytes)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
