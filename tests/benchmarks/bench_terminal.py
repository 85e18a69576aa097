"""The ``terminal`` step of ``bench_console.py``: the real program in a pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

from tui.simulator import Simulator, SimulatorConfig


def listed_passwords(items: int) -> int:
    """How many passwords the demo lists with ``--demo-items items``: the
    simulator's own answer (it leaves out the items the key's user cannot see)."""
    simulator = Simulator(SimulatorConfig(passwords=items, api_secrets=items))
    return sum(1 for item in simulator.items("password") if item.can_view and item.active)


def terminal_bytes(items: int) -> None:
    """Bytes out at start-up, for one cursor move, and while idle, at 120x40."""
    # The status line's words ("95652 of 95652 passwords shown"), from the simulator's count.
    expected = f"of {listed_passwords(items)} passwords"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYSAFE_")}
    env["TERM"] = "xterm-256color"
    began = time.monotonic()
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
        # Start-up, both lists loaded (the status line shows the full count), then quiet.
        start = drain(quiet=1.0, limit=120, until=expected.encode())
        loaded = time.monotonic() - began
        found = expected.encode() in seen
        os.write(master, b"j")
        move = drain(quiet=0.5, limit=5)
        os.write(master, b"j")
        second = drain(quiet=0.5, limit=5)
        idle = drain(quiet=3.0, limit=3.0)
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.close(master)
    print(f"\nreal terminal (pty, 120x40, --demo-items {items}):")
    print(
        f"  {'found' if found else 'NEVER SAW'} {expected!r} after {loaded:.1f} s "
        f"(1 s of quiet included); start-up bytes {start}"
    )
    print(f"  bytes for one cursor move: {move} and {second}; bytes in 3 s idle: {idle}")
