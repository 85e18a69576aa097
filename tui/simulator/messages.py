"""What the simulator's adapters hand to its core and get back: no sockets here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs


@dataclass(frozen=True)
class SimRequest:
    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
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


@dataclass(frozen=True)
class SimResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    #: When set, the body is sent as these pieces instead of ``body`` (which keeps
    #: the answer the route gave, for tests to read).
    pieces: Pieces | None = None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """Send ``response`` after ``delay`` seconds; None means drop the connection."""

    response: SimResponse | None
    delay: float = 0.0


class Handler(Protocol):
    """What an adapter serves: the simulator's gateway (``Simulator.handle``). The
    adapters know only this, so the sans-IO core never meets a cycle back to them."""

    async def handle(self, request: SimRequest) -> Reply: ...
