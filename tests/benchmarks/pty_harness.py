"""A program in a real pseudo-terminal, its output rendered on a pyte screen.

What the operator waits for is decided on the rendered screen, not on raw bytes: the
frame that shows the result is the first chunk of output after which a condition on
the screen's text holds ("1000 of 1000 passwords shown" on the status line, a dialog's
title). Times run from ``exec`` (the moment before the process is spawned) or from the
write of a key, to the moment that chunk was read. Every byte the program writes is
counted too.

Output is read as it comes and stamped, and only then parsed: pyte parses about 4 KB
in 10 ms, so a harness that parsed between reads would hold the pty's 4 KB buffer
full and have a 60 KB frame trickle in over 0.15 s, timing pyte, not the program (a
real terminal draws such a frame in a millisecond or two).

Used by ``run_all.py`` and its measures; nothing here imports the project, so the
same harness drives htop and a bare Textual app exactly as it drives the console.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import tempfile
import termios
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pyte

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
#: The size every pty measure runs at unless told otherwise (columns, rows).
SIZE = (120, 40)

#: After a chunk, how long the reader waits for the next before it parses what it has:
#: a frame larger than the pty's buffer comes in 4 KB chunks microseconds apart.
DRAIN_GAP = 0.005
#: At most this much is read before parsing, so a program that never stops writing
#: is still parsed (and its conditions checked) as it goes.
DRAIN_LIMIT = 1 << 20

#: A condition on the screen: its lines of text (trailing blanks kept).
Condition = Callable[[Sequence[str]], bool]


class MeasureTimeout(TimeoutError):
    """A condition never held: says what was awaited and shows the screen as it was."""


def contains(text: str) -> Condition:
    """The screen shows ``text`` on one line."""
    return lambda lines: any(text in line for line in lines)


def matches(pattern: str) -> Condition:
    """Some line of the screen matches ``pattern`` (a regular expression)."""
    compiled = re.compile(pattern)
    return lambda lines: any(compiled.search(line) for line in lines)


def all_shown(noun: str = "passwords") -> Condition:
    """The console's status line says every row is shown, and there are rows:
    ``N of N passwords shown`` with N > 0 (not the ``0 of 0`` of a list still coming)."""
    return matches(rf"\b([1-9]\d*) of \1 {noun} shown")


def screen_environment(
    folder: Path, *, truecolor: bool = True, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The parent's environment less what changes the program, XDG folders in ``folder``.

    ``truecolor=False`` is a terminal reached over SSH: ``TERM`` is forwarded, ``COLORTERM``
    is not, so 256 colours (and the console's thin-link mode on by itself)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MYSAFE_", "TEXTUAL", "XDG_"))
        # PYTHONDONTWRITEBYTECODE (set in some shells) would have every start compile
        # the project's sources again: 0.2 s an installed program never pays.
        and k not in ("COLORTERM", "NO_COLOR", "HTOPRC", "PYTHONDONTWRITEBYTECODE")
    }
    for name in ("CONFIG", "STATE", "DATA", "CACHE"):
        path = folder / name.lower()
        path.mkdir(exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(path)
    env["HOME"] = str(folder)  # htop and friends write their settings under it
    env["TERM"] = "xterm-256color"
    if truecolor:
        env["COLORTERM"] = "truecolor"
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra or {})
    return env


@dataclass
class PtyScreen:
    """A program on a pseudo-terminal of ``size``, read into a pyte screen."""

    argv: Sequence[str]
    env: Mapping[str, str]
    size: tuple[int, int] = SIZE
    process: subprocess.Popen[bytes] = field(init=False)
    master: int = field(init=False)
    #: ``time.perf_counter()`` just before the spawn: where exec-to-frame times begin.
    spawned: float = field(init=False)
    #: Every byte read from the terminal so far.
    bytes_read: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        columns, rows = self.size
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.spawned = time.perf_counter()
        # A session of its own: the terminal is its controlling one, and the whole
        # group (a program's children too) is killed at the end on every path.
        self.process = subprocess.Popen(
            list(self.argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(self.env),
            close_fds=True,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)

    # -- reading ------------------------------------------------------------------------

    def _drain(self, wait: float) -> list[tuple[float, bytes]]:
        """What comes within ``wait`` s and whatever follows it without a pause,
        each chunk with the time it was read; not yet parsed."""
        chunks: list[tuple[float, bytes]] = []
        size = 0
        timeout = max(wait, 0)
        while size < DRAIN_LIMIT:
            ready, _, _ = select.select([self.master], [], [], timeout)
            if not ready:
                break
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:  # the program has gone and the terminal with it
                break
            if not chunk:
                break
            chunks.append((time.perf_counter(), chunk))
            size += len(chunk)
            timeout = DRAIN_GAP
        self.bytes_read += size
        return chunks

    def _read(self, wait: float) -> float | None:
        """Read what is there within ``wait`` s into the screen; the time of the last
        chunk read (None: nothing came)."""
        chunks = self._drain(wait)
        for _, chunk in chunks:
            self.stream.feed(chunk)
        return chunks[-1][0] if chunks else None

    def cpu_seconds(self) -> float:
        """The program's CPU time so far (user and system, every thread), from
        ``/proc``: on a shared machine it moves far less than the wall clock."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        # utime and stime: the 14th and 15th fields, the 12th and 13th after the name.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def lines(self) -> list[str]:
        return list(self.screen.display)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, condition: Condition, what: str, limit: float = 60.0) -> float:
        """The time the chunk was read after which ``condition`` first holds on the
        screen (what came with it or after it is parsed too).

        Holding already (before any read) is the time of asking: the caller decides
        whether that can be. Raises :class:`MeasureTimeout` after ``limit`` s."""
        if condition(self.screen.display):
            return time.perf_counter()
        deadline = time.perf_counter() + limit
        while (left := deadline - time.perf_counter()) > 0:
            chunks = self._drain(min(left, 0.05))
            held_at: float | None = None
            for read_at, chunk in chunks:
                self.stream.feed(chunk)
                if held_at is None and condition(self.screen.display):
                    held_at = read_at
            if held_at is not None:
                return held_at
            if not chunks and self.process.poll() is not None:
                raise MeasureTimeout(
                    f"{self.argv[0]} exited ({self.process.returncode}) before {what}; "
                    f"the screen:\n{self.text()}"
                )
        raise MeasureTimeout(f"no {what} within {limit:g} s; the screen:\n{self.text()}")

    def settle(self, quiet: float, limit: float = 60.0) -> int:
        """Bytes read until nothing has come for ``quiet`` s."""
        began = self.bytes_read
        deadline = time.perf_counter() + limit
        last = time.perf_counter()
        while (now := time.perf_counter()) - last < quiet:
            if now > deadline:
                raise MeasureTimeout(f"output never quiet for {quiet:g} s within {limit:g} s")
            if self._read(min(quiet, 0.02)) is not None:
                last = time.perf_counter()
        return self.bytes_read - began

    def window(self, seconds: float) -> int:
        """Bytes read in the next ``seconds``."""
        began, end = self.bytes_read, time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            self._read(min(left, 0.02))
        return self.bytes_read - began

    # -- writing ------------------------------------------------------------------------

    def press(self, data: bytes) -> float:
        """Write ``data`` (a key) to the program; the time just before the write."""
        at = time.perf_counter()
        os.write(self.master, data)
        return at

    def key_bytes(self, data: bytes, quiet: float) -> int:
        """Bytes the program writes for one key, until quiet."""
        self.press(data)
        return self.settle(quiet)

    def held(self, data: bytes, count: int, rate: float, quiet: float) -> int:
        """Bytes for ``count`` keys at ``rate`` a second (a key held down), then quiet."""
        began = self.bytes_read
        for _ in range(count):
            self.press(data)
            self.window(1 / rate)
        self.settle(quiet)
        return self.bytes_read - began

    def wait_exit(self, limit: float) -> float:
        """The time the program was seen to exit, reading its output meanwhile."""
        deadline = time.perf_counter() + limit
        while self.process.poll() is None:
            if time.perf_counter() > deadline:
                raise MeasureTimeout(f"{self.argv[0]} did not exit within {limit:g} s")
            self._read(0.01)
        return time.perf_counter()

    def close(self) -> None:
        kill_group(self.process)
        os.close(self.master)


