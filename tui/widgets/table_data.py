"""The item table's data, apart from how it is drawn: the rows, the filter, marks,
per-row statuses and the cursor position, with the queries over them.

No Textual here. :class:`~tui.widgets.item_table.ItemTable` inherits this class
rather than holding an instance, so ``render_line`` (run for every line drawn)
reads the rows straight off the widget, with no extra lookup.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from rich.cells import cell_len

from tui.safe_text import safe_cells, safe_text
from tui.widgets.table_columns import Row


class TableData:
    """Rows kept as plain tuples; the filter swaps a sorted list of row indices."""

    def _init_data(self) -> None:
        self._rows: list[Row] = []
        self._position: dict[str, int] = {}
        self._haystack: list[str] = []
        self._visible: list[int] = []
        self._cursor = 0
        self._marks: set[str] = set()
        self._status: dict[str, tuple[str, bool]] = {}
        #: Cells of the widest status label (0: no status column).
        self._status_width = 0
        self._filter = ""

    # -- rows -----------------------------------------------------------------------

    def _store_rows(self, rows: Sequence[Row]) -> None:
        """Replace every row, keeping the marks and statuses of rows that remain."""
        self._rows = [Row(row.key, safe_cells(row.cells)) for row in rows]
        self._position = {row.key: index for index, row in enumerate(self._rows)}
        self._haystack = [" ".join(row.cells).lower() for row in self._rows]
        self._marks &= self._position.keys()
        self._status = {k: v for k, v in self._status.items() if k in self._position}

    def _store_row(self, key: str, cells: Sequence[str]) -> bool:
        """Replace one row's cells; False when there is no such row."""
        index = self._position.get(key)
        if index is None:
            return False
        row = Row(key, safe_cells(cells))
        self._rows[index] = row
        self._haystack[index] = " ".join(row.cells).lower()
        return True

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def visible_count(self) -> int:
        return len(self._visible)

    def visible_keys(self) -> list[str]:
        return [self._rows[index].key for index in self._visible]

    def row(self, key: str) -> Row | None:
        index = self._position.get(key)
        return self._rows[index] if index is not None else None

    def status_of(self, key: str) -> str | None:
        entry = self._status.get(key)
        return entry[0] if entry else None

    def _store_status(self, key: str, label: str | None, ok: bool) -> bool:
        """Set or clear a row's status; True when the widest label changed."""
        if label is None:
            self._status.pop(key, None)
            width = max((cell_len(text) for text, _ in self._status.values()), default=0)
        else:
            text = safe_text(label)
            self._status[key] = (text, ok)
            # Growing only: a batch of 100 000 outcomes must not rescan them all.
            width = max(self._status_width, cell_len(text))
        if width == self._status_width:
            return False
        self._status_width = width
        return True

    def _visible_position(self, key: str) -> int | None:
        """Where the row ``key`` is among the visible rows (None: hidden or absent)."""
        index = self._position.get(key)
        if index is None:
            return None
        position = bisect_left(self._visible, index)
        if position < len(self._visible) and self._visible[position] == index:
            return position
        return None

    # -- filter ---------------------------------------------------------------------

    @property
    def filter_query(self) -> str:
        return self._filter

    def _select(self, keep: str | None) -> None:
        """Show the rows matching the filter, the cursor on ``keep`` or after it."""
        terms = self._filter.lower().split()
        if terms:
            haystack = self._haystack
            self._visible = [
                index for index, text in enumerate(haystack) if all(t in text for t in terms)
            ]
        else:
            self._visible = list(range(len(self._rows)))
        self._cursor = 0
        if keep is not None and keep in self._position:
            target = self._position[keep]
            # The nearest visible row at or after the old one (the list is sorted).
            self._cursor = min(bisect_left(self._visible, target), max(len(self._visible) - 1, 0))

    # -- marks and cursor -----------------------------------------------------------

    def _flip_mark(self, key: str) -> bool:
        """Mark or unmark one row; False when there is no such row."""
        if key not in self._position:
            return False
        if key in self._marks:
            self._marks.discard(key)
        else:
            self._marks.add(key)
        return True

    def _unmark(self, keys: Iterable[str]) -> bool:
        """Unmark rows; True when any was marked."""
        before = len(self._marks)
        self._marks.difference_update(keys)
        return len(self._marks) != before

    def _flip_visible_marks(self) -> None:
        """Unmark the visible rows if all are marked, else mark them all."""
        keys = self.visible_keys()
        if keys and all(key in self._marks for key in keys):
            self._marks.difference_update(keys)
        else:
            self._marks.update(keys)

    def is_marked(self, key: str) -> bool:
        return key in self._marks

    @property
    def marked_keys(self) -> list[str]:
        """Marked rows in table order."""
        return sorted(self._marks, key=self._position.__getitem__)

    @property
    def marked_count(self) -> int:
        return len(self._marks)

    @property
    def hidden_marked_count(self) -> int:
        return len(self.hidden_marked_keys())

    def hidden_marked_keys(self) -> set[str]:
        """Marked rows the filter hides."""
        if not self._marks or len(self._visible) == len(self._rows):
            return set()
        visible = {self._rows[index].key for index in self._visible}
        return {key for key in self._marks if key not in visible}

    @property
    def cursor_key(self) -> str | None:
        if not self._visible:
            return None
        return self._rows[self._visible[self._cursor]].key

    @property
    def cursor_index(self) -> int:
        return self._cursor
