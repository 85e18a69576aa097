"""The async MySafe client: the only code in the project that speaks HTTP."""

from __future__ import annotations

import asyncio
import os
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple, Self, TypeVar

import httpx

from tui import __version__
from tui.api.auth import TokenCache
from tui.api.bulk import (
    BeforeSend,
    Outcome,
    OutcomeCallback,
    SentCallback,
    mark_sent,
    run_batch,
)
from tui.api.endpoint import normalise_base_url
from tui.api.errors import (
    ApplicationError,
    ConfigurationError,
    MySafeError,
    ReadOnlyError,
    UnexpectedResponseError,
)
from tui.api.exchange import Bounds, bounded_exchange
from tui.api.models import Action, ActionResult, ItemList, ItemRef, Kind
from tui.api.parsing import (
    error_from_response,
    find_key,
    parse_success,
    request_id_of,
    retry_after,
    write_message,
)
from tui.api.pools import Lane, Pools
from tui.api.proxies import check_proxy_environment, proxy_variables
from tui.api.responses import parse_list, parse_token, refused_token, response_parts
from tui.api.sending import checked_identifier, transport_error, with_retries
from tui.api.settings import DEFAULT_CONCURRENCY, MAX_CONCURRENCY, ClientSettings
from tui.api.throttle import Held, RateLimitCallback, Throttle

if TYPE_CHECKING:
    from tui.api.details import ItemDetail

# Re-exported: the settings lived here, and ``tui.api``, ``tui.settings.config`` and
# ``tui.settings.launch`` import them from this module.
__all__ = ["DEFAULT_CONCURRENCY", "MAX_CONCURRENCY", "ClientSettings", "MySafeClient"]

T = TypeVar("T")

#: List answers bigger than this are parsed in a thread.
LARGE_BODY = 1_000_000


