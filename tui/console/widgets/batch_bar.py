"""The running batch: what it does, how far it is, and that esc stops it; shown in
the status line's place (``BottomLine``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from tui.api import Action
from tui.ops import BatchRun

if TYPE_CHECKING:
    from textual.widgets import ProgressBar


class BatchBar(Horizontal):
    """Built by ``BottomLine`` when the first confirmation opens (or the first batch
    begins), not at the start: its six nodes (the progress bar has four) styled,
    laid out and mounted for a bar nobody sees until then cost the first frame
    about 10 ms of CPU. Its parts are built here,
    so ``begin`` and ``advance`` may run before they are mounted."""

    def __init__(self) -> None:
        super().__init__(id="batch-bar")
        # Textual's progress bar is imported with the first batch, not at the start
        # (about 2 ms that the first frame would otherwise wait for).
        from textual.widgets import ProgressBar

        self.label = Static("", id="batch-label", markup=False)
        # A total from the start: an indeterminate bar animates even while hidden.
        self.progress: ProgressBar = ProgressBar(total=1, id="batch-progress", show_eta=True)

    def compose(self) -> ComposeResult:
        yield self.label
        yield self.progress

    @staticmethod
    def _verb(run: BatchRun) -> str:
        return "Deactivating" if run.plan.action is Action.DEACTIVATE else "Activating"

    def begin(self, run: BatchRun) -> None:
        self.progress.update(total=run.total, progress=0)
        # Its width is fixed (the stylesheet's): a new text needs no layout pass.
        self.label.update(f"{self._verb(run)} {run.total} · esc stops", layout=False)

    def advance(self, run: BatchRun) -> None:
        self.progress.update(progress=run.done)
        if run.stopping:
            text = f"Stopping: {len(run.in_flight)} in flight, {run.done}/{run.total} done"
        else:
            text = f"{self._verb(run)} {run.done}/{run.total} · esc stops"
        self.label.update(text, layout=False)


class BottomLine(Vertical):
    """The row under the tables: ``status``, or while a batch runs its ``BatchBar``
    in the same place. A batch starting or ending so leaves the tables' size alone:
    when the bar took a row of its own, resizing the tables and detail panes as it
    came and went cost about 0.1 s of a 1 000-item batch's 1.8 s."""

    def __init__(self, status: Widget) -> None:
        super().__init__(id="bottom-line")
        self._status = status
        #: The batch bar, once prepared (None until then).
        self.bar: BatchBar | None = None

    def compose(self) -> ComposeResult:
        yield self._status

    def prepare(self) -> BatchBar:
        """The batch bar, built and mounted (hidden) if it was not yet: before a
        batch is sent (the confirmation asks for it), so that the batch's start
        only shows it (a bar mounted then cost its batch two layout passes and
        about 2 % of a 1 000-item batch's time)."""
        bar = self.bar
        if bar is None:
            bar = self.bar = BatchBar()
            self.mount(bar)
        return bar

    def begin(self, run: BatchRun) -> None:
        bar = self.prepare()
        bar.begin(run)
        # Swapped by their ``display``, not by a class on this line: a class change
        # styles every node under it again (eleven, about a third of the work at a
        # batch's end), where ``display`` changes two.
        self._status.display = False
        bar.display = True

    def advance(self, run: BatchRun) -> None:
        """The running batch's progress on its bar (nothing before a batch began)."""
        if (bar := self.bar) is not None:
            bar.advance(run)

    def end(self) -> None:
        self._status.display = True
        if (bar := self.bar) is not None:
            bar.display = False
