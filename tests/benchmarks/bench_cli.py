"""Benchmark: the command line against a simulator in its own process.

1. ``mysafe-tui list passwords --format jsonl`` of 100 000 items: wall time of the
   whole process (start-up, token, the list call, parsing, writing) and its peak
   memory (``ru_maxrss`` from ``wait4``, this child alone).
2. ``mysafe-tui deactivate passwords --ids-file FILE --yes`` of 1 000 items with
   20 ms of latency added to every request: wall time of the process, and of the
   batch itself as the journal records it (first record to last), against the
   ideal (items x latency / concurrency).

Run it on demand (it is not collected by pytest: the name does not start with test_):

    python tests/benchmarks/bench_cli.py [--items 100000] [--batch 1000] [--latency-ms 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from tui.api import DEFAULT_CONCURRENCY
from tui.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET


def start_simulator(passwords: int, latency_ms: float) -> tuple[subprocess.Popen[str], str]:
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
            str(passwords),
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


def cli_env(url: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MYSAFE_", "XDG_"))}
    env.update(
        MYSAFE_URL=url,
        MYSAFE_CLIENT_ID=DEMO_CLIENT_ID,
        MYSAFE_CLIENT_SECRET=DEMO_CLIENT_SECRET,
        XDG_STATE_HOME=str(home / "state"),
        XDG_CONFIG_HOME=str(home / "config"),
    )
    return env


def timed(args: list[str], env: dict[str, str], stdout: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB, and exit status of ``mysafe-tui ARGS``."""
    with stdout.open("w") as out:
        began = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "tui", *args], stdout=out, env=env)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, child.returncode


def bench_list(items: int, home: Path) -> None:
    home.mkdir(parents=True)
    began = time.perf_counter()
    process, url = start_simulator(items, 0.0)
    print(f"simulator with {items} passwords ready in {time.perf_counter() - began:.1f} s")
    try:
        out = home / "list.jsonl"
        wall, peak, code = timed(
            ["list", "passwords", "--format", "jsonl"], cli_env(url, home), out
        )
        lines = sum(1 for _ in out.open())
        size = out.stat().st_size / 1e6
        print(
            f"list {lines} passwords to JSONL: {wall:.2f} s wall, peak RSS {peak:.0f} MiB, "
            f"{size:.1f} MB written, exit {code}"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def journal_span(home: Path) -> float:
    records = [
        json.loads(line)
        for line in (home / "state" / "mysafe-tui" / "audit.jsonl").read_text().splitlines()
    ]
    times = [datetime.fromisoformat(r["time"]) for r in records if r.get("phase") != "unlock"]
    return (max(times) - min(times)).total_seconds()


def bench_batch(count: int, latency_ms: float, home: Path) -> None:
    home.mkdir(parents=True)
    process, url = start_simulator(count * 2, latency_ms)
    try:
        env = cli_env(url, home)
        listed = home / "ids.jsonl"
        timed(["list", "passwords", "--format", "jsonl", "--fields", "identifier,can_write"],
              env, listed)  # fmt: skip
        ids = [
            entry["identifier"]
            for entry in map(json.loads, listed.read_text().splitlines())
            if entry["can_write"]
        ][:count]
        assert len(ids) == count, f"only {len(ids)} writable items"
        ids_file = home / "ids.txt"
        ids_file.write_text("\n".join(ids) + "\n")
        args = ["deactivate", "passwords", "--ids-file", str(ids_file), "--yes"]
        wall, peak, code = timed([*args, "--format", "jsonl"], env, home / "out.jsonl")
        outcomes = [json.loads(line)["outcome"] for line in (home / "out.jsonl").open()]
        changed = outcomes.count("changed")
        ideal = count * latency_ms / 1000 / DEFAULT_CONCURRENCY
        batch = journal_span(home)
        print(
            f"deactivate {count} at {latency_ms:g} ms, concurrency {DEFAULT_CONCURRENCY}: "
            f"process {wall:.2f} s, batch (journal) {batch:.2f} s, ideal {ideal:.2f} s, "
            f"batch/ideal {batch / ideal:.2f}x, peak RSS {peak:.0f} MiB, "
            f"{changed} changed, exit {code}"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench_list(args.items, Path(folder) / "list")
        bench_batch(args.batch, args.latency_ms, Path(folder) / "batch")


if __name__ == "__main__":
    main()
