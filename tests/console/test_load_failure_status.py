"""A failed list load says so in the status line, with r to try again (issue 18)."""

from __future__ import annotations

from tui.api import Kind
from tui.console.app import MySafeApp
from tui.simulator import Simulator, SimulatorConfig

from support.console import make_app, running, settle


def status_line(app: MySafeApp) -> str:
    return str(app.main.query_one("#status-line").render())


async def test_a_failed_load_shows_its_error_and_r_loads_again() -> None:
    sim = Simulator(SimulatorConfig(seed=1, passwords=12, api_secrets=3))
    sim.faults.error_rate = 1.0  # every answer a 5xx, retries and all
    app = make_app(sim)
    async with running(app) as pilot:
        line = status_line(app)
        assert "loading passwords" not in line, line
        assert "could not load the passwords (r tries again): " in line, line
        assert line.split("(r tries again): ", 1)[1].strip(), line  # the error itself
        assert not app.main.loaded[Kind.PASSWORD]
        sim.faults.error_rate = 0.0
        await pilot.press("r")
        await settle(app, pilot)
        assert app.main.loaded[Kind.PASSWORD]
        line = status_line(app)
        assert "12 of 12 passwords shown" in line, line
        assert "could not load" not in line, line
