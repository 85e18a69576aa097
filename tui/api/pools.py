"""Connections in small pools, for many requests at once.

httpcore's connection pool matches every request it holds against every one of
its connections each time a request starts or ends: work per request that grows
with the square of the pool's size. At concurrency 16 that was a third of the
client's CPU in a batch. Pools of four, each request given to the least busy,
serve the same concurrency for a small part of that work.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

import httpx

#: Connections per pool: small enough that matching stays cheap, large enough
#: that the pools stay few.
POOL_SIZE = 4


class Pools:
    """``concurrency`` connections spread over httpx clients of ``POOL_SIZE`` each."""

    def __init__(self, concurrency: int, make: Callable[[int], httpx.AsyncClient]) -> None:
        full, rest = divmod(max(1, concurrency), POOL_SIZE)
        sizes = [POOL_SIZE] * full + ([rest] if rest else [])
        self._clients = [make(size) for size in sizes]
        self._busy = [0] * len(sizes)

    @property
    def first(self) -> httpx.AsyncClient:
        """Any of them builds requests alike (same base URL, headers and timeouts)."""
        return self._clients[0]

    @contextlib.asynccontextmanager
    async def lease(self) -> AsyncIterator[httpx.AsyncClient]:
        """The least busy client, for the length of one exchange."""
        busy = self._busy
        index = min(range(len(busy)), key=busy.__getitem__)
        busy[index] += 1
        try:
            yield self._clients[index]
        finally:
            busy[index] -= 1

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()
