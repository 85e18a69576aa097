"""Filter mode of the main screen: the keys edit the table's query, in order.

Why not an ``Input``: see :mod:`tui.console.widgets.filter_line`. The screen hands every
key that reaches it here while the mode is on; what is not an edit (arrows, tab,
ctrl+q) keeps its usual meaning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.events import Key

from tui.console.widgets.filter_line import FilterLine, edit

if TYPE_CHECKING:
    from tui.console.screens.main.ports import MainView


class FilterMode:
    def __init__(self, screen: MainView) -> None:
        self.screen = screen
        self.active = False

    def start(self) -> None:
        self.screen.minimize()  # the filter line is not part of a full-screen detail view
        self.active = True
        self.screen.set_focus(self.screen.table())
        self.show()

    def stop(self, *, clear: bool = False) -> None:
        self.active = False
        if clear:
            self.screen.table().set_filter("")
        self.show()

    def key(self, event: Key) -> None:
        """A key typed in filter mode: an edit, enter (keep) or esc (clear)."""
        table = self.screen.table()
        if event.key in ("enter", "escape"):
            event.stop()
            self.stop(clear=event.key == "escape")
            self.screen.set_focus(table)
            return
        query = edit(table.filter_query, event.key, event.character)
        if query is not None:
            event.stop()
            table.set_filter(query)
            self.show()

    def paste(self, text: str) -> None:
        """A paste while filtering: its first line joins the query."""
        line = text.splitlines()[0] if text else ""
        self.screen.table().set_filter(self.screen.table().filter_query + line)
        self.show()

    def show(self) -> None:
        self.screen.query_one(FilterLine).show(self.screen.table().filter_query, self.active)
        self.screen.update_status()
