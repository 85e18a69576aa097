"""Real terminals for end-to-end tests: the program in a pseudo-terminal, driven by
bytes (:class:`PtyTerminal`), or in a tmux session on a tmux server of its own, read
as text and driven by keys (:class:`TmuxTerminal`).

Each ``TmuxTerminal`` talks to its own server (``tmux -L <socket>``), so tests never
meet each other's sessions, nor those of anyone else on the machine using tmux.
The server is started with the environment the test gives, which is how values
reach the program without being written on any command line.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import shlex
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from tui.console.dialogs.confirm_batch import ARMING_DELAY


class PtyTerminal:
    """The real program in a pseudo-terminal, driven by bytes."""

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


def program() -> list[str]:
    """The ``mysafe-tui`` installed with the interpreter running the tests, or that
    interpreter running the package.

    Not looked up on PATH: there it may be another installation (a pyenv shim, a
    colleague's checkout), and the test would drive code other than this one.
    """
    installed = Path(sys.executable).parent / "mysafe-tui"
    if installed.is_file() and os.access(installed, os.X_OK):
        return [str(installed)]
    return [sys.executable, "-m", "tui"]


class TmuxTerminal:
    """One tmux session running one command, read as text and driven by keys."""

    def __init__(self, socket: str, session: str = "mysafe-e2e") -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
            env=None if env is None else dict(env),
        ).stdout

    def start(
        self,
        command: Sequence[str],
        env: Mapping[str, str],
        size: tuple[int, int] = (120, 40),
    ) -> None:
        """Run ``command`` (an argv) in a new session; ``env`` is its environment.

        ``env`` is given to the tmux server this call starts, not written into the
        command, so a secret in it stays out of every process's argv.
        """
        self.close()
        columns, rows = size
        script = shlex.join(command)
        self.tmux(
            "new-session", "-d", "-s", self.session,
            "-x", str(columns), "-y", str(rows),
            f"exec {script}",
            env=env,
        )  # fmt: skip

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        """Send ``text`` literally (no key names)."""
        self.tmux("send-keys", "-l", "-t", self.session, text)

    def running(self) -> bool:
        return self.session in self.tmux("list-sessions", "-F", "#{session_name}")

    def pane_pid(self) -> int:
        """The pane's process: the command itself, as ``start`` execs it."""
        return int(self.tmux("display-message", "-p", "-t", self.session, "#{pane_pid}"))

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
        """Poll ``condition`` until it holds; fail showing the screen if it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}; the screen shows:\n{self.screen()}")

    def wait_for_text(self, text: str, timeout: float = 20.0) -> float:
        """Wait until ``text`` is on screen; the monotonic time it was first seen."""
        self.wait_for(lambda: text in self.screen(), repr(text), timeout)
        return time.monotonic()

    def wait_for_dialog(self, text: str, timeout: float = 20.0) -> None:
        """Wait for a confirmation dialog showing ``text`` and until it takes keys.

        The dialog ignores keys pressed within ``ARMING_DELAY`` of the key that
        opened it (a held key must not confirm it); that key came before the
        dialog was drawn, so once it is seen, that long after the sighting it is
        armed for certain.
        """
        seen = self.wait_for_text(text, timeout)
        armed = seen + ARMING_DELAY
        self.wait_for(lambda: time.monotonic() >= armed, "the dialog to arm")

    def close(self) -> None:
        """End the session and this test's tmux server."""
        self.tmux("kill-server")


def unique_socket(tag: str) -> str:
    """A tmux socket name no other test or user on the machine will pick."""
    return f"mysafe-{tag}-{os.getpid()}-{time.monotonic_ns()}"


class PipedTerminal:
    """The program with its stdin and controlling terminal a pseudo-terminal and its
    stdout and stderr pipes: a person at a terminal running ``mysafe-tui ... | jq``.
    What the program writes to /dev/tty (a prompt) is read from the terminal's side."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str]) -> None:
        self.master, slave = pty.openpty()

        def own_terminal() -> None:  # in the child: a session whose terminal is the pty
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui", *args],
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            preexec_fn=own_terminal,  # a test's child: no threads to fear
        )
        os.close(slave)
        self.shown = bytearray()

    def read_until(self, needle: bytes, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.shown:
            if time.monotonic() > deadline or self.process.poll() is not None:
                failure = (
                    self.process.stderr.read().decode()
                    if self.process.poll() is not None and self.process.stderr
                    else ""
                )
                pytest.fail(
                    f"the terminal never showed {needle!r}: {bytes(self.shown)!r} {failure}"
                )
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                with contextlib.suppress(OSError):
                    self.shown.extend(os.read(self.master, 65536))

    def type(self, text: bytes) -> None:
        os.write(self.master, text)

    def finish(self, timeout: float = 60.0) -> tuple[int, str, str]:
        """Wait for the end; the exit code, stdout and stderr."""
        out, err = self.process.communicate(timeout=timeout)
        os.close(self.master)
        return self.process.returncode, out.decode(), err.decode()
