"""The filter line above the tables, and the keys of filter mode.

There is no ``Input`` here on purpose. Textual hands each key to the widget that
had focus when the key arrived, so in a burst such as ``/git⏎*`` (a fast typist,
a paste, a slow link) the letters were queued for the table before ``/`` had moved
the focus, and were lost or ran as table keys. In filter mode the table keeps the
focus and the screen edits the query as the keys come through, in their order.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from tui.base.safe_text import safe_text
from tui.ops.filtering import FILTER_HINT

#: What the keys do in filter mode (handled by the main screen, in order). Declared
#: as bindings so the help lists them from here, like every other key.
FILTER_KEYS = [
    Binding("enter", "keep_filter", "Keep", tooltip="Back to the table, keeping the filter"),
    Binding("escape", "clear_filter", "Clear", tooltip="Clear the filter (never stops a batch)"),
    Binding("backspace", "delete", "Delete", tooltip="Delete the last character"),
    Binding("ctrl+u", "clear_text", "Clear text", tooltip="Clear the text, stay in the filter"),
    Binding("ctrl+w", "delete_word", "Delete word", tooltip="Delete the last word"),
    Binding("up,down", "move", "Move", tooltip="Move in the table while filtering"),
]


def edit(query: str, key: str, character: str | None) -> str | None:
    """The query after ``key``, or None when the key is not an edit."""
    if key == "backspace":
        return query[:-1]
    if key == "ctrl+u":
        return ""
    if key == "ctrl+w":
        return query.rstrip().rpartition(" ")[0] + (" " if " " in query.rstrip() else "")
    if character is not None and len(character) == 1 and character.isprintable():
        return query + character
    return None


class FilterLine(Static):
    """Shows the query; a cursor and the language's hint while it is edited."""

    def __init__(self) -> None:
        super().__init__("", id="filter", markup=False)

    def show(self, query: str, editing: bool) -> None:
        text = Text("/ ", style="bold")
        text.append(safe_text(query))
        if editing:
            text.append("▏")
            text.append(f"  {FILTER_HINT} · enter keeps · esc clears", style="dim")
        self.update(text)
        self.set_class(editing, "-editing")
        self.display = editing or bool(query)
