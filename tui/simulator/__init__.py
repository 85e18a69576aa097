"""The embedded senhasegura MySafe simulator. It imports no Textual."""

from typing import TYPE_CHECKING, Any

from tui.simulator.core import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Simulator,
    SimulatorConfig,
)
from tui.simulator.faults import FaultConfig
from tui.simulator.messages import Reply, SimRequest, SimResponse

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

if TYPE_CHECKING:
    from tui.simulator.server import serve


def __getattr__(name: str) -> Any:
    # The socket server (and h11) only for ``simulate`` and the tests that serve:
    # the demo asks the simulator in-process.
    if name == "serve":
        from tui.simulator.server import serve

        return serve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
