"""Log configuration: plain text (the default) or one JSON object per line (LOG_FORMAT=json).

Every record goes through one handler on the root logger, whose filters add the context (request
id, user, call, command) and scrub secrets and phone numbers from the message, its arguments and
its traceback, whichever logger wrote it (Django, uvicorn, switchboard, the simulator, libraries).
"""

import logging

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from dashboard.observability import context
from dashboard.observability.scrub import configured_secrets, scrub_text

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s%(context_suffix)s"
_CONTEXT_KEYS = ("request_id", "user", "call_control_id", "command_id")


class ContextFilter(logging.Filter):
    """Adds request_id, user, call_control_id and command_id where known (extra= wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        known = context.current()
        for key in _CONTEXT_KEYS:
            if not getattr(record, key, None) and key in known:
                setattr(record, key, known[key])
        parts = [f"{key}={getattr(record, key)}" for key in _CONTEXT_KEYS if getattr(record, key, None)]
        record.context_suffix = f" [{' '.join(parts)}]" if parts else ""
        return True


class ScrubFilter(logging.Filter):
    """Renders the message and traceback once, with every form of the API key and phone numbers blanked."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = configured_secrets()
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is
            message = str(record.msg)
        record.msg = scrub_text(message, secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # Formatters render exc_text when it is set instead of formatting exc_info again.
            record.exc_text = scrub_text(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = scrub_text(record.stack_info, secrets)
        for key in _CONTEXT_KEYS:
            value = getattr(record, key, None)
            if isinstance(value, str):
                setattr(record, key, scrub_text(value, secrets))
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, context, and the traceback if any."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        from datetime import UTC, datetime

        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def add_fields(self, log_record: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record.pop("context_suffix", None)
        if record.exc_text:  # the scrubbed rendering (ScrubFilter), not exc_info formatted afresh
            log_record["exc_info"] = record.exc_text
        # Extra fields too (django.request's `request` shows the full path, query string included).
        secrets = configured_secrets()
        for key, value in log_record.items():
            if not isinstance(value, int | float | bool | type(None)):
                text = value if isinstance(value, str) else str(value)
                log_record[key] = scrub_text(text, secrets)
        log_record.pop("color_message", None)  # uvicorn's coloured copy of the message


def logging_config(*, log_format: str, level: str, access_log: bool = False) -> dict:
    """The LOGGING dict for settings: one console handler on the root logger.

    uvicorn's access log stays off unless asked for (`access_log`): a line per request costs the
    webhook path more than all its metrics, and /metrics counts requests anyway.
    """
    formatter = (
        {"()": "dashboard.observability.logs.JsonFormatter"}
        if log_format == "json"
        else {"format": PLAIN_FORMAT}
    )
    # Named loggers keep no handler of their own and propagate to the root's one handler, so each
    # line is written once, in one format, through the same filters.
    own = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "dashboard.observability.logs.ContextFilter"},
            "scrub": {"()": "dashboard.observability.logs.ScrubFilter"},
        },
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["context", "scrub"],
            }
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "switchboard": {**own, "level": level},
            "simulator": {**own, "level": level},
            # Failed logins and lockouts (usernames and addresses masked; the admin's "Access attempts" has them).
            "axes": {**own, "level": "WARNING"},
            # Unhandled errors in views (django.request), in production too (Django's default is silent there).
            "django": {**own, "level": "INFO"},
            "django.server": {**own, "level": "WARNING"},
            # No level: uvicorn's own (its --log-level) stays in force.
            "uvicorn": own,
            "uvicorn.error": own,
            # Configured explicitly: otherwise dictConfig resets it (a child of "uvicorn") to propagate,
            # and uvicorn, seeing a handler, would log every request whatever --no-access-log said.
            "uvicorn.access": {**own, "level": "INFO"} if access_log else {"handlers": [], "propagate": False},
        },
    }
