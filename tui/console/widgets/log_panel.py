"""The log panel: one time-stamped plain-text line per outcome and event."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from textual.widgets import Log

from tui.base.safe_text import safe_text
from tui.console.applog import flush_app_log, log_lines


class LogPanel(Log):
    """A plain-text log (``Log`` never interprets markup), capped in length.

    Lines pass through ``safe_text`` so server text cannot smuggle control
    sequences; ``clock`` is injected so snapshots carry a fixed time.
    """

    MAX_LINES = 5000
    #: Lines are handed to the widget at most this often: each hand-over resizes the
    #: log, which costs a layout pass, and a batch produces hundreds of lines a second
    #: (0.1 s to 0.5 s took about 5 % off a 1 000-item batch through the console).
    FLUSH_EVERY = 0.5
    #: While the panel is hidden its lines wait (up to this many, then the oldest go:
    #: the widget keeps ``MAX_LINES`` anyway) and are handed over when it is shown.
    HIDDEN_HOLD = 2 * MAX_LINES

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(max_lines=self.MAX_LINES, highlight=False, id=id)
        self._clock = clock
        self._pending: list[str] = []
        #: The flush's one-shot timer is set (lines wait for the widget or the app log).
        self._flush_set = False
        self.border_title = "Log (times UTC)"

    def add(self, line: str) -> None:
        self.add_lines([line])

    def add_lines(self, lines: Sequence[str]) -> None:
        """Lines told at the same moment (a bunch of outcomes): one time stamp, and
        handed to the app log together."""
        if not lines:
            return
        texts = [safe_text(line) for line in lines]
        stamp = self._clock().strftime("%H:%M:%S")
        if not self._flush_set:
            # A one-shot timer, only while lines wait: nothing ticks when idle.
            self._flush_set = True
            self.set_timer(self.FLUSH_EVERY, self.flush)
        self._pending += [f"{stamp} {text}" for text in texts]
        if len(self._pending) > self.HIDDEN_HOLD:
            del self._pending[: -self.MAX_LINES]
        # The same lines go to the rotating app log, when one is open: written
        # with the next flush (within FLUSH_EVERY), or at once at the program's end.
        log_lines(texts)

    def flush(self) -> None:
        """Write the app log's waiting lines, and hand ours to the widget; while the
        panel is hidden they wait for ``on_show`` (a hand-over to a hidden log still
        costs a layout pass, 2 a second through a batch, with the panel hidden as it
        is by default)."""
        self._flush_set = False
        flush_app_log()
        if self.display:
            self._hand_over()

    def on_show(self) -> None:
        self._hand_over()

    def _hand_over(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            self.write_lines(pending)

    def all_lines(self) -> list[str]:
        """Every line so far, including those not yet handed to the widget."""
        self._hand_over()
        return list(self.lines)
