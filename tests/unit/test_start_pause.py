"""Garbage collection is off from the console's start to its first answers, and back
after them or at the end, whichever way the start goes (``tui.base.gc_pause``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tui.api import Kind
from tui.base.gc_pause import pause_for_start, start_ended
from tui.console.widgets import ItemTable
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


def list_requests(sim: Simulator) -> list[str]:
    return [path for method, path, _status in sim.request_log if method == "GET"]


async def test_the_first_lists_are_asked_for_before_the_screen_and_shown_in_its_first_frame(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting: list[str] = []
    original = ItemTable.set_waiting

    def noted(table: ItemTable, text: str) -> None:
        waiting.append(text)
        original(table, text)

    monkeypatch.setattr(ItemTable, "set_waiting", noted)
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        assert all(app.main.loaded.values())
        # One request a list, asked for at the start (on_load), none again at mount.
        assert sorted(list_requests(sim)) == ["/api/mysafe/password", "/api/mysafe/secretapi"]
        assert app.early_list(Kind.PASSWORD) is None
        assert waiting == []


async def test_a_list_still_on_its_way_at_mount_is_awaited_not_asked_again() -> None:
    sim = Simulator(SimulatorConfig(passwords=5, api_secrets=3))
    sim.faults.latency = 0.3  # the lists are still on their way at mount
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(app)
        await pilot.pause()
        assert all(app.main.loaded.values())
        assert app.main.model(Kind.PASSWORD).row_count == 5
        assert sorted(list_requests(sim)) == ["/api/mysafe/password", "/api/mysafe/secretapi"]
