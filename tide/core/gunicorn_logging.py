"""Gunicorn's error and access logs as JSON lines (config/gunicorn.conf.py sets ``logger_class``)."""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.glogging import Logger

from tide.core.logs import JsonFormatter, access_fields


class GunicornLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        fields = access_fields(
            method=environ.get("REQUEST_METHOD", ""),
            path=environ.get("PATH_INFO", ""),
            status=resp.status,
            seconds=request_time.total_seconds(),
            environ=environ,
        )
        fields["bytes"] = getattr(resp, "sent", None)
        self.access_log.log(logging.INFO, "request", extra={"fields": fields})
