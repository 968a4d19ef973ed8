"""Structured logs: one JSON object a line, for the log stream of the web server, the worker and the
`tide` commands (ADR 0081).

Every line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``; inside a request also
``request_id`` (the ``X-Request-ID`` answered to the client) and ``user_id`` (the signed-in member of
staff's id, or null). Nothing about the people supported is added: no names, no query strings (a search
carries a name), no client addresses. An exception adds ``exception`` (its traceback). Fields passed as
``extra={"fields": {...}}`` are added as they are (gunicorn's access log uses that).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from tide.core.request_context import current_request_info


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        info = current_request_info()
        if info is not None:
            entry["request_id"] = info.request_id
            entry["user_id"] = info.user_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def access_fields(*, method: str, path: str, status: Any, seconds: float, environ: dict[str, Any]) -> dict[str, Any]:
    """One access-log line's fields: the route's name as well as the path, and never the query string."""
    return {
        "method": method,
        "path": path,
        "route": environ.get("tide.route") or "",
        "status": int(str(status).split(None, 1)[0]) if str(status).split() else 0,
        "duration_ms": round(seconds * 1000, 1),
        "request_id": environ.get("tide.request_id") or "",
        "user_id": environ.get("tide.user_id"),
    }
