"""The real program in a pseudo-terminal, driven by bytes, for end-to-end tests."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence

import pytest


class Terminal:
    def __init__(
        self,
        args: list[str],
        env: dict[str, str],
        size: tuple[int, int] = (120, 40),
        run: Sequence[str] = ("-m", "tui"),
    ):
        """``python <run> <args>``: by default the program as installed."""
        self.master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, *run, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.output = bytearray()

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return False
        try:
            self.output.extend(os.read(self.master, 65536))
        except OSError:
            return False
        return True

    def read_until(self, needle: bytes, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {needle!r}")
            self._read(0.05)

    def drain(self, quiet: float, limit: float = 30.0) -> None:
        """Read until nothing has come for ``quiet`` seconds."""
        deadline, last = time.monotonic() + limit, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last < quiet:
            if self._read(0.05):
                last = time.monotonic()

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def wait(self, timeout: float) -> int:
        """The exit code, reading the terminal meanwhile so the program never blocks."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.process.kill()
                pytest.fail("the program did not exit in time")
            self._read(0.05)
        os.close(self.master)
        return self.process.returncode

    def stop(self, kill: bool = False) -> None:
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        self.process.wait(timeout=10)
        os.close(self.master)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYSAFE_")}
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env
