"""An event loop on virtual time: a wait takes no time at all.

When every task is waiting on a timer, the loop moves its clock straight to the
next one instead of sleeping. ``asyncio.sleep``, timeouts and ``loop.time()`` all
follow that clock, so a client given ``clock=loop.time`` and ``sleep=asyncio.sleep``
waits out a gateway's minute-long rate limit in microseconds of real time, in the
same order it would in real time. Ready file descriptors (a thread finishing) are
still seen; only the waiting is skipped, so no thread may be needed to go on.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class _Selector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.loop: VirtualTimeLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        events = super().select(0)
        if events or timeout is None or timeout <= 0 or self.loop is None:
            return events if events or timeout is not None else super().select(None)
        self.loop.now += timeout  # nothing to do until the next timer: jump to it
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self, start: float = 1000.0) -> None:
        selector = _Selector()
        super().__init__(selector)
        selector.loop = self
        self.now = start

    def time(self) -> float:
        return self.now


def run_virtual(main: Callable[[VirtualTimeLoop], Awaitable[T]]) -> T:
    """``main(loop)`` run to its end on a fresh :class:`VirtualTimeLoop`."""
    loop = VirtualTimeLoop()

    async def call() -> T:
        return await main(loop)

    try:
        return loop.run_until_complete(call())
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
