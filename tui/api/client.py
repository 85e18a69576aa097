"""The async MySafe client: the only code in the project that speaks HTTP."""

from __future__ import annotations

import asyncio
import random
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import SecretStr, ValidationError

from tui import __version__
from tui.api.auth import DEFAULT_LIFETIME, TokenCache
from tui.api.bulk import BeforeSend, Outcome, OutcomeCallback, run_batch
from tui.api.endpoint import TLSSettings, normalise_base_url
from tui.api.errors import (
    AuthenticationError,
    BadIdentifierError,
    ConfigurationError,
    ConnectionFailedError,
    MySafeError,
    ReadOnlyError,
    RequestTimeoutError,
    TLSVerificationError,
    UnexpectedResponseError,
)
from tui.api.models import (
    Action,
    ActionResult,
    ApiSecretDetail,
    ItemDetail,
    ItemList,
    ItemRef,
    ItemSummary,
    Kind,
    PasswordDetail,
)
from tui.api.parsing import (
    decode_json,
    error_from_response,
    find_key,
    looks_like_envelope,
    parse_success,
    validation_summary,
    write_message,
)
from tui.api.retry import RetryPolicy

#: Requests in flight during a batch. With 20 ms of server latency this keeps a
#: 1 000-item batch within 1.3x of the ideal (measured 1.15x, see tests/benchmarks/
#: bench_deactivate.py) while the client's own CPU (about
#: 1.5 ms a request for httpx on a small machine) stays below the wall time.
DEFAULT_CONCURRENCY = 16
MAX_CONCURRENCY = 64

T = TypeVar("T")

#: List answers bigger than this are parsed in a thread.
LARGE_BODY = 1_000_000

