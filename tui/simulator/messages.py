"""What the simulator's adapters hand to its core and get back: no sockets here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol
from urllib.parse import parse_qs


class SimRequest(NamedTuple):
    method: str
    path: str
    # Read-only empty mappings as defaults: one instance shared by every request.
    query: Mapping[str, list[str]] = MappingProxyType({})
    headers: Mapping[str, str] = MappingProxyType({})  # lower-case names
    body: bytes = b""
    host: str = ""

    @classmethod
    def from_target(
        cls, method: str, target: str, headers: Mapping[str, str], body: bytes, host: str = ""
    ) -> SimRequest:
        path, _, query = target.partition("?")
        return cls(method.upper(), path, parse_qs(query), headers, body, host)


#: A body sent piece by piece: wait ``pause`` seconds, then send ``data``. Lazy, and
#: possibly endless: the adapters send each piece as it comes, and stop when the
#: client goes away.
Pieces = Iterable[tuple[float, bytes]]


class SimResponse(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes
    #: When set, the body is sent as these pieces instead of ``body`` (which keeps
    #: the answer the route gave, for tests to read).
    pieces: Pieces | None = None

    def json(self) -> Any:
        return json.loads(self.body)


class Reply(NamedTuple):
    """Send ``response`` after ``delay`` seconds; None means drop the connection."""

    response: SimResponse | None
    delay: float = 0.0


class Handler(Protocol):
    """What an adapter serves: the simulator's gateway (``Simulator.handle``). The
    adapters know only this, so the sans-IO core never meets a cycle back to them."""

    async def handle(self, request: SimRequest) -> Reply: ...
