"""What the two start-up shortcuts are worth, each against the same program without it.

    PYTHONPATH=. python tests/benchmarks/bench_shortcuts.py [--rounds N] [--items N]

1. ``tui/__init__.py`` keeps httpx's own command line out (``sys.modules["httpx._main"]
   = None``): ``import httpx`` timed in a fresh interpreter, with and without the entry.
2. ``tui/base/gc_pause.py`` pauses garbage collection while a big list is decoded and
   its rows are built: the console on the demo with ``--items`` passwords and as many
   API secrets, from exec to both tables drawn (``scale_probes.py demo``), with the
   pause and with ``paused_gc`` replaced by a no-op before the app is imported.

Every figure is a fresh process; the two sides of a pair run one after the other, in
alternating order, and the medians are printed. Run it on a quiet machine: under load
the spread swamps the difference (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBES = str(Path(__file__).with_name("scale_probes.py"))

IMPORT_HTTPX = """
import sys, time
if {poison}:
    sys.modules.setdefault("httpx._main", None)
t = time.perf_counter()
import httpx
print(time.perf_counter() - t)
"""

CONSOLE = """
import contextlib, runpy, sys
if not {pause}:
    import tui.base.gc_pause as gc_pause
    gc_pause.paused_gc = contextlib.nullcontext
sys.argv = [{probes!r}, "demo", {launched!r}, "{items}", "{items}"]
runpy.run_path({probes!r}, run_name="__main__")
"""


def run(code: str) -> float:
    """The figure the program printed: its ``first-frame`` line when it has one."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    words = out.stdout.split()
    return float(words[1] if words[0] == "first-frame" else words[0])


def pairs(rounds: int, **codes: str) -> dict[str, float]:
    """Medians of ``rounds`` interleaved runs of each code."""
    seen: dict[str, list[float]] = {name: [] for name in codes}
    names = list(codes)
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            seen[name].append(run(codes[name]))
    return {name: statistics.median(values) for name, values in seen.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.2f} (2 cores; above 0.5 the figures are noisy)")
    imports = pairs(
        args.rounds,
        with_entry=IMPORT_HTTPX.format(poison=True),
        without=IMPORT_HTTPX.format(poison=False),
    )
    print(
        f"import httpx: {imports['with_entry'] * 1000:.0f} ms with the entry, "
        f"{imports['without'] * 1000:.0f} ms without"
    )
    seen: dict[str, list[float]] = {"paused": [], "collecting": []}
    for index in range(args.rounds):
        order = ("paused", "collecting") if index % 2 == 0 else ("collecting", "paused")
        for name in order:
            code = CONSOLE.format(
                pause=name == "paused", probes=PROBES, launched=time.time(), items=args.items
            )
            seen[name].append(run(code))
    paused, collecting = (statistics.median(seen[n]) for n in ("paused", "collecting"))
    print(
        f"console, demo {args.items} + {args.items}, exec to both tables drawn: "
        f"{paused:.2f} s with gc paused, {collecting:.2f} s without "
        f"({collecting / paused:.2f}x)"
    )


if __name__ == "__main__":
    main()
