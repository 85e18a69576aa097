"""Bytes the console writes to its terminal, per action: what it costs on a thin link.

    PYTHONPATH=. python tests/benchmarks/bench_bandwidth.py \
        [--reps 3] [--sizes 120x40,80x24] [--colours truecolor,256] \
        [--console-args=--slow-link] [--no-anchor] [--no-batch] [--json FILE]

Run on demand; it is not part of the suite. Each repetition forks the real program
(``python -m tui --demo --demo-items 1000``) on a fresh pseudo-terminal of the
given size, with ``TERM=xterm-256color`` and ``COLORTERM=truecolor`` (truecolor) or
no ``COLORTERM`` (256 colours), the XDG folders in a temporary directory (no real
journal or log is written), and counts every byte read from the terminal's master
side. An action's bytes are those read from the key until the output has been
quiet for ``--quiet-ms``: a condition, not a fixed sleep.

Actions: start-up (until the table says its rows are shown, then quiet), a cursor
move (the first five ``j``), a scroll step (``j`` 61 to 100, the view moving), the
sum of 100 ``j`` from the top, page down, 100 ``j`` sent 30 a second as a held key
does (the program may draw fewer frames than keys: these depend a little on the
machine's speed), opening the filter, a filter keystroke,
opening the log panel, 10 s idle with the table focused and 10 s idle in the
confirmation dialog with its count input focused (a blinking cursor shows here),
and a running batch's bytes per second (against ``mysafe-tui simulate`` with
20 ms latency on a socket, one request at a time). Medians over the repetitions.

The anchor, in the same run: Textual's DataTable with the same 1 000 rows and
columns (``datatable_anchor.py``). htop's figures are quoted from issue 11
(0.29 KB for a cursor move and for a scroll step at 120x40): htop scrolls with the
terminal's own scroll region instead of redrawing.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ITEMS = 1000
#: Keys a second while a key is held down (a common X11 / macOS repeat rate).
KEY_REPEAT = 30
DOWN, PAGE_DOWN, ESC = b"j", b"\x1b[6~", b"\x1b"
#: Where the batch's dialog says how many to type.
TYPE_COUNT = re.compile(rb"Type (\d+) and press enter")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


class PtyProgram:
    """A program on a pseudo-terminal of a given size; every byte it writes is counted."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, cwd=ROOT
        )
        os.close(slave)
        self.seen = bytearray()

    def _read(self, wait: float) -> int:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return 0
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:
            return 0
        self.seen.extend(chunk)
        return len(chunk)

    def settle(self, quiet: float, limit: float = 60.0, until: bytes | None = None) -> int:
        """Bytes read until ``until`` was seen (if given) and then ``quiet`` s of silence."""
        began = len(self.seen)
        deadline = time.monotonic() + limit
        last = time.monotonic()
        while time.monotonic() < deadline:
            if self._read(0.02):
                last = time.monotonic()
            elif time.monotonic() - last >= quiet and (until is None or until in self.seen):
                break
        else:
            raise TimeoutError(f"no quiet output within {limit} s (waiting for {until!r})")
        return len(self.seen) - began

    def window(self, seconds: float) -> int:
        """Bytes read in the next ``seconds`` (for idle and per-second rates)."""
        began, end = len(self.seen), time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._read(min(left, 0.05))
        return len(self.seen) - began

    def held(self, data: bytes, count: int, rate: float, quiet: float) -> int:
        """Bytes for ``count`` keys sent ``rate`` a second (a key held down), then quiet."""
        began = len(self.seen)
        for _ in range(count):
            os.write(self.master, data)
            self.window(1 / rate)
        self.settle(quiet)
        return len(self.seen) - began

    def key(self, data: bytes, quiet: float) -> int:
        os.write(self.master, data)
        return self.settle(quiet)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        os.close(self.master)


