"""The programs ``bench_console.py`` runs in fresh processes, one figure each.

    python tests/benchmarks/scale_probes.py MODE LAUNCHED [ARGS...]

``LAUNCHED`` is the parent's ``time.time()`` just before it started this process, so
the figure printed (``seconds rss_mb``) runs from exec, interpreter and imports
included, to the screen the mode waits for. Every mode drives its app headless at
120x40 with ``run_test``, the same way, so that the figures compare.

Modes:
- ``bare ROWS``: the anchor, a bare Textual app showing a DataTable of ROWS rows.
- ``datatable ITEMS``: Textual's DataTable holding the rows our table would show
  for ITEMS demo passwords (the memory anchor).
- ``demo PASSWORDS API_SECRETS``: our console in demo mode, until both tables loaded.
- ``server URL``: our console against a simulator at URL, until both tables loaded.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Sequence


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def report(launched: float) -> None:
    print(f"{time.time() - launched:.4f} {rss_mb():.1f}", flush=True)


def demo_rows(items: int) -> list[tuple[str, ...]]:
    """The cells our table shows for ``items`` demo passwords, built without our app."""
    from tui.simulator.data import generate

    rows: list[tuple[str, ...]] = []
    for item in generate(1, items, 0)[0]:
        if not item.can_view:
            continue  # the list leaves these out
        needs = {
            (True, True): "both",
            (True, False): "justify",
            (False, True): "approval",
        }.get((item.need_justify, item.need_approval), "")
        url = item.url.removeprefix("https://").removeprefix("http://")
        edit = "yes" if item.can_write else "no"
        rows.append((item.identifier, item.name, item.username, url, item.tags, edit, needs))
    return rows


async def bare(launched: float, rows: Sequence[tuple[str, ...]], columns: tuple[str, ...]) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable(cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*columns)
            table.add_rows(rows)

    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        report(launched)


async def console(launched: float, mode: str, args: list[str]) -> None:
    from tui.console.factory import build_app
    from tui.settings.launch import LaunchOptions

    if mode == "demo":
        options = LaunchOptions(None, demo_passwords=int(args[0]), demo_api_secrets=int(args[1]))
    else:
        from tui.api import ClientSettings, Secret
        from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

        settings = ClientSettings(args[0], DEMO_CLIENT_ID, Secret(DEMO_CLIENT_SECRET))
        options = LaunchOptions(settings, profile_name="bench")
    app = build_app(options, keep_journal=False)
    first_frame: list[float] = []
    post_display = app.post_display_hook

    def frame_drawn() -> None:
        # The first frame once both lists are in their tables (rows off screen and
        # the filter index are built after it).
        if not first_frame and app.screen_stack:
            main = app.screen_stack[0]
            loaded = getattr(main, "loaded", {})
            if loaded and all(loaded.values()):
                first_frame.append(time.time() - launched)
        post_display()

    app.post_display_hook = frame_drawn  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if first_frame:
            print(f"first-frame {first_frame[0]:.4f}")
        report(launched)


def main() -> None:
    mode, launched, args = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    if mode == "bare":
        count = int(args[0])
        rows: list[tuple[str, ...]] = [
            (str(i), f"row {i}", f"user{i}", f"host{i}.example.com", "prod") for i in range(count)
        ]
        asyncio.run(bare(launched, rows, ("ID", "Name", "Username", "URL", "Tags")))
    elif mode == "datatable":
        rows = demo_rows(int(args[0]))
        columns = ("ID", "Name", "Username", "URL", "Tags", "Edit", "Needs")
        asyncio.run(bare(launched, rows, columns))
    else:
        asyncio.run(console(launched, mode, args))


if __name__ == "__main__":
    main()
