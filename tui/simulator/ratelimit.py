"""Kong's rate-limiting plugin, as a fault: 429 ``API rate limit exceeded`` and the
headers it sends (kong/plugins/rate-limiting/handler.lua).

Two ways to be limited, either or both (``FaultConfig``):

- ``rate_limit`` requests per ``rate_limit_period`` (second, minute, hour, day):
  Kong's fixed windows, aligned to the simulator's clock (a window starts at a
  whole multiple of its length). A request over the count is refused until the
  window ends; ``Retry-After`` and ``RateLimit-Reset`` say in how many whole
  seconds (rounded up, at least 1, as Kong's are whole seconds).
- ``rate_limit_every`` N: every Nth request to the API is refused, whatever the
  time, and asked to wait ``rate_limit_wait`` seconds. Not what Kong does, but the
  gateway seen in the field (issue 22), and a limit no client can slow down under.

Answers that pass carry the window's headers too when a window is set, as Kong's
do. Only the API (``/api/mysafe/*``) is limited, not the token endpoint.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

from tui.simulator.faults import FaultConfig

#: Kong's periods: their length in seconds, and the name in ``X-RateLimit-*-<Name>``.
PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
#: The 429 body's message (Kong's, word for word).
MESSAGE = "API rate limit exceeded"


class Verdict(NamedTuple):
    """Whether a request is refused, and the headers its answer carries either way."""

    refused: bool
    headers: dict[str, str]


class RateLimiter:
    def __init__(self, faults: FaultConfig, clock: Callable[[], float]) -> None:
        self.faults = faults
        self._clock = clock
        self._count = 0
        self._window = -1
        self._used = 0

    @property
    def active(self) -> bool:
        return bool(self.faults.rate_limit or self.faults.rate_limit_every)

    def check(self) -> Verdict:
        """Count one API request and judge it."""
        faults = self.faults
        headers: dict[str, str] = {}
        refused = False
        if faults.rate_limit:
            length = PERIODS[faults.rate_limit_period]
            now = self._clock()
            window = math.floor(now / length)
            if window != self._window:
                self._window, self._used = window, 0
            reset = max(1, math.ceil((window + 1) * length - now))
            refused = self._used >= faults.rate_limit
            if not refused:
                self._used += 1
            remaining = faults.rate_limit - self._used
            name = faults.rate_limit_period.capitalize()
            headers = {
                "RateLimit-Limit": str(faults.rate_limit),
                "RateLimit-Remaining": str(remaining),
                "RateLimit-Reset": str(reset),
                f"X-RateLimit-Limit-{name}": str(faults.rate_limit),
                f"X-RateLimit-Remaining-{name}": str(remaining),
            }
            if refused:
                headers["Retry-After"] = str(reset)
        if faults.rate_limit_every and not refused:
            self._count += 1
            if self._count % faults.rate_limit_every == 0:
                refused = True
                wait = str(faults.rate_limit_wait)
                allowed = str(faults.rate_limit_every - 1)
                headers = {
                    "Retry-After": wait,
                    "RateLimit-Limit": allowed,
                    "RateLimit-Remaining": "0",
                    "RateLimit-Reset": wait,
                    "X-RateLimit-Limit-Minute": allowed,
                    "X-RateLimit-Remaining-Minute": "0",
                }
        return Verdict(refused, headers)
