"""Turning raw HTTP answers into data or typed errors, whatever the body holds.

The order follows the API notes (section 10): ``exception.code`` first, then the
``NNNN:`` prefix of the envelope message, then Kong's ``message``, then the HTTP
status. Nothing in here may raise anything but a :class:`MySafeError`: hostile or
broken bodies (HTML pages, invalid UTF-8, deep nesting, wrong types) become
:class:`UnexpectedResponseError`.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from tui.api.errors import (
    ApplicationError,
    AuthenticationError,
    BadIdentifierError,
    BadRouteError,
    GatewayError,
    InactiveError,
    MySafeError,
    NoAccessError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
    ValidationFailedError,
)
from tui.base.safe_text import clean_text

#: Server text kept in an error is cut to this many characters.
MAX_MESSAGE_CHARS = 500

_CODE_PREFIX = re.compile(r"^\s*(\d{4})\s*:?\s")
_NO_ROUTE = "route matched with those values"
_NOT_AUTHORIZED = "not authorized"

_CODE_ERRORS: dict[int, type[ApplicationError]] = {
    1001: ValidationFailedError,
    1005: NotFoundError,
    1006: NoAccessError,
    1009: InactiveError,
    1010: BadIdentifierError,
}


def decode_json(content: bytes) -> Any | None:
    """The JSON value of ``content``, or None when it is not JSON at all.

    Its size was bounded as it was read (:mod:`tui.api.exchange`), by the cap for
    its kind of answer, so it is not measured again here."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError and invalid UTF-8; RecursionError is
        # what deeply nested arrays raise.
        return None


def _short(text: str) -> str:
    """Server text as kept in results and errors: cleaned (``clean_text``) and cut."""
    text = clean_text(text.strip())
    if len(text) > MAX_MESSAGE_CHARS:
        return text[: MAX_MESSAGE_CHARS - 1] + "…"
    return text


def _str_field(mapping: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str) and value.strip():
            return _short(value)
    return None


def envelope_message(body: Any) -> str | None:
    """The human message of a senhasegura envelope, in any of its spellings."""
    if not isinstance(body, dict):
        return None
    exception = body.get("exception")
    if isinstance(exception, dict):
        message = _str_field(exception, "message")
        if message:
            return message
    response = body.get("response")
    if isinstance(response, dict):
        message = _str_field(response, "message", "mensagem", "Message")
        if message:
            return message
    return _str_field(body, "message", "mensagem", "Message", "error_description", "error")


def _app_code(body: Any, message: str | None) -> int | None:
    if isinstance(body, dict):
        exception = body.get("exception")
        if isinstance(exception, dict):
            code = exception.get("code")
            if isinstance(code, int) and not isinstance(code, bool) and code > 0:
                return code
            if isinstance(code, str) and code.strip().isdigit():
                return int(code.strip())
    if message:
        match = _CODE_PREFIX.match(message)
        if match:
            return int(match.group(1))
    return None


def request_id_of(headers: Mapping[str, str], body: Any) -> str | None:
    """The gateway's id for this exchange: Kong's ``X-Kong-Request-Id``, else
    ``X-Request-Id`` (Segura's newer API, a correlation-id plugin), else the
    ``request_id`` of Kong's error body."""
    for name in ("x-kong-request-id", "x-request-id"):
        header = headers.get(name)
        if header and header.strip():
            return _short(header)
    if isinstance(body, dict):
        return _str_field(body, "request_id")
    return None


#: An ``X-RateLimit-Reset`` this large is a Unix time (seconds since 1970; this one
#: is 2001-09-09), not a number of seconds to wait: a gateway asking for 31 years
#: of patience means the moment, as GitHub's and others' do.
EPOCH_FLOOR = 1_000_000_000


