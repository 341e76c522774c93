"""The API key never reaches a log line or an error report in any spelling, nor do callers' numbers."""

import io
import json
import logging
from urllib.parse import quote

import pytest

from dashboard.observability.errors import before_send
from dashboard.observability.logs import ContextFilter, JsonFormatter, ScrubFilter
from dashboard.observability.scrub import REDACTED, scrub_text, scrub_value

KEY = "KEY0123ABCDEF_secret/part+more=="
SECRETS = (KEY,)


@pytest.mark.parametrize(
    "leak",
    [
        KEY,
        KEY.lower(),
        KEY.upper(),
        json.dumps(KEY)[1:-1],
        quote(KEY, safe=""),
        quote(KEY, safe="").lower(),
        KEY[:12],
        KEY[:20],
        f"Bearer {KEY}",
    ],
)
def test_every_spelling_of_the_key_is_blanked(leak):
    text = f"upstream said: {leak} (end)"
    scrubbed = scrub_text(text, SECRETS)
    assert REDACTED in scrubbed
    assert KEY[:12].lower() not in scrubbed.lower()
    assert scrubbed.endswith("(end)")


def test_short_fragments_and_ordinary_text_are_left_alone():
    text = f"KEY0123 is a prefix shorter than 12: {KEY[:11]}; call v3:abc-123 ended at 2026-01-01T00:00:00+00:00"
    assert scrub_text(text, SECRETS) == text


def test_phone_numbers_are_masked_and_nested_values_scrubbed():
    value = {"from": "+13125550100", "notes": ["call +44 20 7946 0958", KEY], KEY: 1}
    scrubbed = json.dumps(scrub_value(value, SECRETS))
    assert "3125550100" not in scrubbed and "7946" not in scrubbed and KEY not in scrubbed
    assert "[phone]" in scrubbed


def _emit(formatter: logging.Formatter, settings, message: str, *args, exc: BaseException | None = None) -> str:
    settings.TELNYX_API_KEY = KEY
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.addFilter(ScrubFilter())
    handler.setFormatter(formatter)
    logger = logging.getLogger("switchboard.test-scrubbing")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        if exc is None:
            logger.warning(message, *args)
        else:
            try:
                raise exc
            except type(exc):
                logger.exception(message, *args)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


@pytest.mark.parametrize("formatter", [logging.Formatter("%(message)s"), JsonFormatter()], ids=["plain", "json"])
def test_log_lines_and_tracebacks_are_scrubbed(settings, formatter):
    out = _emit(
        formatter,
        settings,
        "Telnyx echoed %s for caller %s",
        KEY.lower(),
        "+13125550100",
        exc=RuntimeError(f"Authorization: Bearer {quote(KEY, safe='')}"),
    )
    assert KEY[:12].lower() not in out.lower() and "3125550100" not in out
    assert out.count(REDACTED) >= 2 and "RuntimeError" in out


def test_error_reports_are_scrubbed_before_they_leave(settings):
    settings.TELNYX_API_KEY = KEY
    event = {"exception": {"values": [{"value": f"bad key {KEY}"}]}, "extra": {"caller": "+13125550100"}}
    sent = json.dumps(before_send(event, {}))
    assert KEY not in sent and "3125550100" not in sent


def test_extra_fields_of_json_lines_are_scrubbed_too(settings):
    settings.TELNYX_API_KEY = KEY
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.addFilter(ScrubFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("switchboard.test-extra")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("Not Found: /history/calls/", extra={"request": f"<GET '/history/calls/?q=+13125550100&k={KEY}'>"})
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    line = json.loads(stream.getvalue())
    assert "3125550100" not in line["request"] and KEY not in line["request"]
