"""Benchmark: deactivate 1 000 items through the simulator on a real socket.

The simulator runs as ``mysafe-tui simulate`` in its own process with 20 ms of
latency added to every request. The client deactivates 1 000 items sequentially
(concurrency 1), then 1 000 others with the default concurrency, and reports wall
time against the ideal (items x latency / concurrency) and the client's own CPU
time per request. A third run shows what an undersized connection pool costs.

Run it on demand (it is not part of the test suite):

    python tests/benchmarks/bench_deactivate.py [--items 1000] [--latency-ms 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Sequence

from pydantic import SecretStr

from tui.api import (
    DEFAULT_CONCURRENCY,
    Action,
    ClientSettings,
    ItemRef,
    Kind,
    MySafeClient,
    OutcomeStatus,
)
from tui.api.bulk import run_batch
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET


def start_simulator(items: int, latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYSAFE_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "simulate",
            "--port",
            "0",
            "--passwords",
            str(items),
            "--api-secrets",
            "10",
            "--latency-ms",
            str(latency_ms),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    url = next(word for word in line.split() if word.startswith("http://"))
    return process, url


async def timed_batch(
    url: str, refs: Sequence[ItemRef], *, concurrency: int, pool: int
) -> tuple[float, float, int]:
    settings = ClientSettings(
        url, DEMO_CLIENT_ID, SecretStr(DEMO_CLIENT_SECRET), concurrency=pool, read_timeout=30
    )
    async with MySafeClient(settings) as client:
        await client.authenticate()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        outcomes = await run_batch(
            lambda ref: client.set_active(ref, Action.DEACTIVATE),
            refs,
            Action.DEACTIVATE,
            concurrency=concurrency,
        )
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    changed = sum(1 for o in outcomes if o.status is OutcomeStatus.CHANGED)
    return wall, cpu, changed


async def main_async(items: int, latency_ms: float, concurrency: int) -> None:
    process, url = start_simulator(items * 5, latency_ms)
    try:
        settings = ClientSettings(url, DEMO_CLIENT_ID, SecretStr(DEMO_CLIENT_SECRET))
        async with MySafeClient(settings) as client:
            listed = await client.list_items(Kind.PASSWORD)
        writable = [item.ref for item in listed.items if item.can_write]
        assert len(writable) >= 4 * items, f"only {len(writable)} writable items"
        sets = [writable[i * items : (i + 1) * items] for i in range(3)]
        latency = latency_ms / 1000
        runs = [
            ("sequential", sets[0], 1, 1),
            (f"concurrent ({concurrency})", sets[1], concurrency, concurrency),
            (
                f"concurrent ({concurrency}), pool {concurrency // 4}",
                sets[2],
                concurrency,
                max(1, concurrency // 4),
            ),
        ]
        print(f"{items} deactivations, {latency_ms:g} ms added latency, simulator at {url}")
        print(
            f"{'run':<32}{'wall s':>8}{'ideal s':>9}{'x ideal':>9}{'CPU ms/req':>12}{'changed':>9}"
        )
        walls = {}
        for name, refs, workers, pool in runs:
            wall, cpu, changed = await timed_batch(url, refs, concurrency=workers, pool=pool)
            ideal = len(refs) * latency / workers
            walls[name] = wall
            print(
                f"{name:<32}{wall:>8.2f}{ideal:>9.2f}{wall / ideal:>9.2f}"
                f"{cpu / len(refs) * 1000:>12.2f}{changed:>9}"
            )
        wall = await app_batch(url, writable[3 * items : 4 * items])
        ideal = items * latency / concurrency
        print(f"{'through the app (Textual)':<32}{wall:>8.2f}{ideal:>9.2f}{wall / ideal:>9.2f}")
        sequential = walls["sequential"]
        concurrent = walls[f"concurrent ({concurrency})"]
        print(
            f"speed-up of the default concurrency over sequential: {sequential / concurrent:.1f}x"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


async def app_batch(url: str, refs: Sequence[ItemRef]) -> float:
    """The same batch driven through the console, marks, confirmation and all."""
    from tui.app import MySafeApp
    from tui.ops import Session

    settings = ClientSettings(url, DEMO_CLIENT_ID, SecretStr(DEMO_CLIENT_SECRET))
    app = MySafeApp(Session(MySafeClient(settings)), arming_delay=0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.main.table()
        for ref in refs:
            table.toggle_mark(ref.identifier)
        await pilot.press("d", *str(len(refs)))
        began = time.perf_counter()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        wall = time.perf_counter() - began
        batch = app.session.last_finished()
        assert batch is not None and batch.done == len(refs), "the batch did not run"
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    args = parser.parse_args()
    asyncio.run(main_async(args.items, args.latency_ms, args.concurrency))


if __name__ == "__main__":
    main()
