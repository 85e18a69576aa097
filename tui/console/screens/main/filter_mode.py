"""Filter mode of the main screen: the keys edit the table model's query, in order.

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
            self.screen.model().set_filter("")
        self.show()

    def key(self, event: Key) -> None:
        """A key typed in filter mode: an edit, enter (keep) or esc (clear)."""
        if event.key in ("enter", "escape"):
            event.stop()
            table = self.screen.table()
            self.stop(clear=event.key == "escape")
            self.screen.set_focus(table)
            return
        model = self.screen.model()
        query = edit(model.filter_query, event.key, event.character)
        if query is not None:
            event.stop()
            model.set_filter(query)
            self.show()

    def paste(self, text: str) -> None:
        """A paste while filtering: its first line joins the query."""
        line = text.splitlines()[0] if text else ""
        model = self.screen.model()
        model.set_filter(model.filter_query + line)
        self.show()

    def show(self) -> None:
        self.screen.query_one(FilterLine).show(self.screen.model().filter_query, self.active)
        self.screen.filter_changed()
