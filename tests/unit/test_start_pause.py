"""Garbage collection is off from the console's start to its first answers, and back
after them or at the end, whichever way the start goes (``tui.base.gc_pause``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tui.base.gc_pause import pause_for_start, start_ended
from tui.simulator import FaultConfig, Simulator, SimulatorConfig

from support.console import idle, make_app


@pytest.fixture(autouse=True)
def collection_on() -> Iterator[None]:
    assert gc.isenabled()
    yield
    start_ended()
    assert gc.isenabled()


def test_the_start_pause_ends_once_and_only_when_said() -> None:
    pause_for_start()
    pause_for_start()  # one pause, however often asked
    assert not gc.isenabled()
    start_ended()
    assert gc.isenabled()
    start_ended()  # and ending it again changes nothing
    assert gc.isenabled()


async def test_the_main_screen_ends_it_with_its_first_answers(sim: Simulator) -> None:
    pause_for_start()
    app = make_app(sim)
    async with app.run_test(size=(120, 40)):
        await idle(app)
        assert all(app.main.loaded.values())
        assert gc.isenabled()


async def test_a_failed_first_load_ends_it_too() -> None:
    sim = Simulator(SimulatorConfig(faults=FaultConfig(error_rate=1.0)))
    pause_for_start()
    app = make_app(sim)
    async with app.run_test(size=(120, 40)):
        await idle(app)
        assert not any(app.main.loaded.values())
        assert gc.isenabled()
