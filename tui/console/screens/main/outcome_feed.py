"""A batch's answers, shown at most every ``every`` seconds, all at once.

A batch answers hundreds of items a second, and a repaint per answer (its row,
its log line, the progress bar) cost more than sending them. The journal is
written before the feed hears of an outcome, so nothing of record waits here:
only what the screen shows catches up, within a quarter of a second (half a
second in the thin-link mode).

A quarter, not a tenth (issue 23): each showing is a frame, drawn in the thread
the client's requests run in. In a real terminal (`run_all.py --only batch`) a
1 000-item batch through the console went from 1.19-1.20x the command line's
batch to 1.12-1.14x in the runs that compared the two; later runs of the whole
table gave 1.17-1.22x (docs/benchmarks.md). Progress four times a second still
reads as moving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.timer import Timer

from tui.api import Kind
from tui.console.widgets import BottomLine
from tui.ops import BatchRun, ItemOutcome, Result

if TYPE_CHECKING:
    from tui.console.screens.main.ports import MainView


class OutcomeFeed:
    SHOW_EVERY = 0.25
    #: In the thin-link mode (tui/console/terminal/link_mode.py): progress twice a second at most.
    SLOW_LINK_EVERY = 0.5

    def __init__(self, screen: MainView, every: float = SHOW_EVERY) -> None:
        self.screen = screen
        self.every = every
        self._unshown: list[ItemOutcome] = []
        #: One-shot, set only while outcomes wait: nothing ticks between batches.
        self._timer: Timer | None = None
        #: How many times the progress bar was updated (tests bound it).
        self.progress_shown = 0

    def add(self, run: BatchRun, outcome: ItemOutcome) -> None:
        if self._timer is None:
            self._timer = self.screen.set_timer(self.every, lambda: self.show(run))
        self._unshown.append(outcome)

    def show(self, run: BatchRun) -> None:
        """Every outcome not yet shown: its row's status, its log line, the progress."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        unshown, self._unshown = self._unshown, []
        screen = self.screen
        # Told together: each kind's table once, the log its lines in one hand-over.
        statuses: dict[Kind, list[tuple[str, str | None, bool]]] = {}
        lines: list[str] = []
        for outcome in unshown:
            ref = outcome.ref
            statuses.setdefault(ref.kind, []).append(
                (ref.identifier, outcome.row_label, outcome.ok)
            )
            line = outcome.line()
            lines.append(line)
            if outcome.result in (Result.FAILED, Result.IN_DOUBT):
                what = f"{outcome.action.value} {ref.kind.noun} {ref.identifier}"
                screen.mysafe.record_error(what, line)
        for kind, entries in statuses.items():
            screen.model(kind).set_statuses(entries)
        screen.log_lines(lines)
        if not run.finished:
            screen.query_one(BottomLine).advance(run)
            self.progress_shown += 1
