"""Benchmark: the console's responsiveness, on demand (not part of the suite).

    python tests/benchmarks/bench_console.py [--items 100000]

Reports:
- start to first interactive screen in demo mode (a fresh process, imports included);
- with N items in a table: list parse time, time from the data arriving to the
  first screen, per-keystroke filter latency, per cursor-move latency, memory;
- bytes written to the terminal for one cursor move at 120x40, and while idle.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time

from pydantic import SecretStr

START_SCRIPT = """
import time, asyncio
t0 = time.perf_counter()
from tui.factory import build_app
from tui.launch import LaunchOptions
async def main():
    app = build_app(LaunchOptions(None), keep_journal=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        print(time.perf_counter() - t0)
asyncio.run(main())
"""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def startup(runs: int = 3) -> None:
    walls, insides = [], []
    for _ in range(runs):
        began = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", START_SCRIPT], capture_output=True, text=True, check=True
        ).stdout
        walls.append(time.perf_counter() - began)
        insides.append(float(out.strip().splitlines()[-1]))
    print(f"start to first interactive screen (demo), median of {runs}:")
    print(f"  process wall (interpreter + imports + first screen) {ms(statistics.median(walls))}")
    print(f"  from first import to tables loaded                  {ms(statistics.median(insides))}")


async def large(items: int) -> None:
    from tui.api import ClientSettings, Kind, MySafeClient
    from tui.app import MySafeApp
    from tui.ops import Session
    from tui.screens.main_layout import row_for
    from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator, SimulatorConfig

    sim = Simulator(SimulatorConfig(passwords=items, api_secrets=10))
    settings = ClientSettings(sim.base_url, DEMO_CLIENT_ID, SecretStr(DEMO_CLIENT_SECRET))
    client = MySafeClient(settings, transport=sim.transport())
    began = time.perf_counter()
    listed = await client.list_items(Kind.PASSWORD)
    fetch = time.perf_counter() - began
    await client.aclose()
    count = len(listed.items)

    small = Simulator(SimulatorConfig(passwords=40, api_secrets=1))
    app = MySafeApp(Session(MySafeClient(settings, transport=small.transport()), demo=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.main.table()
        # Pilot's own round trip for one key on the 40-row table, for reference.
        baseline = await key_costs(pilot, ["down"] * 20)

        rss_before = rss_mb()
        began = time.perf_counter()
        app.main.items[Kind.PASSWORD] = {item.identifier: item for item in listed.items}
        table.set_rows([row_for(item) for item in listed.items])
        app.main.update_status()
        await pilot.pause()
        first_screen = time.perf_counter() - began
        rss_after = rss_mb()

        filter_direct = []
        for end in range(1, 7):
            began = time.perf_counter()
            table.set_filter("prod a"[:end])
            for y in range(40):
                table.render_line(y)
            filter_direct.append(time.perf_counter() - began)
        table.set_filter("")
        shown = count
        move_direct = []
        for _ in range(200):
            began = time.perf_counter()
            table.action_cursor_down()
            for y in range(40):  # the worst case: every line on screen re-rendered
                table.render_line(y)
            move_direct.append(time.perf_counter() - began)
        await pilot.press("slash")
        filter_keys = await key_costs(pilot, list("prod a"))
        shown = table.visible_count
        await pilot.press("enter")
        move_keys = await key_costs(pilot, ["down"] * 50)

    print(f"\n{count} passwords in one table (120x40):")
    print(f"  list request + parse (in-process simulator)   {ms(fetch)}")
    print(f"  data arriving -> first screen                 {ms(first_screen)}")
    print(f"  resident memory of the loaded table            {rss_after - rss_before:8.1f} MB")
    print(
        f"  filter, per keystroke ('prod a', {shown} match): table work "
        f"median {ms(statistics.median(filter_direct))}, max {ms(max(filter_direct))}"
    )
    print(
        f"  cursor move, table work (200 moves)          median {ms(statistics.median(move_direct))}"
        f", max {ms(max(move_direct))}"
    )
    print("  whole key round trip through Pilot (press + pause), wall / CPU:")
    for name, costs in (
        ("40 rows, down", baseline),
        ("100k filter key", filter_keys),
        ("100k down", move_keys),
    ):
        walls, cpus = zip(*costs, strict=True)
        print(
            f"    {name:<18} median {ms(statistics.median(walls))} / {ms(statistics.median(cpus))}"
        )


async def key_costs(pilot: object, keys: list[str]) -> list[tuple[float, float]]:
    costs = []
    for key in keys:
        wall, cpu = time.perf_counter(), time.process_time()
        await pilot.press(key)  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
        costs.append((time.perf_counter() - wall, time.process_time() - cpu))
    return costs


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def terminal_bytes(items: int) -> None:
    """The real program in a pseudo-terminal: bytes out for one cursor move, and idle."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYSAFE_")}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--demo", "--demo-items", str(items)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)

    seen = bytearray()

    def drain(quiet: float, limit: float, until: bytes = b"") -> int:
        total, deadline, last = 0, time.monotonic() + limit, time.monotonic()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                total += len(chunk)
                seen.extend(chunk)
                last = time.monotonic()
            elif time.monotonic() - last > quiet and (not until or until in seen):
                break
        return total

    try:
        # Start-up, both lists loaded (the status line shows a full count), then quiet.
        drain(quiet=3.0, limit=120, until=f"of {items - items // 23} passwords".encode())
        os.write(master, b"j")
        move = drain(quiet=0.5, limit=5)
        os.write(master, b"j")
        second = drain(quiet=0.5, limit=5)
        idle = drain(quiet=3.0, limit=3.0)
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.close(master)
    print(f"\nreal terminal (pty, 120x40, {items} items each):")
    print(f"  bytes for one cursor move: {move} and {second}; bytes in 3 s idle: {idle}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    startup()
    asyncio.run(large(args.items))
    terminal_bytes(args.items)


if __name__ == "__main__":
    main()
