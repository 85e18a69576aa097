"""Benchmark: console start-up with a big audit journal vs an empty one (issue 18).

    PYTHONPATH=. python tests/benchmarks/bench_journal_start.py [--mb 100] [--runs 5]

Each run forks the real program (``python -m tui --demo``) on a fresh
pseudo-terminal (120x40) and times exec to the first frame that shows the loaded
table (the status line's "passwords shown"), then quits it. Three set-ups,
interleaved run by run, each with its own XDG folders:

- ``empty``: no journal at all;
- ``big, cold``: a ``--mb`` MB demo journal (about 1 000 finished batches of 100
  items, intents and outcomes, and 5 interrupted ones of this server), its
  checkpoint (``demo-audit.jsonl.index``) deleted before every run: the first
  start after an upgrade, or after the journal changed under the checkpoint;
- ``big, warm``: the same journal with its checkpoint, as every later start.

Medians of ``--runs``; the target is warm within 1.2x of empty. Run on demand; it
is not part of the suite.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from tui.api import Action
from tui.ops.journal import encode_record
from tui.ops.journal_index import index_path
from tui.settings.launch import LaunchOptions
from tui.wiring import build_session

ROOT = Path(__file__).resolve().parents[2]
SHOWN = b"passwords shown"
DEAD_PID = 2**22 + 3


def write_journal(path: Path, megabytes: int) -> int:
    """A demo journal of about ``megabytes`` MB, as ``Journal`` writes it; the
    number of batches."""
    session = build_session(LaunchOptions(None), keep_journal=False)
    target = session.target.as_record()
    common = {"operator": "alice", "profile": "demo", "host": session.client.server}
    path.parent.mkdir(parents=True, exist_ok=True)
    batches = 0
    with path.open("wb") as out:

        def batch(batch_id: str, ended: bool) -> None:
            items = [
                {"kind": "password", "identifier": str(1000 + n), "name": f"Item {n} prod"}
                for n in range(100)
            ]
            when = f"2026-11-{1 + batches % 28:02d}T03:00:00.000+00:00"
            head = {"time": when, **common, "target": target}
            out.write(
                encode_record(
                    {
                        **head,
                        "phase": "batch",
                        "batch_id": batch_id,
                        "action": Action.DEACTIVATE.value,
                        "reason": "leaked in ticket SEC-1234",
                        "pid": DEAD_PID,
                        "items": items,
                    }
                )
            )
            del head["target"]
            answered = items if ended else items[:40]
            for item in items[: len(answered) + (3 if not ended else 0)]:
                out.write(
                    encode_record(
                        {
                            **head,
                            "phase": "intent",
                            **item,
                            "action": "deactivate",
                            "batch_id": batch_id,
                            "reason": "leaked in ticket SEC-1234",
                        }
                    )
                )
            for item in answered:
                out.write(
                    encode_record(
                        {
                            **head,
                            "phase": "outcome",
                            **item,
                            "action": "deactivate",
                            "outcome": "deactivated",
                            "result": "changed",
                            "http_status": 200,
                            "code": 200,
                            "message": "Password deactivated successfully",
                            "request_id": f"req-{batch_id}-{item['identifier']}",
                            "batch_id": batch_id,
                            "reason": "leaked in ticket SEC-1234",
                        }
                    )
                )
            if ended:
                out.write(
                    encode_record(
                        {
                            **head,
                            "phase": "batch_end",
                            "batch_id": batch_id,
                            "summary": "100 deactivated",
                            "state": "done",
                            "left": 0,
                        }
                    )
                )

        while out.tell() < megabytes * 1_000_000:
            batch(f"{batches:08x}", ended=True)
            batches += 1
        for number in range(5):
            batch(f"open{number:04d}", ended=False)
            batches += 1
    return batches


def start_to_frame(state: Path, config: Path) -> float:
    """Seconds from exec to the first output holding the loaded table's status."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MYSAFE_", "XDG_"))}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        XDG_STATE_HOME=str(state),
        XDG_CONFIG_HOME=str(config),
    )
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    began = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        close_fds=True,
    )
    os.close(slave)
    seen = bytearray()
    took = float("nan")
    try:
        deadline = began + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen.extend(os.read(master, 65536))
                except OSError:
                    break
                if SHOWN in seen:
                    took = time.monotonic() - began
                    break
        os.write(master, b"q")
        end = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < end:
            if select.select([master], [], [], 0.05)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-journal-") as folder:
        root = Path(folder)
        empty, big = root / "empty-state", root / "big-state"
        config = root / "config"
        journal = big / "mysafe-tui" / "demo-audit.jsonl"
        began = time.monotonic()
        count = write_journal(journal, args.mb)
        size = journal.stat().st_size / 1e6
        print(
            f"journal: {size:.1f} MB, {count} batches, written in {time.monotonic() - began:.1f} s"
        )
        start_to_frame(big, config)  # builds the checkpoint, warms the page cache
        times: dict[str, list[float]] = {"empty": [], "big, cold": [], "big, warm": []}
        for _ in range(args.runs):
            shutil.rmtree(empty, ignore_errors=True)
            times["empty"].append(start_to_frame(empty, config))
            index_path(journal).unlink(missing_ok=True)
            times["big, cold"].append(start_to_frame(big, config))
            times["big, warm"].append(start_to_frame(big, config))
        base = statistics.median(times["empty"])
        print(f"\nexec to first frame with the loaded table, median of {args.runs} (interleaved):")
        for name, values in times.items():
            median = statistics.median(values)
            runs = " ".join(f"{v:.2f}" for v in values)
            print(f"  {name:<10} {median * 1000:8.0f} ms  {median / base:5.2f}x   ({runs})")
        print("  target: big, warm ≤ 1.2x empty")


if __name__ == "__main__":
    main()
