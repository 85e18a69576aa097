"""The browser demo in a real browser: ``mysafe-tui serve`` and headless Debian chromium
driven by playwright (no browser download), for the browser test and the screenshot.

The terminal draws on a canvas, so its text is read from the websocket's binary
frames (the terminal's output bytes), fed to pyte. Every request that would leave
the machine is aborted and counted: a demo must work offline.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pyte

from tui.console.dialogs.confirm_batch import ARMING_DELAY

from support.servers import closed_port

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route, WebSocket

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, and quiet: nothing of the browser's own (updates, sync, field trials)
#: goes on the network, so any request counted is the page's.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def why_no_browser() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]')"
    return None


class ServedDemo:
    """``mysafe-tui serve`` on a free loopback port, until the ``with`` block ends."""

    def __init__(self, env: Mapping[str, str], log: Path) -> None:
        self.env = dict(env)
        self.port = closed_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServedDemo:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tui", "serve", "--port", str(self.port)],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"mysafe-tui serve never answered:\n{self.output()}")
            time.sleep(0.1)
        return self

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=2) as answer:
                return bool(answer.status == 200)
        except OSError:
            return False

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class BrowserTab:
    """One page of the demo: off-machine requests aborted and counted, and the
    terminal's text rebuilt from the websocket frames."""

    def __init__(self, page: Page, size: tuple[int, int] = (250, 100)) -> None:
        self.page = page
        #: Every request (or websocket) that would have left the machine.
        self.blocked: list[str] = []
        self.frames = 0
        self.screen = pyte.Screen(*size)
        self.stream = pyte.ByteStream(self.screen)
        page.route("**/*", self._route)
        page.on("websocket", self._websocket)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOOPBACK:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _websocket(self, websocket: WebSocket) -> None:
        if urlsplit(websocket.url).hostname not in LOOPBACK:
            self.blocked.append(websocket.url)
        websocket.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        # Binary frames are the terminal's output; text frames are textual-serve's
        # own messages (pong, meta).
        if isinstance(payload, bytes):
            self.frames += 1
            self.stream.feed(payload)

    def open(self, url: str, *, focus: bool = True) -> None:
        """Load the page; ``focus``: focus the terminal as a click would (the page
        does it itself; a test of that passes False)."""
        self.page.goto(url)
        if focus:
            # xterm's hidden textarea takes the keys; focusing it, not clicking the
            # canvas, leaves the table's cursor where it is.
            self.page.locator(".xterm-helper-textarea").focus()

    def bottom_line(self) -> str:
        """The terminal's last line with text: the console's key bar."""
        lines = [line.rstrip() for line in self.screen.display if line.strip()]
        return lines[-1] if lines else ""

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        """Poll ``condition``, letting the browser deliver frames meanwhile."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {what}; the screen shows:\n{self.text()}"
                )
            self.page.wait_for_timeout(50)  # playwright's events arrive while we wait

    def wait_for_text(self, text: str, timeout: float = 30.0) -> float:
        """Wait until ``text`` is on screen; the monotonic time it was first seen."""
        self.wait_for(lambda: text in self.text(), repr(text), timeout)
        return time.monotonic()

    def wait_for_dialog(self, text: str) -> None:
        """Wait for a confirmation dialog and until it takes keys (see TmuxTerminal)."""
        armed = self.wait_for_text(text) + ARMING_DELAY
        self.wait_for(lambda: time.monotonic() >= armed, "the dialog to arm")

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {key.decode(errors="replace"): value.decode(errors="replace") for key, value in pairs}


def command_of(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")


def consoles_of(server: int) -> dict[int, dict[str, str]]:
    """The demo consoles the server spawned (one per tab), with their environments."""
    out = {}
    for pid in descendants(server):
        try:
            command = command_of(pid)
            if "--demo" in command and "tui" in command:
                out[pid] = environment_of(pid)
        except OSError:
            continue
    return out


def loopback_only(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without proxies: the browser must reach loopback directly."""
    drop = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    return {k: v for k, v in env.items() if k.lower() not in drop} | {
        "PATH": env.get("PATH", os.defpath)
    }
