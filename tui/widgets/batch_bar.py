"""The running batch: what it does, how far it is, and that esc stops it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from tui.api import Action
from tui.ops import BatchRun


class BatchBar(Horizontal):
    def __init__(self) -> None:
        super().__init__(id="batch-bar")

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
        self.query_one(ProgressBar).update(progress=run.done)
        if run.stopping:
            text = f"Stopping: {len(run.in_flight)} in flight, {run.done}/{run.total} done"
        else:
            text = f"{self._verb(run)} {run.done}/{run.total} · esc stops"
        self.query_one("#batch-label", Static).update(text, layout=False)

    def end(self) -> None:
        self.display = False
