"""What a table shows of its rows: the filter, the sort, and the cursor among them.

The rows shown are a list of row numbers in the sort's order (the server's order
when there is none), swapped whole when the filter changes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any

from tui.console.models.rows import TableRows
from tui.ops.filtering import Term, narrows, parse

#: A sort: (column, descending); None is the server's order.
Sort = tuple[int, bool] | None


class TableView:
    """The rows of ``rows`` the filter keeps, in the sort's order, and the cursor."""

    def __init__(self, rows: TableRows[Any]) -> None:
        self._rows = rows
        self._query = ""
        #: The terms the shown rows were selected with (empty: every row was scanned).
        self._terms: list[Term] = []
        self._sort: Sort = None
        #: Row numbers in sort order, and each row's place in it (None: unsorted).
        self._order: list[int] | None = None
        self._rank: list[int] | None = None
        self._visible: list[int] = []
        self._cursor = 0

    # -- reading --------------------------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    @property
    def terms(self) -> list[Term]:
        """The query's terms (the language: ``tui.ops.filtering``)."""
        return parse(self._query)

    @property
    def sort(self) -> Sort:
        return self._sort

    @property
    def visible(self) -> Sequence[int]:
        """The row numbers shown, in display order."""
        return self._visible

    def visible_keys(self) -> list[str]:
        keys = self._rows.keys
        return [keys[index] for index in self._visible]

    @property
    def cursor(self) -> int:
        """The cursor's place among the rows shown."""
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        if not self._visible:
            return None
        return self._rows.keys[self._visible[self._cursor]]

    def position_of(self, key: str) -> int | None:
        """Where the row ``key`` is among the rows shown (None: hidden or absent)."""
        index = self._rows.position.get(key)
        if index is None:
            return None
        position = self._place(index)
        if position < len(self._visible) and self._visible[position] == index:
            return position
        return None

    def _place(self, index: int) -> int:
        """Where row ``index`` is, or would be, among the rows shown."""
        rank = self._rank
        if rank is None:
            return bisect_left(self._visible, index)
        return bisect_left(self._visible, rank[index], key=rank.__getitem__)

    # -- changing -------------------------------------------------------------------

    def rows_changed(self, keep: str | None) -> None:
        """The rows were replaced: sort and filter them again, the cursor on ``keep``."""
        self._terms = []  # the next filter scans them all
        self._sort_rows()
        self._select(keep)

    def row_changed(self) -> None:
        """A row's cells changed: the next filter scans every row."""
        self._terms = []

    def set_query(self, query: str) -> bool:
        """Show the rows ``query`` keeps (the language: ``tui.ops.filtering``); False if
        unchanged."""
        if query == self._query:
            return False
        keep = self.cursor_key
        self._query = query
        self._select(keep)
        return True

    def set_sort(self, sort: Sort) -> None:
        keep = self.cursor_key
        self._sort = sort
        self._sort_rows()
        # The rows shown are in the old order: the filter scans them all again, in
        # the new one (narrowing them would keep the old order under a new header).
        self._terms = []
        self._select(keep)

    def move_cursor(self, position: int) -> int | None:
        """The cursor to ``position`` (kept within the rows shown); where it was, or
        None when it did not move."""
        if not self._visible:
            return None
        position = max(0, min(position, len(self._visible) - 1))
        if position == self._cursor:
            return None
        old, self._cursor = self._cursor, position
        return old

    def _sort_rows(self) -> None:
        if self._sort is None:
            self._order = self._rank = None
            return
        column, descending = self._sort
        rows = self._rows.all_rows()

        def key(index: int) -> tuple[int, int | str]:
            cells = rows[index].cells
            text = cells[column] if column < len(cells) else ""
            # Identifiers are digits: 9 before 10, not after it.
            return (0, int(text)) if text.isdigit() else (1, text.casefold())

        self._order = sorted(range(len(rows)), key=key, reverse=descending)
        rank = [0] * len(rows)
        for place, index in enumerate(self._order):
            rank[index] = place
        self._rank = rank

    def _select(self, keep: str | None) -> None:
        """Show the rows matching the filter, the cursor on ``keep`` or after it."""
        terms = parse(self._query)
        everything = self._order if self._order is not None else range(len(self._rows))
        if not terms:
            self._visible = list(everything)
        else:
            # Typing one more character only narrows: scan what was shown, not all.
            pool: Iterable[int] = self._visible if narrows(self._terms, terms) else everything
            for term in terms:  # each term narrows what the one before kept
                pool = term.select(pool, self._rows)
            self._visible = list(pool)
        self._terms = terms
        self._cursor = 0
        target = self._rows.position.get(keep) if keep is not None else None
        if target is not None:
            # The nearest visible row at or after the old one, in display order.
            self._cursor = min(self._place(target), max(len(self._visible) - 1, 0))