class _Reply(NamedTuple):
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
        if min(settings.connect_timeout, settings.read_timeout, settings.request_deadline) <= 0:
            raise ConfigurationError("timeouts must be positive numbers of seconds")
        if min(settings.max_list_bytes, settings.max_answer_bytes) <= 0:
            raise ConfigurationError("the answer size caps must be positive numbers of bytes")
        if not settings.client_id.strip():
            raise ConfigurationError("the client id is empty")
        if not settings.client_secret.get_secret_value():
            raise ConfigurationError("the client secret is empty")
        self.settings = settings
        #: Writes are refused before sending while this is true. It starts from the
        #: settings and is cleared only by an explicit unlock (production profiles).
        self.read_only = settings.read_only
        self.base_url = normalise_base_url(settings.base_url, insecure=settings.tls.insecure)
        plain_http = self.base_url.startswith("http://")
        verify: ssl.SSLContext | bool = (
            True if transport is not None else settings.tls.verify(plain_http=plain_http)
        )
        self._clock = clock
        self._sleep = sleep
        self._rng = rng
        timeout = httpx.Timeout(
            settings.read_timeout,
            connect=settings.connect_timeout,
            pool=settings.read_timeout,
        )
        headers = {"Accept": "application/json", "User-Agent": f"mysafe-tui/{__version__}"}

        def make(size: int) -> Lane:
            # One connection per concurrent request: fewer makes requests queue
            # inside httpx, which costs far more CPU per request than it saves.
            limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
            # Without a proxy in the environment the transport is built here, as
            # httpx would build it, so requests can go to it straight (Lane.send).
            own = transport
            if own is None and not proxied:
                # Imported here: h11 loads only for a real network (the demo's
                # simulator in process never needs it; httpx defers httpcore too).
                from tui.api.network import AsyncioTransport

                own = AsyncioTransport(ssl_context=tls_context(), limits=limits)
            client = httpx.AsyncClient(
                base_url=self.base_url,
                transport=own,
                verify=verify,
                timeout=timeout,
                limits=limits,
                follow_redirects=False,
                headers=headers,
            )
            return Lane(client, own)

        def tls_context() -> ssl.SSLContext | None:
            # The client talks to its base URL only (no redirects): plain http needs none.
            if not self.base_url.startswith("https:"):
                return None
            if isinstance(verify, ssl.SSLContext):
                return verify
            return httpx.create_ssl_context(verify=verify)

        #: Said after the server in a connection error: a proxy variable may be why.
        self._proxy_note = ""
        proxied = any(n.lower() != "no_proxy" for n in proxy_variables(os.environ))
        if transport is not None:
            # An injected transport (the simulator in process) has no connections to
            # pool, and httpx reads no proxy variables for it.
            self._pools = Pools(1, make)
        else:
            proxies = [n for n in proxy_variables(os.environ) if n.lower() != "no_proxy"]
            if proxies:
                verb = "is" if len(proxies) == 1 else "are"
                self._proxy_note = f" ({', '.join(proxies)} {verb} set)"
            check_proxy_environment(os.environ)
            try:
                self._pools = Pools(settings.concurrency, make)
            except (httpx.InvalidURL, ValueError, ImportError) as exc:
                # What the checks above missed: never a traceback. The values are not
                # quoted (a proxy URL may carry a password).
                names = ", ".join(proxy_variables(os.environ)) or "none set"
                raise ConfigurationError(
                    "the HTTP client could not be built from the environment's proxy "
                    f"settings ({names}): {type(exc).__name__}; fix or unset them"
                ) from None
        self._tokens = TokenCache(self._fetch_token, clock)
        #: Every request passes it: after a 429 nobody sends before the gateway's
        #: reset, and fewer at once until answers come without one.
        self.throttle = Throttle(
            settings.concurrency,
            clock=clock,
            sleep=sleep,
            patience=settings.retry.rate_limit_patience,
        )
        deadline = settings.request_deadline
        self._answer_bounds = Bounds(deadline, settings.max_answer_bytes)
        self._list_bounds = Bounds(
            deadline,
            settings.max_list_bytes,
            what="list answers",
            hint="if the safe really is that big, raise max_list_mb in the profile",
        )

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
        await self._pools.aclose()

    @property
    def host(self) -> str:
        return httpx.URL(self.base_url).host

    @property
    def server(self) -> str:
        """Host and port, as an error should name them: which server exactly."""
        url = httpx.URL(self.base_url)
        port = url.port or {"https": 443, "http": 80}.get(url.scheme)
        host = f"[{url.host}]" if ":" in url.host else url.host
        return f"{host}:{port}" if port else host

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
        path = f"/api/mysafe/{kind.path}"
        reply = await self._api("GET", path, params=params, bounds=self._list_bounds)
        if len(reply.response.content) > LARGE_BODY:
            # A big safe: parse off the event loop so the UI keeps answering keys.
            return await asyncio.to_thread(parse_list, kind, reply.response)
        return parse_list(kind, reply.response)

    async def get_item(self, kind: Kind, identifier: str) -> ItemDetail:
        """The full item. In senhasegura this is an audited view: call it on purpose."""
        identifier = checked_identifier(identifier)
        reply = await self._api("GET", f"/api/mysafe/{kind.path}/{identifier}")
        body, _message, request_id = parse_success(*response_parts(reply.response))
        found, raw = find_key(body, kind.entity_keys)
        if not found or not isinstance(raw, dict):
            raise UnexpectedResponseError(
                f"the answer has no {kind.entity_keys[0]} object",
                status=reply.response.status_code,
                request_id=request_id,
            )
        # The item models are built on first use: a fetch is rare, a start is not.
        from tui.api.details import validated_detail

        try:
            return validated_detail(kind, raw)
        except ValueError as exc:
            raise UnexpectedResponseError(
                f"the {kind.noun} in the answer is malformed ({exc})",
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
        identifier = checked_identifier(ref.identifier)
        reply = await self._api("POST", f"/api/mysafe/{ref.kind.path}/{action.path}/{identifier}")
        body, _message, request_id = parse_success(*response_parts(reply.response))
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
            after_lost_answer=already and reply.lost_attempt,
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
        on_rate_limit: RateLimitCallback | None = None,
        on_sent: SentCallback | None = None,
    ) -> list[Outcome]:
        """(De)activate many items with bounded concurrency; one outcome per item.

        Duplicates are sent once. Nothing is raised out of the middle of the batch:
        each failure becomes that item's outcome. Setting ``stop`` lets the requests
        in flight finish and reports the rest as not attempted. ``before`` runs just
        before each request (the audit trail's intent record); if it raises, that
        item is reported as not sent. ``on_sent`` hears when an item's first request
        leaves (before that, waiting its turn, nothing of it can have been applied).
        ``on_rate_limit`` hears of the gateway's rate
        limit once per episode (the batch waits it out: see :mod:`tui.api.throttle`).
        """
        if self.read_only:
            raise ReadOnlyError(f"this session is read-only; nothing was {action.past}")
        limit = min(concurrency or self.settings.concurrency, self.settings.concurrency)
        throttle = self.throttle
        throttle.new_batch()
        if on_rate_limit is not None:
            throttle.listeners.append(on_rate_limit)
        try:
            return await run_batch(
                lambda ref: self.set_active(ref, action),
                refs,
                action,
                concurrency=max(1, limit),
                on_outcome=on_outcome,
                stop=stop,
                before=before,
                on_sent=on_sent,
            )
        finally:
            if on_rate_limit is not None:
                throttle.listeners.remove(on_rate_limit)

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
        try:
            response = await self._send("POST", "/api/oauth2/token", data=form, auth=auth)
            return parse_token(response)
        except MySafeError as exc:
            # A token request changes nothing on the server: whatever became of it
            # (a 500, a 502, a dropped connection), the write waiting for the token
            # was not sent, so it cannot have been applied.
            exc.maybe_applied = False
            raise

    # -- requests -------------------------------------------------------------------

    async def _api(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        bounds: Bounds | None = None,
    ) -> _Reply:
        """One API request with a bearer token, refreshed once on a 401, retried
        with backoff when the failure allows it. Returns the final answer, 2xx or not.
        ``bounds`` caps each attempt (the answer caps and deadline by default)."""
        bounds = bounds or self._answer_bounds
        lost = False
        attempts = 0
        held = Held()

        async def attempt() -> httpx.Response:
            nonlocal lost, attempts
            attempts += 1
            token = await self._tokens.get()
            try:
                response = await self._send(
                    method, path, params=params, token=token, bounds=bounds, held=held
                )
            except MySafeError as exc:
                lost = lost or exc.maybe_applied
                raise
            if refused_token(response):
                # The token expired early or was revoked: fetch one more, once.
                self._tokens.invalidate(token)
                token = await self._tokens.get()
                response = await self._send(
                    method, path, params=params, token=token, bounds=bounds, held=held
                )
            if not 200 <= response.status_code < 300:
                error = error_from_response(*response_parts(response))
                lost = lost or error.maybe_applied
                raise error
            return response

        try:
            response = await with_retries(
                attempt,
                self.settings.retry,
                self._clock,
                self._sleep,
                self._rng,
                excused=lambda: held.seconds,
            )
        except MySafeError as exc:
            if lost and not isinstance(exc, ApplicationError):
                # An earlier attempt may have been applied before its answer was lost,
                # and the last one did not say (a 500, a timeout): in doubt. An
                # application error (1005, 1006) answers from the item's state, which
                # an applied earlier attempt would have made "already": not in doubt.
                exc.maybe_applied = True
            raise
        return _Reply(response, attempts, lost)

    async def _with_retries(self, call: Callable[[], Awaitable[T]]) -> T:
        return await with_retries(call, self.settings.retry, self._clock, self._sleep, self._rng)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        token: str | None = None,
        auth: tuple[str, str] | None = None,
        bounds: Bounds | None = None,
        held: Held | None = None,
    ) -> httpx.Response:
        """One exchange, its answer read whole within ``bounds`` (the deadline and
        the body cap), after its turn in the throttle (the time it waited is added
        to ``held``); every failure is a typed error."""
        headers = {"Authorization": f"Bearer {token}"} if token else None
        where = f"{method} {path}"
        request = self._pools.build_request(method, path, params=params, data=data, headers=headers)
        throttle = self.throttle
        ticket = await throttle.enter(held)
        try:
            async with self._pools.lease() as http:
                if token is not None:  # an API call, not the token's: a batch item's
                    mark_sent()
                response = await bounded_exchange(
                    http, request, auth=auth, bounds=bounds or self._answer_bounds, where=where
                )
        except httpx.HTTPError as exc:
            throttle.leave(ticket)
            raise transport_error(
                exc,
                host=self.server + self._proxy_note,
                where=where,
                connect_timeout=self.settings.connect_timeout,
                read_timeout=self.settings.read_timeout,
            ) from None
        except BaseException:
            throttle.leave(ticket)
            raise
        status = response.status_code
        if status == 429:
            headers_in = response.headers
            throttle.leave(ticket, 429, retry_after(headers_in), request_id_of(headers_in, None))
        else:
            throttle.leave(ticket, status)
        return response
