"""Demo mode: the app against the embedded simulator, no socket involved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.api import ClientSettings, MySafeClient, Secret
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig

if TYPE_CHECKING:
    from tui.settings.launch import LaunchOptions

CONNECT_HINT = "DEMO data. Real server: set MYSAFE_URL, MYSAFE_CLIENT_ID, MYSAFE_CLIENT_SECRET"


def demo_simulator(options: LaunchOptions) -> Simulator:
    return Simulator(
        SimulatorConfig(
            seed=options.demo_seed,
            passwords=options.demo_passwords,
            api_secrets=options.demo_api_secrets,
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
        )
    )


def demo_client(simulator: Simulator, *, read_only: bool = False) -> MySafeClient:
    settings = ClientSettings(
        base_url=simulator.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=Secret(DEMO_CLIENT_SECRET),
        read_only=read_only,
    )
    return MySafeClient(settings, transport=simulator.transport())
