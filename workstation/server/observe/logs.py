"""Structured logs: one JSON object a line, each with the request id, and nothing secret.

- **Request id**: ``RequestObserver`` (``observe.metrics``) takes a sane ``X-Request-Id`` from
  the caller or makes one, answers with it, and keeps it in a context variable that
  ``RequestIdFilter`` puts on every record logged while serving that request (threads started
  by the request's handler included: Starlette copies the context into its thread pool).
- **Never a secret**: ``workstation.redaction.RedactingFilter`` rewrites each record's
  message and arguments before any handler sees them (tokens, password hashes, values of
  secret-bearing keys, full national ids become ``[redacted]``). The access log names the
  route template (``/api/v1/accounts/{account_id}``), never the raw path or query string,
  which can carry signed links' tokens.
- ``logging_config(level, json_lines)``: the ``dictConfig`` for ``serve`` (uvicorn's own
  loggers included; uvicorn's access log, which prints raw paths, stays off).
"""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime
from typing import Any

from workstation.redaction import RedactingFilter, redact

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid:
            entry["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


def logging_config(level: str = "info", *, json_lines: bool = True) -> dict[str, Any]:
    """``logging.config.dictConfig`` for the server process (uvicorn's ``log_config``)."""
    level = level.upper()
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"}
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact": {"()": RedactingFilter},
            "request_id": {"()": f"{__name__}.RequestIdFilter"},
        },
        "formatters": {"main": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "main",
                "filters": ["request_id", "redact"],
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": level},
    }


__all__ = ["JsonFormatter", "RedactingFilter", "RequestIdFilter", "logging_config", "redact"]
