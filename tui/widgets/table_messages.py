"""What the item table tells the screen: the cursor moved, the marks changed, enter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tui.widgets.item_table import ItemTable


class CursorMoved(Message, namespace="item_table"):
    """The row under the cursor changed (key is None when nothing is shown)."""

    def __init__(self, table: ItemTable, key: str | None) -> None:
        super().__init__()
        self.table = table
        self.key = key

    @property
    def control(self) -> ItemTable:
        return self.table


class MarksChanged(Message, namespace="item_table"):
    def __init__(self, table: ItemTable, marked: int, hidden: int) -> None:
        super().__init__()
        self.table = table
        self.marked = marked
        self.hidden = hidden

    @property
    def control(self) -> ItemTable:
        return self.table


class Activated(Message, namespace="item_table"):
    """enter on a row: the operator wants to read it in full."""

    def __init__(self, table: ItemTable, key: str) -> None:
        super().__init__()
        self.table = table
        self.key = key

    @property
    def control(self) -> ItemTable:
        return self.table
