"""One JSON object per log line on stdout, so `docker compose logs` and log shippers can parse them."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Values passed with `extra={...}` become fields of their own.
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        # Django's own request loggers (django.request: every 4xx/5xx) pass the request object: name what it was
        # rather than its repr, and never its headers or body, which may carry cookies and passwords.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            from idlib_tracker.client_ip import client_ip
            from idlib_tracker.request_log import loggable_path

            path = loggable_path(request)
            payload["request"] = {"method": request.method, "path": path, "client_ip": client_ip(request)}
            # Django's messages quote the raw path ("Not Found: /summaries/unsubscribe/<the token>/").
            payload["message"] = payload["message"].replace(request.path, path)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
