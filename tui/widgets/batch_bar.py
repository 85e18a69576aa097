"""The running batch: what it does, how far it is, and that esc stops it."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from tui.api import Action
from tui.ops import BatchRun


class BatchBar(Horizontal):
    #: Seconds between progress repaints in the thin-link mode (tui/link_mode.py).
    SLOW_LINK_EVERY = 0.5

    def __init__(
        self, *, repaint_every: float = 0.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(id="batch-bar")
        #: Progress is repainted at most this often (0: on every outcome); the last
        #: one held back is painted when the interval is over.
        self.repaint_every = repaint_every
        self._clock = clock
        self._painted_at = float("-inf")
        self._held: BatchRun | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="batch-label", markup=False)
        # A total from the start: an indeterminate bar animates even while hidden.
        yield ProgressBar(total=1, id="batch-progress", show_eta=True)

    def on_mount(self) -> None:
        self.display = False

    @staticmethod
    def _verb(run: BatchRun) -> str:
        return "Deactivating" if run.plan.action is Action.DEACTIVATE else "Activating"

    def begin(self, run: BatchRun) -> None:
        self.query_one(ProgressBar).update(total=run.total, progress=0)
        self.query_one("#batch-label", Static).update(f"{self._verb(run)} {run.total} · esc stops")
        self.display = True

    def advance(self, run: BatchRun) -> None:
        wait = self._painted_at + self.repaint_every - self._clock()
        if wait > 0:
            if self._held is None:
                self.set_timer(wait, self.paint_held)
            self._held = run
            return
        self._painted_at = self._clock()
        self.query_one(ProgressBar).update(progress=run.done)
        if run.stopping:
            text = f"Stopping: {len(run.in_flight)} in flight, {run.done}/{run.total} done"
        else:
            text = f"{self._verb(run)} {run.done}/{run.total} · esc stops"
        self.query_one("#batch-label", Static).update(text, layout=False)

    def paint_held(self) -> None:
        """Paint the progress held back by the repaint interval, if any."""
        held, self._held = self._held, None
        if held is not None and self.display:
            self._painted_at = float("-inf")
            self.advance(held)

    def end(self) -> None:
        self._held = None
        self.display = False
