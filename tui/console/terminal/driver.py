"""The thin-link mode's terminal driver: Textual's own, its output made leaner.

Every write goes through ``LeanOutput`` (tui/console/terminal/output.py), which drops the style
and position sequences that change nothing on the screen. Only Textual's Linux and
macOS driver is replaced; any other (Windows, the browser demo's, a test's) is
kept as it is.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

from textual.driver import Driver

from tui.console.terminal.output import LeanOutput

if TYPE_CHECKING:
    from textual.app import App

if sys.platform != "win32":
    import termios

    from textual.drivers.linux_driver import LinuxDriver

    def next_line() -> str:
        """What takes the cursor to the next line's start on the terminal Textual's
        driver writes to (its standard error): "\\n" where the terminal adds the
        carriage return itself (onlcr, the usual), else "\\r\\n" (a "\\r\\n" would
        cost three bytes where it does)."""
        try:
            flags = termios.tcgetattr(sys.__stderr__.fileno())[1]  # type: ignore[union-attr]
        except (termios.error, OSError, ValueError, AttributeError):
            return "\r\n"
        adds_return = flags & termios.OPOST and flags & termios.ONLCR
        return "\n" if adds_return else "\r\n"

    class LeanLinuxDriver(LinuxDriver):
        """Textual's driver for Linux and macOS, writing fewer bytes for the same screen."""

        def __init__(
            self,
            app: App[Any],
            *,
            debug: bool = False,
            mouse: bool = True,
            size: tuple[int, int] | None = None,
        ) -> None:
            super().__init__(app, debug=debug, mouse=mouse, size=size)
            self.lean = LeanOutput(newline=next_line())
            # The output remembers what the terminal has: one write at a time, and
            # queued in the order it was shortened.
            self.lean_lock = threading.Lock()

        def write(self, data: str) -> None:
            with self.lean_lock:
                super().write(self.lean.shorten(data))


def lean_driver(driver_class: type[Driver]) -> type[Driver]:
    """The driver to use instead of ``driver_class`` (Textual's choice) in the mode."""
    if sys.platform == "win32" or driver_class is not LinuxDriver:
        return driver_class
    return LeanLinuxDriver
