"""One line under the tables: marks, what is shown, filters, read-only."""

from __future__ import annotations

from textual.widgets import Static

from tui.base.safe_text import safe_text


class StatusLine(Static):
    def __init__(self) -> None:
        super().__init__("", id="status-line", markup=False)

    def show_parts(self, parts: list[str]) -> None:
        # One fixed-height line: no layout pass (during a batch this runs per outcome,
        # and a layout per frame costs more than the requests themselves).
        self.update(safe_text(" · ".join(parts)), layout=False)
