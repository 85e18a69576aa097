"""A table's rows and the items they are made from, each row built when first needed.

A safe holds up to 100 000 items. Building every row at once costs a frame, so the
rows of the screenful are built first (``row_at``) and the others in bulk after it
(``all_rows``), or as soon as something needs them all (a sort, a filter).

This is also where the items live: the table's model is their one owner (the
screen, the batch controller and the detail pane ask it for an item by key).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import chain
from operator import attrgetter
from typing import Generic, NamedTuple, TypeVar, cast

from tui.base.gc_pause import paused_gc
from tui.base.safe_text import safe_cells
from tui.ops.filtering import Field

T = TypeVar("T")

#: What the filter searches in a list of items: each item's lowered text of a field
#: (``tui.ops.filtering.item_columns`` for the console's items).
Search = Callable[[Sequence[T], Field], list[str]]


class Row(NamedTuple):
    """One row: its key (the item's identifier) and its cells. A named tuple, as
    100 000 of them are built at once."""

    key: str
    cells: tuple[str, ...]


def clean_rows(rows: Sequence[Row]) -> Sequence[Row]:
    """``rows`` with every cell made safe to draw (``safe_cells``)."""
    # Rows are nearly always clean already (made safe where server text enters):
    # one pass over all their text, in C, spares 100 000 tests of one row each.
    if all(map(str.isprintable, chain.from_iterable(map(attrgetter("cells"), rows)))):
        return rows
    return [Row(row.key, safe_cells(row.cells)) for row in rows]


class TableRows(Generic[T]):
    """The rows in the server's order, their keys, and the items behind them."""

    def __init__(self) -> None:
        #: The rows; None where a row is not built yet.
        self._rows: list[Row | None] = []
        #: Each row's key, in row order (known before the rows are built).
        self._keys: list[str] = []
        #: Each key's row.
        self._position: dict[str, int] = {}
        #: The items by key (empty for rows given as rows).
        self._items: dict[str, T] = {}
        #: What the rows not built yet are made from: (items, make_row).
        self._source: tuple[Sequence[T], Callable[[T], Row]] | None = None
        #: The items in row order, and what the filter searches in them (None: the
        #: rows' cells, as for rows given as rows).
        self._search: tuple[Sequence[T], Search[T]] | None = None
        #: Each row's lowered text of a field, for the filter; each built when first
        #: needed (``column``), so a large list's first screen does not wait.
        self._columns: dict[Field, list[str]] = {}

    # -- replacing ------------------------------------------------------------------

    def replace(self, rows: Sequence[Row]) -> None:
        """Every row replaced by ``rows`` (no items behind them)."""
        built = list(clean_rows(rows))
        self._source = None
        self._search = None
        self._rows = list[Row | None](built)
        self._keys = [row.key for row in built]
        self._items = {}
        self._replaced()

    def replace_items(
        self,
        keys: Sequence[str],
        items: Sequence[T],
        make_row: Callable[[T], Row],
        search: Search[T] | None = None,
    ) -> None:
        """Every row replaced by ``make_row`` of each item, ``keys`` their keys, each
        row built when first needed (``row_at``) or all at once (``all_rows``). The
        filter searches ``search`` of the items, or the rows' cells without it."""
        if len(keys) != len(items):
            raise ValueError(f"{len(keys)} keys for {len(items)} items")
        self._source = (items, make_row)
        self._search = (items, search) if search is not None else None
        self._rows = [None] * len(items)
        self._keys = list(keys)
        self._items = dict(zip(self._keys, items, strict=True))
        self._replaced()

    def _replaced(self) -> None:
        self._position = dict(zip(self._keys, range(len(self._keys)), strict=True))
        self._columns = {}

    def replace_row(self, key: str, cells: Sequence[str]) -> bool:
        """One row's cells replaced; False when there is no such row."""
        index = self._position.get(key)
        if index is None:
            return False
        self.all_rows()  # or building the others would bring the old row back
        row = Row(key, safe_cells(cells))
        self._rows[index] = row
        shown = self._columns.get(Field.SHOWN)
        if shown is not None and self._search is None:  # the filter searches the cells
            shown[index] = " ".join(row.cells).lower()
        return True

    # -- reading --------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._position

    @property
    def keys(self) -> Sequence[str]:
        """Each row's key, in the server's order."""
        return self._keys

    @property
    def position(self) -> Mapping[str, int]:
        """Each key's row number."""
        return self._position

    @property
    def items(self) -> Mapping[str, T]:
        """The items by key (empty when the rows were given as rows)."""
        return self._items

    def row_at(self, index: int) -> Row:
        """The row at ``index``, built now if it was not."""
        row = self._rows[index]
        if row is None:
            assert self._source is not None  # None rows only come with a source
            items, make_row = self._source
            row = self._rows[index] = clean_rows([make_row(items[index])])[0]
        return row

    def row(self, key: str) -> Row | None:
        index = self._position.get(key)
        return self.row_at(index) if index is not None else None

    def all_rows(self) -> list[Row]:
        """Every row, those not built yet built now (what sort and filter need)."""
        if self._source is not None:
            items, make_row = self._source
            # All of them again: those built already come out the same (a row
            # replaced since, by ``replace_row``, built them all first).
            with paused_gc():  # 100 000 rows at once: see ``tui.base.gc_pause``
                self._rows = list[Row | None](clean_rows(list(map(make_row, items))))
            self._source = None
        return cast(list[Row], self._rows)  # no None left

    def first_rows(self, count: int) -> list[Row]:
        """The first ``count`` rows in the server's order (to size columns on)."""
        return [self.row_at(index) for index in range(min(count, len(self._rows)))]

    def column(self, field: Field) -> Sequence[str]:
        """Each row's lowered text of ``field`` (``Field.ID``: its key), what the filter
        searches, built on first use: for 100 000 rows a few milliseconds. Rows given
        as rows (or items without a ``search``) have their cells joined as the shown
        text, and nothing in the fields a prefix reaches."""
        found = self._columns.get(field)
        if found is None:
            if field is Field.ID:
                found = list(self._keys)
            elif self._search is not None:
                items, search = self._search
                found = search(items, field)
            elif field is Field.SHOWN:
                found = [" ".join(row.cells).lower() for row in self.all_rows()]
            else:
                found = [""] * len(self._keys)
            self._columns[field] = found
        return found
