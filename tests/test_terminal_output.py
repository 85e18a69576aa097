"""The bytes the real program writes to a terminal: no escape sequence from the server."""

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

import pytest

pytestmark = pytest.mark.e2e


def run_in_pty(args: list[str], keys: list[bytes], settle: float = 1.5) -> bytes:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYSAFE_")}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    output = bytearray()

    def drain(quiet: float, limit: float = 30.0) -> None:
        deadline, last = time.monotonic() + limit, time.monotonic()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    output.extend(os.read(master, 65536))
                except OSError:
                    return
                last = time.monotonic()
            elif time.monotonic() - last > quiet:
                return

    try:
        drain(settle)
        for key in keys:
            os.write(master, key)
            drain(0.4)
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.close(master)
    return bytes(output)


def test_hostile_names_reach_the_terminal_only_as_visible_text() -> None:
    # Filter to the item whose name carries an OSC 52 clipboard write and show it.
    keys = [b"/", *[bytes([c]) for c in b"clipboard"], b"\r"]
    output = run_in_pty(["--demo"], keys)
    assert b"clipboard" in output
    assert "␛]52;c;ZXZpbA==␇".encode() in output, "shown as visible control pictures"
    assert b"\x1b]52" not in output, "the escape sequence itself never reaches the terminal"
    assert b"[bold]Payroll[/] admin" in output, "markup-like names are printed literally"
