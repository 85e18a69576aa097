"""How a simulator is set up: demo credentials, data size, quirks and faults."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from tui.base.records import SlotRecord
from tui.simulator.faults import FaultConfig

DEMO_CLIENT_ID = "mysafe-demo"
DEMO_CLIENT_SECRET = "demo-secret-not-for-production"


class SimulatorConfig(SlotRecord):
    # In the order of the fields: the repr follows it.
    __slots__ = (  # noqa: RUF023
        "seed",
        "passwords",
        "api_secrets",
        "client_id",
        "client_secret",
        "token_lifetime",
        "list_inactive",
        "auth_failure_as_no_route",
        "require_tenant_for_ip",
        "faults",
        "clock",
    )
    # The demo's is public; one given by MYSAFE_CLIENT_SECRET to `simulate` is not.
    _withheld = frozenset({"client_secret"})

    def __init__(
        self,
        seed: int = 1,
        passwords: int = 40,
        api_secrets: int = 30,
        client_id: str = DEMO_CLIENT_ID,
        client_secret: str = DEMO_CLIENT_SECRET,
        token_lifetime: float = 3600.0,
        list_inactive: bool = False,
        auth_failure_as_no_route: bool = False,
        require_tenant_for_ip: bool = False,
        faults: FaultConfig | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seed = seed
        self.passwords = passwords
        self.api_secrets = api_secrets
        self.client_id = client_id
        self.client_secret = client_secret
        #: Seconds a token lives (``expires_in``).
        self.token_lifetime = token_lifetime
        #: Lists include deactivated items (the vendor does not say; default: hidden).
        self.list_inactive = list_inactive
        #: Answer a bad bearer token with Kong's 404 "no Route" instead of 401.
        self.auth_failure_as_no_route = auth_failure_as_no_route
        #: Refuse token requests by IP address that carry no tenant (as the docs say).
        self.require_tenant_for_ip = require_tenant_for_ip
        self.faults: FaultConfig = FaultConfig() if faults is None else faults
        self.clock = clock

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