def kill_group(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Kill a child started with ``start_new_session=True`` and everything it started."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@contextmanager
def on_screen(
    argv: Sequence[str],
    *,
    size: tuple[int, int] = SIZE,
    truecolor: bool = True,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[PtyScreen]:
    """``argv`` on a fresh pty, its XDG folders in a temporary one; always cleaned up."""
    with tempfile.TemporaryDirectory(prefix="bench-pty-") as folder:
        env = screen_environment(Path(folder), truecolor=truecolor, extra=extra_env)
        running = PtyScreen(argv, env, size)
        try:
            yield running
        finally:
            running.close()


# -- figures ------------------------------------------------------------------------------


@dataclass
class Pairs:
    """Interleaved samples of a figure and its anchor: their medians and ratio."""

    figures: list[float] = field(default_factory=list)
    anchors: list[float] = field(default_factory=list)

    def add(self, figure: float, anchor: float) -> None:
        self.figures.append(figure)
        self.anchors.append(anchor)

    @property
    def figure(self) -> float:
        return statistics.median(self.figures)

    @property
    def anchor(self) -> float:
        return statistics.median(self.anchors)

    @property
    def ratio(self) -> float:
        """The median of the per-pair ratios (drift between pairs cancels)."""
        return statistics.median(f / a for f, a in zip(self.figures, self.anchors, strict=True))


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
