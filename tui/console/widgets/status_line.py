"""One line under the tables: marks, what is shown, filters, read-only."""

from __future__ import annotations

from textual.reactive import var
from textual.widgets import Static

from tui.base.safe_text import safe_text


class StatusLine(Static):
    """Shows ``parts``, which the main screen binds to its own ``status``
    (``data_bind``): the screen says what is true, the line only draws it."""

    #: A ``var``: no repaint of its own; ``watch_parts`` updates the text, and only
    #: when the parts changed (a batch asks for the status many times a second).
    parts: var[tuple[str, ...]] = var(())

    def __init__(self) -> None:
        super().__init__("", id="status-line", markup=False)

    def watch_parts(self, parts: tuple[str, ...]) -> None:
        # One fixed-height line: no layout pass (during a batch this runs per outcome,
        # and a layout per frame costs more than the requests themselves).
        self.update(safe_text(" · ".join(parts)), layout=False)