def _delta_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _http_date(value: str | None) -> float | None:
    """An HTTP-date (``Wed, 21 Oct 2015 07:28:00 GMT``) as a Unix time, or None."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # RFC 9110 dates are GMT; an obsolete form may say nothing
        return None
    return moment.timestamp()


def retry_after(headers: Mapping[str, str], wall: Callable[[], float] = time.time) -> float | None:
    """Seconds the gateway asks before the next request, or None when it says nothing.

    Read from ``Retry-After`` (seconds, or an HTTP-date), ``RateLimit-Reset`` (seconds
    to the window's end: the IETF draft, Kong) and ``X-RateLimit-Reset`` (seconds, or
    a Unix time when at least :data:`EPOCH_FLOOR`). When several say something the
    longest wins: waiting for it honours every one. Moments (a date, a Unix time) are
    measured against the answer's own ``Date`` when it has one, so the two clocks'
    difference does not count; else against ``wall``.
    """
    waits: list[float] = []

    def now() -> float:
        server = _http_date(headers.get("date"))
        return wall() if server is None else server

    value = headers.get("retry-after")
    seconds = _delta_seconds(value)
    if seconds is None:
        moment = _http_date(value)
        if moment is not None:
            seconds = max(0.0, moment - now())
    if seconds is not None:
        waits.append(seconds)
    seconds = _delta_seconds(headers.get("ratelimit-reset"))
    if seconds is not None:
        waits.append(seconds)
    seconds = _delta_seconds(headers.get("x-ratelimit-reset"))
    if seconds is not None:
        waits.append(max(0.0, seconds - now()) if seconds >= EPOCH_FLOOR else seconds)
    return max(waits) if waits else None


def is_error_envelope(body: Any) -> bool:
    """True when a body says it is an error even though its HTTP status is 2xx."""
    if not isinstance(body, dict):
        return False
    if isinstance(body.get("exception"), dict):
        return True
    response = body.get("response")
    if isinstance(response, dict):
        return response.get("error") is True or response.get("erro") is True
    return False


def error_from_response(
    status: int, headers: Mapping[str, str], content: bytes, *, token_endpoint: bool = False
) -> MySafeError:
    """The typed error for a failed answer (or a 2xx whose body says it failed)."""
    body = decode_json(content)
    message = envelope_message(body)
    request_id = request_id_of(headers, body)
    code = _app_code(body, message)
    fields: dict[str, Any] = {
        "status": status,
        "code": code,
        "server_message": message,
        "request_id": request_id,
    }

    if code in _CODE_ERRORS:
        return _CODE_ERRORS[code](message or f"code {code}", **fields)
    if token_endpoint and status in (400, 401, 403):
        return AuthenticationError(
            message or f"the token endpoint answered HTTP {status}", **fields
        )
    if status == 401 or (message and _NOT_AUTHORIZED in message.lower()):
        return AuthenticationError(message or "the server refused the access token", **fields)
    if status == 404 or (message and _NO_ROUTE in message.lower()):
        return BadRouteError(
            (message or "not found")
            + " (check the server URL and tenant; on some versions this also means "
            "the credentials were refused)",
            **fields,
        )
    if status == 429:
        return RateLimitedError(
            message or "too many requests", retry_after=retry_after(headers), **fields
        )
    if status in (502, 503, 504):
        return GatewayError(
            message or f"the gateway answered HTTP {status}",
            maybe_applied=status != 503,
            retry_after=retry_after(headers),
            **fields,
        )
    if status >= 500:
        return ServerError(message or f"the server answered HTTP {status}", **fields)
    if 400 <= status < 500:
        if code is not None or message:
            return ApplicationError(message or f"code {code}", **fields)
        return UnexpectedResponseError(f"HTTP {status} with no explanation", **fields)
    if body is None:
        what = "an empty body" if not content.strip() else "a body that is not JSON"
        return UnexpectedResponseError(f"HTTP {status} with {what}", **fields)
    return UnexpectedResponseError(
        message or f"HTTP {status} with a body that fits no documented shape", **fields
    )


def _success_body(status: int, headers: Mapping[str, str], content: bytes) -> dict[str, Any]:
    if not 200 <= status < 300:
        raise error_from_response(status, headers, content)
    body = decode_json(content)
    if not isinstance(body, dict):
        raise error_from_response(status, headers, content)
    if is_error_envelope(body):
        raise error_from_response(400 if status < 400 else status, headers, content)
    return body


def parse_success(
    status: int, headers: Mapping[str, str], content: bytes
) -> tuple[dict[str, Any], str, str | None]:
    """A 2xx envelope: (body, the server's message, the request id)."""
    body = _success_body(status, headers, content)
    return body, envelope_message(body) or "", request_id_of(headers, body)


def write_message(body: Mapping[str, Any]) -> str | None:
    """The message of a write's success envelope (docs 3.1, 3.2), or None without one.

    Activate and deactivate answers carry no data, only ``response.message`` (or
    ``mensagem``/``Message``): "Password successfully deactivated", "... has already
    been ...". Without it nothing says what the server did.
    """
    response = body.get("response")
    if not isinstance(response, dict):
        return None
    return _str_field(response, "message", "mensagem", "Message")


def find_key(body: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[bool, Any]:
    for key in keys:
        if key in body:
            return True, body[key]
    return False, None


def looks_like_envelope(body: Mapping[str, Any]) -> bool:
    return isinstance(body.get("response"), dict) or isinstance(body.get("code"), int)
