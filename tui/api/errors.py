"""Typed errors an operator can read.

Every failure the client can meet ends up as one of these. Each carries what the
server said (HTTP status, senhasegura code, message, Kong request id) so the UI can
show it and the audit trail can record it. None of them ever holds a secret: the
message is built from the server's text and our own words, never from a request
body, a token or a response field that carries a secret.
"""

from __future__ import annotations

from tui.base.safe_text import clean_text


class MySafeError(Exception):
    """Base class: something went wrong talking to senhasegura."""

    #: A short label for the kind of failure, shown in the UI before the detail.
    title = "Request failed"
    #: True when repeating the same request may succeed (gateway hiccups, timeouts).
    retryable = False
    #: True when the request may have reached the server and been applied even though
    #: no answer came back (a timeout after sending, a dropped connection, a 502/504).
    maybe_applied = False

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: int | None = None,
        server_message: str | None = None,
        request_id: str | None = None,
        maybe_applied: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        # The detail quotes server text (and exception text that may carry the
        # server's bytes), so everything textual is cleaned here, once, whoever
        # raised the error: its str is always safe to print, journal and encode.
        detail = clean_text(detail)
        super().__init__(detail)
        self.detail = detail
        #: HTTP status of the answer, when there was one.
        self.status = status
        #: senhasegura's numeric code (1005, 1006, ...), when there was one.
        self.code = code
        #: The server's own text, cleaned (``clean_text``) but otherwise verbatim.
        self.server_message = None if server_message is None else clean_text(server_message)
        #: Kong's request id (``X-Kong-Request-Id`` or ``request_id``), when there was one.
        self.request_id = None if request_id is None else clean_text(request_id)
        if maybe_applied is not None:
            self.maybe_applied = maybe_applied
        #: Seconds the server asked us to wait (``Retry-After``), when it did.
        self.retry_after = retry_after
        #: How many requests were made before giving up (set by the retry loop).
        self.attempts = 1

    def __str__(self) -> str:
        return f"{self.title}: {self.detail}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.detail!r}, status={self.status!r}, "
            f"code={self.code!r}, request_id={self.request_id!r})"
        )


# -- configuration ---------------------------------------------------------------------


class ConfigurationError(MySafeError):
    """The client was set up with something it must refuse (bad URL, unsafe transport)."""

    title = "Configuration error"


class NotSentError(MySafeError):
    """A check before sending failed (for example the audit trail could not be
    written), so the request was deliberately not sent."""

    title = "Not sent"


class ReadOnlyError(MySafeError):
    """A write was asked of a client that was opened read-only; nothing was sent."""

    title = "Read-only"


# -- application errors (HTTP 400 with an exception code) ------------------------------


class ApplicationError(MySafeError):
    """senhasegura refused the request (HTTP 400 with a code)."""

    title = "Refused by senhasegura"


class NotFoundError(ApplicationError):
    """1005: the item does not exist (or is not visible to this key)."""

    title = "Not found"


class NoAccessError(ApplicationError):
    """1006: the key's user may not see or edit this item."""

    title = "No access"


class InactiveError(ApplicationError):
    """1009: the item exists but is deactivated (answer to a get)."""

    title = "Inactive"


class BadIdentifierError(ApplicationError):
    """1010: the identifier is not a number."""

    title = "Bad identifier"


class ValidationFailedError(ApplicationError):
    """1001: a parameter is missing or clashes with another item."""

    title = "Invalid request"


# -- authentication and routing --------------------------------------------------------


class AuthenticationError(MySafeError):
    """The token endpoint refused the credentials, or the API refused the token."""

    title = "Authentication failed"


class BadRouteError(MySafeError):
    """Kong found no route: a wrong base URL or tenant, or (on some versions) bad auth."""

    title = "No route"


# -- server and gateway ----------------------------------------------------------------


class ServerError(MySafeError):
    """HTTP 500 (or another 5xx the gateway did not explain).

    "Unexpected error" may come after the change was made (the failure was in
    writing the answer), so a write that got it may have been applied; and since
    the requests that are retried are idempotent, it is retried like a 502."""

    title = "Server error"
    retryable = True
    maybe_applied = True


class GatewayError(MySafeError):
    """Kong answered 502, 503 or 504 for the upstream."""

    title = "Gateway error"
    retryable = True
    # 502 and 504 can come after the upstream received the request. (The parser sets
    # maybe_applied=False for 503: Kong could not reach the upstream at all.)
    maybe_applied = True


class RateLimitedError(MySafeError):
    """HTTP 429 from Kong's rate-limiting plugin."""

    title = "Rate limited"
    retryable = True


# -- transport ------------------------------------------------------------------------


class RequestTimeoutError(MySafeError):
    """No answer in time."""

    title = "Timed out"
    retryable = True
    maybe_applied = True


class DeadlineExceededError(RequestTimeoutError):
    """No complete answer within the request's overall deadline (connecting, sending
    and every byte of the answer). A server that slow is not asked again."""

    retryable = False


class ConnectionFailedError(MySafeError):
    """The connection could not be made, or was dropped before an answer came."""

    title = "Connection failed"
    retryable = True


class TLSVerificationError(ConnectionFailedError):
    """The server's certificate could not be verified; retrying will not help."""

    title = "Certificate not trusted"
    retryable = False


class AnswerTooLargeError(MySafeError):
    """The answer's body passed its size cap and was not read any further.

    The request was sent and answered, so an action may have been applied."""

    title = "Answer too large"
    maybe_applied = True


class UnexpectedResponseError(MySafeError):
    """The server answered with something none of the documented shapes fits."""

    title = "Unexpected response"
