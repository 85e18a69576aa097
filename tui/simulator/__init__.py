"""The embedded senhasegura MySafe simulator. It imports no Textual."""

from tui.simulator.core import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Simulator,
    SimulatorConfig,
)
from tui.simulator.faults import FaultConfig
from tui.simulator.messages import Reply, SimRequest, SimResponse
from tui.simulator.server import serve

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "FaultConfig",
    "Reply",
    "SimRequest",
    "SimResponse",
    "Simulator",
    "SimulatorConfig",
    "serve",
]
