"""Logging: structured JSON lines in production, readable console lines in embedded mode.

Everything goes through the standard library's logging (our modules, uvicorn, Tortoise) and is
rendered by structlog's ProcessorFormatter, so one format covers all of it. Context bound with
``structlog.contextvars`` (request id, job id) is added to every line logged in that context,
and a redaction step runs last, so no secret reaches the output whatever a caller logs.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, Literal

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from app.observability.log_redaction import REDACTED
from app.observability.log_redaction import redact_text as _redact_text

# Keys whose values are credentials wherever they appear (request bodies, headers, settings).
_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|authorization|api[-_]?key|access[-_]?key|credential|cookie)",
    re.IGNORECASE,
)
#: Longest string one log field carries (RestLimitSettings.log_max_string_chars sets it):
#: longer ones are cut, with a marker, before redaction, so a line costs O(limit) at most.
MAX_STRING_CHARS = 2048
TRACEBACK_LIMIT_FACTOR = 16


def redact_text(text: str) -> str:
    """Mask credentials inside free text (URLs with passwords, bearer tokens, key=value).

    Linear in ``len(text)`` (app.observability.log_redaction); ``redact_value`` bounds the length.
    """
    return _redact_text(text)


def redact_string(text: str, limit: int | None = None) -> str:
    """``text`` cut to ``limit`` characters (with a marker), then redacted.

    Redacting the cut text with ``cut=True`` masks a secret the cut split (a URL password
    whose ``@`` fell beyond the limit), so truncation never shows part of one.
    """
    limit = MAX_STRING_CHARS if limit is None else limit
    if len(text) <= limit:
        return _redact_text(text)
    return f"{_redact_text(text[:limit], cut=True)}...[truncated {len(text) - limit} chars]"


def redact_value(key: str, value: Any) -> Any:
    """The value to log for ``key``: masked if the key names a secret, recursed into otherwise."""
    if _SECRET_KEY.search(key) and value not in (None, ""):
        return REDACTED
    if isinstance(value, str):
        return redact_string(value)
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(key, v) for v in value]
    return value


def redact_secrets(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """structlog processor: apply :func:`redact_value` to every field of the event."""
    for key in list(event_dict):
        if key in ("level", "timestamp", "logger"):
            continue
        value = event_dict[key]
        if key == "exception" and isinstance(value, str):
            # A traceback is ours and longer than any field: a wider bound, still redacted.
            event_dict[key] = redact_string(value, TRACEBACK_LIMIT_FACTOR * MAX_STRING_CHARS)
        else:
            event_dict[key] = redact_value(key, value)
    return event_dict


def drop_color_message(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """uvicorn passes an ANSI-coloured copy of its message as ``extra``: not for log files."""
    event_dict.pop("color_message", None)
    return event_dict


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def configure_logging(
    log_format: Literal["console", "json"] = "console",
    level: str = "INFO",
    max_string_chars: int | None = None,
) -> None:
    """Route all logging through structlog, rendered as JSON or as console lines."""
    global MAX_STRING_CHARS
    if max_string_chars is not None:
        MAX_STRING_CHARS = max_string_chars
    renderer: Processor
    if log_format == "json":
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    formatter = structlog.stdlib.ProcessorFormatter(
        # ExtraAdder: fields passed as logging's extra={...} become JSON keys.
        foreign_pre_chain=[*_shared_processors(), structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            drop_color_message,
            redact_secrets,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's own handlers would print a second, differently formatted copy; its access log
    # is replaced by our one line per request (app.server.request_logging).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    structlog.configure(
        processors=[
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> Any:
    """A structlog logger whose lines go through the configured formatter."""
    return structlog.stdlib.get_logger(name)


@contextmanager
def job_context(job_id: str) -> Iterator[None]:
    """Tag every line logged inside the block with ``job_id``."""
    with structlog.contextvars.bound_contextvars(job_id=job_id):
        yield


def bound_context() -> MutableMapping[str, Any]:
    """The context currently bound (request id, job id); for tests and diagnostics."""
    return dict(structlog.contextvars.get_contextvars())
