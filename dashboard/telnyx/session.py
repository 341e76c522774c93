"""One Telnyx HTTP exchange: auth, retries, decoding, and turning failures into TelnyxError."""

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from dashboard.observability import metrics
from dashboard.telnyx.errors import ErrorKind, TelnyxError
from dashboard.telnyx.response import TelnyxResponse, unwrap
from dashboard.telnyx.retry import backoff_delay, rate_limit_delay

logger = logging.getLogger("switchboard.telnyx")

USER_AGENT = f"Switchboard/0.1 (Telnyx supervision dashboard) httpx/{httpx.__version__}"
_REDACTED = "[REDACTED]"
# Worth another try: the request may not have reached Telnyx, or its answer got lost.
_TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class TelnyxSession:
    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        timeout: float,
        max_attempts: int,
        transport: httpx.BaseTransport | None,
        sleep: Callable[[float], None],
    ) -> None:
        if not api_key:
            raise ValueError("a Telnyx API key is required")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self._sleep = sleep
        # Redirects are never followed: the bearer token must only go to the configured host.
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            headers={
                "Authorization": f"Bearer {api_key}",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
        )

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        form: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        command_id: str | None = None,
    ) -> TelnyxResponse:
        """Send, retrying transient failures; every attempt re-sends the very same bytes."""
        request = self._http.build_request(method, path, json=json_body, data=form, params=query)
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.send(request)
            except _TRANSIENT_ERRORS as exc:
                error = self._transport_error(exc, attempt, command_id, retryable=True)
                error.__cause__ = exc
                delay: float | None = backoff_delay(attempt)
            except httpx.RequestError as exc:
                raise self._transport_error(exc, attempt, command_id, retryable=False) from exc
            else:
                status = response.status_code
                if 200 <= status < 300:
                    body = _decode_object(response.content)
                    if body is not None:
                        data, items, meta = unwrap(body)
                        elapsed_ms = (time.monotonic() - started) * 1000
                        return TelnyxResponse(
                            status=status,
                            data=data,
                            items=items,
                            meta=meta,
                            elapsed_ms=elapsed_ms,
                            attempts=attempt,
                            command_id=command_id,
                        )
                error, delay = self._classify(response, attempt, command_id)
            if delay is None or attempt >= self.max_attempts:
                raise error
            metrics.TELNYX_RETRIES.labels(_retry_reason(error)).inc()
            if error.status == 429:
                metrics.TELNYX_RATE_LIMIT_WAIT_SECONDS.inc(delay)
            logger.warning(
                "Telnyx %s %s attempt %d/%d failed (%s: %s); retrying in %.2fs",
                method,
                request.url.path,
                attempt,
                self.max_attempts,
                f"HTTP {error.status}" if error.status is not None else error.title,
                error.detail,
                delay,
                extra={"command_id": command_id} if command_id else None,
            )
            self._sleep(delay)

    def _classify(
        self, response: httpx.Response, attempt: int, command_id: str | None
    ) -> tuple[TelnyxError, float | None]:
        """The error an unusable response means, and the delay before a retry (None: do not retry)."""
        status = response.status_code
        text = self._redact(response.text)

        def error(kind: ErrorKind, retryable: bool) -> TelnyxError:
            return TelnyxError.from_response(
                status=status,
                text=text,
                kind=kind,
                retryable=retryable,
                attempts=attempt,
                command_id=command_id,
            )

        if 200 <= status < 300:
            malformed = TelnyxError(
                kind=ErrorKind.FAILED,
                status=status,
                title="Malformed response",
                detail=f"expected a JSON object, got {' '.join(text.split())[:80]!r}",
                retryable=True,
                attempts=attempt,
                command_id=command_id,
            )
            return malformed, backoff_delay(attempt)
        if status == 429:
            reset = response.headers.get("x-ratelimit-reset")
            return error(ErrorKind.REFUSED, True), rate_limit_delay(reset, attempt=attempt, now=time.time())
        if 400 <= status < 500:
            return error(ErrorKind.REFUSED, False), None
        if status >= 500:
            return error(ErrorKind.FAILED, True), backoff_delay(attempt)
        # 1xx/3xx (redirects are not followed): nothing a retry would change.
        return error(ErrorKind.FAILED, False), None

    def _transport_error(
        self, exc: httpx.RequestError, attempt: int, command_id: str | None, *, retryable: bool
    ) -> TelnyxError:
        return TelnyxError(
            kind=ErrorKind.FAILED,
            title=type(exc).__name__,
            detail=self._redact(str(exc)) or None,
            retryable=retryable,
            attempts=attempt,
            command_id=command_id,
        )

    def _redact(self, text: str) -> str:
        # Whatever a server or proxy echoes back, the key must not reach an error or a log.
        return text.replace(self._api_key, _REDACTED)


def _retry_reason(error: TelnyxError) -> str:
    if error.status == 429:
        return "rate_limited"
    if error.status is not None and error.status >= 500:
        return "server_error"
    if error.status is None:
        return "transport"
    return "malformed"


def _decode_object(content: bytes) -> dict[str, Any] | None:
    if not content.strip():
        return {}
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None
