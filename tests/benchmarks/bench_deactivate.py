"""Benchmark: deactivate 1 000 items through the simulator on a real socket.

The simulator runs as ``mysafe-tui simulate`` in its own process with 20 ms of
latency added to every request. In alternating rounds, the bare client and the
console (marks, confirmation, journal, screen and all) each deactivate 1 000
items with the default concurrency; the medians are compared with each other and
with the latency-only ideal (items x latency / concurrency). Then the anchors: the
client at concurrency 1, and a shell loop of one ``curl`` per item.

Run it on demand (it is not part of the test suite):

    python tests/benchmarks/bench_deactivate.py [--items 1000] [--latency-ms 20]

``--journal`` gives the console an audit journal (in a temporary folder), as a
real session has; ``--syslog udp|tcp`` sends its copy to a listener on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import SecretStr

from tui.api import (
    DEFAULT_CONCURRENCY,
    Action,
    ClientSettings,
    ItemRef,
    Kind,
    MySafeClient,
    Result,
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
    changed = sum(1 for o in outcomes if o.result is Result.CHANGED)
    return wall, cpu, changed


@contextmanager
def syslog_listener(transport: str) -> Iterator[str]:
    """A loopback listener that reads and drops whatever it is sent; its URL."""
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        if transport == "tcp":
            sock.listen()

        def drain() -> None:
            try:
                if transport == "udp":
                    while sock.recv(65_535):
                        pass
                while True:
                    connection, _ = sock.accept()
                    with connection:
                        while connection.recv(65_536):
                            pass
            except OSError:
                return

        threading.Thread(target=drain, daemon=True).start()
        yield f"{transport}://127.0.0.1:{sock.getsockname()[1]}"


async def main_async(
    items: int,
    latency_ms: float,
    concurrency: int,
    rounds: int,
    journal: bool = False,
    syslog: str | None = None,
) -> None:
    # About one item in eight is not writable: room for every set, with a margin.
    process, url = start_simulator(items * (2 * rounds + 2) * 5 // 4 + items, latency_ms)
    try:
        settings = ClientSettings(url, DEMO_CLIENT_ID, SecretStr(DEMO_CLIENT_SECRET))
        async with MySafeClient(settings) as client:
            listed = await client.list_items(Kind.PASSWORD)
        writable = [item.ref for item in listed.items if item.can_write]
        sets = [writable[i * items : (i + 1) * items] for i in range(2 * rounds + 2)]
        assert all(len(s) == items for s in sets), f"only {len(writable)} writable items"
        latency = latency_ms / 1000
        ideal = items * latency / concurrency
        print(f"{items} deactivations, {latency_ms:g} ms added latency, simulator at {url}")
        folder = Path(tempfile.mkdtemp()) if journal else None
        if folder is not None:
            print(
                f"the console with a journal in {folder}"
                + (f", copied to {syslog}" if syslog else "")
            )
        print(f"{'run':<34}{'wall s':>8}{'x ideal':>9}{'CPU ms/req':>12}")
        # The bare client and the console alternate, so drift hits both alike.
        bare_walls, app_walls, before_walls = [], [], []
        for r in range(rounds):
            wall, cpu, changed = await timed_batch(
                url, sets[2 * r], concurrency=concurrency, pool=concurrency
            )
            assert changed == items
            bare_walls.append(wall)
            print(
                f"{'bare client, round ' + str(r + 1):<34}{wall:>8.2f}{wall / ideal:>9.2f}"
                f"{cpu / items * 1000:>12.2f}"
            )
            wall, before = await app_batch(url, sets[2 * r + 1], folder, syslog)
            app_walls.append(wall)
            before_walls.append(before)
            print(
                f"{'the console, round ' + str(r + 1):<34}{wall:>8.2f}{wall / ideal:>9.2f}"
                f"   (as measured before: {before:.2f})"
            )
        bare, app = statistics.median(bare_walls), statistics.median(app_walls)
        before = statistics.median(before_walls)
        print(
            f"median: bare {bare:.2f} s ({bare / ideal:.2f}x the {ideal:.2f} s ideal), "
            f"console to the result drawn {app:.2f} s: {app / bare:.2f}x the bare client "
            f"(as measured before {before:.2f} s: {before / bare:.2f}x)"
        )
        wall, cpu, _ = await timed_batch(url, sets[-2], concurrency=1, pool=1)
        print(
            f"{'sequential (concurrency 1)':<34}{wall:>8.2f}{wall / (items * latency):>9.2f}"
            f"{cpu / items * 1000:>12.2f}   (x its own ideal {items * latency:.1f} s)"
        )
        print(
            f"{'a sequential curl loop':<34}{curl_loop(url, sets[-1][:50]) * items:>8.2f}"
            "   (50 requests, scaled)"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def curl_loop(url: str, refs: Sequence[ItemRef]) -> float:
    """Seconds per request for one `curl` process per item, as a shell loop does."""
    if shutil.which("curl") is None:
        return float("nan")
    # The credentials go through curl's config on stdin, never on its command line.
    token = subprocess.run(
        ["curl", "-s", "-K", "-", "-d", "grant_type=client_credentials", f"{url}/api/oauth2/token"],
        input=f'user = "{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}"\n',
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    access = json.loads(token)["access_token"]
    began = time.perf_counter()
    for ref in refs:
        subprocess.run(
            [
                "curl",
                "-s",
                "-o",
                os.devnull,
                "-X",
                "POST",
                "-H",
                f"Authorization: Bearer {access}",
                f"{url}/api/mysafe/password/inactive/{ref.identifier}",
            ],
            check=True,
        )
    return (time.perf_counter() - began) / len(refs)


async def app_batch(
    url: str, refs: Sequence[ItemRef], folder: Path | None = None, syslog: str | None = None
) -> tuple[float, float]:
    """The same batch driven through the console, marks, confirmation and all:
    seconds from the key that confirms it to the first frame drawn once the batch
    has ended (its outcomes, marks and bar on screen), and as measured before.

    Before, the time ended when Pilot's ``press`` had returned and the batch's
    worker had completed. ``press`` returns once the process looks idle (CPU time
    sampled in 20 ms windows): sometimes before the batch ends (waiting on the
    last answers looks idle), sometimes after its result is drawn; and the
    worker completes before that frame. Kept for comparison."""
    from tui.console.app import MySafeApp
    from tui.console.widgets.batch_bar import BottomLine
    from tui.ops import Journal, JournalContext, Session

    settings = ClientSettings(url, DEMO_CLIENT_ID, SecretStr(DEMO_CLIENT_SECRET))
    journal = None
    if folder is not None:
        journal = Journal(folder / "audit.jsonl", JournalContext("bench", url, "bench"))
        if syslog is not None:
            from tui.ops.syslog import SyslogCopy, parse_syslog_url

            journal.copy = SyslogCopy(parse_syslog_url(syslog))
    app = MySafeApp(Session(MySafeClient(settings), journal=journal), arming_delay=0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.main.table()
        for ref in refs:
            table.model.toggle_mark(ref.identifier)
        # The count and enter move on to the button; the enter timed below sends.
        await pilot.press("d", *str(len(refs)), "enter")
        drawn: list[float] = []
        bottom = app.main.query_one(BottomLine)
        post_display = app.post_display_hook

        def frame_drawn() -> None:
            post_display()
            # The batch has ended and told the screen (outcomes, marks, its bar gone).
            finished = app.session.last_finished() is not None
            # (The bar is built when the first batch begins.)
            if not drawn and finished and bottom.bar is not None and not bottom.bar.display:
                drawn.append(time.perf_counter())

        app.post_display_hook = frame_drawn  # type: ignore[method-assign]
        began = time.perf_counter()
        await pilot.press("enter")
        await app.session.wait()
        before = time.perf_counter() - began
        await pilot.pause()
        batch = app.session.last_finished()
        assert batch is not None and batch.done == len(refs), "the batch did not run"
        assert drawn, "no frame was drawn after the batch"
    if journal is not None:
        journal.close()
        copy = getattr(journal, "copy", None)  # a journal of before the copy has none
        problem = copy.problem() if copy is not None else None
        if problem:  # over UDP, a plan of 1 000 items (82 KB) is longer than a datagram
            print(f"  ({problem})")
    return drawn[0] - began, before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--journal", action="store_true", help="the console keeps a journal")
    parser.add_argument("--syslog", choices=("udp", "tcp"), help="and copies it to syslog")
    args = parser.parse_args()

    def run(syslog: str | None) -> None:
        asyncio.run(
            main_async(
                args.items,
                args.latency_ms,
                args.concurrency,
                args.rounds,
                journal=args.journal or syslog is not None,
                syslog=syslog,
            )
        )

    if args.syslog:
        with syslog_listener(args.syslog) as where:
            run(where)
    else:
        run(None)


if __name__ == "__main__":
    main()
