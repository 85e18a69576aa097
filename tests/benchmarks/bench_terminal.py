"""The ``terminal`` step of ``bench_console.py``: the real program in a pseudo-terminal."""

from __future__ import annotations

import sys
import time

from bench_bandwidth import program

from tui.simulator import Simulator, SimulatorConfig


def listed_passwords(items: int) -> int:
    """How many passwords the demo lists with ``--demo-items items``: the
    simulator's own answer (it leaves out the items the key's user cannot see)."""
    simulator = Simulator(SimulatorConfig(passwords=items, api_secrets=items))
    return sum(1 for item in simulator.items("password") if item.can_view and item.active)


def terminal_bytes(items: int) -> None:
    """Bytes out at start-up, for one cursor move, and while idle, at 120x40."""
    # The status line's words ("95652 of 95652 passwords shown"), from the simulator's count.
    expected = f"of {listed_passwords(items)} passwords".encode()
    argv = [sys.executable, "-m", "tui", "--demo", "--demo-items", str(items)]
    began = time.monotonic()
    # A pty counting every byte, its XDG folders (journal, log) in a temporary one.
    with program(argv, "truecolor", (120, 40)) as app:
        try:
            # Start-up, both lists loaded (the status line shows the full count), then quiet.
            start = app.settle(1.0, limit=120, until=expected)
            found = True
        except TimeoutError:
            start, found = len(app.seen), False
        loaded = time.monotonic() - began
        move = app.key(b"j", 0.5)
        second = app.key(b"j", 0.5)
        idle = app.window(3.0)
    print(f"\nreal terminal (pty, 120x40, --demo-items {items}):")
    print(
        f"  {'found' if found else 'NEVER SAW'} {expected.decode()!r} after {loaded:.1f} s "
        f"(1 s of quiet included); start-up bytes {start}"
    )
    print(f"  bytes for one cursor move: {move} and {second}; bytes in 3 s idle: {idle}")
