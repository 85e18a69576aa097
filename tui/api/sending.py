"""The sending side of a request: what is checked before it goes, how it is
retried, and what it means when it got no answer (an httpx exception turned into
a typed error)."""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from tui.api.errors import (
    BadIdentifierError,
    ConfigurationError,
    ConnectionFailedError,
    MySafeError,
    RequestTimeoutError,
    TLSVerificationError,
)
from tui.api.models import IDENTIFIER
from tui.api.retry import RetryPolicy

T = TypeVar("T")


def checked_identifier(identifier: str) -> str:
    # Checked before sending: the id goes into the URL path, and "../x" or "1?a=b"
    # must never reach it. The server answers 1010 for non-numbers anyway.
    text = str(identifier).strip()
    if not IDENTIFIER.fullmatch(text):
        raise BadIdentifierError(
            f"{identifier!r} is not a MySafe identifier (digits only); nothing was sent"
        )
    return text


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    clock: Callable[[], float],
    sleep: Callable[[float], Any],
    rng: Callable[[], float],
) -> T:
    """``call`` until it succeeds, or fails in a way ``policy`` does not retry, or
    the next wait would pass the policy's deadline. Each error carries its attempt."""
    started = clock()
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except MySafeError as exc:
            exc.attempts = attempt
            if not exc.retryable or attempt >= policy.attempts:
                raise
            delay = policy.backoff(attempt, rng)
            if exc.retry_after is not None:
                delay = max(delay, min(exc.retry_after, policy.max_delay))
            if clock() - started + delay > policy.deadline:
                raise
            await sleep(delay)


def transport_error(
    exc: httpx.HTTPError,
    *,
    host: str,
    where: str,
    connect_timeout: float,
    read_timeout: float,
) -> MySafeError:
    """The typed error for a request to ``host`` (``where``: "METHOD path") that
    failed with ``exc``, saying whether the server may have acted on it."""
    if isinstance(exc, httpx.ConnectTimeout):
        return RequestTimeoutError(
            f"could not connect to {host} within {connect_timeout:g} s",
            maybe_applied=False,
        )
    if isinstance(exc, httpx.PoolTimeout):
        return RequestTimeoutError(
            f"no free connection to {host} within {read_timeout:g} s",
            maybe_applied=False,
        )
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeoutError(f"{where}: no answer within {read_timeout:g} s")
    if isinstance(exc, httpx.ConnectError):
        if is_certificate_error(exc):
            return TLSVerificationError(
                f"the certificate of {host} is not trusted ({exc}); "
                "set a CA bundle for this server, or insecure if you must"
            )
        return ConnectionFailedError(
            f"could not connect to {host}: {connect_reason(exc)}",
            maybe_applied=False,
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return ConnectionFailedError(
            f"{where}: the connection was dropped before an answer came ({reason(exc)})",
            maybe_applied=True,
        )
    if isinstance(exc, httpx.UnsupportedProtocol):
        return ConfigurationError(f"unsupported URL: {exc}")
    return ConnectionFailedError(f"{where}: {reason(exc)}", maybe_applied=True)


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions behind it (causes, then contexts), without loops."""
    seen: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and not any(cause is known for known in seen):
        seen.append(cause)
        cause = cause.__cause__ or cause.__context__
    return seen


def reason(exc: BaseException) -> str:
    """Why ``exc`` happened, never empty: the first text in its chain, else the name
    of the innermost exception (httpx's ConnectError of an EOF has no text at all)."""
    chain = _chain(exc)
    for link in chain:
        text = str(link).strip()
        if text:
            return text
    return type(chain[-1]).__name__


def connect_reason(exc: httpx.ConnectError) -> str:
    """Why a connection could not be set up, in words, never empty."""
    chain = _chain(exc)
    texts = " ".join(str(link) for link in chain)
    if "WRONG_VERSION_NUMBER" in texts or "HTTP_REQUEST" in texts:
        return f"the server does not speak TLS there, is it plain http? ({reason(exc)})"
    if any(isinstance(link, ssl.SSLEOFError | ConnectionResetError) for link in chain) or (
        any(isinstance(link, ssl.SSLError) for link in chain) and not str(exc).strip()
    ):
        return "the server closed the connection during the TLS handshake (is it plain http?)"
    if any(isinstance(link, ConnectionRefusedError) for link in chain):
        return f"connection refused, nothing listens there? ({reason(exc)})"
    return reason(exc)


def is_certificate_error(exc: httpx.ConnectError) -> bool:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)
