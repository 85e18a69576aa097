"""Benchmark: the client's CPU per request in a batch, beside a raw asyncio client.

On this 2-core machine the client's CPU sets a batch's pace, and CPU time is far
less noisy than wall time. The simulator runs as ``mysafe-tui simulate`` in its
own process with 20 ms of latency; in alternating rounds the bare client
(``run_batch`` over ``set_active``, as the console and the command line send) and
a raw asyncio HTTP/1.1 client (16 keep-alive connections, one write and one read
per request, no library) each deactivate 1 000 items at concurrency 16. Printed
per round: wall time against the latency-only ideal, and this process's CPU per
request (``time.process_time``). ``--profile FILE`` writes a cProfile of the
client's last round, with its call count per request and its time by package.

    PYTHONPATH=.:tests/benchmarks python tests/benchmarks/bench_client_cpu.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import pstats
import re
import statistics
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

from bench_deactivate import start_simulator
from pydantic import SecretStr

from tui.api import Action, ClientSettings, ItemRef, Kind, MySafeClient, Result
from tui.api.bulk import run_batch
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

CONCURRENCY = 16


async def client_batch(
    url: str, refs: Sequence[ItemRef], profile: cProfile.Profile | None
) -> tuple[float, float]:
    """Wall seconds and CPU seconds of the client deactivating ``refs``."""
    settings = ClientSettings(
        url,
        DEMO_CLIENT_ID,
        SecretStr(DEMO_CLIENT_SECRET),
        concurrency=CONCURRENCY,
        read_timeout=30,
    )
    async with MySafeClient(settings) as client:
        await client.authenticate()
        wall, cpu = time.perf_counter(), time.process_time()
        if profile is not None:
            profile.enable()
        outcomes = await run_batch(
            lambda ref: client.set_active(ref, Action.DEACTIVATE),
            refs,
            Action.DEACTIVATE,
            concurrency=CONCURRENCY,
        )
        if profile is not None:
            profile.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert all(outcome.result is Result.CHANGED for outcome in outcomes)
    return wall, cpu


async def raw_batch(url: str, token: str, refs: Sequence[ItemRef]) -> tuple[float, float]:
    """The same requests from 16 bare asyncio connections: the floor under a client."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    pending = iter(refs)
    changed = 0

    async def connection() -> None:
        nonlocal changed
        reader, writer = await asyncio.open_connection(host, port)
        for ref in pending:
            writer.write(
                f"POST /api/mysafe/password/inactive/{ref.identifier} HTTP/1.1\r\n"
                f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
                "Accept: application/json\r\nContent-Length: 0\r\n\r\n".encode()
            )
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length)
            changed += head.startswith(b"HTTP/1.1 200") and b"deactivated" in body.lower()
        writer.close()

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(connection() for _ in range(CONCURRENCY)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert changed == len(refs), f"only {changed} of {len(refs)} changed"
    return wall, cpu


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time (tottime) summed by package: httpx, httpcore, h11, tui's, asyncio..."""
    totals: collections.defaultdict[str, float] = collections.defaultdict(float)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    raw = stats.stats  # type: ignore[attr-defined]
    for (path, _line, name), (_cc, _calls, own, _cum, _callers) in raw.items():
        package = re.search(r"site-packages/([A-Za-z0-9_]+)", path)
        if package:
            key = package.group(1)
        elif "/tui/" in path:
            key = "tui." + path.split("/tui/")[1].split("/")[0]
        elif "asyncio" in path:
            key = "asyncio"
        elif path == "~":
            key = name  # a built-in: socket send, epoll, isinstance...
        else:
            key = path.rsplit("/", 1)[-1]
        totals[key] += own
    return sorted(totals.items(), key=lambda pair: -pair[1])[:12]


async def main_async(items: int, latency_ms: float, rounds: int, profile_to: str | None) -> None:
    process, url = start_simulator(items * (2 * rounds + 1) * 5 // 4 + items, latency_ms)
    try:
        settings = ClientSettings(url, DEMO_CLIENT_ID, SecretStr(DEMO_CLIENT_SECRET))
        async with MySafeClient(settings) as client:
            listed = await client.list_items(Kind.PASSWORD)
            token, _expiry = await client._fetch_token()  # the raw client's bearer token
        writable = [item.ref for item in listed.items if item.can_write]
        ideal = items * latency_ms / 1000 / CONCURRENCY
        print(f"{items} deactivations, {latency_ms:g} ms, concurrency {CONCURRENCY}, {url}")
        print(f"{'round':<8}{'client s':>10}{'x ideal':>9}{'CPU us/req':>12}   ", end="")
        print(f"{'raw s':>8}{'x ideal':>9}{'CPU us/req':>12}")
        client_cpu, raw_cpu, client_wall, raw_wall = [], [], [], []
        for number in range(rounds):
            first = 2 * number * items
            wall, cpu = await client_batch(url, writable[first : first + items], None)
            client_wall.append(wall)
            client_cpu.append(cpu / items * 1e6)
            wall, cpu = await raw_batch(url, token, writable[first + items : first + 2 * items])
            raw_wall.append(wall)
            raw_cpu.append(cpu / items * 1e6)
            print(
                f"{number + 1:<8}{client_wall[-1]:>10.2f}{client_wall[-1] / ideal:>9.2f}"
                f"{client_cpu[-1]:>12.0f}   {raw_wall[-1]:>8.2f}{raw_wall[-1] / ideal:>9.2f}"
                f"{raw_cpu[-1]:>12.0f}"
            )
        per_client, per_raw = statistics.median(client_cpu), statistics.median(raw_cpu)
        print(
            f"median: client {statistics.median(client_wall):.2f} s, {per_client:.0f} us CPU a "
            f"request; raw asyncio {statistics.median(raw_wall):.2f} s, {per_raw:.0f} us "
            f"({per_client / per_raw:.1f}x); ideal {ideal:.2f} s"
        )
        if profile_to:
            # A round of its own: the profiler's overhead stays out of the figures above.
            profile = cProfile.Profile()
            first = 2 * rounds * items
            await client_batch(url, writable[first : first + items], profile)
            profile.dump_stats(profile_to)
            stats = pstats.Stats(profile)
            calls = stats.total_calls  # type: ignore[attr-defined]
            print(
                f"profile of the last client round in {profile_to}: {calls / items:.0f} calls a request"
            )
            total = sum(own for _key, own in by_package(stats)) or 1.0
            for key, own in by_package(stats):
                print(f"  {key:<24}{own:8.3f} s  {own / total * 100:5.1f} %")
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", metavar="FILE", help="cProfile one more client round")
    args = parser.parse_args()
    asyncio.run(main_async(args.items, args.latency_ms, args.rounds, args.profile))


if __name__ == "__main__":
    main()
