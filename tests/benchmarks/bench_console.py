"""Benchmark: the console at scale, each figure beside an anchor measured in the same run.

    python tests/benchmarks/bench_console.py [--items 100000] [--runs 3] [--skip STEP,...]

Absolute times drift up to 2x between runs on a shared machine; the ratios to the
anchors are what count. Steps (``--skip`` names them):

- ``startup``: exec to the loaded demo tables vs a bare Textual app with a 38-row
  DataTable (fresh processes, alternated).
- ``demo``: exec to the loaded demo tables with ``--items`` of each kind.
- ``socket``: our console against ``mysafe-tui simulate`` in its own process, 41
  passwords vs ``--items`` (the difference), and its resident memory vs Textual's
  DataTable holding the same rows.
- ``inprocess``: ``--items`` in one app: parse vs ``json.loads`` of the same bytes,
  data arriving to the first screen, filter keystrokes (table work, and key to
  screen through Pilot vs the same app at 40 rows), cursor moves.
- ``terminal``: the real program in a pseudo-terminal: bytes for a cursor move and
  in 3 s idle.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_terminal import terminal_bytes

PROBES = str(Path(__file__).with_name("scale_probes.py"))
ROOT = Path(__file__).resolve().parents[2]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def probe(mode: str, *args: object) -> tuple[float, float, float]:
    """(seconds from exec to the probe's screen, resident MB then, seconds from exec
    to the first frame with every list in its table: NaN if not told) of a fresh
    process."""
    launched = time.time()
    out = subprocess.run(
        [sys.executable, PROBES, mode, repr(launched), *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=600,
    ).stdout
    seconds, rss = out.split()[-2:]
    frames = [line.split()[1] for line in out.splitlines() if line.startswith("first-frame ")]
    return float(seconds), float(rss), float(frames[0]) if frames else math.nan


def median_of(results: list[tuple[float, float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def row(name: str, figure: str, anchor_name: str, anchor: str, ratio: float, target: str) -> None:
    print(f"  {name:<44} {figure:>12}  | {anchor_name:<34} {anchor:>12} | {ratio:5.2f}x {target}")


def startup(runs: int) -> None:
    ours, bare = [], []
    for _ in range(runs):
        bare.append(probe("bare", 38))
        ours.append(probe("demo", 40, 30))
    (o, _), (b, _) = median_of(ours), median_of(bare)
    print(f"\nstart-up, exec to loaded table, median of {runs} (alternated):")
    row("demo (40 + 30 items)", ms(o), "bare Textual app, 38-row DataTable", ms(b), o / b, "≤ 1.5x")


def demo(items: int, runs: int) -> None:
    ours = [probe("demo", items, items) for _ in range(runs)]
    bare = [probe("bare", 38) for _ in range(runs)]
    (o, rss), (b, _) = median_of(ours), median_of(bare)
    frame = statistics.median(r[2] for r in ours)
    print(f"\ndemo with {items} items of each kind, exec to both tables loaded, median of {runs}:")
    row(f"demo {items}, idle", ms(o), "bare Textual app, 38-row DataTable", ms(b), o / b, "≤ 3 s")
    row(f"demo {items}, first frame", ms(frame), "the same", ms(b), frame / b, "≤ 3 s")
    print(f"  resident memory {rss:.0f} MB")


class SimulatorProcess:
    """``mysafe-tui simulate`` on a free loopback port, in its own process."""

    def __init__(self, passwords: int) -> None:
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "tui", "simulate", "--port", "0"),
                *("--passwords", str(passwords), "--api-secrets", "10"),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        self.url = line.split(" on ")[1].split()[0]

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def socket(items: int, runs: int) -> None:
    small, big = SimulatorProcess(41), SimulatorProcess(items)
    try:
        probe("server", small.url)  # warm both servers (a real one has its data ready)
        probe("server", big.url)
        few, many = [], []
        for _ in range(runs):
            few.append(probe("server", small.url))
            many.append(probe("server", big.url))
    finally:
        small.close()
        big.close()
    anchor = probe("datatable", items)
    (f, _), (m, rss) = median_of(few), median_of(many)
    print(f"\nagainst a simulator in its own process (socket), exec to loaded, median of {runs}:")
    row(
        f"{items} passwords", ms(m), "41 passwords", ms(f), m / f, f"later by {ms(m - f)} (≤ 1.5 s)"
    )
    print(f"  resident memory at {items}:")
    row(
        "our console, loaded",
        f"{rss:.0f} MB",
        "Textual DataTable, same rows",
        f"{anchor[1]:.0f} MB",
        rss / anchor[1],
        "≤ 2x",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip", default="", help="steps to skip, comma separated")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    print("figure | anchor (same run) | ratio and target")
    if "startup" not in skip:
        startup(max(args.runs, 5))
    if "inprocess" not in skip:
        from bench_inprocess import inprocess

        asyncio.run(inprocess(args.items))
    if "socket" not in skip:
        socket(args.items, args.runs)
    if "demo" not in skip:
        demo(args.items, args.runs)
    if "terminal" not in skip:
        terminal_bytes(args.items)


if __name__ == "__main__":
    main()
