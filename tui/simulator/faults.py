"""Fault injection: what the gateway and the network do to requests, on purpose."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

#: Scripted faults understood by :meth:`Simulator.inject`.
FAULT_NAMES = ("500", "502", "503", "504", "drop", "lost", "hang", "401")


@dataclass
class FaultConfig:
    """Off by default. Rates are fractions of requests (0 to 1)."""

    #: Seconds added to every answer.
    latency: float = 0.0
    #: Fraction of requests answered with one of ``error_statuses`` (real bodies).
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503, 504)
    #: Fraction of requests whose connection is dropped without an answer. Half of
    #: them are dropped after the server applied the request (the answer is lost).
    drop_rate: float = 0.0
    #: Fraction of requests that stall for ``hang`` seconds before answering.
    hang_rate: float = 0.0
    hang: float = 30.0
    #: Seed for a reproducible fault sequence (None: a fresh one each run).
    seed: int | None = None
    #: Answer 500 with Kong's own body instead of the senhasegura envelope.
    kong_500: bool = False

    def validate(self) -> None:
        for name in ("error_rate", "drop_rate", "hang_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1 (got {value})")
        if self.latency < 0 or self.hang < 0:
            raise ValueError("latency and hang must not be negative")
        if self.error_rate + self.drop_rate + self.hang_rate > 1.0:
            raise ValueError("error_rate + drop_rate + hang_rate must not exceed 1")


@dataclass
class ScriptedFault:
    name: str
    #: "api" (only /api/mysafe/*), "token" (only the token endpoint) or "any".
    routes: str = "api"


@dataclass
class FaultPlan:
    """What to do to one request."""

    #: None, or one of FAULT_NAMES.
    fault: str | None = None
    delay: float = 0.0


@dataclass
class FaultInjector:
    config: FaultConfig
    queue: deque[ScriptedFault] = field(default_factory=deque)
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.config.seed)

    def reseed(self, seed: int | None) -> None:
        self._rng = random.Random(seed)

    def plan(self, route: str) -> FaultPlan:
        """The fault (if any) and the delay for a request to ``route`` ("api"/"token"/"other")."""
        config = self.config
        delay = config.latency
        for index, scripted in enumerate(self.queue):
            if scripted.routes == "any" or scripted.routes == route:
                del self.queue[index]
                if scripted.name == "hang":
                    delay += config.hang
                return FaultPlan(scripted.name, delay)
        if not (config.error_rate or config.drop_rate or config.hang_rate):
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
        return FaultPlan(None, delay)
