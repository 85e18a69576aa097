"""The MySafe API client. It speaks HTTP and imports no Textual."""

from typing import TYPE_CHECKING, Any

from tui.api.bulk import STOPPED_NOTE, Outcome, Result, not_attempted
from tui.api.client import DEFAULT_CONCURRENCY, ClientSettings, MySafeClient
from tui.api.endpoint import TLSSettings, is_loopback, normalise_base_url
from tui.api.errors import (
    AnswerTooLargeError,
    ApplicationError,
    AuthenticationError,
    BadIdentifierError,
    BadRouteError,
    ConfigurationError,
    ConnectionFailedError,
    DeadlineExceededError,
    GatewayError,
    InactiveError,
    MySafeError,
    NoAccessError,
    NotFoundError,
    NotSentError,
    RateLimitedError,
    ReadOnlyError,
    RequestTimeoutError,
    ServerError,
    TLSVerificationError,
    UnexpectedResponseError,
    ValidationFailedError,
)
from tui.api.models import (
    Action,
    ActionResult,
    ItemList,
    ItemRef,
    ItemSummary,
    Kind,
    unique_refs,
)
from tui.api.retry import RetryPolicy
from tui.api.settings import Secret
from tui.api.throttle import RateLimitNotice

if TYPE_CHECKING:
    from tui.api.details import ApiSecretDetail, ItemDetail, PasswordDetail, Share

#: The full-item models are pydantic classes that take about 0.1 s to build: they
#: are imported on first use (a fetch), not with the package (PEP 562).
_DETAILS = ("ApiSecretDetail", "ItemDetail", "PasswordDetail", "Share")


def __getattr__(name: str) -> Any:
    if name in _DETAILS:
        from tui.api import details

        return getattr(details, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_CONCURRENCY",
    "STOPPED_NOTE",
    "Action",
    "ActionResult",
    "AnswerTooLargeError",
    "ApiSecretDetail",
    "ApplicationError",
    "AuthenticationError",
    "BadIdentifierError",
    "BadRouteError",
    "ClientSettings",
    "ConfigurationError",
    "ConnectionFailedError",
    "DeadlineExceededError",
    "GatewayError",
    "InactiveError",
    "ItemDetail",
    "ItemList",
    "ItemRef",
    "ItemSummary",
    "Kind",
    "MySafeClient",
    "MySafeError",
    "NoAccessError",
    "NotFoundError",
    "NotSentError",
    "Outcome",
    "PasswordDetail",
    "RateLimitNotice",
    "RateLimitedError",
    "ReadOnlyError",
    "RequestTimeoutError",
    "Result",
    "RetryPolicy",
    "Secret",
    "ServerError",
    "Share",
    "TLSSettings",
    "TLSVerificationError",
    "UnexpectedResponseError",
    "ValidationFailedError",
    "is_loopback",
    "normalise_base_url",
    "not_attempted",
    "unique_refs",
]