_DIGITS = re.compile(r"[0-9]{1,19}")


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Everything the client needs to reach one senhasegura instance."""

    base_url: str
    client_id: str
    client_secret: SecretStr = field(repr=False)
    tenant: str | None = None
    tls: TLSSettings = field(default_factory=TLSSettings)
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    concurrency: int = DEFAULT_CONCURRENCY
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: Refuse every write before anything is sent.
    read_only: bool = False
    #: Also send the credentials as HTTP Basic on the token request (RFC 6749 2.3).
    #: Off by default: strict servers refuse credentials sent both ways.
    basic_auth: bool = False


@dataclass(slots=True)
class _Reply:
    response: httpx.Response
    attempts: int
    #: An earlier attempt may have been applied although its answer was lost.
    lost_attempt: bool


class MySafeClient:
    """Talks to ``/api/oauth2/token`` and ``/api/mysafe/*``.

    Use it as an async context manager. ``transport`` replaces the network (the
    embedded simulator passes its in-process transport); ``clock``, ``sleep`` and
    ``rng`` let tests control token expiry and backoff.
    """

    def __init__(
        self,
        settings: ClientSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if not 1 <= settings.concurrency <= MAX_CONCURRENCY:
            raise ConfigurationError(
                f"concurrency must be between 1 and {MAX_CONCURRENCY} (got {settings.concurrency})"
            )
        if settings.connect_timeout <= 0 or settings.read_timeout <= 0:
            raise ConfigurationError("timeouts must be positive numbers of seconds")
        if not settings.client_id.strip():
            raise ConfigurationError("the client id is empty")
        if not settings.client_secret.get_secret_value():
            raise ConfigurationError("the client secret is empty")
        self.settings = settings
        #: Writes are refused before sending while this is true. It starts from the
        #: settings and is cleared only by an explicit unlock (production profiles).
        self.read_only = settings.read_only
        self.base_url = normalise_base_url(settings.base_url, insecure=settings.tls.insecure)
        verify: ssl.SSLContext | bool = True if transport is not None else settings.tls.verify()
        self._clock = clock
        self._sleep = sleep
        self._rng = rng
        timeout = httpx.Timeout(
            settings.read_timeout,
            connect=settings.connect_timeout,
            pool=settings.read_timeout,
        )
        # One connection per concurrent request: a smaller pool makes requests queue
        # inside httpx and costs far more CPU per request than it saves.
        limits = httpx.Limits(
            max_connections=settings.concurrency,
            max_keepalive_connections=settings.concurrency,
        )
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            verify=verify,
            timeout=timeout,
            limits=limits,
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": f"mysafe-tui/{__version__}"},
        )
        self._tokens = TokenCache(self._fetch_token, clock)

    # -- lifecycle ------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def host(self) -> str:
        return httpx.URL(self.base_url).host

    @property
    def token_fetches(self) -> int:
        return self._tokens.fetches

    # -- public API -----------------------------------------------------------------

    async def authenticate(self) -> None:
        """Fetch a token now, so bad credentials show up before the first list."""
        await self._with_retries(self._tokens.get)

    async def list_items(self, kind: Kind, **filters: str | None) -> ItemList:
        """Every item of ``kind`` the key's user can see, optionally filtered server-side.

        Filters are those the API documents for the kind (``Kind.filters``). Entries
        too malformed to use are counted in ``ItemList.skipped`` rather than failing
        the whole list.
        """
        unknown = set(filters) - set(kind.filters)
        if unknown:
            raise ConfigurationError(
                f"{kind.label} lists cannot be filtered by {', '.join(sorted(unknown))}; "
                f"the API offers {', '.join(kind.filters)}"
            )
        params = {key: value for key, value in filters.items() if value}
        reply = await self._api("GET", f"/api/mysafe/{kind.path}", params=params)
        if len(reply.response.content) > LARGE_BODY:
            # A big safe: parse off the event loop so the UI keeps answering keys.
            return await asyncio.to_thread(_parse_list, kind, reply.response)
        return _parse_list(kind, reply.response)

    async def get_item(self, kind: Kind, identifier: str) -> ItemDetail:
        """The full item. In senhasegura this is an audited view: call it on purpose."""
        identifier = _checked_identifier(identifier)
        reply = await self._api("GET", f"/api/mysafe/{kind.path}/{identifier}")
        body, _message, request_id = parse_success(*_parts(reply.response))
        found, raw = find_key(body, kind.entity_keys)
        if not found or not isinstance(raw, dict):
            raise UnexpectedResponseError(
                f"the answer has no {kind.entity_keys[0]} object",
                status=reply.response.status_code,
                request_id=request_id,
            )
        model = PasswordDetail if kind is Kind.PASSWORD else ApiSecretDetail
        try:
            return model.model_validate({**raw, "kind": kind})
        except ValidationError as exc:
            raise UnexpectedResponseError(
                f"the {kind.noun} in the answer is malformed ({validation_summary(exc)})",
                status=reply.response.status_code,
                request_id=request_id,
            ) from None

    async def deactivate(self, ref: ItemRef) -> ActionResult:
        return await self.set_active(ref, Action.DEACTIVATE)

    async def activate(self, ref: ItemRef) -> ActionResult:
        return await self.set_active(ref, Action.ACTIVATE)

    async def set_active(self, ref: ItemRef, action: Action) -> ActionResult:
        """Activate or deactivate one item. Idempotent, so it is retried when safe."""
        if self.read_only:
            raise ReadOnlyError(
                f"this session is read-only; {ref.kind.noun} {ref.identifier} was not {action.past}"
            )
        identifier = _checked_identifier(ref.identifier)
        reply = await self._api("POST", f"/api/mysafe/{ref.kind.path}/{action.path}/{identifier}")
        body, _message, request_id = parse_success(*_parts(reply.response))
        message = write_message(body)
        if message is None:
            # A 2xx the server may well have acted on, but with nothing that says
            # so: neither success nor failure can be claimed. maybe_applied=True puts
            # the item in doubt (check it, undo may need it) instead of "changed".
            raise UnexpectedResponseError(
                f"{ref.kind.noun} {identifier}: HTTP {reply.response.status_code} without "
                "the documented response message; it may or may not have been "
                f"{action.past}",
                status=reply.response.status_code,
                request_id=request_id,
                maybe_applied=True,
            )
        already = "already" in message.lower()
        return ActionResult(
            ref=ref,
            action=action,
            changed=not already,
            message=message,
            status=reply.response.status_code,
            request_id=request_id,
            attempts=reply.attempts,
            changed_by_lost_attempt=already and reply.lost_attempt,
        )

    async def set_active_many(
        self,
        refs: Iterable[ItemRef],
        action: Action,
        *,
        concurrency: int | None = None,
        on_outcome: OutcomeCallback | None = None,
        stop: asyncio.Event | None = None,
        before: BeforeSend | None = None,
    ) -> list[Outcome]:
        """(De)activate many items with bounded concurrency; one outcome per item.

        Duplicates are sent once. Nothing is raised out of the middle of the batch:
        each failure becomes that item's outcome. Setting ``stop`` lets the requests
        in flight finish and reports the rest as not attempted. ``before`` runs just
        before each request (the audit trail's intent record); if it raises, that
        item is reported as not sent.
        """
        if self.read_only:
            raise ReadOnlyError(f"this session is read-only; nothing was {action.past}")
        limit = min(concurrency or self.settings.concurrency, self.settings.concurrency)
        return await run_batch(
            lambda ref: self.set_active(ref, action),
            refs,
            action,
            concurrency=max(1, limit),
            on_outcome=on_outcome,
            stop=stop,
            before=before,
        )

    # -- token ----------------------------------------------------------------------

    async def _fetch_token(self) -> tuple[str, float]:
        secret = self.settings.client_secret.get_secret_value()
        form = {
            "grant_type": "client_credentials",
            "client_id": self.settings.client_id,
            "client_secret": secret,
        }
        if self.settings.tenant:
            form["tenant"] = self.settings.tenant
        auth = (self.settings.client_id, secret) if self.settings.basic_auth else None
        response = await self._send("POST", "/api/oauth2/token", data=form, auth=auth)
        status, headers, content = _parts(response)
        body = decode_json(content)
        if not 200 <= status < 300:
            raise error_from_response(status, headers, content, token_endpoint=True)
        if not isinstance(body, dict):
            raise UnexpectedResponseError(
                "the token endpoint answered with something that is not a JSON object",
                status=status,
            )
        token = body.get("access_token")
        if not isinstance(token, str) or not token.strip():
            raise AuthenticationError(
                "the token endpoint answered without an access token", status=status
            )
        token_type = body.get("token_type", "Bearer")
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise UnexpectedResponseError("the token endpoint offered a token that is not Bearer")
        return token.strip(), _lifetime(body.get("expires_in"))

    # -- requests -------------------------------------------------------------------

    async def _api(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None
    ) -> _Reply:
        """One API request with a bearer token, refreshed once on a 401, retried
        with backoff when the failure allows it. Returns the final answer, 2xx or not."""
        lost = False
        attempts = 0

        async def attempt() -> httpx.Response:
            nonlocal lost, attempts
            attempts += 1
            token = await self._tokens.get()
            try:
                response = await self._send(method, path, params=params, token=token)
            except MySafeError as exc:
                lost = lost or exc.maybe_applied
                raise
            if _refused_token(response):
                # The token expired early or was revoked: fetch one more, once.
                self._tokens.invalidate(token)
                token = await self._tokens.get()
                response = await self._send(method, path, params=params, token=token)
            if not 200 <= response.status_code < 300:
                error = error_from_response(*_parts(response))
                lost = lost or error.maybe_applied
                raise error
            return response

        response = await self._with_retries(attempt)
        return _Reply(response, attempts, lost)

    async def _with_retries(self, call: Callable[[], Awaitable[T]]) -> T:
        policy = self.settings.retry
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                return await call()
            except MySafeError as exc:
                exc.attempts = attempt
                if not exc.retryable or attempt >= policy.attempts:
                    raise
                delay = policy.backoff(attempt, self._rng)
                if exc.retry_after is not None:
                    delay = max(delay, min(exc.retry_after, policy.max_delay))
                if self._clock() - started + delay > policy.deadline:
                    raise
                await self._sleep(delay)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        token: str | None = None,
        auth: tuple[str, str] | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        where = f"{method} {path}"
        try:
            return await self._http.request(
                method, path, params=params, data=data, headers=headers, auth=auth
            )
        except httpx.ConnectTimeout:
            raise RequestTimeoutError(
                f"could not connect to {self.host} within {self.settings.connect_timeout:g} s",
                maybe_applied=False,
            ) from None
        except httpx.PoolTimeout:
            raise RequestTimeoutError(
                f"no free connection to {self.host} within {self.settings.read_timeout:g} s",
                maybe_applied=False,
            ) from None
        except httpx.TimeoutException:
            raise RequestTimeoutError(
                f"{where}: no answer within {self.settings.read_timeout:g} s"
            ) from None
        except httpx.ConnectError as exc:
            if _is_certificate_error(exc):
                raise TLSVerificationError(
                    f"the certificate of {self.host} is not trusted ({exc}); "
                    "set a CA bundle for this server, or insecure if you must"
                ) from None
            raise ConnectionFailedError(
                f"could not connect to {self.host}: {exc or type(exc).__name__}",
                maybe_applied=False,
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise ConnectionFailedError(
                f"{where}: the connection was dropped before an answer came "
                f"({exc or type(exc).__name__})",
                maybe_applied=True,
            ) from None
        except httpx.UnsupportedProtocol as exc:
            raise ConfigurationError(f"unsupported URL: {exc}") from None
        except httpx.HTTPError as exc:
            raise ConnectionFailedError(
                f"{where}: {type(exc).__name__}: {exc}", maybe_applied=True
            ) from None


def _parse_list(kind: Kind, response: httpx.Response) -> ItemList:
    body, _message, request_id = parse_success(*_parts(response))
    found, raw = find_key(body, kind.list_keys)
    if not found and not looks_like_envelope(body):
        raise UnexpectedResponseError(
            f"the {kind.noun} list answer has no {kind.list_keys[0]}",
            status=response.status_code,
            request_id=request_id,
        )
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise UnexpectedResponseError(
            f"{kind.list_keys[0]} is not a list",
            status=response.status_code,
            request_id=request_id,
        )
    items: list[ItemSummary] = []
    skipped = 0
    for entry in raw:
        if not isinstance(entry, dict):
            skipped += 1
            continue
        try:
            items.append(ItemSummary.model_validate({**entry, "kind": kind}))
        except ValidationError:
            skipped += 1
    return ItemList(kind, items, skipped)


def _parts(response: httpx.Response) -> tuple[int, httpx.Headers, bytes]:
    return response.status_code, response.headers, response.content


def _refused_token(response: httpx.Response) -> bool:
    if response.status_code == 401:
        return True
    return response.status_code in (400, 403) and b"not authorized" in response.content.lower()


def _lifetime(value: Any) -> float:
    if isinstance(value, bool):
        return DEFAULT_LIFETIME
    if isinstance(value, int | float) and value > 0:
        return float(value)
    if isinstance(value, str):
        try:
            seconds = float(value)
        except ValueError:
            return DEFAULT_LIFETIME
        return seconds if seconds > 0 else DEFAULT_LIFETIME
    return DEFAULT_LIFETIME


def _checked_identifier(identifier: str) -> str:
    # Checked before sending: the id goes into the URL path, and "../x" or "1?a=b"
    # must never reach it. The server answers 1010 for non-numbers anyway.
    text = str(identifier).strip()
    if not _DIGITS.fullmatch(text):
        raise BadIdentifierError(
            f"{identifier!r} is not a MySafe identifier (digits only); nothing was sent"
        )
    return text


def _is_certificate_error(exc: httpx.ConnectError) -> bool:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)
