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
    RateLimitedError,
    RequestTimeoutError,
    TLSVerificationError,
)
from tui.api.models import IDENTIFIER
from tui.api.retry import RetryPolicy

T = TypeVar("T")

#: The least a 429 that names no wait is waited out (so patience always runs out).
MIN_RATE_LIMIT_WAIT = 0.01


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
    excused: Callable[[], float] | None = None,
) -> T:
    """``call`` until it succeeds, or fails in a way ``policy`` does not retry, or
    the next wait would pass the policy's deadline. Each error carries its attempt.

    A rate limit (429) is waited out as the gateway asked, never sooner, and counts
    against neither the attempts nor the deadline: only against
    ``policy.rate_limit_patience``, the seconds of waiting it may ask in all.
    ``excused`` gives the seconds the calls spent waiting their turn in the client's
    throttle, which do not count against the deadline either.
    """
    started = clock()
    failures = 0
    sent = 0
    #: Seconds the gateway asked this request to wait, in all.
    asked = 0.0
    while True:
        sent += 1
        try:
            return await call()
        except RateLimitedError as exc:
            exc.attempts = sent
            if policy.rate_limit_patience <= 0:
                raise
            wait = exc.retry_after
            if wait is None:  # no word of when: the longest ordinary wait
                wait = max(policy.max_delay, MIN_RATE_LIMIT_WAIT)
            asked += wait
            if asked > policy.rate_limit_patience:
                raise out_of_patience(exc, asked, policy) from None
            await sleep(wait)
        except MySafeError as exc:
            exc.attempts = sent
            failures += 1
            if not exc.retryable or failures >= policy.attempts:
                raise
            delay = policy.backoff(failures, rng)
            if exc.retry_after is not None:
                delay = max(delay, min(exc.retry_after, policy.max_delay))
            spent = clock() - started - asked - (excused() if excused is not None else 0.0)
            if spent + delay > policy.deadline:
                raise
            await sleep(delay)


def out_of_patience(exc: RateLimitedError, asked: float, policy: RetryPolicy) -> RateLimitedError:
    """The error of a request the gateway kept waiting longer than ``policy`` allows."""
    error = RateLimitedError(
        f"{exc.detail}; the gateway asked for {asked:.0f} s of waiting in all, more than "
        f"the {policy.rate_limit_patience:g} s a request is given (rate_limit_patience), "
        "so it was not sent again",
        status=exc.status,
        code=exc.code,
        server_message=exc.server_message,
        request_id=exc.request_id,
        retry_after=exc.retry_after,
    )
    error.attempts = exc.attempts
    return error


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
