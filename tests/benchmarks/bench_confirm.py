"""How long the confirmation takes to open with many items marked.

    python tests/benchmarks/bench_confirm.py

Issue 10 measured 1.5 s at 1 000 items, 15.2 s at 10 000 and no dialog after 60 s
at 100 000 when each item was a widget; the names are now one virtual list.
"""

from __future__ import annotations

import asyncio
import resource
import time

from textual.app import App

from tui.api import Action, ItemRef, Kind
from tui.console.dialogs import ConfirmBatch
from tui.ops import BatchPlan
from tui.settings.paths import stylesheets


class Host(App[None]):
    CSS_PATH = stylesheets()  # type: ignore[assignment]


async def open_dialog(count: int) -> tuple[float, float]:
    """Seconds from asking for the dialog to the first frame that draws it, and
    to Pilot's pause after that (as measured before: it waits for the process to
    look idle, sampling CPU time in 20 ms windows)."""
    refs = [ItemRef(Kind.PASSWORD, str(i), f"item {i} prod key") for i in range(1, count + 1)]
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        drawn: list[float] = []
        post_display = app.post_display_hook

        def frame_drawn() -> None:
            post_display()
            # The dialog laid out, its list of names among it.
            screen = app.screen
            shown = isinstance(screen, ConfirmBatch) and screen.is_mounted
            if not drawn and shown and screen.query_one("#confirm-items").region.height > 0:
                drawn.append(time.perf_counter())

        app.post_display_hook = frame_drawn  # type: ignore[method-assign]
        began = time.perf_counter()
        await app.push_screen(ConfirmBatch(BatchPlan(Action.DEACTIVATE, refs), arming_delay=0))
        await pilot.pause()
        paused = time.perf_counter() - began
        assert drawn, "the dialog was never drawn"
        return drawn[0] - began, paused


async def main() -> None:
    for count in (1_000, 10_000, 100_000):
        seconds, paused = await open_dialog(count)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{count:>7} items: dialog drawn in {seconds * 1000:.0f} ms, Pilot's pause after "
            f"{paused * 1000:.0f} ms (peak RSS so far {peak:.0f} MB)"
        )


if __name__ == "__main__":
    asyncio.run(main())