def environment(folder: Path, colours: str) -> dict[str, str]:
    """The parent's environment minus anything that changes the program, XDG in ``folder``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MYSAFE_", "TEXTUAL", "XDG_")) and k not in ("COLORTERM", "NO_COLOR")
    }
    for name in ("CONFIG", "STATE", "DATA", "CACHE"):
        path = folder / name.lower()
        path.mkdir(exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(path)
    env["TERM"] = "xterm-256color"
    if colours == "truecolor":
        env["COLORTERM"] = "truecolor"
    env["PYTHONPATH"] = str(ROOT)
    return env


@contextmanager
def program(
    argv: list[str], colours: str, size: tuple[int, int], **extra_env: str
) -> Iterator[PtyProgram]:
    with tempfile.TemporaryDirectory(prefix="bench-bandwidth-") as folder:
        env = environment(Path(folder), colours)
        env.update(extra_env)
        running = PtyProgram(argv, env, size)
        try:
            yield running
        finally:
            running.close()


Samples = dict[str, list[float]]


def add(samples: Samples, name: str, value: float) -> None:
    samples.setdefault(name, []).append(value)


def table_moves(app: PtyProgram, samples: Samples, quiet: float) -> None:
    """Start-up, then moving through the table: what the console and the anchor share."""
    add(samples, "start-up", app.settle(1.0, limit=120, until=b"passwords shown"))
    downs = [app.key(DOWN, quiet) for _ in range(100)]
    add(samples, "cursor move", statistics.median(downs[:5]))
    add(samples, "scroll step (j 61-100)", statistics.median(downs[60:]))
    add(samples, "100 rows with j (sum)", sum(downs))
    add(samples, "page down", statistics.median(app.key(PAGE_DOWN, quiet) for _ in range(5)))
    add(samples, "100 rows with j held (30/s)", app.held(DOWN, 100, KEY_REPEAT, quiet))


def console_run(
    samples: Samples, colours: str, size: tuple[int, int], args: list[str], quiet: float
) -> None:
    argv = [sys.executable, "-m", "tui", "--demo", "--demo-items", str(ITEMS), *args]
    with program(argv, colours, size) as app:
        table_moves(app, samples, quiet)
        add(samples, "open the filter", app.key(b"/", quiet))
        add(
            samples,
            "filter keystroke",
            statistics.median(app.key(c.encode(), quiet) for c in "prod"),
        )
        app.key(ESC, quiet)
        add(samples, "open the log panel", app.key(b"l", quiet))
        app.key(b"l", quiet)
        app.settle(1.0)
        add(samples, "10 s idle, table focused", app.window(10))
        # Every row marked, d: the confirmation wants the count typed; one digit puts
        # the focus in its input, where a blinking cursor would draw while idle.
        app.key(b"*", quiet)
        os.write(app.master, b"d")
        app.settle(1.0, until=b"press enter")
        # (Not quiet for 1 s here: a blinking cursor draws every 0.5 s.)
        app.key(b"1", quiet)
        add(samples, "10 s idle, an input focused", app.window(10))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def batch_run(
    samples: Samples, colours: str, size: tuple[int, int], args: list[str], quiet: float
) -> None:
    """Bytes per second while a batch runs (a simulator on a socket, 20 ms a request)."""
    port = free_port()
    simulator = subprocess.Popen(
        [
            *(sys.executable, "-m", "tui", "simulate", "--port", str(port)),
            *("--latency-ms", "20", "--passwords", "400", "--api-secrets", "1"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        wait_for_port(port)
        argv = [sys.executable, "-m", "tui", "--concurrency", "1", *args]
        server = {
            "MYSAFE_URL": f"http://127.0.0.1:{port}",
            "MYSAFE_CLIENT_ID": "mysafe-demo",
            "MYSAFE_CLIENT_SECRET": "demo-secret-not-for-production",
        }
        with program(argv, colours, size, **server) as app:
            app.settle(1.0, limit=120, until=b"passwords shown")
            app.key(b"*", quiet)
            os.write(app.master, b"d")
            app.settle(1.0, until=b"press enter")
            found = TYPE_COUNT.search(bytes(app.seen))
            assert found is not None
            os.write(app.master, found.group(1) + b"\r")
            windows = [app.window(1.0)]
            # Until a silent second: the batch has ended (its last toast drawn).
            while windows[-1] and len(windows) < 60:
                windows.append(app.window(1.0))
            # The first second opens the batch, the last one or two end it.
            steady = windows[1:-2] or windows
            print(f"  batch, bytes per second: {windows}", file=sys.stderr, flush=True)
            add(samples, "running batch, per second", statistics.median(steady))
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)


def wait_for_port(port: int, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)  # polling a condition (the port answers), not timing a result
    raise TimeoutError(f"the simulator did not listen on {port}")


def anchor_run(
    samples: Samples, colours: str, size: tuple[int, int], args: list[str], quiet: float
) -> None:
    argv = [sys.executable, str(HERE / "datatable_anchor.py"), "--items", str(ITEMS)]
    with program(argv, colours, size) as app:
        table_moves(app, samples, quiet)
        app.settle(1.0)
        add(samples, "10 s idle, table focused", app.window(10))


Run = Callable[[Samples, str, tuple[int, int], list[str], float], None]


def measure(
    run: Run, reps: int, colours: str, size: tuple[int, int], args: list[str], quiet: float
) -> dict[str, float]:
    samples: Samples = {}
    for _ in range(reps):
        run(samples, colours, size, args, quiet)
    return {name: statistics.median(values) for name, values in samples.items()}


def kb(value: float) -> str:
    return f"{value / 1000:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--sizes", default="120x40,80x24")
    parser.add_argument("--colours", default="truecolor,256")
    parser.add_argument("--console-args", default="", help="extra console arguments")
    parser.add_argument("--quiet-ms", type=float, default=200)
    parser.add_argument("--no-anchor", action="store_true")
    parser.add_argument("--no-batch", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the medians here")
    args = parser.parse_args()
    extra = args.console_args.split()
    quiet = args.quiet_ms / 1000
    results: dict[str, dict[str, float]] = {}
    for size_text in args.sizes.split(","):
        columns, rows = (int(part) for part in size_text.split("x"))
        for colours in args.colours.split(","):
            where = f"{size_text} {colours}"
            results[f"console {where}"] = measure(
                console_run, args.reps, colours, (columns, rows), extra, quiet
            )
            if not args.no_batch:
                results[f"console {where}"].update(
                    measure(batch_run, args.reps, colours, (columns, rows), extra, quiet)
                )
            if not args.no_anchor:
                results[f"DataTable {where}"] = measure(
                    anchor_run, args.reps, colours, (columns, rows), [], quiet
                )
            print(f"done: {where}", file=sys.stderr, flush=True)
    metrics = list(dict.fromkeys(m for values in results.values() for m in values))
    print(f"KB written to the terminal, median of {args.reps}; console args: {extra or 'none'}")
    header = ["action", *results]
    print(" | ".join(header))
    for metric in metrics:
        cells = [kb(values[metric]) if metric in values else "-" for values in results.values()]
        print(" | ".join([metric, *cells]))
    if args.json:
        args.json.write_text(json.dumps({"args": extra, "results": results}, indent=2))


if __name__ == "__main__":
    main()
