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
from tui.dialogs import ConfirmBatch
from tui.ops import BatchPlan
from tui.paths import stylesheets


class Host(App[None]):
    CSS_PATH = stylesheets()  # type: ignore[assignment]


async def open_dialog(count: int) -> float:
    refs = [ItemRef(Kind.PASSWORD, str(i), f"item {i} prod key") for i in range(1, count + 1)]
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        began = time.perf_counter()
        await app.push_screen(ConfirmBatch(BatchPlan(Action.DEACTIVATE, refs), arming_delay=0))
        await pilot.pause()
        return time.perf_counter() - began


async def main() -> None:
    for count in (1_000, 10_000, 100_000):
        seconds = await open_dialog(count)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{count:>7} items: dialog open in {seconds * 1000:.0f} ms (peak RSS so far {peak:.0f} MB)"
        )


if __name__ == "__main__":
    asyncio.run(main())
