"""Retry policy: exponential backoff with full jitter, bounded in count and time."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import NamedTuple


class RetryPolicy(NamedTuple):
    """How hard to try a request that is safe to repeat.

    Only idempotent requests are retried (every read, and activate/deactivate, which
    senhasegura documents as idempotent), and only for failures that may pass: a
    500 ("Unexpected error"), a 502/503/504 or 429 from the gateway, a timeout, a
    refused or dropped connection.
    A 400 is the server's considered answer and is never retried, nor are 403, 412
    and 422.

    A 429 is the gateway asking for patience, not a failure: its wait is honoured
    whole (never cut to ``max_delay``), and it uses up none of ``attempts`` nor of
    ``deadline``. The request gives up only when the gateway has asked it to wait
    more than ``rate_limit_patience`` seconds in all.
    """

    #: Total attempts, the first one included.
    attempts: int = 4
    #: The first backoff ceiling, doubled at each further attempt.
    base_delay: float = 0.2
    #: No single wait is longer than this.
    max_delay: float = 3.0
    #: No new attempt starts once this many seconds have passed since the first.
    deadline: float = 30.0
    #: Seconds of waiting a rate limit may ask of one request, in all, before it fails.
    rate_limit_patience: float = 120.0

    def backoff(self, retry_number: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry).

        Full jitter (a uniform draw up to the exponential ceiling) spreads the
        retries of a concurrent batch so they do not hit a recovering gateway in step.
        """
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (retry_number - 1))
        return rng() * ceiling


NO_RETRY = RetryPolicy(attempts=1, rate_limit_patience=0.0)
#: Seconds of waiting a rate limit may ask of one request unless a profile says.
DEFAULT_RATE_LIMIT_PATIENCE = RetryPolicy().rate_limit_patience
