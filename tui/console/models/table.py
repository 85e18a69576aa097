"""One table's state, with no Textual in it: its rows and items, what the filter and
the sort show, the marks, each row's status and the cursor.

The main screen owns one per kind of item and plans batches from it (the marked
keys, those the filter hides, the cursor's key); the table widget draws it. The
widget is this model's watcher: every change is told to it (``TableWatcher``) so
it repaints what changed, whoever made the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Generic, Protocol, TypeVar

from tui.console.models.marks import Marks
from tui.console.models.rows import Row, Search, TableRows
from tui.console.models.statuses import RowStatuses
from tui.console.models.view import Sort, TableView
from tui.ops.filtering import Field, reached_by

T = TypeVar("T")


class TableWatcher(Protocol):
    """What a model tells whoever draws it (the widget repaints what changed)."""

    def rows_replaced(self) -> None:
        """Every row was replaced."""

    def view_changed(self) -> None:
        """The filter or the sort changed which rows show, or their order; the
        cursor was placed again."""

    def marks_changed(self, key: str | None) -> None:
        """The mark of ``key`` changed, or those of many rows (None)."""

    def row_changed(self, key: str) -> None:
        """The cells of ``key`` changed."""

    def statuses_changed(self, keys: Sequence[str]) -> None:
        """The statuses of ``keys`` were set or cleared (told once for a bunch)."""

    def cursor_moved(self, old: int) -> None:
        """The cursor moved from ``old`` (a place among the rows shown)."""


class Unwatched:
    """The watcher of a model nothing draws: told everything, does nothing."""

    def rows_replaced(self) -> None:
        pass

    def view_changed(self) -> None:
        pass

    def marks_changed(self, key: str | None) -> None:
        pass

    def row_changed(self, key: str) -> None:
        pass

    def statuses_changed(self, keys: Sequence[str]) -> None:
        pass

    def cursor_moved(self, old: int) -> None:
        pass


class TableModel(Generic[T]):
    """Rows of items with a filter, a sort, marks, per-row statuses and a cursor."""

    def __init__(self) -> None:
        self._rows: TableRows[T] = TableRows()
        self._view = TableView(self._rows)
        self._marks = Marks()
        self._statuses = RowStatuses()
        self._watcher: TableWatcher = Unwatched()

    def watch(self, watcher: TableWatcher) -> None:
        """Tell ``watcher`` of every change from now on (one watcher: the widget)."""
        self._watcher = watcher

    # -- rows and items -------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row]) -> set[str]:
        """Replace every row (no items behind them); the marks and statuses of rows
        that remain are kept. Returns the marked keys that are gone (unmarked)."""
        keep = self._view.cursor_key  # before the old row numbers stop meaning anything
        self._rows.replace(rows)
        return self._replaced(keep)

    def set_source(
        self,
        keys: Sequence[str],
        items: Sequence[T],
        make_row: Callable[[T], Row],
        search: Search[T] | None = None,
    ) -> set[str]:
        """``set_rows`` of ``make_row`` of each item, ``keys`` their keys in order: each
        row is built when first drawn, or all at once when something needs them all
        (a sort, ``filter_index``). The filter searches ``search`` of the items
        (``tui.ops.filtering.item_columns``), or the rows' cells without it. Returns
        the marked keys that are gone."""
        keep = self._view.cursor_key
        self._rows.replace_items(keys, items, make_row, search)
        return self._replaced(keep)

    def _replaced(self, keep: str | None) -> set[str]:
        position = self._rows.position
        dropped = self._marks.keep_only(position)
        self._statuses.keep_only(position)
        self._view.rows_changed(keep)
        self._watcher.rows_replaced()
        return dropped

    def update_row(self, key: str, cells: Sequence[str]) -> bool:
        """Replace one row's cells; False when there is no such row."""
        if not self._rows.replace_row(key, cells):
            return False
        self._view.row_changed()
        self._watcher.row_changed(key)
        return True

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def row(self, key: str) -> Row | None:
        return self._rows.row(key)

    def row_at(self, index: int) -> Row:
        """Row number ``index`` in the server's order (``visible`` holds such numbers)."""
        return self._rows.row_at(index)

    def first_rows(self, count: int) -> list[Row]:
        """The first ``count`` rows in the server's order (to size columns on)."""
        return self._rows.first_rows(count)

    def key_at(self, index: int) -> str:
        return self._rows.keys[index]

    @property
    def items(self) -> Mapping[str, T]:
        """The items by key, as ``set_source`` gave them (empty after ``set_rows``)."""
        return self._rows.items

    def item(self, key: str | None) -> T | None:
        return self._rows.items.get(key) if key is not None else None

    def filter_index(self) -> None:
        """Build every row and what plain words search now (a large list's first
        screen does not wait for it; the widget asks after that frame)."""
        self._rows.all_rows()
        self._rows.column(Field.SHOWN)

    # -- filter and sort ------------------------------------------------------------

    @property
    def filter_query(self) -> str:
        return self._view.query

    def set_filter(self, query: str) -> None:
        """Show the rows ``query`` keeps (the language: ``tui.ops.filtering``)."""
        if self._view.set_query(query):
            self._watcher.view_changed()

    def reached(self, key: str | None) -> list[Field]:
        """The fields beyond ID and Name through which the filter kept the row ``key``
        (``tui.ops.filtering.reached_by``): what the screen must show for the match to
        be seen. Empty without a filter, or when ID or Name matched. One row's worth
        of work: the screen asks for the cursor row."""
        index = self._rows.position.get(key) if key is not None else None
        if index is None or not self._view.query:
            return []
        rows = self._rows
        return reached_by(self._view.terms, lambda field: rows.column(field)[index])

    @property
    def sort(self) -> Sort:
        """(column, descending), or None for the server's order."""
        return self._view.sort

    def set_sort(self, column: int | None, descending: bool = False) -> None:
        self._view.set_sort(None if column is None else (column, descending))
        self._watcher.view_changed()

    def reverse_sort(self) -> None:
        """Flip the sort's direction (sorting by the first column if there is none)."""
        column, descending = self.sort if self.sort is not None else (0, False)
        self.set_sort(column, not descending)

    @property
    def visible(self) -> Sequence[int]:
        """The row numbers shown, in display order (``row_at`` reads them)."""
        return self._view.visible

    @property
    def visible_count(self) -> int:
        return len(self._view.visible)

    def visible_keys(self) -> list[str]:
        return self._view.visible_keys()

    def visible_position(self, key: str) -> int | None:
        """Where the row ``key`` is among the rows shown (None: hidden or absent)."""
        return self._view.position_of(key)

    # -- marks ----------------------------------------------------------------------

    def is_marked(self, key: str) -> bool:
        return key in self._marks

    @property
    def marked_keys(self) -> list[str]:
        """Marked rows in the server's order."""
        rows = self._rows
        # The keys are the table's order only while they are distinct (a list with
        # a repeated identifier keeps one row of it): else sorted by position.
        distinct = rows.keys if len(rows.position) == len(rows.keys) else ()
        return self._marks.in_order(rows.position, distinct)

    @property
    def marked_count(self) -> int:
        return len(self._marks)

    def hidden_marked_keys(self) -> set[str]:
        """Marked rows the filter hides."""
        if not self._marks or self.visible_count == self.row_count:
            return set()
        visible = set(self.visible_keys())
        return {key for key in self._marks if key not in visible}

    @property
    def hidden_marked_count(self) -> int:
        return len(self.hidden_marked_keys())

    def selection(self) -> tuple[list[str], set[str]]:
        """What a batch acts on: the marked keys (or the cursor's, when none is
        marked), and which of them the filter hides."""
        keys = self.marked_keys
        if keys:
            return keys, self.hidden_marked_keys()
        cursor = self.cursor_key
        return ([cursor] if cursor is not None else []), set()

    def toggle_mark(self, key: str) -> None:
        """Mark or unmark one row (nothing when there is no such row)."""
        if key in self._rows:
            self._marks.flip(key)
            self._watcher.marks_changed(key)

    def mark(self, keys: Iterable[str]) -> int:
        """Mark rows, never unmarking one; how many were newly marked."""
        position = self._rows.position
        added = self._marks.add(key for key in keys if key in position)
        if added:
            self._watcher.marks_changed(None)
        return added

    def unmark(self, keys: Iterable[str]) -> None:
        if self._marks.remove(keys):
            self._watcher.marks_changed(None)

    def invert_marks_visible(self) -> None:
        """Mark the rows shown that are not marked, unmark those that are."""
        self._marks.invert(self.visible_keys())
        self._watcher.marks_changed(None)

    def toggle_mark_all_visible(self) -> None:
        """Unmark the rows shown if all are marked, else mark them all."""
        self._marks.flip_all(self.visible_keys())
        self._watcher.marks_changed(None)

    def clear_marks(self) -> int:
        """Unmark every row; how many were marked."""
        count = self._marks.clear()
        self._watcher.marks_changed(None)
        return count

    # -- statuses -------------------------------------------------------------------

    def set_status(self, key: str, label: str | None, *, ok: bool = True) -> None:
        """A short word at the end of the row: what became of the item (None clears)."""
        self.set_statuses([(key, label, ok)])

    def set_statuses(self, statuses: Sequence[tuple[str, str | None, bool]]) -> None:
        """``set_status`` for each (key, label, ok), the watcher told once: a batch's
        outcomes arrive in bunches, and each telling costs the widget a repaint."""
        for key, label, ok in statuses:
            self._statuses.set(key, label, ok)
        if statuses:
            self._watcher.statuses_changed([key for key, _, _ in statuses])

    def status(self, key: str) -> tuple[str, bool] | None:
        """(label, ok) of the row ``key``, or None."""
        return self._statuses.get(key)

    def status_of(self, key: str) -> str | None:
        entry = self._statuses.get(key)
        return entry[0] if entry else None

    def status_labels(self) -> Iterable[str]:
        return self._statuses.labels()

    # -- cursor ---------------------------------------------------------------------

    @property
    def cursor_key(self) -> str | None:
        return self._view.cursor_key

    @property
    def cursor_index(self) -> int:
        """The cursor's place among the rows shown."""
        return self._view.cursor

    def move_cursor(self, position: int) -> None:
        """The cursor to ``position`` among the rows shown (kept within them)."""
        old = self._view.move_cursor(position)
        if old is not None:
            self._watcher.cursor_moved(old)

    def move_cursor_to(self, key: str) -> bool:
        """The cursor on the row ``key``; False when it is hidden or absent."""
        position = self._view.position_of(key)
        if position is None:
            return False
        self.move_cursor(position)
        return True

    def move_cursor_down(self) -> None:
        self.move_cursor(self._view.cursor + 1)
