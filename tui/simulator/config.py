"""How a simulator is set up: demo credentials, data size, quirks and faults."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.simulator.faults import FaultConfig

DEMO_CLIENT_ID = "mysafe-demo"
DEMO_CLIENT_SECRET = "demo-secret-not-for-production"


@dataclass
class SimulatorConfig:
    seed: int = 1
    passwords: int = 40
    api_secrets: int = 30
    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
    #: Seconds a token lives (``expires_in``).
    token_lifetime: float = 3600.0
    #: Lists include deactivated items (the vendor does not say; default: hidden).
    list_inactive: bool = False
    #: Answer a bad bearer token with Kong's 404 "no Route" instead of 401.
    auth_failure_as_no_route: bool = False
    #: Refuse token requests by IP address that carry no tenant (as the docs say).
    require_tenant_for_ip: bool = False
    faults: FaultConfig = field(default_factory=FaultConfig)
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> SimulatorConfig:
        """Credentials from MYSAFE_CLIENT_ID / MYSAFE_CLIENT_SECRET when both are set."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if env.get("MYSAFE_CLIENT_ID") and env.get("MYSAFE_CLIENT_SECRET"):
            values["client_id"] = env["MYSAFE_CLIENT_ID"]
            values["client_secret"] = env["MYSAFE_CLIENT_SECRET"]
        values.update(overrides)
        return cls(**values)
