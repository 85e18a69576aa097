"""Regenerate the SVG screenshots in this folder from the real app in demo mode.

    python screenshots/make_screenshots.py

Same seeded simulator and fixed clock as the snapshot tests, so the pictures
only change when the app does.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from tui.console.app import MySafeApp
from tui.console.factory import build_app
from tui.ops import counter_ids
from tui.settings.launch import LaunchOptions
from tui.simulator import Simulator
from tui.wiring.demo import demo_simulator

HERE = Path(__file__).resolve().parent
Step = Callable[[MySafeApp, Simulator, Pilot[None]], Awaitable[None]]


async def nothing(app: MySafeApp, sim: Simulator, pilot: Pilot[None]) -> None:
    return None


async def confirm_many(app: MySafeApp, sim: Simulator, pilot: Pilot[None]) -> None:
    await pilot.press("slash", *"prod", "enter", "asterisk", "d")


async def mixed_batch(app: MySafeApp, sim: Simulator, pilot: Pilot[None]) -> None:
    table = app.main.table()
    keys = table.model.visible_keys()[:7]
    for key in keys:
        table.model.move_cursor_to(key)
        await pilot.press("space")
    writable = [k for k in keys if sim.get("password", k).can_write]
    sim.get("password", writable[1]).can_write = False
    sim.set_active("password", writable[3], False)
    table.model.move_cursor_to(keys[0])
    sim.inject("502", "502", "502", "502")
    # The four retried items finish in the order of their backoffs' random jitter
    # (tui/api/retry.py draws from the module ``random``): seeded, the log panel's
    # lines come in the same order at every run, and so does the picture.
    random.seed(3)
    await pilot.press("d", "y")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("l")


async def sorted_filtered(app: MySafeApp, sim: Simulator, pilot: Pilot[None]) -> None:
    await pilot.press("s", "s", "slash", *"prod|git", "enter", "space", "space")


async def fetched_80x24(app: MySafeApp, sim: Simulator, pilot: Pilot[None]) -> None:
    await pilot.press("down", "v")
    await pilot.press("y")


async def help_screen(app: MySafeApp, sim: Simulator, pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")


async def findings_view(app: MySafeApp, sim: Simulator, pilot: Pilot[None]) -> None:
    """``mysafe-tui triage --demo --sample``, its stored values compared."""
    from tui.console.dialogs import ConfirmValues
    from tui.console.screens.triage import TriageScreen

    app.main.open_triage("sample")
    while not isinstance(app.screen, ConfirmValues):
        await pilot.pause(0.01)
    await pilot.press("y")
    while not (isinstance(app.screen, TriageScreen) and app.screen.state.result is not None
               and app.screen.state.result.fetches_done):  # fmt: skip
        await pilot.pause(0.01)
    app.clear_notifications()


SHOTS: dict[str, tuple[Step, tuple[int, int]]] = {
    "main": (nothing, (120, 40)),
    "main-80x24": (nothing, (80, 24)),
    "confirm-many": (confirm_many, (120, 40)),
    "batch-result": (mixed_batch, (120, 40)),
    "help": (help_screen, (120, 40)),
    "sorted-filtered": (sorted_filtered, (120, 40)),
    "detail-80x24": (fetched_80x24, (80, 24)),
    "first-run": (nothing, (80, 24)),
    "findings": (findings_view, (120, 40)),
}


async def shoot(name: str, step: Step, size: tuple[int, int]) -> None:
    options = LaunchOptions(None, first_run=name == "first-run")
    simulator = demo_simulator(options)
    app = build_app(
        options,
        config_path="~/.config/mysafe-tui/config.toml",
        simulator=simulator,
        keep_journal=False,
        new_batch_id=counter_ids(),
        clock=lambda: datetime(2026, 11, 22, 3, 0, 0, tzinfo=UTC),
        arming_delay=0.0,
    )
    async with app.run_test(size=size, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await step(app, simulator, pilot)
        if name != "findings":  # the triage's worker waits on the findings view itself
            await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    print(f"wrote screenshots/{name}.svg")


async def main() -> None:
    for name, (step, size) in SHOTS.items():
        await shoot(name, step, size)


if __name__ == "__main__":
    asyncio.run(main())
