"""Connections in small pools, for many requests at once.

httpcore's connection pool matches every request it holds against every one of
its connections each time a request starts or ends: work per request that grows
with the square of the pool's size. At concurrency 16 that was a third of the
client's CPU in a batch. Pools of four, each request given to the least busy,
serve the same concurrency for a small part of that work. The client's own
transport (:mod:`tui.api.network`) takes an idle connection in constant time, so
there the split neither costs nor gains; through a proxy, httpx's transport is
httpcore's pool, and there it still counts.

When the client knows the transport its httpx client sends through (its own, or
one injected), a request goes straight to that transport: ``AsyncClient.send``
around it (auth and redirect flows, the cookie jar's urllib adapters, a stream
wrapper that times the answer) cost about a fifth of the client's CPU per
request in a batch and did nothing for an API request with its bearer token
(issue 23). Cookies are still kept, as the client would keep them. Through a
proxy the environment names, httpx's client picks the proxy's transport itself,
so every request goes through ``send`` there.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping

import httpx

#: Connections per pool: small enough that matching stays cheap, large enough
#: that the pools stay few.
POOL_SIZE = 4


class Lane:
    """One httpx client, and the transport it sends through when that is known."""

    __slots__ = ("client", "transport")

    def __init__(
        self, client: httpx.AsyncClient, transport: httpx.AsyncBaseTransport | None
    ) -> None:
        self.client = client
        #: None when the client chooses it per URL (the environment's proxies).
        self.transport = transport

    async def send(
        self, request: httpx.Request, auth: tuple[str, str] | None = None
    ) -> httpx.Response:
        """Send ``request``; its answer comes back unread (a stream)."""
        transport = self.transport
        if transport is None or auth is not None:
            return await self.client.send(request, auth=auth, stream=True)
        response = await transport.handle_async_request(request)
        response.request = request
        if "set-cookie" in response.headers:
            self.client.cookies.extract_cookies(response)
        return response


class Pools:
    """``concurrency`` connections spread over httpx clients of ``POOL_SIZE`` each."""

    def __init__(self, concurrency: int, make: Callable[[int], Lane]) -> None:
        full, rest = divmod(max(1, concurrency), POOL_SIZE)
        sizes = [POOL_SIZE] * full + ([rest] if rest else [])
        self._lanes = [make(size) for size in sizes]
        self._busy = [0] * len(sizes)
        #: The base URL as httpx merges a path onto it, its default headers and
        #: timeouts: what every request gets, worked out once (see build_request).
        self._prefix: str | None = None
        self._defaults: list[tuple[str, str]] = []
        self._default_names: set[str] = set()
        self._timeouts: dict[str, float | None] = {}

    @property
    def first(self) -> httpx.AsyncClient:
        """Any of them builds requests alike (same base URL, headers and timeouts)."""
        return self._lanes[0].client

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        """The request ``AsyncClient.build_request`` would build, for half its CPU.

        httpx parses the path as a URL, then the base URL merged with it again,
        and merges the headers, cookies and timeouts anew each time. A request
        with no query, no form and no cookie to send is the base URL's text with
        the path after it (parsed once), and headers and timeouts from a copy
        made at the first request. Anything else is httpx's own work.
        """
        client = self.first
        prefix = self._prefix
        if prefix is None:
            # httpx's own merge of "/" onto the base URL: the base with one final "/".
            prefix = self._prefix = str(client.build_request("GET", "/").url)
            self._defaults = list(client.headers.multi_items())
            self._default_names = {name.lower() for name, _ in self._defaults}
            self._timeouts = client.timeout.as_dict()
        if (
            params
            or data is not None
            or client.cookies
            # A default header replaced, not added: httpx's merge does that.
            or (headers and not self._default_names.isdisjoint(n.lower() for n in headers))
        ):
            return client.build_request(method, path, params=params, data=data, headers=headers)
        fields = [*self._defaults, *headers.items()] if headers else self._defaults
        return httpx.Request(
            method,
            prefix + path.lstrip("/"),
            headers=fields,
            extensions={"timeout": dict(self._timeouts)},
        )

    @contextlib.asynccontextmanager
    async def lease(self) -> AsyncIterator[Lane]:
        """The least busy lane, for the length of one exchange."""
        busy = self._busy
        index = min(range(len(busy)), key=busy.__getitem__)
        busy[index] += 1
        try:
            yield self._lanes[index]
        finally:
            busy[index] -= 1

    async def aclose(self) -> None:
        for lane in self._lanes:
            await lane.client.aclose()
