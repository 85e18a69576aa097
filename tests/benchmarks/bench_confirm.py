"""How long the confirmation takes to open with many items marked, from the key.

    PYTHONPATH=. python tests/benchmarks/bench_confirm.py [--runs 3] [--sizes 1000,10000,100000]

The demo console with ``--sizes`` passwords (and 10 API secrets), every row marked
(``*``), then ``d``: the clock starts as the key is sent, before the plan is made
(it used to start after, when the plan was handed to the dialog: 44-52 ms reported
where a terminal showed 562 ms at 100 000, issue 23), and stops at the first frame
that draws the dialog's list of names. CPU time over the same span is the steadier
figure on a shared machine. Each size in a fresh app, the sizes alternated, medians.

Issue 10 measured 1.5 s at 1 000 items, 15.2 s at 10 000 and no dialog after 60 s
at 100 000 when each item was a widget; the names are now one virtual list, and the
plan holds the table's keys (``tui.ops.plans.KeyedRefs``). The figure a terminal
shows, key to dialog on screen, is the pty harness's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from tui.console.dialogs import ConfirmBatch
from tui.console.factory import build_app
from tui.settings.launch import LaunchOptions


async def open_dialog(count: int) -> tuple[float, float, int]:
    """(seconds from ``d`` to the frame that draws the dialog, CPU seconds over the
    same span, items in the dialog) with ``count`` demo passwords all marked."""
    app = build_app(LaunchOptions(None, demo_passwords=count, demo_api_secrets=10))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("asterisk")
        await pilot.pause()
        drawn: list[tuple[float, float]] = []
        post_display = app.post_display_hook

        def frame_drawn() -> None:
            post_display()
            screen = app.screen
            shown = isinstance(screen, ConfirmBatch) and screen.is_mounted
            if not drawn and shown and screen.query_one("#confirm-items").region.height > 0:
                drawn.append((time.perf_counter(), time.process_time()))

        app.post_display_hook = frame_drawn  # type: ignore[method-assign]
        began, began_cpu = time.perf_counter(), time.process_time()
        pressing = asyncio.create_task(pilot.press("d"))
        while not drawn:
            await asyncio.sleep(0.001)
        await pressing
        screen = app.screen
        assert isinstance(screen, ConfirmBatch), "the dialog was never drawn"
        count_shown = screen.count
        await pilot.press("escape")
        (ended, ended_cpu) = drawn[0]
        return ended - began, ended_cpu - began_cpu, count_shown


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    walls: dict[int, list[float]] = {size: [] for size in sizes}
    cpus: dict[int, list[float]] = {size: [] for size in sizes}
    marked: dict[int, int] = {}
    for _ in range(args.runs):
        for size in sizes:
            wall, cpu, marked[size] = await open_dialog(size)
            walls[size].append(wall)
            cpus[size].append(cpu)
    first = sizes[0]
    base_wall, base_cpu = statistics.median(walls[first]), statistics.median(cpus[first])
    print(f"d to the dialog drawn (Pilot), median of {args.runs}; ratio to {first} items")
    for size in sizes:
        wall, cpu = statistics.median(walls[size]), statistics.median(cpus[size])
        print(
            f"{size:>7} items ({marked[size]:>6} marked): {wall * 1000:6.0f} ms "
            f"({wall / base_wall:4.2f}x), CPU {cpu * 1000:6.0f} ms ({cpu / base_cpu:4.2f}x)"
        )


if __name__ == "__main__":
    asyncio.run(main())
