"""Fault injection: what the gateway and the network do to requests, on purpose."""

from __future__ import annotations

import random
from collections import deque
from typing import NamedTuple

from tui.base.records import SlotRecord

#: Faults of the answer's body (the status and headers come at once, the body
#: misbehaves): one byte every ``FaultConfig.trickle`` seconds, a body that never
#: ends, and a body that never ends after declaring ``HUGE_LENGTH`` bytes.
BODY_FAULTS = ("trickle", "endless", "huge")
#: Faults that say when they strike: "applied" after the server made the change
#: (its answer is then replaced), "unapplied" before the request reached it. The
#: plain "500" and "502" are unapplied, "504", "lost" and "hang" applied, "drop"
#: unapplied; "hang-unapplied" stalls past any timeout and is never applied.
TIMED_FAULTS = ("500-applied", "502-applied", "504-unapplied", "hang-unapplied")
#: Scripted faults understood by :meth:`Simulator.inject`.
FAULT_NAMES = (
    "500",
    "502",
    "503",
    "504",
    "drop",
    "lost",
    "hang",
    "401",
    *BODY_FAULTS,
    *TIMED_FAULTS,
)
#: The Content-Length a "huge" answer declares: about 3 GB.
HUGE_LENGTH = 3_000_000_000
#: The random rates of :class:`FaultConfig`, in the order they are drawn.
_RATES = ("error_rate", "drop_rate", "hang_rate", "trickle_rate", "endless_rate", "huge_rate")


class FaultConfig(SlotRecord):
    """Off by default. Rates are fractions of requests (0 to 1)."""

    # In the order of the fields: the repr follows it.
    __slots__ = (  # noqa: RUF023
        "latency",
        "error_rate",
        "error_statuses",
        "drop_rate",
        "hang_rate",
        "hang",
        "trickle_rate",
        "trickle",
        "endless_rate",
        "huge_rate",
        "seed",
        "kong_500",
        "rate_limit",
        "rate_limit_period",
        "rate_limit_every",
        "rate_limit_wait",
    )

    def __init__(
        self,
        latency: float = 0.0,
        error_rate: float = 0.0,
        error_statuses: tuple[int, ...] = (500, 502, 503, 504),
        drop_rate: float = 0.0,
        hang_rate: float = 0.0,
        hang: float = 30.0,
        trickle_rate: float = 0.0,
        trickle: float = 5.0,
        endless_rate: float = 0.0,
        huge_rate: float = 0.0,
        seed: int | None = None,
        kong_500: bool = False,
        rate_limit: int = 0,
        rate_limit_period: str = "second",
        rate_limit_every: int = 0,
        rate_limit_wait: int = 1,
    ) -> None:
        #: Seconds added to every answer.
        self.latency = latency
        #: Fraction of requests answered with one of ``error_statuses`` (real bodies).
        self.error_rate = error_rate
        self.error_statuses = error_statuses
        #: Fraction of requests whose connection is dropped without an answer. Half of
        #: them are dropped after the server applied the request (the answer is lost).
        self.drop_rate = drop_rate
        #: Fraction of requests that stall for ``hang`` seconds before answering.
        self.hang_rate = hang_rate
        self.hang = hang
        #: Fraction of answers trickled: one byte of the body every ``trickle`` seconds,
        #: which never trips a per-read timeout longer than that.
        self.trickle_rate = trickle_rate
        self.trickle = trickle
        #: Fraction of answers whose body never ends (chunked, no length).
        self.endless_rate = endless_rate
        #: Fraction of answers declaring ``HUGE_LENGTH`` bytes, whose body never ends.
        self.huge_rate = huge_rate
        #: Seed for a reproducible fault sequence (None: a fresh one each run).
        self.seed = seed
        #: Answer 500 with Kong's own body instead of the senhasegura envelope.
        self.kong_500 = kong_500
        #: Kong's rate limit (:mod:`~tui.simulator.ratelimit`): at most this many API
        #: requests per ``rate_limit_period`` ("second", "minute", "hour", "day"); 0: none.
        self.rate_limit = rate_limit
        self.rate_limit_period = rate_limit_period
        #: Every Nth API request refused with a 429 asking ``rate_limit_wait`` whole
        #: seconds; 0: never.
        self.rate_limit_every = rate_limit_every
        self.rate_limit_wait = rate_limit_wait

    def validate(self) -> None:
        for name in _RATES:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1 (got {value})")
        if self.latency < 0 or self.hang < 0 or self.trickle < 0:
            raise ValueError("latency, hang and trickle must not be negative")
        if sum(getattr(self, name) for name in _RATES) > 1.0:
            raise ValueError(f"{' + '.join(_RATES)} must not exceed 1")
        if self.rate_limit < 0 or self.rate_limit_every < 0 or self.rate_limit_wait < 0:
            raise ValueError(
                "rate_limit, rate_limit_every and rate_limit_wait must not be negative"
            )
        if self.rate_limit_every == 1:
            raise ValueError("rate_limit_every must be 0 (off) or at least 2: 1 refuses everything")
        if self.rate_limit_period not in ("second", "minute", "hour", "day"):
            raise ValueError(
                f"rate_limit_period must be second, minute, hour or day "
                f"(got {self.rate_limit_period!r})"
            )


class ScriptedFault(NamedTuple):
    name: str
    #: "api" (only /api/mysafe/*), "write" (only activate, deactivate and the other
    #: writes there), "token" (only the token endpoint) or "any".
    routes: str = "api"


class FaultPlan(NamedTuple):
    """What to do to one request."""

    #: None, or one of FAULT_NAMES.
    fault: str | None = None
    delay: float = 0.0


class FaultInjector:
    """Decides each request's fault: the scripted ones first, then by ``config``'s rates.

    A plain class (not a dataclass, about 0.4 ms less at every demo start): nothing
    compares or prints injectors."""

    def __init__(self, config: FaultConfig, queue: deque[ScriptedFault] | None = None) -> None:
        self.config = config
        self.queue: deque[ScriptedFault] = deque() if queue is None else queue
        self._rng = random.Random(config.seed)

    def reseed(self, seed: int | None) -> None:
        self._rng = random.Random(seed)

    def plan(self, route: str, *, write: bool = False) -> FaultPlan:
        """The fault (if any) and the delay for a request to ``route`` ("api"/"token"/"other");
        ``write``: it is a write (POST or PUT) to the API."""
        config = self.config
        delay = config.latency
        for index, scripted in enumerate(self.queue):
            wanted = scripted.routes
            if wanted in ("any", route) or (wanted == "write" and write):
                del self.queue[index]
                if scripted.name in ("hang", "hang-unapplied"):
                    delay += config.hang
                return FaultPlan(scripted.name, delay)
        if not any(getattr(config, name) for name in _RATES):
            return FaultPlan(None, delay)
        draw = self._rng.random()
        if draw < config.error_rate:
            return FaultPlan(str(self._rng.choice(config.error_statuses)), delay)
        draw -= config.error_rate
        if draw < config.drop_rate:
            return FaultPlan("drop" if self._rng.random() < 0.5 else "lost", delay)
        draw -= config.drop_rate
        if draw < config.hang_rate:
            return FaultPlan("hang", delay + config.hang)
        draw -= config.hang_rate
        for name, rate in zip(BODY_FAULTS, _RATES[3:], strict=True):
            if draw < getattr(config, rate):
                return FaultPlan(name, delay)
            draw -= getattr(config, rate)
        return FaultPlan(None, delay)
