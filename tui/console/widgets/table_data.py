"""The item table's data, apart from how it is drawn: the rows, the filter, marks,
per-row statuses and the cursor position, with the queries over them.

No Textual here. :class:`~tui.console.widgets.item_table.ItemTable` inherits this class
rather than holding an instance, so ``render_line`` (run for every line drawn)
reads the rows straight off the widget, with no extra lookup.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from operator import attrgetter
from typing import Any, TypeVar, cast

from rich.cells import cell_len

from tui.base.gc_pause import paused_gc
from tui.base.safe_text import safe_cells, safe_text
from tui.console.widgets.table_columns import Row
from tui.console.widgets.table_query import Term, narrows, parse

T = TypeVar("T")


class TableData:
    """Rows kept as plain tuples; the filter swaps a list of row indices, kept in
    the order of the sort (the server's order when there is none)."""

    def _init_data(self) -> None:
        #: The rows; None where a row is not built yet (``_store_source``).
        self._rows: list[Row | None] = []
        #: Each row's key, in row order (known before the rows are built).
        self._keys: list[str] = []
        #: What the rows not built yet are made from: (items, make_row).
        self._source: tuple[Sequence[Any], Callable[[Any], Row]] | None = None
        self._position: dict[str, int] = {}
        #: Each row's cells joined and lowered, for the filter; None until first
        #: needed (``filter_index``), so a large list's first screen does not wait.
        self._haystack: list[str] | None = None
        self._visible: list[int] = []
        self._cursor = 0
        self._marks: set[str] = set()
        self._status: dict[str, tuple[str, bool]] = {}
        #: Cells of the widest status label (0: no status column).
        self._status_width = 0
        self._filter = ""
        self._terms: list[Term] = []
        #: (column, descending) or None for the server's order.
        self._sort: tuple[int, bool] | None = None
        #: Row indices in sort order, and each row's place in it (None: unsorted).
        self._order: list[int] | None = None
        self._rank: list[int] | None = None

    # -- rows -----------------------------------------------------------------------

    def _store_rows(self, rows: Sequence[Row]) -> None:
        """Replace every row, keeping the marks and statuses of rows that remain."""
        built = list(clean_rows(rows))
        self._source = None
        self._rows = list[Row | None](built)
        self._keys = [row.key for row in built]
        self._rows_changed()

    def _store_source(
        self, keys: Sequence[str], items: Sequence[T], make_row: Callable[[T], Row]
    ) -> None:
        """Replace every row by ``make_row`` of each item, ``keys`` their keys, each row
        built when first needed (``_row_at``) or all at once (``_complete_rows``)."""
        if len(keys) != len(items):
            raise ValueError(f"{len(keys)} keys for {len(items)} items")
        self._source = (items, make_row)
        self._rows = [None] * len(items)
        self._keys = list(keys)
        self._rows_changed()

    def _row_at(self, index: int) -> Row:
        """The row at ``index``, built now if it was not."""
        row = self._rows[index]
        if row is None:
            assert self._source is not None
            items, make_row = self._source
            row = self._rows[index] = clean_rows([make_row(items[index])])[0]
        return row

    def _complete_rows(self) -> list[Row]:
        """Every row, those not built yet built now (what sort and filter need)."""
        if self._source is not None:
            items, make_row = self._source
            # All of them again: those built already come out the same (a row
            # replaced since, by ``_store_row``, completed the rows first).
            with paused_gc():  # 100 000 rows at once: see ``tui.base.gc_pause``
                self._rows = list[Row | None](clean_rows(list(map(make_row, items))))
            self._source = None
        return cast(list[Row], self._rows)  # no None left

    def _first_rows(self, count: int) -> list[Row]:
        """The first ``count`` rows in the server's order (to size the columns on)."""
        return [self._row_at(index) for index in range(min(count, len(self._rows)))]

    def _rows_changed(self) -> None:
        self._position = dict(zip(self._keys, range(len(self._keys)), strict=True))
        self._haystack = None
        self._marks &= self._position.keys()
        self._status = {k: v for k, v in self._status.items() if k in self._position}
        self._terms = []  # the rows changed: the next filter scans them all
        self._sort_rows()

    def _store_row(self, key: str, cells: Sequence[str]) -> bool:
        """Replace one row's cells; False when there is no such row."""
        index = self._position.get(key)
        if index is None:
            return False
        self._complete_rows()  # or completing them would bring the old row back
        row = Row(key, safe_cells(cells))
        self._rows[index] = row
        if self._haystack is not None:
            self._haystack[index] = " ".join(row.cells).lower()
        self._terms = []
        return True

    def filter_index(self) -> list[str]:
        """Each row's cells joined and lowered (what the filter searches), built on
        first use: for 100 000 rows that is a few tens of milliseconds."""
        if self._haystack is None:
            rows = self._complete_rows()
            self._haystack = [" ".join(row.cells).lower() for row in rows]
        return self._haystack

    # -- sort -----------------------------------------------------------------------

    @property
    def sort(self) -> tuple[int, bool] | None:
        return self._sort

    def _sort_rows(self) -> None:
        if self._sort is None:
            self._order = self._rank = None
            return
        column, descending = self._sort
        rows = self._complete_rows()

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

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def visible_count(self) -> int:
        return len(self._visible)

    def visible_keys(self) -> list[str]:
        keys = self._keys
        return [keys[index] for index in self._visible]

    def row(self, key: str) -> Row | None:
        index = self._position.get(key)
        return self._row_at(index) if index is not None else None

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
        rank = self._rank
        if rank is None:
            position = bisect_left(self._visible, index)
        else:
            position = bisect_left(self._visible, rank[index], key=rank.__getitem__)
        if position < len(self._visible) and self._visible[position] == index:
            return position
        return None

    # -- filter ---------------------------------------------------------------------

    @property
    def filter_query(self) -> str:
        return self._filter

    def _select(self, keep: str | None) -> None:
        """Show the rows matching the filter, the cursor on ``keep`` or after it."""
        terms = parse(self._filter)
        everything = self._order if self._order is not None else range(len(self._rows))
        if not terms:
            self._visible = list(everything)
        else:
            # Typing one more character only narrows: scan what was shown, not all.
            pool: Iterable[int] = self._visible if narrows(self._terms, terms) else everything
            haystack = self.filter_index()
            for term in terms:  # each term narrows what the one before kept
                pool = term.select(pool, haystack, self._position)
            self._visible = list(pool)
        self._terms = terms
        self._cursor = 0
        if keep is not None and keep in self._position:
            # The nearest visible row at or after the old one, in display order.
            target = self._position[keep]
            rank = self._rank
            if rank is None:
                place = bisect_left(self._visible, target)
            else:
                place = bisect_left(self._visible, rank[target], key=rank.__getitem__)
            self._cursor = min(place, max(len(self._visible) - 1, 0))

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

    def _mark(self, keys: Iterable[str]) -> int:
        """Mark rows (those already marked stay so); how many were newly marked."""
        before = len(self._marks)
        self._marks.update(key for key in keys if key in self._position)
        return len(self._marks) - before

    def _unmark(self, keys: Iterable[str]) -> bool:
        """Unmark rows; True when any was marked."""
        before = len(self._marks)
        self._marks.difference_update(keys)
        return len(self._marks) != before

    def _invert_visible_marks(self) -> None:
        """Mark the visible rows that are not marked, unmark those that are."""
        self._marks.symmetric_difference_update(self.visible_keys())

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
        visible = set(self.visible_keys())
        return {key for key in self._marks if key not in visible}

    @property
    def cursor_key(self) -> str | None:
        if not self._visible:
            return None
        return self._keys[self._visible[self._cursor]]

    @property
    def cursor_index(self) -> int:
        return self._cursor


def clean_rows(rows: Sequence[Row]) -> Sequence[Row]:
    """``rows`` with every cell made safe to draw (``safe_cells``)."""
    # Rows are nearly always clean already (made safe where server text enters):
    # one pass over all their text, in C, spares 100 000 tests of one row each.
    if all(map(str.isprintable, chain.from_iterable(map(attrgetter("cells"), rows)))):
        return rows
    return [Row(row.key, safe_cells(row.cells)) for row in rows]
