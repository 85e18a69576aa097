"""How many requests a client has in flight, and when it may send again.

Every request of a :class:`~tui.api.client.MySafeClient` passes here. While no
rate limit is heard of, that is a counter and a comparison (the fast path: a batch
pays nothing for it). A 429 changes two things for every request of the client:

- **Nobody sends before the gateway's reset.** The wait it names (``Retry-After``,
  ``RateLimit-Reset``, ``X-RateLimit-Reset``: :func:`tui.api.parsing.retry_after`)
  holds every request back, the ones already waiting their turn too.
- **Fewer requests at once** (AIMD, as TCP does with congestion): the number
  allowed in flight is halved (never below one) once per answer to what was sent
  at the current number, then grows back by one each time that many answers come
  without a 429, up to the configured concurrency. There the throttle is calm again.

Clock and sleep are the client's own, so tests run it on virtual time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

from tui.api.errors import RateLimitedError


class RateLimitNotice(NamedTuple):
    """A gateway's rate limit, as the operator hears of it: once per episode."""

    #: Seconds until the gateway said it takes requests again (None: it did not say).
    wait: float | None
    #: Requests allowed in flight from now on, and the concurrency it was cut from.
    in_flight: int
    ceiling: int
    #: The gateway's id of the limited answer.
    request_id: str | None = None


RateLimitCallback = Callable[[RateLimitNotice], None]


class Held:
    """Seconds a request spent waiting its turn here (not counted against its deadline)."""

    __slots__ = ("seconds",)

    def __init__(self) -> None:
        self.seconds = 0.0


class Throttle:
    """The gate every request of one client passes (see the module's text)."""

    def __init__(
        self,
        ceiling: int,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], Any],
        patience: float,
    ) -> None:
        self.ceiling = max(1, ceiling)
        #: Requests allowed in flight now.
        self.limit = self.ceiling
        self.in_flight = 0
        #: Nobody sends before this time on ``clock``.
        self.resume_at = float("-inf")
        #: Bumped at every decrease; a request remembers the one it was sent in, so
        #: the answers to one round of requests cut the number once, not once each.
        self.epoch = 0
        #: Who hears of an episode's start (the running batches).
        self.listeners: list[RateLimitCallback] = []
        self._clock = clock
        self._sleep = sleep
        #: A wait longer than this is not waited: the request fails at once.
        self._patience = patience
        self._calm = True
        self._told = False
        self._answers = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def calm(self) -> bool:
        """No limit heard of since the throttle was last back at full speed."""
        return self._calm

    def new_batch(self) -> None:
        """A batch starts: it hears of a limit still in force at its next 429."""
        self._told = False

    async def enter(self, held: Held | None = None) -> int:
        """Wait for a turn; the returned ticket goes back to :meth:`leave`."""
        if self._calm and self.in_flight < self.ceiling:
            self.in_flight += 1
            return self.epoch
        started = self._clock()
        try:
            return await self._enter_slowly()
        finally:
            if held is not None:
                held.seconds += self._clock() - started

    async def _enter_slowly(self) -> int:
        if self.in_flight < self.limit and not self._waiters:
            self.in_flight += 1
        else:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter  # woken with the turn already counted as ours
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    self._give_back()
                else:
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(waiter)
                raise
        try:
            await self._wait_out_pause()
        except BaseException:
            self._give_back()
            raise
        return self.epoch

    async def _wait_out_pause(self) -> None:
        while True:
            until = self.resume_at
            wait = until - self._clock()
            if wait <= 0:
                return
            if wait > self._patience:
                raise RateLimitedError(
                    f"the gateway takes no requests for {wait:.0f} s more, longer than a "
                    f"request is given ({self._patience:g} s, rate_limit_patience); not sent",
                    status=429,
                    retry_after=wait,
                )
            await self._sleep(wait)
            if self.resume_at == until:
                # Slept through it. (The clock is not asked again: a test's sleep
                # may return at once, and this must not spin.)
                return

    def leave(
        self,
        ticket: int,
        status: int = 0,
        wait: float | None = None,
        request_id: str | None = None,
    ) -> None:
        """A request sent with ``ticket`` is over: answered with ``status`` (0: no
        answer), and for a 429 the ``wait`` the gateway named."""
        self.in_flight -= 1
        if status == 429:
            self._limited(ticket, wait, request_id)
        elif status and not self._calm:
            self._answered()
        if self._waiters:
            self._wake()

    def _give_back(self) -> None:
        self.in_flight -= 1
        if self._waiters:
            self._wake()

    def _limited(self, ticket: int, wait: float | None, request_id: str | None) -> None:
        if wait is not None:
            self.resume_at = max(self.resume_at, self._clock() + wait)
        if ticket == self.epoch:
            self.limit = max(1, self.limit // 2)
            self.epoch += 1
            self._answers = 0
        self._calm = False
        if not self._told:
            self._told = True
            notice = RateLimitNotice(wait, self.limit, self.ceiling, request_id)
            for listener in list(self.listeners):
                with contextlib.suppress(Exception):  # a display hiccup stops nothing
                    listener(notice)

    def _answered(self) -> None:
        self._answers += 1
        if self._answers >= self.limit:
            self._answers = 0
            if self.limit < self.ceiling:
                self.limit += 1
        if self.limit >= self.ceiling and self._clock() >= self.resume_at:
            self._calm = True
            self._told = False

    def _wake(self) -> None:
        waiters = self._waiters
        while waiters and self.in_flight < self.limit:
            waiter = waiters.popleft()
            if waiter.done():  # cancelled while it waited
                continue
            self.in_flight += 1
            waiter.set_result(None)
